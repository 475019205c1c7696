"""Public catalogue API: anyone may read the procedures in force, without an account or a session.

The list uses :func:`motcua.catalog.search.search_procedures` — the same search, ranking and filters
as the citizen pages — so a province's website, a kiosk or a chatbot finds what the portal finds.
No authentication class is set: a browser's session cookie is ignored here, so no CSRF and no
per-user behaviour, and responses are the same for everybody.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from motcua.api.public.serializers import ProcedureDetailSerializer, ProcedureListSerializer
from motcua.catalog.models import Procedure, ProcedureUnit, ProcedureVersion, ProcessStep
from motcua.catalog.search import (
    LEVEL_CHOICES,
    MAX_QUERY_LENGTH,
    ONLINE_CHOICES,
    InvalidSearch,
    SearchFilters,
    attach_current_versions,
)

TAG = "Thủ tục hành chính (công khai)"
PROBLEM = OpenApiResponse(description="Lỗi theo RFC 7807 (application/problem+json).")


class PublicPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "Trang “{page_number}” không tồn tại."


class PublicReadOnly:
    """No login, no session: the public catalogue is the same for everybody."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    filter_backends: list = []


SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=(
            "Tên hoặc mã thủ tục, có dấu hoặc không dấu (ví dụ `dang ky khai sinh`, `1.001193`). Mọi từ phải "
            "có trong mã, tên hoặc lĩnh vực. Kết quả xếp: đúng mã; tên (bỏ chữ “Thủ tục”) trùng từ khóa; tên "
            f"bắt đầu bằng từ khóa; tên chứa cả cụm từ; còn lại. Tối đa {MAX_QUERY_LENGTH} ký tự."
        ),
    ),
    OpenApiParameter(
        "field", OpenApiTypes.STR, description="Lĩnh vực: mã lĩnh vực (ví dụ `G15-TP01`) hoặc số hiệu (id)."
    ),
    OpenApiParameter(
        "level",
        OpenApiTypes.STR,
        enum=list(LEVEL_CHOICES),
        description="Cấp thực hiện: " + "; ".join(f"`{k}` – {v}" for k, v in LEVEL_CHOICES.items()) + ".",
    ),
    OpenApiParameter(
        "online",
        OpenApiTypes.STR,
        enum=list(ONLINE_CHOICES),
        description="Mức độ trực tuyến của phiên bản đang áp dụng: "
        + "; ".join(f"`{k}` – {v}" for k, v in ONLINE_CHOICES.items())
        + ".",
    ),
    OpenApiParameter(
        "agency",
        OpenApiTypes.STR,
        description="Cơ quan thực hiện (một phần tên, không phân biệt dấu), ví dụ `uy ban nhan dan cap xa`.",
    ),
]


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary="Tra cứu thủ tục hành chính đang áp dụng",
        parameters=SEARCH_PARAMETERS,
        responses={200: ProcedureListSerializer(many=True), 400: PROBLEM, 404: PROBLEM},
    )
)
class ProcedureListView(PublicReadOnly, generics.ListAPIView):
    """Procedures with a published version in force today, best match first, 20 per page."""

    serializer_class = ProcedureListSerializer
    pagination_class = PublicPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Procedure.objects.none()
        try:
            filters = SearchFilters.from_query(self.request.query_params)
        except InvalidSearch as exc:
            raise ValidationError({key: [message] for key, message in exc.errors.items()}) from exc
        return filters.search()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach_current_versions(page) if page is not None else None


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary="Chi tiết thủ tục hành chính (phiên bản đang áp dụng)",
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Mã thủ tục trên Cơ sở dữ liệu quốc gia, ví dụ `1.001193`.",
            ),
        ],
        responses={200: ProcedureDetailSerializer, 404: PROBLEM},
    )
)
class ProcedureDetailView(PublicReadOnly, generics.RetrieveAPIView):
    """One procedure with its version in force: documents, fees, steps, legal basis, results, units."""

    serializer_class = ProcedureDetailSerializer
    lookup_field = "code"

    def get_queryset(self):
        units = ProcedureUnit.objects.select_related("unit")
        return Procedure.objects.select_related("field").prefetch_related(Prefetch("unit_links", queryset=units))

    def get_object(self) -> Procedure:
        code = self.kwargs["code"]
        procedure = self.get_queryset().filter(code=code).first()
        current = procedure.current_version() if procedure else None
        if procedure is None or current is None:
            raise NotFound(f"Không có thủ tục mã “{code}” đang được áp dụng.")
        steps = ProcessStep.objects.select_related("unit", "role").order_by("stage", "id")
        procedure.current = ProcedureVersion.objects.prefetch_related(
            "documents", "fees", Prefetch("steps", queryset=steps)
        ).get(pk=current.pk)
        return procedure
