"""The transition table of a feedback: which action moves which status where, and who may do it.

``permission=None`` marks the moves made by the submitter (or the system), never by an officer's role.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.feedback.models import Status

HANDLE = "feedback.handle_feedback"
PUBLISH = "feedback.publish_feedback"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str | None


def _t(action: str, label: str, sources: tuple[str, ...], target: str, permission: str | None) -> Transition:
    return Transition(action, label, frozenset(sources), target, permission)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("reject", "Từ chối tiếp nhận", (Status.RECEIVED,), Status.REJECTED, HANDLE),
        _t("request_info", "Đề nghị bổ sung thông tin", (Status.RECEIVED,), Status.MORE_INFO, HANDLE),
        _t("supply_info", "Bổ sung thông tin", (Status.MORE_INFO,), Status.RECEIVED, None),
        _t("classify", "Phân loại, chuyển xử lý", (Status.RECEIVED, Status.CLASSIFIED), Status.CLASSIFIED, HANDLE),
        _t("answer", "Trả lời", (Status.CLASSIFIED,), Status.ANSWERED, HANDLE),
        _t("publish", "Công khai trả lời", (Status.ANSWERED,), Status.PUBLISHED, PUBLISH),
    )
}
STAFF_ACTIONS = ("classify", "answer", "request_info", "reject", "publish")


class TransitionNotAllowed(Exception):
    pass


def check(action: str, status: str) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"Không có thao tác “{action}”.")
    if status not in transition.sources:
        raise TransitionNotAllowed(
            f"Không thể “{transition.label.lower()}” khi phản ánh đang ở tình trạng “{Status(status).label}”."
        )
    return transition


def available(status: str) -> list[Transition]:
    return [TRANSITIONS[a] for a in STAFF_ACTIONS if status in TRANSITIONS[a].sources]
