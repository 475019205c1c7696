"""Input forms of the back office.

These forms only *read and check what the officer typed* (formats, required fields, file bytes) so the
page can answer field by field, in Vietnamese, without losing anything. They never write: the views
hand the cleaned values to ``motcua.dossiers.actions``, the one write path, which checks the business
rules again (a page is never trusted to have done it).
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from motcua.catalog.models import CopyType, ProcedureVersion, RequiredDocument
from motcua.core import files as file_policy
from motcua.core import uploads as upload_policy
from motcua.documents.scanning import merge_pages
from motcua.dossiers.actions import ApplicantData, Intake, SubmittedDocument
from motcua.dossiers.models import ApplicantKind, DossierChannel, DossierStep, ResultDelivery
from motcua.dossiers.models.applicant import normalize_phone, validate_citizen_id, validate_phone, validate_tax_code
from motcua.organizations.models import Unit

DATE_HINT = "Ngày/tháng/năm, ví dụ 01/05/1990."
FILE_HINT = "PDF, JPEG hoặc PNG, tối đa 20 MB mỗi tệp; chọn được nhiều tệp."
FILE_KEPT_HINT = "Khi trang báo lỗi, trình duyệt không giữ được tệp đã chọn: hãy chọn lại tệp."
SCAN_HINT = "Chọn các trang đã quét theo thứ tự; nhiều trang được ghép thành một tệp PDF (PDF, JPEG hoặc PNG)."


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadListField(forms.FileField):
    """Several files in one input, none refused here (the scanning batch reports on each file instead)."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [upload for upload in uploads if upload]


class MultipleFileField(UploadListField):
    """Several files in one input, each checked by its *bytes* (a renamed .exe is not a PDF)."""

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        cleaned = [forms.FileField.clean(self, f, initial) for f in super().clean(data, initial)]
        errors = []
        for upload in cleaned:
            if refused := upload_policy.refusal(upload):  # over its limit, or cut off while streaming in
                errors.append(f"{refused}.")
                continue
            try:
                file_policy.check(upload.read(), upload.name or "")
            except file_policy.FileRejected as exc:
                errors.append(exc.message)
            upload.seek(0)
        if errors:
            raise ValidationError(errors)
        return cleaned


def read_files(files: list[UploadedFile]) -> list[tuple[str, bytes]]:
    return [(upload.name or "tep", upload.read()) for upload in files]


def _text(label: str, *, required: bool = False, max_length: int = 255, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=attrs or None)
    )


def _date(label: str, *, required: bool = False, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": "Ngày không đúng dạng ngày/tháng/năm (ví dụ 01/05/1990)."},
    )


# --- step 1 of the counter intake --------------------------------------------------------------------


class ProcedurePickForm(forms.Form):
    """Search box and receiving unit of step 1; read from the query string (GET, bookmarkable)."""

    q = forms.CharField(label="Tên hoặc mã thủ tục", required=False, max_length=200)
    unit = forms.ModelChoiceField(
        label="Nơi tiếp nhận",
        queryset=Unit.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Bạn không tiếp nhận hồ sơ tại đơn vị này."},
    )

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["autocomplete"] = "off"
        self.fields["q"].help_text = "Gõ có dấu hoặc không dấu, ví dụ: dang ky khai sinh, chứng thực, 1.001193."


# --- step 2: the intake form --------------------------------------------------------------------------


