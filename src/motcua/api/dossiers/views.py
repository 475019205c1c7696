"""Dossier API views: token login, intake, queues, detail, history, actions, printed forms, public tracking.

Scoping follows ``motcua.api.views`` for units: a dossier that exists but is outside every unit where the
caller holds ``dossiers.view_dossier`` answers 403, a code that does not exist answers 404, and lists
only ever contain visible dossiers. A dossier is visible through its receiving unit, its handling unit
or the unit of one of its steps (a department asked for its opinion must see what it is asked about).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import authenticate, user_logged_in
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from motcua.accounts.lockout import locked_until, lockout_message
from motcua.api.dossiers import problem
from motcua.api.dossiers.idempotency import HEADER as IDEMPOTENCY_HEADER
from motcua.api.dossiers.idempotency import idempotent
from motcua.api.dossiers.serializers import (
    ACTION_INPUTS,
    ACTION_LABELS,
    DossierDetailSerializer,
    DossierIntakeSerializer,
    DossierListSerializer,
    EventSerializer,
    IntakeSerializer,
    PublicDossierSerializer,
)
from motcua.dossiers import actions, workflow
from motcua.dossiers.access import VIEW_DOSSIER, can_view, offers, secret_matches, visible_dossiers
from motcua.dossiers.codes import DOSSIER_CODE_RE, normalize_code
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.organizations.codes import normalize_agency_code
from motcua.organizations.models import Unit
from motcua.organizations.scoping import has_unit_perm

TAG = "Hồ sơ"
PUBLIC_TAG = "Tra cứu hồ sơ (công khai)"
FORMS = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "05": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
MAX_REGISTER_DAYS = 366

PROBLEM = OpenApiResponse(description="Lỗi theo RFC 7807 (application/problem+json), nội dung tiếng Việt.")
PROBLEMS = {
    400: OpenApiResponse(description="Dữ liệu không hợp lệ; `errors` liệt kê lỗi từng trường (RFC 7807)."),
    401: OpenApiResponse(description="Chưa đăng nhập (RFC 7807)."),
    403: OpenApiResponse(description="Không có quyền tại đơn vị (RFC 7807)."),
    404: OpenApiResponse(description="Không tìm thấy (RFC 7807)."),
}
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Khóa chống tạo trùng (1–255 ký tự, nên dùng UUID), riêng cho từng người dùng. Gửi lại cùng khóa và cùng "
        "nội dung trong 24 giờ: nhận lại đúng phản hồi thành công lần đầu (cùng mã trạng thái, cùng nội dung, "
        "kèm `Idempotent-Replayed: true`), không tạo hồ sơ mới. Cùng khóa nhưng khác nội dung: 422. "
        "Phản hồi lỗi không được ghi nhớ: sửa rồi gửi lại với cùng khóa."
    ),
)


# --- scoping --------------------------------------------------------------------------------------


def candidate_codes(raw: str) -> list[str]:
    """Stored forms of a typed code: 4–7 digit sequences (``…-0001``, ``…-0000001``) and either order of
    the agency code's groups (``000.01.41.H57`` or ``H57.41.01.000``). Empty if it is not a code."""
    match = DOSSIER_CODE_RE.match(normalize_code(raw))
    if match is None:
        return []
    seq = int(match["seq"])
    unit = match["unit"]
    groups = unit.split(".")
    units = [unit]
    if len(groups) > 1 and any(c.isalpha() for c in groups[0]):
        units.append(".".join(reversed(groups)))
    return [f"{u}-{match['day']}-{seq:04d}" for u in units]


DETAIL_RELATED = ("procedure", "procedure_version", "receiving_unit__office_hours", "handling_unit", "applicant")


def get_visible_dossier(request: Request, code: str, *, queryset: QuerySet[Dossier] | None = None) -> Dossier:
    """The dossier by code, or 404 (no such code) / 403 (exists, not yours) as for units."""
    codes = candidate_codes(code)
    queryset = queryset if queryset is not None else Dossier.objects.all()
    dossier = queryset.filter(code__in=codes).first() if codes else None
    if dossier is None:
        raise NotFound(f"Không tìm thấy hồ sơ “{code}”.")
    if not can_view(request.user, dossier):
        raise PermissionDenied("Bạn không có quyền xem hồ sơ này.")
    return dossier


