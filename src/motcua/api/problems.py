"""RFC 7807 problem details for every API error.

Clients (provincial integrations, the national portal's connectors) get one predictable shape:
``type``, ``title``, ``status``, ``detail`` and, for validation errors, ``errors`` per field — with
human text in Vietnamese.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Dữ liệu không hợp lệ",
    401: "Chưa đăng nhập",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột dữ liệu",
    415: "Định dạng dữ liệu không được hỗ trợ",
    429: "Quá nhiều yêu cầu",
}


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Không tìm thấy đối tượng được yêu cầu.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "Bạn không có quyền thực hiện thao tác này.")
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    body: dict[str, object] = {
        "type": f"https://motcua.vn/problems/{getattr(exc, 'default_code', 'error')}",
        "title": TITLES.get(code, "Lỗi"),
        "status": code,
    }
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "Dữ liệu gửi lên có lỗi, xem chi tiết từng trường trong “errors”."
        body["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
    elif isinstance(data, dict) and "detail" in data:
        body["detail"] = str(data["detail"])
    else:
        body["detail"] = str(data)
    if code == status.HTTP_401_UNAUTHORIZED or code == status.HTTP_403_FORBIDDEN:
        if getattr(exc, "default_code", "") == "not_authenticated":
            body["detail"] = "Bạn cần đăng nhập để dùng chức năng này."
    return Response(body, status=code, headers=dict(response.items()), content_type=PROBLEM_CONTENT_TYPE)
