"""JSON shapes of the dossier API.

Input serializers check types and shapes only; the rules of the law (which documents are required,
who may act, when a supplement may still be asked for) stay in ``motcua.dossiers.actions`` so that the
counter page and the API refuse the same things with the same words.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.core import files
from motcua.dossiers import deadlines
from motcua.dossiers.actions import ApplicantData, Intake, SubmittedDocument
from motcua.dossiers.models import (
    ApplicantKind,
    Dossier,
    DossierChannel,
    DossierDocument,
    DossierEvent,
    DossierStep,
    ResultDelivery,
    Status,
    StepState,
)
from motcua.dossiers.workflow import TRANSITIONS
from motcua.organizations.codes import normalize_agency_code
from motcua.organizations.models import Unit
from motcua.workcalendar.deadlines import classify_finished, classify_open

MARK_LABELS = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "overdue": "Quá hạn",
    "due_soon": "Sắp đến hạn",
    "in_time": "Trong hạn",
}
ACTION_LABELS = {action: t.label for action, t in TRANSITIONS.items()}
# Named choice sets: referenced by SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] for stable schema names.
INTAKE_CHANNELS = [(DossierChannel.COUNTER.value, "Trực tiếp"), (DossierChannel.POST.value, "Dịch vụ bưu chính")]
NOTIFY_CHANNELS = [
    ("sms", "Tin nhắn"),
    ("email", "Thư điện tử"),
    ("phone", "Điện thoại"),
    ("portal", "Cổng dịch vụ công"),
]


def _find_unit(value: str) -> Unit:
    unit = Unit.objects.filter(agency_code=normalize_agency_code(value), active=True).first()
    if unit is None:
        raise serializers.ValidationError(f"Không có đơn vị đang hoạt động với mã định danh “{value}”.")
    return unit


# --- input ----------------------------------------------------------------------------------------


class ApplicantInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.INDIVIDUAL)
    full_name = serializers.CharField(max_length=255, help_text="Họ và tên (cá nhân) hoặc tên tổ chức.")
    id_number = serializers.CharField(
        max_length=12, required=False, allow_blank=True, help_text="Số định danh cá nhân (12 chữ số)."
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    tax_code = serializers.CharField(max_length=14, required=False, allow_blank=True, help_text="Mã số thuế (tổ chức).")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DocumentInputSerializer(serializers.Serializer):
    required_document_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="Dòng thành phần hồ sơ của thủ tục; bỏ trống cho giấy tờ khác."
    )
    name = serializers.CharField(required=False, allow_blank=True, help_text="Tên giấy tờ (mặc định: tên dòng).")
    copy_type = serializers.CharField(max_length=20, required=False, allow_blank=True)
    count = serializers.IntegerField(min_value=1, max_value=999, default=1)
    file_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    file = serializers.CharField(
        required=False,
        allow_blank=False,
        help_text="Nội dung tệp mã hóa base64: PDF, JPEG hoặc PNG (kiểm tra theo nội dung), "
        "mặc định PDF tối đa 50 MB, ảnh tối đa 20 MB.",
    )

    def validate_file(self, value: str) -> bytes:
        if len(value) > (files.limit_bytes(None) * 4) // 3 + 8:
            raise serializers.ValidationError(f"Tệp quá lớn ({files.limits_text()}).")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("Nội dung tệp không phải base64 hợp lệ.") from None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("required_document_id") and not attrs.get("name", "").strip():
            raise serializers.ValidationError({"name": ["Giấy tờ ngoài danh mục phải có tên."]})
        return attrs

    def to_document(self, data: dict[str, Any]) -> SubmittedDocument:
        return SubmittedDocument(
            required_document_id=data.get("required_document_id"),
            name=data.get("name", ""),
            copy_type=data.get("copy_type", ""),
            count=data.get("count", 1),
            file_name=data.get("file_name", ""),
            content=data.get("file"),
        )


def documents_from(items: list[dict[str, Any]]) -> list[SubmittedDocument]:
    serializer = DocumentInputSerializer()
    return [serializer.to_document(item) for item in items]


class IntakeSerializer(serializers.Serializer):
    """Counter intake. ``action=receive`` (default) receives a complete dossier (form 01, status 2);
    ``action=refuse`` records the refusal at the counter — guidance to complete it (form 02) or a refusal
    (form 03) — as a dossier in status 3 with its own code, so the register shows every visit."""

    action = serializers.ChoiceField(
        choices=[("receive", "Tiếp nhận"), ("refuse", "Không tiếp nhận (mẫu 02/03)")], default="receive"
    )
    procedure_code = serializers.CharField(max_length=60, help_text="Mã thủ tục, ví dụ 1.001193.")
    receiving_unit = serializers.CharField(max_length=40, help_text="Mã định danh nơi tiếp nhận.")
    handling_unit = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Mã định danh cơ quan giải quyết (nếu phải chọn)."
    )
    channel = serializers.ChoiceField(
        choices=INTAKE_CHANNELS,
        default=DossierChannel.COUNTER,
    )
    applicant = ApplicantInputSerializer()
    documents = DocumentInputSerializer(many=True, required=False, default=list)
    result_delivery = serializers.ChoiceField(choices=ResultDelivery.choices, default=ResultDelivery.COUNTER)
    delivery_address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    submitter = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=500),
        required=False,
        default=dict,
        help_text="Người nộp, nếu khác chủ hồ sơ: full_name, id_number, phone, relation…",
    )
    sets = serializers.IntegerField(min_value=1, max_value=99, default=1)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Bắt buộc khi action=refuse: nội dung/lý do."
    )
    kind = serializers.ChoiceField(
        choices=[("guidance", "Hướng dẫn bổ sung (mẫu 02)"), ("refusal", "Từ chối (mẫu 03)")],
        default="guidance",
        help_text="Khi action=refuse.",
    )
    missing_documents = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Khi action=refuse: giấy tờ còn thiếu."
    )

    def validate_receiving_unit(self, value: str) -> Unit:
        return _find_unit(value)

    def validate_handling_unit(self, value: str) -> Unit | None:
        return _find_unit(value) if value else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["action"] == "refuse" and not attrs.get("reason", "").strip():
            raise serializers.ValidationError({"reason": ["Ghi rõ lý do (nội dung cần bổ sung hoặc lý do từ chối)."]})
        if attrs["result_delivery"] == ResultDelivery.POST and not attrs.get("delivery_address", "").strip():
            raise serializers.ValidationError({"delivery_address": ["Nhận kết quả qua bưu chính phải có địa chỉ."]})
        return attrs

    def to_intake(self) -> Intake:
        data = self.validated_data
        applicant = data["applicant"]
        return Intake(
            procedure_code=data["procedure_code"].strip(),
            receiving_unit=data["receiving_unit"],
            handling_unit=data.get("handling_unit"),
            channel=data["channel"],
            applicant=ApplicantData(
                full_name=applicant["full_name"],
                kind=applicant.get("kind", ApplicantKind.INDIVIDUAL),
                id_number=applicant.get("id_number", ""),
                date_of_birth=applicant.get("date_of_birth"),
                tax_code=applicant.get("tax_code", ""),
                phone=applicant.get("phone", ""),
                email=applicant.get("email", ""),
                address=applicant.get("address", ""),
            ),
            documents=documents_from(data["documents"]),
            submitter=data["submitter"],
            result_delivery=data["result_delivery"],
            delivery_address=data["delivery_address"],
            sets=data["sets"],
        )


# --- action inputs (one per action in ``actions.ACTIONS``) ------------------------------------------


class ActionInputSerializer(serializers.Serializer):
    expected_revision = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="Số phiên bản (revision) của hồ sơ mà người dùng đang xem; khác với hiện tại thì trả 409.",
    )

    def action_kwargs(self) -> dict[str, Any]:
        return dict(self.validated_data)


class ReasonInputSerializer(ActionInputSerializer):
    reason = serializers.CharField(help_text="Lý do (bắt buộc).")


class RefuseIntakeInputSerializer(ReasonInputSerializer):
    kind = serializers.ChoiceField(
        choices=[("guidance", "Hướng dẫn bổ sung"), ("refusal", "Từ chối")], default="guidance"
    )


class CompleteStepInputSerializer(ActionInputSerializer):
    step_id = serializers.IntegerField(
        required=False, help_text="Bước cần hoàn thành; bắt buộc khi có nhiều bước song song của bạn."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequestSupplementInputSerializer(ReasonInputSerializer):
    documents = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, help_text="Giấy tờ cần bổ sung."
    )


class ReceiveSupplementInputSerializer(ActionInputSerializer):
    documents = DocumentInputSerializer(many=True, required=False, default=list)

    def action_kwargs(self) -> dict[str, Any]:
        kwargs = dict(self.validated_data)
        kwargs["documents"] = documents_from(kwargs.get("documents", []))
        return kwargs


AMOUNT = {"max_digits": 14, "decimal_places": 0, "help_text": "Số tiền (đồng)."}


class RequestFinancialInputSerializer(ActionInputSerializer):
    amount = serializers.DecimalField(min_value=0, **AMOUNT)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RecordPaymentInputSerializer(ActionInputSerializer):
    amount = serializers.DecimalField(**AMOUNT)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ApologizeInputSerializer(ReasonInputSerializer):
    new_due_date = serializers.DateField(help_text="Ngày hẹn trả mới (một ngày làm việc), định dạng YYYY-MM-DD.")


class ApproveInputSerializer(ActionInputSerializer):
    result_note = serializers.CharField(required=False, allow_blank=True, default="")
    result_documents = DocumentInputSerializer(
        many=True, required=False, default=list, help_text="Văn bản kết quả điện tử (tệp base64 bắt buộc)."
    )

    def action_kwargs(self) -> dict[str, Any]:
        kwargs = dict(self.validated_data)
        kwargs["result_documents"] = documents_from(kwargs.get("result_documents", []))
        return kwargs


class NotifyEarlyReturnInputSerializer(ActionInputSerializer):
    channel = serializers.ChoiceField(
        choices=NOTIFY_CHANNELS,
        default="sms",
    )


class ReturnResultInputSerializer(ActionInputSerializer):
    delivery = serializers.ChoiceField(
        choices=ResultDelivery.choices, required=False, help_text="Mặc định: hình thức đã đăng ký khi nộp."
    )
    postal_tracking = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="", help_text="Mã vận đơn (bắt buộc khi bưu chính)."
    )


ACTION_INPUTS: dict[str, type[ActionInputSerializer]] = {
    "receive": ActionInputSerializer,
    "refuse_intake": RefuseIntakeInputSerializer,
    "forward": ActionInputSerializer,
    "complete_step": CompleteStepInputSerializer,
    "request_supplement": RequestSupplementInputSerializer,
    "receive_supplement": ReceiveSupplementInputSerializer,
    "request_financial": RequestFinancialInputSerializer,
    "record_payment": RecordPaymentInputSerializer,
    "collect_fee": RecordPaymentInputSerializer,
    "apologize": ApologizeInputSerializer,
    "approve": ApproveInputSerializer,
    "refuse": ReasonInputSerializer,
    "notify_early_return": NotifyEarlyReturnInputSerializer,
    "return_result": ReturnResultInputSerializer,
    "withdraw": ReasonInputSerializer,
    "stop": ReasonInputSerializer,
}


# --- output ---------------------------------------------------------------------------------------


class UnitRefSerializer(serializers.Serializer):
    agency_code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class AllowedActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()


def is_overdue(dossier: Dossier, now=None) -> bool:
    due = dossier.effective_due_at
    open_statuses = (Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL)
    return bool(due and dossier.status in open_statuses and due < (now or timezone.now()))


class DossierListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    procedure = ProcedureRefSerializer(read_only=True)
    receiving_unit = UnitRefSerializer(read_only=True)
    handling_unit = UnitRefSerializer(read_only=True)
    applicant_name = serializers.CharField(source="applicant.full_name", read_only=True)
    applicant_id_masked = serializers.CharField(source="applicant.masked_id", read_only=True)
    due_at = serializers.DateTimeField(source="effective_due_at", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "procedure",
            "receiving_unit",
            "handling_unit",
            "applicant_name",
            "applicant_id_masked",
            "submitted_at",
            "received_at",
            "due_at",
            "original_due_at",
            "finished_at",
            "returned_at",
            "overdue",
            "revision",
        ]
        read_only_fields = fields

    def get_overdue(self, dossier: Dossier) -> bool:
        return is_overdue(dossier)


class DossierIntakeSerializer(DossierListSerializer):
    """The intake answer: what the counter needs at once (code, lookup secret, due moment, next actions).

    It is built from the dossier the action returned, without reading it back: intake is the hot path.
    The full detail is one GET away (``Location`` header)."""

    allowed_actions = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields = [*DossierListSerializer.Meta.fields, "lookup_secret", "fees_due", "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(AllowedActionSerializer(many=True))
    def get_allowed_actions(self, dossier: Dossier) -> list[dict[str, str]]:
        return AllowedActionSerializer(self.context.get("allowed_actions", []), many=True).data


class ApplicantSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    id_number = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True, allow_null=True)
    tax_code = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)


class DossierDocumentSerializer(serializers.ModelSerializer):
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = DossierDocument
        fields = [
            "id",
            "required_document",
            "name",
            "copy_type",
            "count",
            "has_file",
            "content_type",
            "size",
            "sha256",
            "supplement",
            "result",
            "added_at",
            "origin",
            "pages",
            "original_name",
            "digitised_at",
            "reused_from",
        ]
        read_only_fields = fields

    def get_has_file(self, document: DossierDocument) -> bool:
        return bool(document.file)


class DossierStepSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    mark = serializers.SerializerMethodField(help_text="early/on_time/late (đã xong) hoặc in_time/due_soon/overdue.")
    mark_label = serializers.SerializerMethodField()

    class Meta:
        model = DossierStep
        fields = [
            "id",
            "stage",
            "action",
            "unit",
            "external_agency",
            "inter_agency",
            "allotted",
            "state",
            "state_label",
            "started_at",
            "due_at",
            "finished_at",
            "mark",
            "mark_label",
        ]
        read_only_fields = fields

    def get_mark(self, step: DossierStep) -> str | None:
        if step.due_at is None:
            return None
        calendar = self.context["calendar"]
        if step.state == StepState.DONE and step.finished_at:
            return classify_finished(calendar, step.finished_at, step.due_at)
        if step.state == StepState.ACTIVE:
            return classify_open(calendar, self.context.get("now") or timezone.now(), step.due_at)
        return None

    def get_mark_label(self, step: DossierStep) -> str | None:
        return MARK_LABELS.get(self.get_mark(step) or "")


class DossierDetailSerializer(DossierListSerializer):
    applicant = ApplicantSerializer(read_only=True)
    documents = DossierDocumentSerializer(many=True, read_only=True)
    steps = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    due_explanation = serializers.SerializerMethodField()
    result_delivery_label = serializers.CharField(source="get_result_delivery_display", read_only=True)

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "applicant",
            "submitter",
            "result_delivery",
            "result_delivery_label",
            "delivery_address",
            "sets",
            "fees_due",
            "fees_paid",
            "lookup_secret",
            "rescheduled_due_at",
            "refused_at",
            "withdrawn_at",
            "stopped_at",
            "supplement_count",
            "apology_count",
            "result_kind",
            "result_note",
            "postal_tracking",
            "documents",
            "steps",
            "allowed_actions",
            "due_explanation",
        ]
        read_only_fields = fields

    @extend_schema_field(DossierStepSerializer(many=True))
    def get_steps(self, dossier: Dossier) -> list[dict[str, Any]]:
        context = {**self.context, "calendar": deadlines.calendar_of(dossier), "now": timezone.now()}
        return DossierStepSerializer(dossier.steps.select_related("unit"), many=True, context=context).data

    @extend_schema_field(AllowedActionSerializer(many=True))
    def get_allowed_actions(self, dossier: Dossier) -> list[dict[str, str]]:
        return AllowedActionSerializer(self.context.get("allowed_actions", []), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_due_explanation(self, dossier: Dossier) -> list[str]:
        return deadlines.explain_due(dossier)


class ActorSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()


class EventSerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    from_status_label = serializers.SerializerMethodField()
    to_status_label = serializers.SerializerMethodField()
    unit = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DossierEvent
        fields = [
            "id",
            "at",
            "action",
            "action_label",
            "actor",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "unit",
            "step",
            "reason",
            "payload",
        ]
        read_only_fields = fields

    def get_action_label(self, event: DossierEvent) -> str:
        return ACTION_LABELS.get(event.action, event.action)

    @extend_schema_field(ActorSerializer(allow_null=True))
    def get_actor(self, event: DossierEvent) -> dict[str, str] | None:
        if event.actor is None:
            return None
        return {"username": event.actor.get_username(), "full_name": getattr(event.actor, "full_name", "")}

    def get_from_status_label(self, event: DossierEvent) -> str | None:
        return Status(event.from_status).label if event.from_status else None

    def get_to_status_label(self, event: DossierEvent) -> str | None:
        return Status(event.to_status).label if event.to_status else None


# --- public tracking ------------------------------------------------------------------------------


class StatusSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    label = serializers.CharField()


class PublicEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.CharField()
    step = serializers.CharField(allow_null=True, help_text="Tên bước của quy trình (khi hoàn thành một bước).")
    unit = serializers.CharField(allow_null=True, help_text="Tên cơ quan, đơn vị (không có tên cán bộ).")
    status = StatusSerializer(allow_null=True)


class PublicDossierSerializer(serializers.Serializer):
    """What Circular 01/2018 Art. 16 lets anyone see with the code — and nothing that names a person."""

    code = serializers.CharField()
    status = StatusSerializer()
    procedure = ProcedureRefSerializer()
    receiving_unit = serializers.CharField(help_text="Tên nơi tiếp nhận.")
    received_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True, help_text="Ngày hẹn trả (đã tính hẹn lại, nếu có).")
    returned_on = serializers.DateField(allow_null=True)
    timeline = PublicEventSerializer(
        many=True, allow_null=True, help_text="Chỉ có khi gửi đúng mã tra cứu (secret); nếu không là null."
    )
