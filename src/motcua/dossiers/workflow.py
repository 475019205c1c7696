"""The transition table: which action may move a dossier from which status to which, and who may do it.

One table, read by ``actions.py`` (to refuse illegal moves), by the pages (to show only the buttons
allowed now) and by the tests (every allowed and every forbidden pair). Statuses are the national
portal's codes (regulations.md §1.12). ``scope`` says in which unit the actor must hold the permission:
the receiving one-stop section, the handling (lead) agency, or the unit of the active step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from motcua.dossiers.models.status import Status

Scope = Literal["receiving", "handling", "step"]

RECEIVE = "dossiers.receive_dossier"
PROCESS = "dossiers.process_dossier"
SIGN = "dossiers.sign_dossier"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[Status | None]
    target: Status | None  # None: the status does not change
    permission: str | None  # None: the applicant's own action (online submission)
    scope: Scope
    offered: bool = True  # False: not a button of the desk's action list (its page places it elsewhere)


def _t(action: str, label: str, sources, target, permission, scope: Scope, *, offered: bool = True) -> Transition:
    return Transition(action, label, frozenset(sources), target, permission, scope, offered)


S = Status
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit_online", "Nộp hồ sơ trực tuyến", [None], S.NEW, None, "receiving"),
        _t("receive", "Tiếp nhận hồ sơ", [None, S.NEW], S.RECEIVED, RECEIVE, "receiving"),
        _t(
            "refuse_intake",
            "Không tiếp nhận (hướng dẫn bổ sung / từ chối)",
            [None, S.NEW],
            S.NOT_RECEIVED,
            RECEIVE,
            "receiving",
        ),
        _t("forward", "Chuyển cơ quan giải quyết", [S.RECEIVED], S.PROCESSING, RECEIVE, "receiving"),
        _t("complete_step", "Hoàn thành bước, chuyển bước tiếp", [S.PROCESSING], None, PROCESS, "step"),
        _t("request_supplement", "Yêu cầu bổ sung hồ sơ", [S.PROCESSING], S.SUPPLEMENT, PROCESS, "handling"),
        _t("receive_supplement", "Nhận hồ sơ bổ sung", [S.SUPPLEMENT], S.PROCESSING, RECEIVE, "receiving"),
        _t(
            "request_financial",
            "Yêu cầu thực hiện nghĩa vụ tài chính",
            [S.PROCESSING],
            S.FINANCIAL,
            PROCESS,
            "handling",
        ),
        _t(
            "record_payment",
            "Ghi nhận đã thực hiện nghĩa vụ tài chính",
            [S.FINANCIAL],
            S.PROCESSING,
            RECEIVE,
            "receiving",
        ),
        _t(
            "collect_fee",
            "Thu phí, lệ phí tại Bộ phận Một cửa",
            [S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.DONE],
            None,
            RECEIVE,
            "receiving",
        ),
        # Paid through a payment gateway: no officer acts; the payments app checked the gateway's signature.
        _t(
            "pay_online",
            "Nộp phí, lệ phí trực tuyến",
            [S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.DONE],
            None,
            None,
            "receiving",
        ),
        _t(
            "pay_obligation_online",
            "Thực hiện nghĩa vụ tài chính trực tuyến",
            [S.FINANCIAL],
            S.PROCESSING,
            None,
            "receiving",
        ),
        _t("apologize", "Xin lỗi và hẹn lại ngày trả kết quả", [S.PROCESSING, S.FINANCIAL], None, SIGN, "handling"),
        _t("approve", "Phê duyệt, ký kết quả", [S.PROCESSING], S.DONE, SIGN, "handling"),
        _t("refuse", "Từ chối giải quyết (văn bản trả lời)", [S.PROCESSING], S.DONE, SIGN, "handling"),
        _t("notify_early_return", "Thông báo trả kết quả trước hạn", [S.DONE], None, RECEIVE, "receiving"),
        _t("return_result", "Trả kết quả", [S.DONE], S.RETURNED, RECEIVE, "receiving"),
        _t(
            "withdraw",
            "Rút hồ sơ theo yêu cầu của người nộp",
            [S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL],
            S.WITHDRAWN,
            RECEIVE,
            "receiving",
        ),
        # The applicant's own evaluation (portal, kiosk); a paper form entered by an officer uses the same action
        # with the officer as actor. The caller checked who the applicant is (owner, secret or kiosk token).
        _t("rate", "Đánh giá mức độ hài lòng", [S.DONE, S.RETURNED], None, None, "receiving"),
        # An electronic copy of a paper component, scanned or taken from the applicant's store, at any time after
        # the dossier is in the system (also after the result, to complete the archive); the status is unchanged.
        _t(
            "digitise",
            "Số hóa thành phần hồ sơ",
            [S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL, S.DONE, S.RETURNED, S.WITHDRAWN, S.STOPPED],
            None,
            RECEIVE,
            "receiving",
            offered=False,  # the desk offers it on each paper-only component, not as a dossier action
        ),
        # The citizen adds a counter dossier to their portal account with the receipt's lookup secret.
        _t(
            "link_account",
            "Thêm hồ sơ vào tài khoản công dân",
            [S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL, S.DONE, S.RETURNED, S.WITHDRAWN, S.STOPPED],
            None,
            None,
            "receiving",
        ),
        # End of the retention period of a closed dossier's files (documents/retention.py); done by the system.
        _t(
            "purge_documents",
            "Hủy tệp hết thời hạn lưu trữ",
            [S.NOT_RECEIVED, S.WITHDRAWN, S.STOPPED, S.RETURNED],
            None,
            None,
            "receiving",
        ),
        _t("stop", "Dừng xử lý", [S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL], S.STOPPED, SIGN, "handling"),
    ]
}


class TransitionNotAllowed(Exception):
    """The action is not allowed from the dossier's current status (HTTP 409)."""


def check(action: str, status: Status | int | None) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"Không có thao tác “{action}”.")
    current = Status(status) if status is not None else None
    if current not in transition.sources:
        where = f"đang ở trạng thái “{current.label}”" if current is not None else "chưa được tạo"
        raise TransitionNotAllowed(f"Không thể “{transition.label.lower()}” khi hồ sơ {where}.")
    return transition


def allowed_actions(status: Status | int | None) -> list[Transition]:
    current = Status(status) if status is not None else None
    return [t for t in TRANSITIONS.values() if current in t.sources and t.permission is not None and t.offered]