class IntakeForm(forms.Form):
    """Counter intake: applicant, submitter, channel, result delivery and the document checklist.

    The checklist is generated from the pinned procedure version's required documents: for each line
    ``doc_<id>_received`` (tick), ``doc_<id>_count``, ``doc_<id>_copy`` (original/copy) and
    ``doc_<id>_files`` (optional scans). ``decision`` says which button was pressed: the checks differ
    (receiving needs every required line; guidance/refusal needs a reason).
    """

    RECEIVE = "receive"
    GUIDANCE = "guidance"
    REFUSAL = "refusal"

    receiving_unit = forms.ModelChoiceField(label="Nơi tiếp nhận", queryset=Unit.objects.none(), empty_label=None)
    handling_unit = forms.ModelChoiceField(
        label="Cơ quan giải quyết",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="Tự xác định theo nơi tiếp nhận",
    )
    kind = forms.ChoiceField(
        label="Chủ hồ sơ là",
        choices=ApplicantKind.choices,
        initial=ApplicantKind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    full_name = _text("Họ và tên", autocomplete="off")
    id_number = _text("Số định danh cá nhân (CCCD)", max_length=20, inputmode="numeric", autocomplete="off")
    date_of_birth = _date("Ngày sinh")
    phone = _text("Số điện thoại", max_length=20, inputmode="tel", autocomplete="off")
    email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    address = _text("Địa chỉ", max_length=500, autocomplete="off")
    org_name = _text("Tên tổ chức")
    tax_code = _text("Mã số thuế", max_length=14, inputmode="numeric")
    submitter_name = _text("Họ và tên người nộp")
    submitter_id_number = _text("Số định danh của người nộp", max_length=20, inputmode="numeric")
    submitter_phone = _text("Điện thoại của người nộp", max_length=20, inputmode="tel")
    submitter_relation = _text("Quan hệ với chủ hồ sơ", max_length=100)
    channel = forms.ChoiceField(label="Hình thức nộp", choices=(), widget=forms.RadioSelect)
    sets = forms.IntegerField(
        label="Số bộ hồ sơ",
        min_value=1,
        max_value=20,
        initial=1,
        error_messages={"min_value": "Ít nhất 1 bộ.", "invalid": "Nhập một số nguyên."},
    )
    result_delivery = forms.ChoiceField(
        label="Nhận kết quả",
        choices=ResultDelivery.choices,
        initial=ResultDelivery.COUNTER,
        widget=forms.RadioSelect,
    )
    delivery_address = _text("Địa chỉ nhận kết quả qua bưu chính", max_length=500)
    reason = forms.CharField(
        label="Nội dung cần bổ sung / lý do từ chối",
        required=False,
        max_length=2000,
        help_text="Chỉ cần khi bấm “Hướng dẫn bổ sung” hoặc “Từ chối”.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        version: ProcedureVersion,
        units,
        handlers: list[Unit],
        decision: str = RECEIVE,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.decision = decision
        self.fields["receiving_unit"].queryset = units
        handler_ids = [u.pk for u in handlers]
        self.fields["handling_unit"].queryset = Unit.objects.filter(pk__in=handler_ids)
        self.show_handling_unit = len(handler_ids) > 1
        channels = [c for c in (DossierChannel.COUNTER, DossierChannel.POST) if c.value in (version.channels or [])]
        self.fields["channel"].choices = [(c.value, c.label) for c in channels] or [
            (DossierChannel.COUNTER.value, DossierChannel.COUNTER.label)
        ]
        self.fields["channel"].initial = self.fields["channel"].choices[0][0]
        self.fields["id_number"].help_text = "12 chữ số, ghi trên căn cước / căn cước công dân."
        self.fields["phone"].help_text = "Ví dụ 0912345678 hoặc +84912345678."
        self.lines: list[RequiredDocument] = list(version.documents.all())
        for line in self.lines:
            prefix = f"doc_{line.pk}"
            self.fields[f"{prefix}_received"] = forms.BooleanField(label="Đã nhận", required=False)
            self.fields[f"{prefix}_count"] = forms.IntegerField(
                label="Số lượng",
                min_value=1,
                max_value=99,
                initial=line.copies or 1,
                required=False,
                error_messages={"min_value": "Ít nhất 1.", "invalid": "Nhập một số nguyên."},
            )
            self.fields[f"{prefix}_copy"] = forms.ChoiceField(
                label="Loại bản", choices=CopyType.choices, initial=line.copy_type, required=False
            )
            self.fields[f"{prefix}_files"] = MultipleFileField(label="Tệp quét (không bắt buộc)", help_text=SCAN_HINT)

    # -- what the template iterates over ----------------------------------------------------------

    def checklist(self) -> list[dict[str, Any]]:
        rows = []
        for line in self.lines:
            prefix = f"doc_{line.pk}"
            rows.append(
                {
                    "line": line,
                    "received": self[f"{prefix}_received"],
                    "count": self[f"{prefix}_count"],
                    "copy": self[f"{prefix}_copy"],
                    "files": self[f"{prefix}_files"],
                    "missing": line.name in self.missing_names,
                }
            )
        return rows

    def summary_label(self, name: str) -> str:
        """A field's label for the error summary; checklist fields say which document they belong to."""
        label = str(self.fields[name].label)
        if name.startswith("doc_"):
            pk = int(name.split("_")[1])
            line = next((line for line in self.lines if line.pk == pk), None)
            if line is not None:
                return f"{line.name} — {label}"
        return label

    @property
    def missing_names(self) -> list[str]:
        return list(getattr(self, "_missing", []))

    # -- checks -----------------------------------------------------------------------------------

    def clean_id_number(self) -> str:
        return "".join((self.cleaned_data.get("id_number") or "").split())

    def clean_submitter_id_number(self) -> str:
        value = "".join((self.cleaned_data.get("submitter_id_number") or "").split())
        if value:
            validate_citizen_id(value)
        return value

    def clean_tax_code(self) -> str:
        return (self.cleaned_data.get("tax_code") or "").strip()

    def clean_phone(self) -> str:
        value = normalize_phone(self.cleaned_data.get("phone") or "")
        if value:
            validate_phone(value)
        return value

    def clean_submitter_phone(self) -> str:
        value = normalize_phone(self.cleaned_data.get("submitter_phone") or "")
        if value:
            validate_phone(value)
        return value

    def clean_date_of_birth(self) -> date | None:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise ValidationError("Ngày sinh ở tương lai.")
        if value and value.year < 1900:
            raise ValidationError("Ngày sinh trước năm 1900: hãy kiểm tra lại.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ApplicantKind.ORGANIZATION:
            if not data.get("org_name", "").strip():
                self.add_error("org_name", "Nhập tên tổ chức.")
            if not data.get("tax_code"):
                self.add_error("tax_code", "Nhập mã số thuế của tổ chức.")
            elif "tax_code" in data:
                try:
                    validate_tax_code(data["tax_code"])
                except ValidationError as exc:
                    self.add_error("tax_code", exc)
        else:
            if not data.get("full_name", "").strip():
                self.add_error("full_name", "Nhập họ và tên chủ hồ sơ.")
            if "id_number" in data:
                if not data["id_number"]:
                    self.add_error("id_number", "Nhập số định danh cá nhân (12 chữ số).")
                else:
                    try:
                        validate_citizen_id(data["id_number"])
                    except ValidationError as exc:
                        self.add_error("id_number", exc)
        has_submitter = any(data.get(k) for k in ("submitter_id_number", "submitter_phone", "submitter_relation"))
        if has_submitter and not data.get("submitter_name", "").strip():
            self.add_error("submitter_name", "Nhập họ và tên người nộp (hoặc để trống cả phần này).")
        if data.get("result_delivery") == ResultDelivery.POST and not data.get("delivery_address", "").strip():
            self.add_error("delivery_address", "Nhận qua bưu chính: nhập địa chỉ nhận kết quả.")
        self._missing = [
            line.name
            for line in self.lines
            if line.required and not data.get(f"doc_{line.pk}_received") and not data.get(f"doc_{line.pk}_files")
        ]
        self._merge_scans(data)
        if self.decision == self.RECEIVE and self._missing:
            self.add_error(
                None,
                ValidationError(
                    "Hồ sơ chưa đủ thành phần bắt buộc: %(names)s. Đánh dấu “Đã nhận” nếu đã có, hoặc bấm "
                    "“Hướng dẫn bổ sung (mẫu 02)”.",
                    code="missing_documents",
                    params={"names": "; ".join(self._missing)},
                ),
            )
        if self.decision in (self.GUIDANCE, self.REFUSAL) and not data.get("reason", "").strip():
            self.add_error("reason", "Ghi rõ nội dung cần bổ sung hoặc lý do từ chối.")
        return data

    def _merge_scans(self, data: dict[str, Any]) -> None:
        """The pages scanned for one line become one PDF (``documents.scanning.merge_pages``): a component
        is one file, whatever the number of pages; a page that cannot be merged is reported on its line."""
        self._scans: dict[int, tuple[bytes, str]] = {}
        for line in self.lines:
            name = f"doc_{line.pk}_files"
            uploads = data.get(name) or []
            if not uploads or name in self.errors:
                continue
            try:
                self._scans[line.pk] = merge_pages(read_files(uploads), name=line.name)
            except file_policy.FileRejected as exc:
                self.add_error(name, exc.message)

    # -- to the action ----------------------------------------------------------------------------

    def documents(self) -> list[SubmittedDocument]:
        """One row per received line, with its scanned pages merged into one PDF when pages were given."""
        rows: list[SubmittedDocument] = []
        scans = getattr(self, "_scans", {})
        for line in self.lines:
            prefix = f"doc_{line.pk}"
            scan = scans.get(line.pk)
            if not self.cleaned_data.get(f"{prefix}_received") and scan is None:
                continue
            count = self.cleaned_data.get(f"{prefix}_count") or line.copies or 1
            copy_type = self.cleaned_data.get(f"{prefix}_copy") or line.copy_type
            if scan is None:
                rows.append(SubmittedDocument(line.pk, copy_type=copy_type, count=count))
            else:
                content, file_name = scan
                rows.append(
                    SubmittedDocument(line.pk, copy_type=copy_type, count=count, file_name=file_name, content=content)
                )
        return rows

    def intake(self) -> Intake:
        data = self.cleaned_data
        if data["kind"] == ApplicantKind.ORGANIZATION:
            applicant = ApplicantData(
                full_name=data["org_name"].strip(),
                kind=ApplicantKind.ORGANIZATION,
                tax_code=data["tax_code"],
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                address=data.get("address", ""),
            )
        else:
            applicant = ApplicantData(
                full_name=data["full_name"].strip(),
                id_number=data["id_number"],
                date_of_birth=data.get("date_of_birth"),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                address=data.get("address", ""),
            )
        submitter = {
            key: data.get(f"submitter_{key}", "").strip()
            for key in ("name", "id_number", "phone", "relation")
            if data.get(f"submitter_{key}", "").strip()
        }
        return Intake(
            procedure_code=self.version.procedure.code,
            receiving_unit=data["receiving_unit"],
            handling_unit=data.get("handling_unit"),
            applicant=applicant,
            channel=data["channel"],
            documents=self.documents(),
            submitter=submitter,
            result_delivery=data["result_delivery"],
            delivery_address=data.get("delivery_address", "").strip(),
            sets=data.get("sets") or 1,
        )

    # Errors the action raised map back to these fields (the rest go to the summary).
    ACTION_FIELD_MAP = {
        "full_name": "full_name",
        "id_number": "id_number",
        "date_of_birth": "date_of_birth",
        "phone": "phone",
        "email": "email",
        "address": "address",
        "tax_code": "tax_code",
        "reason": "reason",
    }

    def add_action_errors(self, message: str, errors: dict[str, list[str]]) -> None:
        """Show an ``InvalidAction`` from the write path on the fields it names."""
        placed = False
        for key, messages in errors.items():
            field = self.ACTION_FIELD_MAP.get(key)
            if key == "full_name" and self.cleaned_data.get("kind") == ApplicantKind.ORGANIZATION:
                field = "org_name"
            if field and field in self.fields:
                for text in messages:
                    self.add_error(field, text)
                placed = True
            elif key == "documents":
                self._missing = list(messages)
        if not placed:
            self.add_error(None, message)


def applicant_initial(applicant) -> dict[str, Any]:
    """Pre-fill the intake form from a known applicant (found by ID number or tax code)."""
    if applicant.kind == ApplicantKind.ORGANIZATION:
        return {
            "kind": applicant.kind,
            "org_name": applicant.full_name,
            "tax_code": applicant.tax_code,
            "phone": applicant.phone,
            "email": applicant.email,
            "address": applicant.address,
        }
    return {
        "kind": applicant.kind,
        "full_name": applicant.full_name,
        "id_number": applicant.id_number,
        "date_of_birth": applicant.date_of_birth,
        "phone": applicant.phone,
        "email": applicant.email,
        "address": applicant.address,
    }


# --- queue filters and the register ----------------------------------------------------------------


class QueueFilterForm(forms.Form):
    q = forms.CharField(label="Thủ tục hoặc mã hồ sơ", required=False, max_length=200)
    unit = forms.ModelChoiceField(
        label="Đơn vị", queryset=Unit.objects.none(), required=False, empty_label="Tất cả đơn vị của tôi"
    )
    received_from = _date("Tiếp nhận từ ngày", help_text="")
    received_to = _date("đến ngày", help_text="")

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].error_messages["invalid_choice"] = "Đơn vị này không thuộc phạm vi của bạn."
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "Ngày kết thúc phải sau ngày bắt đầu.")
        return data


class RegisterForm(forms.Form):
    """Form 06 parameters; the query string keeps the short names ``unit``, ``from``, ``to``, ``format``."""

    unit = forms.ModelChoiceField(label="Bộ phận tiếp nhận", queryset=Unit.objects.none(), empty_label=None)
    start = _date("Từ ngày", required=True, help_text="")
    end = _date("Đến ngày", required=True, help_text="")
    format = forms.ChoiceField(
        label="Định dạng",
        choices=[("pdf", "PDF (in, ký)"), ("xlsx", "Excel (.xlsx)")],
        initial="pdf",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].error_messages["invalid_choice"] = "Đơn vị này không thuộc phạm vi của bạn."
        # "from" is a Python keyword, so the fields are declared as start/end and renamed here.
        self.fields["from"] = self.fields.pop("start")
        self.fields["to"] = self.fields.pop("end")
        self.order_fields(["unit", "from", "to", "format"])
        for name in ("from", "to"):
            self.fields[name].error_messages["required"] = "Nhập ngày."

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "Ngày kết thúc phải sau ngày bắt đầu.")
        if start and end and (end - start).days > 366:
            self.add_error("to", "Sổ theo dõi in tối đa một năm mỗi lần.")
        return data


