"""What the back-office pages *read*: who may see a dossier, which actions this officer may take now,
the marks (overdue / due soon / early / late), the forms that can be printed and the timeline rows.

Kept apart from the views so that the rule "show only the buttons the officer may use" is one function
(``offers``) built from the same table the write path checks (``workflow.TRANSITIONS`` with
``has_unit_perm`` in the transition's scope unit) — a button shown is an action that will be accepted,
unless someone else acted first (then the write path answers with a conflict).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from motcua.backoffice.forms import NOTIFY_CHANNELS
from motcua.dossiers import deadlines, workflow
from motcua.dossiers.access import VIEW_DOSSIER, Offer, offers, visible_dossiers  # noqa: F401 (used by the views)
from motcua.dossiers.models import Dossier, DossierEvent, ResultKind, Status
from motcua.organizations.models import RECEIVING_KINDS, Unit
from motcua.organizations.scoping import units_visible_to
from motcua.workcalendar import WorkCalendar, classify_finished, classify_open

VIEW = VIEW_DOSSIER

OPEN_MARKS = {
    "overdue": ("Quá hạn", "late"),
    "due_soon": ("Sắp đến hạn", "soon"),
    "in_time": ("Trong hạn", "ok"),
}
FINISHED_MARKS = {
    "early": ("Trước hạn", "ok"),
    "on_time": ("Đúng hạn", "ok"),
    "late": ("Trễ hạn", "late"),
}

FORMS = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)",
    "03": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ (mẫu 03)",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)",
    "05": "Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu 05)",
}


@dataclass(frozen=True)
class Mark:
    label: str
    tone: str  # ok | soon | late — a CSS class; the label carries the meaning (never colour alone)


def receiving_units(user) -> QuerySet[Unit]:
    """Units where the officer may receive dossiers at the counter."""
    return (
        units_visible_to(user, workflow.RECEIVE)
        .filter(active=True, kind__in=RECEIVING_KINDS)
        .exclude(agency_code__isnull=True)
        .exclude(agency_code="")
        .order_by("path")
    )


def register_units(user) -> QuerySet[Unit]:
    """Receiving units whose register (form 06) the officer may print."""
    return units_visible_to(user, VIEW).filter(active=True, kind__in=RECEIVING_KINDS).order_by("path")


class Calendars:
    """One working calendar per ``makeup_counts`` value for a page of dossiers (one query, not one a row)."""

    def __init__(self) -> None:
        self._by_flag: dict[bool, WorkCalendar] = {}

    def of(self, dossier: Dossier) -> WorkCalendar:
        flag = bool(dossier.makeup_counts)
        if flag not in self._by_flag:
            self._by_flag[flag] = deadlines.calendar_of(dossier)
        return self._by_flag[flag]


def open_mark(calendar: WorkCalendar, due: datetime | None, now: datetime | None = None) -> Mark | None:
    if due is None:
        return None
    label, tone = OPEN_MARKS[classify_open(calendar, now or timezone.now(), due)]
    return Mark(label, tone)


def finished_mark(calendar: WorkCalendar, finished: datetime | None, due: datetime | None) -> Mark | None:
    if finished is None or due is None:
        return None
    label, tone = FINISHED_MARKS[classify_finished(calendar, finished, due)]
    return Mark(label, tone)


def dossier_mark(dossier: Dossier, calendar: WorkCalendar, now: datetime | None = None) -> Mark | None:
    """Overdue / due soon / in time while open; early / on time / late once processed."""
    due = dossier.effective_due_at
    if dossier.finished_at:
        return finished_mark(calendar, dossier.finished_at, due)
    if dossier.status in (Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL):
        return open_mark(calendar, due, now)
    return None


# --- actions offered now ----------------------------------------------------------------------------


# --- printable forms --------------------------------------------------------------------------------


def available_forms(dossier: Dossier, events: list[DossierEvent]) -> list[tuple[str, str]]:
    """The forms of Circular 01/2018 that this dossier's history gives a reason to print."""
    refusals = [e for e in events if e.action == "refuse_intake"]
    numbers = []
    if dossier.received_at:
        numbers.append("01")
    if dossier.supplement_requested_at or any(e.payload.get("kind") == "guidance" for e in refusals):
        numbers.append("02")
    if any(e.payload.get("kind") == "refusal" for e in refusals) or dossier.result_kind == ResultKind.REFUSAL:
        numbers.append("03")
    if dossier.apology_count:
        numbers.append("04")
    if dossier.received_at:
        numbers.append("05")
    return [(n, FORMS[n]) for n in numbers]


# --- timeline ---------------------------------------------------------------------------------------

PAYLOAD_LABELS = {
    "due_at": "Hạn trả",
    "new_due_at": "Hẹn lại đến",
    "to_unit": "Chuyển đến",
    "documents": "Giấy tờ",
    "missing": "Còn thiếu",
    "amount": "Số tiền",
    "reference": "Chứng từ",
    "postal_tracking": "Mã vận đơn",
    "step_action": "Bước",
    "next": "Bước tiếp theo",
    "channel": "Qua",
}
EVENT_KIND_LABELS = {"guidance": "Hướng dẫn bổ sung (mẫu 02)", "refusal": "Từ chối tiếp nhận (mẫu 03)"}
CHANNEL_LABELS = dict(NOTIFY_CHANNELS)


def _payload_text(key: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return ""
    if key.endswith("_at") and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if key == "channel":
        return CHANNEL_LABELS.get(str(value), str(value))
    if key == "amount":
        try:
            return f"{int(float(value)):,}".replace(",", ".") + " đồng"
        except ValueError:
            return str(value)
    return str(value)


def event_label(event: DossierEvent) -> str:
    if event.action == "refuse_intake" and event.payload.get("kind") in EVENT_KIND_LABELS:
        return "Không tiếp nhận: " + EVENT_KIND_LABELS[event.payload["kind"]]
    transition = workflow.TRANSITIONS.get(event.action)
    return transition.label if transition else event.action


def event_details(event: DossierEvent) -> list[tuple[str, str]]:
    details = []
    for key, label in PAYLOAD_LABELS.items():
        if key == "channel" and event.action == "receive":
            continue
        text = _payload_text(key, event.payload.get(key))
        if text:
            details.append((label, text))
    mark = event.payload.get("mark")
    if mark in FINISHED_MARKS:
        details.append(("Đánh giá", FINISHED_MARKS[mark][0]))
    return details
