"""Due moments of a dossier and of its steps, derived from the pinned procedure version and the events.

Nothing here is typed by an officer: the due date comes from the time limit, the receiving unit's
office hours, the calendar policy in force at receipt (kept on the dossier), the supplement (restart or
pause) and the one allowed reschedule, all through ``motcua.workcalendar``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from motcua.workcalendar.calendar import WorkCalendar
from motcua.workcalendar.deadlines import add_working_time, due_at, effective_receipt, explain
from motcua.workcalendar.rules import LimitUnit, OfficeHours, Supplement, SupplementPolicy, TimeLimit
from motcua.workcalendar.service import calendar_for, office_hours_for

SUPPLEMENT_WINDOW = TimeLimit(3, LimitUnit.WORKING_DAYS)  # Decree 61/2018 Art. 19.4


def calendar_of(dossier) -> WorkCalendar:
    """The calendar for this dossier, looked up once per dossier object (each lookup checks the table)."""
    cached = getattr(dossier, "_calendar", None)
    if cached is None or cached[0] != dossier.makeup_counts:
        cached = (dossier.makeup_counts, calendar_for(makeup_counts=dossier.makeup_counts))
        dossier._calendar = cached
    return cached[1]


def use_calendar(dossier, calendar: WorkCalendar) -> None:
    """Hand a calendar already looked up (with the policy, in the same query) to a new dossier."""
    dossier._calendar = (dossier.makeup_counts, calendar)


def hours_of(dossier) -> OfficeHours:
    return office_hours_for(dossier.receiving_unit.office_hours)


def supplements_of(dossier) -> list[Supplement]:
    if dossier.supplement_requested_at is None:
        return []
    return [Supplement(dossier.supplement_requested_at, dossier.supplement_received_at)]


def _due_inputs(dossier):
    """What the calendar needs to place this dossier's due moment, or None before receipt / without a limit."""
    limit = dossier.procedure_version.time_limit()
    if limit is None or dossier.received_at is None:
        return None
    return (calendar_of(dossier), dossier.received_at, limit), {
        "hours": hours_of(dossier),
        "policy": SupplementPolicy(dossier.supplement_policy or SupplementPolicy.RESTART),
        "supplements": supplements_of(dossier),
    }


def dossier_due(dossier) -> datetime | None:
    """The legal due moment (before any reschedule); None while a supplement is awaited."""
    inputs = _due_inputs(dossier)
    return due_at(*inputs[0], **inputs[1]) if inputs else None


def explain_due(dossier) -> list[str]:
    """The citizen-readable reasoning behind the due date, ending with the rescheduled date if any."""
    inputs = _due_inputs(dossier)
    if inputs is None:
        return []
    lines = explain(*inputs[0], **inputs[1])
    if dossier.rescheduled_due_at:
        moment = timezone.localtime(dossier.rescheduled_due_at)
        lines.append(f"Hẹn lại ngày trả kết quả (Phiếu xin lỗi và hẹn lại): {moment:%H:%M %d/%m/%Y}.")
    return lines


def supplement_deadline(dossier) -> datetime:
    """A supplement request after review must be sent within 3 working days of receipt."""
    return due_at(calendar_of(dossier), dossier.received_at, SUPPLEMENT_WINDOW, hours=hours_of(dossier))


def step_due(dossier, started_at: datetime, allotted: Decimal) -> datetime:
    """Each step's own due moment: its allotted time counted in working time from when it started."""
    hours = hours_of(dossier)
    calendar = calendar_of(dossier)
    unit = dossier.procedure_version.time_limit_unit
    day_length = sum(
        (datetime.combine(date.min, end) - datetime.combine(date.min, start) for start, end in hours.intervals),
        timedelta(),
    )
    if unit in (LimitUnit.WORKING_HOURS, LimitUnit.SAME_DAY):
        duration = timedelta(hours=float(allotted))
    else:
        duration = day_length * float(allotted)
    start = effective_receipt(calendar, started_at, hours)
    if not duration:
        return start
    return add_working_time(calendar, start, duration, hours)


def close_of_day(dossier, day: date) -> datetime:
    """Close of office hours on ``day`` (a working day) — the moment a rescheduled date means."""
    from motcua.workcalendar.rules import TZ

    calendar = calendar_of(dossier)
    if not calendar.is_working_day(day):
        raise ValueError(f"{day:%d/%m/%Y} không phải ngày làm việc ({calendar.day_reason(day)}).")
    return datetime.combine(day, hours_of(dossier).closing, tzinfo=TZ)