def allowed_for(user, dossier: Dossier) -> list[dict[str, str]]:
    """The actions this caller may take now (see ``dossiers.access.offers``), with their API URLs."""
    return [
        {
            "action": offer.action,
            "label": offer.label,
            "url": f"/api/v1/dossiers/{dossier.code}/actions/{offer.action}/",
        }
        for offer in offers(user, dossier)
    ]


def detail_response(request: Request, dossier: Dossier, status: int = 200, headers: dict | None = None) -> Response:
    fresh = Dossier.objects.select_related(*DETAIL_RELATED).prefetch_related("documents").get(pk=dossier.pk)
    context = {"request": request, "allowed_actions": allowed_for(request.user, fresh)}
    return Response(DossierDetailSerializer(fresh, context=context).data, status=status, headers=headers)


def action_problem(exc: actions.ActionError) -> Response:
    return problem(exc.status, exc.message, code=exc.code, errors=exc.errors)


# --- token ----------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    username = serializers.CharField()


class TokenView(APIView):
    """Exchange username and password for an API token (header ``Authorization: Token <token>``).

    The same lockout as the login page applies: after 5 wrong passwords the account is locked for 15
    minutes whatever is typed, so a script cannot guess passwords through the API instead of the form.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=["Xác thực"],
        summary="Lấy token API bằng tên đăng nhập và mật khẩu",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Sai tên đăng nhập hoặc mật khẩu (RFC 7807)."),
            403: OpenApiResponse(description="Tài khoản đang bị tạm khóa do đăng nhập sai nhiều lần (RFC 7807)."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        until = locked_until(username)
        if until:
            return problem(403, lockout_message(until), code="account_locked")
        user = authenticate(request._request, username=username, password=serializer.validated_data["password"])
        if user is None:
            until = locked_until(username)
            if until:  # this attempt was the last one allowed
                return problem(403, lockout_message(until), code="account_locked")
            return problem(400, "Tên đăng nhập hoặc mật khẩu không đúng.", code="invalid_credentials")
        token, _ = Token.objects.get_or_create(user=user)
        # Clears the failure count and stamps last_login, as a login through the form does.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token.key, "username": user.get_username()})


# --- list and intake ------------------------------------------------------------------------------


class NumberInFilter(filters.BaseInFilter, filters.NumberFilter):
    pass


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class DossierFilter(filters.FilterSet):
    status = NumberInFilter(
        field_name="status", help_text="Mã trạng thái (1–10), nhiều mã cách nhau bằng dấu phẩy, ví dụ `2,4`."
    )
    unit = filters.CharFilter(
        method="filter_unit", help_text="Mã định danh đơn vị: nơi tiếp nhận hoặc cơ quan giải quyết."
    )
    procedure = filters.CharFilter(field_name="procedure__code", help_text="Mã thủ tục, ví dụ `1.001193`.")
    overdue = filters.BooleanFilter(
        method="filter_overdue", help_text="`true`: hồ sơ đang giải quyết đã quá hạn trả (đã tính hẹn lại)."
    )
    due_before = filters.DateFilter(
        method="filter_due_before", help_text="Hạn trả (đã tính hẹn lại) vào hoặc trước ngày này (YYYY-MM-DD)."
    )
    received_after = filters.DateFilter(
        method="filter_received_after", help_text="Tiếp nhận từ ngày này (gồm cả ngày này)."
    )
    received_before = filters.DateFilter(
        method="filter_received_before", help_text="Tiếp nhận đến ngày này (gồm cả ngày này)."
    )

    class Meta:
        model = Dossier
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet[Dossier], name: str, value: str) -> QuerySet[Dossier]:
        unit_id = Unit.objects.filter(agency_code=normalize_agency_code(value)).values_list("pk", flat=True).first()
        if unit_id is None:
            return queryset.none()
        return queryset.filter(Q(receiving_unit_id=unit_id) | Q(handling_unit_id=unit_id))

    def filter_overdue(self, queryset: QuerySet[Dossier], name: str, value: bool | None) -> QuerySet[Dossier]:
        if value is None:
            return queryset
        now = timezone.now()
        late = Q(rescheduled_due_at__lt=now) | Q(rescheduled_due_at__isnull=True, due_at__lt=now)
        running = Q(status__in=[Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL])
        return queryset.filter(running & late) if value else queryset.exclude(running & late)

    def filter_due_before(self, queryset: QuerySet[Dossier], name: str, value: date) -> QuerySet[Dossier]:
        end = _day_start(value + timedelta(days=1))
        return queryset.filter(Q(rescheduled_due_at__lt=end) | Q(rescheduled_due_at__isnull=True, due_at__lt=end))

    def filter_received_after(self, queryset: QuerySet[Dossier], name: str, value: date) -> QuerySet[Dossier]:
        return queryset.filter(received_at__gte=_day_start(value))

    def filter_received_before(self, queryset: QuerySet[Dossier], name: str, value: date) -> QuerySet[Dossier]:
        return queryset.filter(received_at__lt=_day_start(value + timedelta(days=1)))


class DossierListCreateView(generics.GenericAPIView):
    """Dossiers of the units the caller may see; counter intake."""

    serializer_class = DossierListSerializer
    filterset_class = DossierFilter
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[Dossier]:
        if getattr(self, "swagger_fake_view", False):
            return Dossier.objects.none()
        return (
            visible_dossiers(self.request.user)
            .select_related("procedure", "receiving_unit", "handling_unit", "applicant")
            .order_by("-id")
        )

    @extend_schema(
        tags=[TAG],
        summary="Danh sách hồ sơ (trong phạm vi đơn vị được xem)",
        responses={200: DossierListSerializer(many=True), **PROBLEMS},
    )
    def get(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DossierListSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Tiếp nhận hồ sơ tại Bộ phận Một cửa (hoặc ghi nhận không tiếp nhận: mẫu 02/03)",
        description=(
            "`action=receive` (mặc định): tiếp nhận hồ sơ đủ thành phần, tính hạn trả, trạng thái 2 (mẫu 01). "
            "Trả về 201 với mã hồ sơ, mã tra cứu, hạn trả và thao tác tiếp theo; chi tiết đầy đủ ở địa chỉ "
            "trong header `Location`. "
            "Thiếu thành phần bắt buộc: 400, `errors.documents` liệt kê giấy tờ còn thiếu. "
            "`action=refuse`: ghi nhận hướng dẫn bổ sung (`kind=guidance`, mẫu 02) hoặc từ chối "
            "(`kind=refusal`, mẫu 03), trạng thái 3, phải có `reason`. Tệp gửi dạng base64."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=IntakeSerializer,
        responses={
            201: DossierIntakeSerializer,
            **PROBLEMS,
            409: PROBLEM,
            422: OpenApiResponse(description="Khóa Idempotency-Key đã dùng cho yêu cầu khác (RFC 7807)."),
        },
        examples=[
            OpenApiExample(
                "Tiếp nhận đăng ký khai sinh",
                request_only=True,
                value={
                    "procedure_code": "1.001193",
                    "receiving_unit": "000.01.41.H57",
                    "channel": "counter",
                    "applicant": {
                        "full_name": "Nguyễn Văn An",
                        "id_number": "046090001234",
                        "phone": "0912345678",
                        "address": "12 Lê Lợi, phường Thuận Hóa",
                    },
                    "documents": [{"required_document_id": 1, "count": 1}, {"required_document_id": 2, "count": 1}],
                    "result_delivery": "counter",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = IntakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return idempotent(request, lambda: self._intake(request, serializer))

    def _intake(self, request: Request, serializer: IntakeSerializer) -> Response:
        data = serializer.validated_data
        try:
            if data["action"] == "refuse":
                dossier = actions.refuse_at_counter(
                    serializer.to_intake(),
                    actor=request.user,
                    reason=data["reason"],
                    kind=data["kind"],
                    missing_documents=data["missing_documents"],
                )
            else:
                dossier = actions.receive_at_counter(serializer.to_intake(), actor=request.user)
        except actions.ActionError as exc:
            return action_problem(exc)
        context = {"allowed_actions": allowed_for(request.user, dossier)}
        return Response(
            DossierIntakeSerializer(dossier, context=context).data,
            status=201,
            headers={"Location": f"/api/v1/dossiers/{dossier.code}/"},
        )


# --- one dossier ----------------------------------------------------------------------------------

CODE_PARAMETER = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Mã hồ sơ, ví dụ `000.01.41.H57-260309-0001`."
)


class DossierDetailView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Chi tiết hồ sơ: giấy tờ, các bước và hạn từng bước, thao tác được phép, cách tính hạn",
        parameters=[CODE_PARAMETER],
        responses={200: DossierDetailSerializer, **PROBLEMS},
    )
    def get(self, request: Request, code: str) -> Response:
        return detail_response(request, get_visible_dossier(request, code))


class DossierEventsView(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Lịch sử xử lý hồ sơ (mọi thao tác, không sửa, không xóa)",
        parameters=[CODE_PARAMETER],
        responses={200: EventSerializer(many=True), **PROBLEMS},
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = get_visible_dossier(request, code)
        events = DossierEvent.objects.filter(dossier=dossier).select_related("actor", "unit").order_by("at", "id")
        return Response(EventSerializer(events, many=True).data)


class DossierActionView(APIView):
    """One action of ``actions.ACTIONS``; a subclass per action is generated below (own schema, own input)."""

    action_name = ""
    input_class: type[serializers.Serializer] = serializers.Serializer
    parser_classes = [JSONParser]

    def post(self, request: Request, code: str) -> Response:
        dossier = get_visible_dossier(request, code)
        serializer = self.input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        kwargs = serializer.action_kwargs()
        function: Callable[..., Dossier] = actions.ACTIONS[self.action_name]

        def run() -> Response:
            try:
                updated = function(dossier.code, actor=request.user, **kwargs)
            except actions.ActionError as exc:
                return action_problem(exc)
            return detail_response(request, updated)

        return idempotent(request, run)


SCOPE_LABELS = {"receiving": "nơi tiếp nhận", "handling": "cơ quan giải quyết", "step": "đơn vị của bước đang xử lý"}


def _action_view(name: str) -> type[DossierActionView]:
    transition = workflow.TRANSITIONS[name]
    doc = (actions.ACTIONS[name].__doc__ or "").strip()
    input_class = ACTION_INPUTS[name]
    sources = ", ".join(str(int(s)) if s is not None else "chưa tạo" for s in sorted(transition.sources, key=str))

    # A method of its own per action, so that each gets its own operation (id, input) in OpenAPI.
    @extend_schema(
        tags=[TAG],
        operation_id=f"dossier_action_{name}",
        summary=f"Thao tác: {transition.label}",
        description=(
            f"{doc}\n\nTừ trạng thái: {sources}. Quyền: `{transition.permission}` tại "
            f"{SCOPE_LABELS[transition.scope]}. "
            "Sai trạng thái hoặc hồ sơ đã đổi (`expected_revision`): 409; không có quyền: 403."
        ),
        parameters=[CODE_PARAMETER, IDEMPOTENCY_PARAMETER],
        request=input_class,
        responses={200: DossierDetailSerializer, **PROBLEMS, 409: PROBLEM},
    )
    def post(self: DossierActionView, request: Request, code: str) -> Response:
        return DossierActionView.post(self, request, code)

    return type(
        f"{''.join(part.title() for part in name.split('_'))}ActionView",
        (DossierActionView,),
        {"action_name": name, "input_class": input_class, "__doc__": doc, "post": post},
    )


ACTION_VIEWS: dict[str, type[DossierActionView]] = {name: _action_view(name) for name in actions.ACTIONS}


class UnknownActionView(APIView):
    @extend_schema(exclude=True)
    def post(self, request: Request, code: str, action: str) -> Response:
        raise NotFound(f"Không có thao tác “{action}”. Các thao tác: {', '.join(ACTION_LABELS)}.")


# --- printed forms and the register ---------------------------------------------------------------


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; problems are still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None):
        if isinstance(data, bytes | bytearray):
            return data
        return JSONRenderer().render(data)


class XLSXRenderer(PDFRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


def _file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class DossierFormView(APIView):
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        tags=[TAG],
        summary="In phiếu theo mẫu 01–05 (Thông tư 01/2018/TT-VPCP)",
        description="; ".join(f"`{k}`: {v}" for k, v in FORMS.items()),
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter("form", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FORMS)),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **PROBLEMS, 501: PROBLEM},
    )
    def get(self, request: Request, code: str, form: str) -> HttpResponse | Response:
        if form not in FORMS:
            raise NotFound(f"Không có mẫu “{form}”; các mẫu: {', '.join(FORMS)}.")
        dossier = get_visible_dossier(request, code, queryset=Dossier.objects.select_related(*DETAIL_RELATED))
        try:  # imported here: the API works (and answers 501) while the forms module is absent
            from motcua.dossiers.forms import FormNotAvailable, render_form
        except ImportError:
            return problem(501, "Chức năng in phiếu chưa được cài đặt.", code="not_implemented")
        try:
            content = render_form(dossier, form)
        except FormNotAvailable as exc:  # e.g. form 04 for a dossier that was never rescheduled
            return problem(409, exc.message, code="form_not_available")
        return _file_response(content, "application/pdf", f"{dossier.code}-mau-{form}.pdf")


class RegisterView(APIView):
    renderer_classes = [JSONRenderer, PDFRenderer, XLSXRenderer]
    file_format = "pdf"

    def _period(self, request: Request) -> tuple[date, date]:
        today = timezone.localdate()
        field = serializers.DateField()
        errors: dict[str, list[str]] = {}
        values = {}
        for name in ("from", "to"):
            raw = request.query_params.get(name)
            try:
                values[name] = field.to_internal_value(raw) if raw else today
            except serializers.ValidationError as exc:
                errors[name] = [str(m) for m in exc.detail]
        if errors:
            raise ValidationError(errors)
        start, end = values["from"], values["to"]
        if start > end:
            raise ValidationError({"from": ["Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."]})
        if (end - start).days >= MAX_REGISTER_DAYS:
            raise ValidationError({"to": [f"Mỗi lần in tối đa {MAX_REGISTER_DAYS} ngày."]})
        return start, end

    def get(self, request: Request, agency_code: str) -> HttpResponse | Response:
        unit = Unit.objects.filter(agency_code=normalize_agency_code(agency_code)).first()
        if unit is None:
            raise NotFound(f"Không có đơn vị mã “{agency_code}”.")
        if not has_unit_perm(request.user, VIEW_DOSSIER, unit):
            raise PermissionDenied("Bạn không có quyền xem hồ sơ của đơn vị này.")
        start, end = self._period(request)
        name = f"so-theo-doi-{unit.agency_code}-{start:%Y%m%d}-{end:%Y%m%d}.{self.file_format}"
        try:  # imported here: the API works (and answers 501) while the forms module is absent
            from motcua.dossiers.forms import register
        except ImportError:
            return problem(501, "Chức năng in sổ theo dõi hồ sơ chưa được cài đặt.", code="not_implemented")
        if self.file_format == "xlsx":
            return _file_response(register.render_register_xlsx(unit, start, end), XLSXRenderer.media_type, name)
        return _file_response(register.render_register_pdf(unit, start, end), "application/pdf", name)


REGISTER_SCHEMA = {
    "tags": [TAG],
    "parameters": [
        OpenApiParameter(
            "agency_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Mã định danh nơi tiếp nhận."
        ),
        OpenApiParameter("from", OpenApiTypes.DATE, description="Từ ngày (mặc định hôm nay)."),
        OpenApiParameter("to", OpenApiTypes.DATE, description="Đến ngày (mặc định hôm nay), tối đa 366 ngày."),
    ],
}


@extend_schema(
    summary="Sổ theo dõi hồ sơ của nơi tiếp nhận (mẫu 06), PDF",
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, **PROBLEMS, 501: PROBLEM},
    **REGISTER_SCHEMA,
)
class RegisterPDFView(RegisterView):
    file_format = "pdf"


@extend_schema(
    summary="Sổ theo dõi hồ sơ của nơi tiếp nhận (mẫu 06), Excel",
    responses={(200, XLSXRenderer.media_type): OpenApiTypes.BINARY, **PROBLEMS, 501: PROBLEM},
    **REGISTER_SCHEMA,
)
class RegisterXLSXView(RegisterView):
    file_format = "xlsx"


# --- public tracking ------------------------------------------------------------------------------


class LookupThrottled(Throttled):
    def __init__(self, wait: float | None):
        seconds = math.ceil(wait) if wait else 60
        super().__init__(detail=f"Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau {seconds} giây.")
        self.wait = seconds


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def _public_timeline(dossier: Dossier) -> list[dict[str, Any]]:
    events = DossierEvent.objects.filter(dossier=dossier).select_related("unit").order_by("at", "id")
    timeline = []
    for event in events:
        status = Status(event.to_status) if event.to_status else None
        timeline.append(
            {
                "at": event.at,
                "action": event.action,
                "label": ACTION_LABELS.get(event.action, event.action),
                "step": (event.payload or {}).get("step_action") if event.action == "complete_step" else None,
                "unit": event.unit.name if event.unit_id else None,
                "status": {"code": int(status), "label": status.label} if status else None,
            }
        )
    return timeline


class PublicDossierView(APIView):
    """Public tracking by code (Circular 01/2018 Art. 16): no login, nothing that identifies a person.

    With the lookup secret printed on the receipt (``?secret=``) the answer adds the timeline; a wrong
    secret gets exactly the answer without one. The timeline is built either way, so the time taken does
    not tell a right secret from a wrong one, and the comparison is constant-time.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_lookup"

    def throttled(self, request: Request, wait: float | None) -> None:
        raise LookupThrottled(wait)

    @extend_schema(
        tags=[PUBLIC_TAG],
        summary="Tra cứu tình trạng hồ sơ bằng mã hồ sơ (không cần đăng nhập)",
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter(
                "secret",
                OpenApiTypes.STR,
                description="Mã tra cứu in trên Giấy tiếp nhận; đúng thì có thêm quá trình xử lý (`timeline`).",
            ),
        ],
        responses={
            200: PublicDossierSerializer,
            400: OpenApiResponse(description="Mã hồ sơ không đúng định dạng (RFC 7807)."),
            404: OpenApiResponse(description="Không có hồ sơ mã này (RFC 7807)."),
            429: OpenApiResponse(description="Tra cứu quá nhiều lần (30 lần/phút mỗi địa chỉ IP) (RFC 7807)."),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        codes = candidate_codes(code)
        if not codes:
            return problem(
                400,
                "Mã hồ sơ không đúng định dạng (ví dụ 000.01.41.H57-260309-0001).",
                code="invalid_code",
                errors={"code": ["Sai định dạng."]},
            )
        dossier = (
            Dossier.objects.filter(code__in=codes)
            .select_related("procedure", "receiving_unit")
            .only(
                "code",
                "status",
                "received_at",
                "due_at",
                "rescheduled_due_at",
                "returned_at",
                "lookup_secret",
                "procedure__code",
                "procedure__name",
                "receiving_unit__name",
            )
            .first()
        )
        if dossier is None:
            raise NotFound("Không tìm thấy hồ sơ có mã này.")
        timeline = _public_timeline(dossier)
        valid = secret_matches(dossier, request.query_params.get("secret", ""))
        status = Status(dossier.status)
        data = {
            "code": dossier.code,
            "status": {"code": int(status), "label": status.label},
            "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
            "receiving_unit": dossier.receiving_unit.name,
            "received_on": _local_date(dossier.received_at),
            "due_on": _local_date(dossier.rescheduled_due_at or dossier.due_at),
            "returned_on": _local_date(dossier.returned_at),
            "timeline": timeline if valid else None,
        }
        return Response(PublicDossierSerializer(data).data)
