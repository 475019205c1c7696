"""``POST /api/v1/dossiers/{code}/documents/{id}/digitise/``: the electronic copy of a paper component.

The same as the desk's "Số hóa" form: scanned pages (base64, in order) merged into one PDF by
``documents.scanning.merge_pages``, or a document of the applicant's store (``reuse_of``), attached by
``dossiers.actions.digitise`` — which refuses another applicant's document and never replaces a file
already attached (409). ``POST /api/v1/dossiers/{code}/documents/digitise/`` adds a component that was not
listed at intake, already digitised. Not one of the generic ``actions/`` endpoints: it acts on one document
of the dossier, and its input is pages, not a dossier-level form.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api.dossiers import problem
from motcua.api.dossiers.idempotency import idempotent
from motcua.api.dossiers.serializers import DossierDetailSerializer
from motcua.api.dossiers.views import (
    CODE_PARAMETER,
    IDEMPOTENCY_PARAMETER,
    PROBLEM,
    PROBLEMS,
    TAG,
    action_problem,
    detail_response,
    get_visible_dossier,
)
from motcua.core import files
from motcua.documents import scanning
from motcua.dossiers import actions
from motcua.dossiers.models import DossierDocument


class PageInputSerializer(serializers.Serializer):
    file_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Tên tệp của trang, ví dụ trang-1.jpg."
    )
    file = serializers.CharField(help_text="Nội dung trang mã hóa base64: ảnh JPEG/PNG hoặc PDF.")

    def validate_file(self, value: str) -> bytes:
        if len(value) > (files.limit_bytes(None) * 4) // 3 + 8:
            raise serializers.ValidationError(f"Tệp quá lớn ({files.limits_text()}).")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("Nội dung tệp không phải base64 hợp lệ.") from None


class DigitiseInputSerializer(serializers.Serializer):
    pages = PageInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text=f"Các trang đã quét theo thứ tự (tối đa {scanning.MAX_PAGES} trang), ghép thành một tệp PDF; "
        "một tệp PDF duy nhất được giữ nguyên.",
    )
    reuse_of = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Hoặc: id một giấy tờ trong kho dữ liệu của chủ hồ sơ (giấy tờ của hồ sơ trước).",
    )
    expected_revision = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="Số phiên bản (revision) của hồ sơ mà người dùng đang xem; khác với hiện tại thì trả 409.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        pages, reuse = attrs.get("pages") or [], attrs.get("reuse_of")
        if pages and reuse:
            raise serializers.ValidationError({"pages": ["Gửi các trang đã quét hoặc reuse_of, không gửi cả hai."]})
        if not pages and not reuse:
            raise serializers.ValidationError({"pages": ["Gửi các trang đã quét (hoặc reuse_of)."]})
        return attrs


class NewComponentInputSerializer(DigitiseInputSerializer):
    required_document_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="Dòng thành phần hồ sơ của thủ tục; bỏ trống cho giấy tờ khác."
    )
    name = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="Tên giấy tờ (mặc định: tên dòng)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if not attrs.get("required_document_id") and not attrs.get("name", "").strip():
            raise serializers.ValidationError({"name": ["Giấy tờ ngoài danh mục phải có tên."]})
        return attrs


DESCRIPTION = (
    "Gắn bản điện tử cho một thành phần hồ sơ nhận bản giấy: các trang đã quét (base64, theo thứ tự: ảnh "
    "JPEG/PNG và/hoặc PDF, ghép thành một tệp PDF) hoặc một giấy tờ trong kho dữ liệu của chủ hồ sơ "
    "(`reuse_of`). Quyền: `dossiers.receive_dossier` tại nơi tiếp nhận. Tệp đã gắn không thay thế được: 409. "
    "Giấy tờ không thuộc kho của chủ hồ sơ, tệp hỏng, quá nhiều trang: 400."
)


class DigitiseView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="dossier_document_digitise",
        summary="Số hóa một thành phần hồ sơ bản giấy (ghép các trang đã quét hoặc lấy từ kho dữ liệu)",
        description=DESCRIPTION,
        parameters=[
            CODE_PARAMETER,
            OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="id giấy tờ."),
            IDEMPOTENCY_PARAMETER,
        ],
        request=DigitiseInputSerializer,
        responses={200: DossierDetailSerializer, **PROBLEMS, 409: PROBLEM},
    )
    def post(self, request: Request, code: str, document_id: int) -> Response:
        dossier = get_visible_dossier(request, code)
        row = DossierDocument.objects.filter(dossier=dossier, pk=document_id, result=False).first()
        if row is None:
            raise NotFound(f"Hồ sơ {dossier.code} không có thành phần id {document_id}.")
        serializer = DigitiseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return idempotent(request, lambda: _digitise(request, dossier, serializer.validated_data, row))


class NewComponentView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="dossier_document_add_digitised",
        summary="Thêm một thành phần hồ sơ đã số hóa (chưa có trong danh sách khi tiếp nhận)",
        description=DESCRIPTION,
        parameters=[CODE_PARAMETER, IDEMPOTENCY_PARAMETER],
        request=NewComponentInputSerializer,
        responses={200: DossierDetailSerializer, **PROBLEMS, 409: PROBLEM},
    )
    def post(self, request: Request, code: str) -> Response:
        dossier = get_visible_dossier(request, code)
        serializer = NewComponentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return idempotent(request, lambda: _digitise(request, dossier, serializer.validated_data, None))


def _digitise(request: Request, dossier, data: dict[str, Any], row: DossierDocument | None) -> Response:
    line = row.required_document_id if row else data.get("required_document_id")
    name = row.name if row else data.get("name", "").strip()
    if data.get("pages"):
        pages = [
            (page.get("file_name") or f"trang-{index}", page["file"]) for index, page in enumerate(data["pages"], 1)
        ]
        try:
            content, file_name = scanning.merge_pages(pages, name=name)
        except files.FileRejected as exc:
            return problem(400, exc.message, code=f"file_{exc.code}", errors={"pages": [exc.message]})
        document = actions.SubmittedDocument(line, name=name, file_name=file_name, content=content)
    else:
        document = actions.SubmittedDocument(line, name=name, reuse_of=data["reuse_of"])
    try:
        updated = actions.digitise(
            dossier.code,
            actor=request.user,
            document=document,
            document_id=row.pk if row else None,
            expected_revision=data.get("expected_revision"),
        )
    except actions.ActionError as exc:
        return action_problem(exc)
    return detail_response(request, updated)
