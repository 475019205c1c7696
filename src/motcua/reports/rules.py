"""Rules and alerts: units falling short of a minimum volume, and dossiers due soon or overdue per unit.

``shortfalls(rule, start, end)`` reads the fact table (one query per rule), so checking a rule over the 3,321
communes of the country costs the same as over one. The count of a unit is the statistics' ``received`` for that
unit's subtree in the rule's perspective, restricted to the rule's procedure or field: the figure a leader sees
in the statistics grouped by procedure or field, never a second definition.

``due_soon_and_overdue(unit)`` reads the dossier table through its index (handling unit, status, due) — alerts are
about *now*, which the daily fact table does not hold — and classifies each candidate with the same function the
work queues and the desk use (``workcalendar.classify_open``): overdue when the due moment has passed, due soon
when the due day is today or the next working day.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from motcua.dossiers import deadlines
from motcua.dossiers.models import Dossier, Status
from motcua.organizations.models import Unit
from motcua.reports import periods
from motcua.reports.rules_models import RulePeriod, VolumeRule
from motcua.workcalendar.deadlines import classify_open
from motcua.workcalendar.rules import TZ
from motcua.workcalendar.service import calendar_for

# Open dossiers whose clock runs: received and not yet forwarded, being processed, waiting for a financial
# obligation. A dossier waiting for the applicant's supplement has its clock stopped (restarted or resumed when
# the supplement arrives), so it is neither due soon nor overdue.
CLOCK_RUNNING = (Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL)
PERIOD_MONTHS = {RulePeriod.MONTH: 1, RulePeriod.QUARTER: 3, RulePeriod.YEAR: 12}


class Shortfall(NamedTuple):
    unit: Unit
    count: int
    minimum: int


# --- periods --------------------------------------------------------------------------------------------------


def _month_start(day: date, months: int) -> date:
    """The first day of the ``months``-long period (month, quarter, year) containing ``day``."""
    first_month = (day.month - 1) // months * months + 1
    return date(day.year, first_month, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_containing(period: str, day: date) -> tuple[date, date]:
    """The month, quarter or year containing ``day``, as (first day, last day)."""
    months = PERIOD_MONTHS[RulePeriod(period)]
    start = _month_start(day, months)
    return start, _add_months(start, months) - timedelta(days=1)


def last_complete_period(period: str, today: date) -> tuple[date, date]:
    """The last month, quarter or year that ended before ``today`` (what alerts judge: a running month is not yet
    short of anything)."""
    start, _ = period_containing(period, today)
    return period_containing(period, start - timedelta(days=1))


def periods_in(period: str, start: date, end: date) -> int:
    """How many whole periods ``start``–``end`` is; ``ValueError`` (Vietnamese) if it is not whole periods."""
    months = PERIOD_MONTHS[RulePeriod(period)]
    if start > end:
        raise ValueError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
    if start != _month_start(start, months) or end + timedelta(days=1) != _month_start(end + timedelta(days=1), months):
        raise ValueError(
            f"Quy tắc tính theo {RulePeriod(period).label.lower()}: khoảng thời gian phải gồm trọn các "
            f"{RulePeriod(period).label.lower()} (từ ngày đầu đến ngày cuối kỳ)."
        )
    first = start.year * 12 + start.month
    after = (end + timedelta(days=1)).year * 12 + (end + timedelta(days=1)).month
    return (after - first) // months


# --- minimum-volume rules ------------------------------------------------------------------------------------


def units_of(rule: VolumeRule, within: Unit | None = None) -> list[Unit]:
    """The units that must each reach the rule's minimum (active ones), optionally only inside ``within``."""
    units = Unit.objects.filter(active=True)
    if rule.unit_kind:
        units = units.filter(kind=rule.unit_kind)
        if rule.unit_id:
            units = units.filter(path__startswith=rule.unit.path)
    else:
        units = units.filter(pk=rule.unit_id)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    return list(units.order_by("path"))


