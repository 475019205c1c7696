"""What one dossier adds to the fact table, computed from the dossier and its events.

One function, ``contribution``, used both by the incremental update on commit and by the rebuild: the two
cannot disagree about a definition because there is only one. The day of each counter is the local date
(Asia/Ho_Chi_Minh) of the moment it counts:

========================  =======================================================================
counter                   +1 when (day)
========================  =======================================================================
received                  the dossier was received (``received_at``)
full_online               … and it was submitted online with every step online
fee_bearing               … and fees or charges were due on it
paid_online               … and something was paid through a payment gateway (any day)
input_digitised           … and every component has an electronic copy (now)
reused / from_store       … and ≥ 1 component came from earlier data / from the citizen's store (now)
not_received              refused at intake, form 02/03 (``refused_at``; never received)
resolved_early/on_time/   the result was issued (``finished_at``), by the early / on-time / late mark
  late                      the write path recorded then (``Dossier.finish_mark``)
refused                   … and the result is a refusal
late_apologised           … late, and an apology with a new date had been sent before
e_result                  … and a result is stored electronically
fully_digitised           … and components and result are digitised
processing_days           … the working days from receipt to result, less the days waiting for a supplement
withdrawn / stopped       the applicant withdrew / processing was stopped (that day)
returned                  the result was handed over (``returned_at``)
supplement_requested      a supplement was requested (``supplement_requested_at``)
apologised                an apology letter was sent (the event's day)
became_overdue            the due moment passed while the dossier was still open (the due day, even
                            a future one: a refresh at closing takes it back if it closes in time)
overdue_closed            an overdue dossier closed (result, withdrawal, stop) — that day
rating_1 … rating_5       the applicant rated the service at that level (rating day)
========================  =======================================================================

The dimensions are the dossier's receiving unit, handling unit, procedure and channel; statistics filter and
group on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent, DossierRating, ResultKind, Status
from motcua.workcalendar.calendar import WorkCalendar

Contribution = dict[str, dict[str, int]]  # "YYYY-MM-DD|ru|hu|proc|channel" -> {counter: n}

PAID_ONLINE = ("pay_online", "pay_obligation_online")
EVENT_ACTIONS = ("apologize", *PAID_ONLINE)
DOSSIER_FIELDS = (
    "pk",
    "receiving_unit_id",
    "handling_unit_id",
    "procedure_id",
    "channel",
    "status",
    "received_at",
    "refused_at",
    "finished_at",
    "result_kind",
    "finish_mark",
    "withdrawn_at",
    "stopped_at",
    "returned_at",
    "supplement_requested_at",
    "supplement_received_at",
    "full_online",
    "fees_due",
    "input_digitised",
    "result_digitised",
    "reused_components",
    "from_citizen_store",
    "makeup_counts",
    "due_at",
    "rescheduled_due_at",
)


@dataclass
class Facts:
    """What the events and the rating say about one dossier (looked up in bulk)."""

    apologised_at: datetime | None = None
    paid_online: bool = False
    rating_level: int | None = None
    rated_at: datetime | None = None


class Calendars:
    """The two working calendars (make-up Saturdays counted or not), looked up once per batch of dossiers."""

    def __init__(self) -> None:
        self._by_makeup: dict[bool, WorkCalendar] = {}

    def __call__(self, makeup_counts: bool) -> WorkCalendar:
        if makeup_counts not in self._by_makeup:
            from motcua.workcalendar.service import calendar_for

            self._by_makeup[makeup_counts] = calendar_for(makeup_counts=makeup_counts)
        return self._by_makeup[makeup_counts]


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


def _local(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def processing_days(d: Dossier, calendars: Calendars) -> int:
    """Working days from receipt to result, less those spent waiting for the applicant's supplement."""
    cal = calendars(bool(d.makeup_counts))
    days = cal.working_days_between(_local(d.received_at), _local(d.finished_at))
    if d.supplement_requested_at and d.supplement_received_at:
        days -= cal.working_days_between(_local(d.supplement_requested_at), _local(d.supplement_received_at))
    return max(days, 0)


