"""The dossier API: counter intake, queues, actions, printed forms and public tracking.

Every write goes through ``motcua.dossiers.actions`` — the API only translates JSON to the action's
arguments and the action's refusals (``InvalidAction``/``NotPermitted``/``Conflict``) to RFC 7807
problems, so the API can never do something the counter page could not.
"""

from __future__ import annotations

from rest_framework.response import Response

from motcua.api.problems import PROBLEM_CONTENT_TYPE, TITLES

EXTRA_TITLES = {422: "Yêu cầu không xử lý được", 501: "Chưa hỗ trợ"}


def problem(status: int, detail: str, *, code: str = "error", errors: dict | None = None) -> Response:
    """A problem response built here rather than by raising: it keeps the action's own Vietnamese
    message *and* its per-field ``errors`` (the shared handler would replace one with the other)."""
    body: dict[str, object] = {
        "type": f"https://motcua.vn/problems/{code}",
        "title": TITLES.get(status) or EXTRA_TITLES.get(status, "Lỗi"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