def counts(rule: VolumeRule, start: date, end: date, units: list[Unit]) -> dict[int, int]:
    """Dossiers received in ``start``–``end`` that the rule counts, per unit (each with its whole subtree)."""
    if not units:
        return {}
    column = f"{rule.perspective}_unit"
    filters: dict[str, object] = {}
    if rule.procedure_id:
        filters["procedure_id"] = rule.procedure_id
    elif rule.field_id:
        filters["procedure__field_id"] = rule.field_id
    # Only the smallest subtree holding every unit concerned (the province for "every commune"): one join on the
    # materialised path, rather than thousands of conditions.
    common = os.path.commonprefix([unit.path for unit in units])
    scope = common[: common.rfind("/") + 1]
    if scope != "/":
        filters[f"{column}__path__startswith"] = scope
    received: dict[int, int] = defaultdict(int)
    for facts in periods.querysets(start, end, **filters):
        for unit_id, n in (
            facts.order_by().values(f"{column}_id").annotate(n=Sum("received")).values_list(f"{column}_id", "n")
        ):
            received[unit_id] += n or 0
    per_unit = list(received.items())
    paths = dict(Unit.objects.filter(pk__in=[unit_id for unit_id, _ in per_unit]).values_list("pk", "path"))
    # Roll each handling (receiving) unit's count up into every rule unit whose subtree holds it.
    by_path = {unit.path: unit.pk for unit in units}
    totals: dict[int, int] = defaultdict(int)
    for unit_id, n in per_unit:
        path = paths[unit_id]
        parts = [p for p in path.split("/") if p]
        for i in range(len(parts)):
            owner = by_path.get("/" + "/".join(parts[: i + 1]) + "/")
            if owner is not None:
                totals[owner] += int(n or 0)
    return {unit.pk: totals.get(unit.pk, 0) for unit in units}


def shortfalls(
    rule: VolumeRule, period_start: date, period_end: date, *, within: Unit | None = None
) -> list[Shortfall]:
    """The units below the rule's minimum over ``period_start``–``period_end``, fewest dossiers first.

    The period must be whole periods of the rule (one or more months for a monthly rule, …); the minimum is then
    the rule's minimum times their number (a monthly 70 over a quarter: 210)."""
    minimum = rule.minimum * periods_in(rule.period, period_start, period_end)
    units = units_of(rule, within)
    found = counts(rule, period_start, period_end, units)
    short = [Shortfall(unit, found[unit.pk], minimum) for unit in units if found[unit.pk] < minimum]
    return sorted(short, key=lambda s: (s.count, s.unit.path))


# --- due soon and overdue ------------------------------------------------------------------------------------


@dataclass
class DueRow:
    """Open dossiers of one unit (with its subtree; ``own``: the asked unit's own dossiers only)."""

    unit: Unit
    due_soon: int = 0
    overdue: int = 0
    own: bool = False


def _horizon(now: datetime) -> datetime:
    """A moment after which no due moment can be "due soon": the end of the next working day under either
    calendar (make-up Saturdays counted or not), so one indexed range query fetches every candidate."""
    today = timezone.localtime(now, TZ).date()
    last = max(calendar_for(makeup_counts=m).next_working_day(today) for m in (True, False))
    return datetime.combine(last + timedelta(days=1), time.min, tzinfo=TZ)


def due_soon_and_overdue(unit: Unit, *, now: datetime | None = None) -> list[DueRow]:
    """Per direct child of ``unit`` (each with its subtree), the open dossiers it handles that are due within one
    working day or overdue now; first a row for the dossiers ``unit`` handles itself, when it has any (or when it
    has no children). The rows add up to the unit's whole subtree."""
    now = now or timezone.now()
    paths = dict(Unit.objects.subtree_of(unit).values_list("pk", "path"))
    children = list(unit.children.order_by("name"))
    owner_of_path = {child.path: child for child in children}
    own = DueRow(unit=unit, own=True)
    rows = {child.pk: DueRow(unit=child) for child in children}
    horizon = _horizon(now)
    candidates = (
        Dossier.objects.filter(handling_unit_id__in=list(paths), status__in=CLOCK_RUNNING)
        .filter(Q(rescheduled_due_at__isnull=True, due_at__lt=horizon) | Q(rescheduled_due_at__lt=horizon))
        .annotate(effective_due=Coalesce("rescheduled_due_at", "due_at"))
        .only("pk", "handling_unit_id", "makeup_counts", "due_at", "rescheduled_due_at")
    )
    for dossier in candidates:
        mark = classify_open(deadlines.calendar_of(dossier), now, dossier.effective_due)
        if mark == "in_time":
            continue
        path = paths[dossier.handling_unit_id]
        rest = path[len(unit.path) :].split("/", 1)[0]
        child = owner_of_path.get(f"{unit.path}{rest}/") if rest else None
        row = rows[child.pk] if child is not None else own
        if mark == "overdue":
            row.overdue += 1
        else:
            row.due_soon += 1
    result = list(rows.values())
    if own.due_soon or own.overdue or not children:
        result.insert(0, own)
    return result