# --- the dossier desk: one small form per action ----------------------------------------------------


def _reason(label: str = "Lý do", *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Ghi rõ lý do."},
    )


def _amount(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Nhập số tiền bằng chữ số (đồng).", "required": "Nhập số tiền."},
    )


class ActionForm(forms.Form):
    """The inputs one action needs; ``kwargs()`` turns them into the action function's arguments."""

    def __init__(self, *args: Any, dossier=None, steps: list[DossierStep] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.steps = steps or []

    def kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ReasonActionForm(ActionForm):
    reason = _reason()


class RefuseIntakeForm(ActionForm):
    kind = forms.ChoiceField(
        label="Loại phiếu",
        choices=[("guidance", "Hướng dẫn bổ sung (mẫu 02)"), ("refusal", "Từ chối tiếp nhận (mẫu 03)")],
        initial="guidance",
    )
    reason = _reason("Nội dung cần bổ sung / lý do từ chối")


class CompleteStepForm(ActionForm):
    step_id = forms.TypedChoiceField(label="Bước", coerce=int, choices=())
    note = forms.CharField(
        label="Ý kiến, kết quả bước", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step_id"].choices = [(s.pk, f"{s.stage}. {s.action} — {s.agency_name}") for s in self.steps]
        if len(self.steps) == 1:
            self.fields["step_id"].widget = forms.HiddenInput()
            self.fields["step_id"].initial = self.steps[0].pk


class RequestSupplementForm(ActionForm):
    reason = _reason("Lý do yêu cầu bổ sung")
    documents = forms.CharField(
        label="Giấy tờ cần bổ sung",
        required=False,
        help_text="Mỗi giấy tờ một dòng.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def kwargs(self) -> dict[str, Any]:
        lines = [line.strip() for line in self.cleaned_data["documents"].splitlines() if line.strip()]
        return {"reason": self.cleaned_data["reason"], "documents": lines}


class ReceiveSupplementForm(ActionForm):
    names = forms.CharField(
        label="Giấy tờ đã nhận bổ sung",
        required=False,
        help_text="Mỗi giấy tờ một dòng (theo thứ tự tệp, nếu có tệp).",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(label="Tệp quét (không bắt buộc)", help_text=FILE_HINT)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("names") or "").strip() and not data.get("files"):
            raise ValidationError("Ghi tên giấy tờ đã nhận bổ sung hoặc chọn tệp.")
        return data

    def kwargs(self) -> dict[str, Any]:
        names = [line.strip() for line in (self.cleaned_data.get("names") or "").splitlines() if line.strip()]
        files = read_files(self.cleaned_data.get("files") or [])
        documents = []
        for index, (file_name, content) in enumerate(files):
            name = names[index] if index < len(names) else file_name
            documents.append(SubmittedDocument(None, name, file_name=file_name, content=content))
        documents += [SubmittedDocument(None, name) for name in names[len(files) :]]
        return {"documents": documents}


class RequestFinancialForm(ActionForm):
    amount = _amount("Số tiền (đồng)")
    reason = _reason("Nội dung nghĩa vụ tài chính", required=False)


class RecordPaymentForm(ActionForm):
    amount = _amount("Số tiền đã nộp (đồng)")
    reference = forms.CharField(label="Số biên lai / chứng từ", required=False, max_length=100)


class ApologizeForm(ActionForm):
    reason = _reason("Lý do chậm trễ")
    new_due_date = _date("Ngày hẹn trả mới", required=True)


class ApproveForm(ActionForm):
    result_note = forms.CharField(label="Số, ký hiệu văn bản kết quả (nếu có)", required=False, max_length=2000)
    result_files = MultipleFileField(
        label="Văn bản kết quả điện tử (không bắt buộc)",
        help_text="Bản điện tử của kết quả (PDF hoặc ảnh), người nộp tải về khi chọn nhận kết quả trực tuyến.",
    )

    def _result_name(self, file_name: str) -> str:
        """The name the citizen sees in their store: the procedure's result ("Giấy khai sinh") when it has one
        result, else the file's name without its extension."""
        version = getattr(self.dossier, "procedure_version", None)
        names = [r.get("name", "") for r in (version.result_documents if version else []) if isinstance(r, dict)]
        if len(names) == 1 and names[0]:
            return names[0]
        return os.path.splitext(file_name)[0] or file_name

    def kwargs(self) -> dict[str, Any]:
        files = read_files(self.cleaned_data.get("result_files") or [])
        return {
            "result_note": self.cleaned_data.get("result_note", ""),
            "result_documents": [
                SubmittedDocument(None, self._result_name(file_name), file_name=file_name, content=content)
                for file_name, content in files
            ],
        }


NOTIFY_CHANNELS = [("sms", "Tin nhắn"), ("phone", "Điện thoại"), ("email", "Thư điện tử")]


class NotifyEarlyReturnForm(ActionForm):
    channel = forms.ChoiceField(label="Thông báo qua", choices=NOTIFY_CHANNELS, initial="sms")


class ReturnResultForm(ActionForm):
    delivery = forms.ChoiceField(label="Hình thức trả", choices=ResultDelivery.choices)
    postal_tracking = forms.CharField(
        label="Mã vận đơn bưu chính", required=False, max_length=50, help_text="Bắt buộc khi trả qua bưu chính."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.dossier is not None:
            self.fields["delivery"].initial = self.dossier.result_delivery


class EmptyActionForm(ActionForm):
    pass


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "receive": EmptyActionForm,
    "refuse_intake": RefuseIntakeForm,
    "forward": EmptyActionForm,
    "complete_step": CompleteStepForm,
    "request_supplement": RequestSupplementForm,
    "receive_supplement": ReceiveSupplementForm,
    "request_financial": RequestFinancialForm,
    "record_payment": RecordPaymentForm,
    "collect_fee": RecordPaymentForm,
    "apologize": ApologizeForm,
    "approve": ApproveForm,
    "refuse": ReasonActionForm,
    "notify_early_return": NotifyEarlyReturnForm,
    "return_result": ReturnResultForm,
    "withdraw": ReasonActionForm,
    "stop": ReasonActionForm,
}

# Actions that end or refuse something: shown with a warning style, below the ordinary ones.
DANGER_ACTIONS = frozenset({"refuse_intake", "refuse", "withdraw", "stop"})