def closing_moment(d: Dossier) -> datetime | None:
    """When processing ended for the reports: the result (9), a withdrawal or a stop — whichever came first."""
    if d.received_at is None:
        return None
    moments = [d.finished_at if d.result_kind else None]
    moments += [d.withdrawn_at if d.status == Status.WITHDRAWN else None]
    moments += [d.stopped_at if d.status == Status.STOPPED else None]
    found = [m for m in moments if m is not None]
    return min(found) if found else None


def contribution(d: Dossier, facts: Facts, calendars: Calendars) -> Contribution:
    rows: Contribution = defaultdict(dict)
    dims = f"{d.receiving_unit_id}|{d.handling_unit_id}|{d.procedure_id}|{d.channel}"

    def add(moment: datetime | None, **counters: int) -> None:
        if moment is None:
            return
        row = rows[f"{_day(moment)}|{dims}"]
        for name, n in counters.items():
            if n:
                row[name] = row.get(name, 0) + n

    if d.received_at is not None:
        add(
            d.received_at,
            received=1,
            full_online=int(d.full_online),
            fee_bearing=int(d.fees_due > 0),
            paid_online=int(facts.paid_online),
            input_digitised=int(d.input_digitised),
            reused=int(d.reused_components > 0),
            from_store=int(d.from_citizen_store),
        )
    elif d.status == Status.NOT_RECEIVED:
        add(d.refused_at, not_received=1)
    if d.finished_at is not None and d.result_kind and d.received_at is not None:
        mark = d.finish_mark or "on_time"
        late = mark == "late"
        add(
            d.finished_at,
            resolved_early=int(mark == "early"),
            resolved_on_time=int(mark == "on_time"),
            resolved_late=int(late),
            refused=int(d.result_kind == ResultKind.REFUSAL),
            late_apologised=int(late and facts.apologised_at is not None and facts.apologised_at < d.finished_at),
            e_result=int(d.result_digitised),
            fully_digitised=int(d.result_digitised and d.input_digitised),
            processing_days=processing_days(d, calendars),
        )
    closed_at = closing_moment(d)
    due = d.rescheduled_due_at or d.due_at
    if d.received_at is not None and due is not None and (closed_at is None or closed_at > due):
        add(due, became_overdue=1)
        add(closed_at, overdue_closed=1)
    if d.status == Status.WITHDRAWN and d.received_at is not None:  # an online submission withdrawn before
        add(d.withdrawn_at, withdrawn=1)  # receipt was never in anyone's backlog
    if d.status == Status.STOPPED:
        add(d.stopped_at, stopped=1)
    add(d.returned_at, returned=1)
    add(d.supplement_requested_at, supplement_requested=1)
    add(facts.apologised_at, apologised=1)
    if facts.rating_level:
        add(facts.rated_at, **{f"rating_{facts.rating_level}": 1})
    return {key: counters for key, counters in rows.items() if counters}


def facts_of(dossier_ids: Iterable[int]) -> dict[int, Facts]:
    """The event facts of many dossiers in two queries."""
    ids = list(dossier_ids)
    found: dict[int, Facts] = defaultdict(Facts)
    events = (
        DossierEvent.objects.filter(dossier_id__in=ids, action__in=EVENT_ACTIONS)
        .order_by("at", "id")
        .values_list("dossier_id", "action", "at")
    )
    for dossier_id, action, at in events:
        facts = found[dossier_id]
        if action == "apologize":
            facts.apologised_at = facts.apologised_at or at
        else:
            facts.paid_online = True
    for dossier_id, level, at in DossierRating.objects.filter(dossier_id__in=ids).values_list(
        "dossier_id", "level", "at"
    ):
        found[dossier_id].rating_level, found[dossier_id].rated_at = level, at
    return found


def contributions(dossier_ids: Iterable[int]) -> dict[int, Contribution]:
    """Each dossier's contribution (three queries for the lot)."""
    ids = list(dossier_ids)
    facts = facts_of(ids)
    dossiers = Dossier.objects.filter(pk__in=ids).only(*DOSSIER_FIELDS)
    calendars = Calendars()
    return {d.pk: contribution(d, facts.get(d.pk, Facts()), calendars) for d in dossiers}
