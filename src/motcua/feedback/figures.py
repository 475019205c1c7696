"""Figures for Decision 766 indicator 5.2, "phản ánh, kiến nghị được xử lý đúng hạn" (regulations.md §3.2).

``figures_5_2(unit, start, end)`` counts the feedback of ``unit``'s subtree (by the current responsible
unit) for the local dates ``start``–``end`` inclusive. Per time limit it gives:

* ``done`` — steps taken in the period, ``on_time`` — of those, taken at or before their due moment;
* ``overdue_open`` — steps still not taken at the end of the period (or now, if earlier) although
  their due moment has passed within it.

The limits: reject ≤ 2 working days and request more information ≤ 5 after receipt, answer ≤ 15 after
receipt (the receipt moment restarts when requested information arrives), publish ≤ 2 after the answer
(only for feedback whose submitter agreed to publication).

``total`` is the feedback *concluded* in the period (rejected or answered) plus the feedback whose answer
fell overdue in the period and is still open; ``on_time`` is the concluded ones whose every step was on
time (a publication still pending but not yet due does not spoil it). ``rate`` = on_time ÷ total, or
``None`` when total is 0 (the report shows "N/A"). Points: 6 × rate, per §3.2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from motcua.feedback.models import Feedback, Status
from motcua.organizations.models import Unit
from motcua.workcalendar.rules import TZ

MAX_POINTS = Decimal(6)


@dataclass
class LimitFigures:
    done: int = 0
    on_time: int = 0
    overdue_open: int = 0

    @property
    def late(self) -> int:
        return self.done - self.on_time


@dataclass
class Figures52:
    reject: LimitFigures = field(default_factory=LimitFigures)
    more_info: LimitFigures = field(default_factory=LimitFigures)
    answer: LimitFigures = field(default_factory=LimitFigures)
    publish: LimitFigures = field(default_factory=LimitFigures)
    total: int = 0
    on_time: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.on_time) * 100 / self.total).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def points(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else (MAX_POINTS * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _in(moment: datetime | None, lo: datetime, hi: datetime) -> bool:
    return moment is not None and lo <= moment < hi


def figures_5_2(unit: Unit, start: date, end: date, *, now: datetime | None = None) -> Figures52:
    lo = datetime.combine(start, time.min, tzinfo=TZ)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=TZ)
    cut = min(hi, now or timezone.now())
    result = Figures52()
    rows = Feedback.objects.filter(unit__path__startswith=unit.path, submitted_at__lt=hi).only(
        "status",
        "wants_public",
        "rejected_at",
        "reject_due_at",
        "info_requested_at",
        "info_requests",
        "info_requests_late",
        "answered_at",
        "answer_due_at",
        "published_at",
        "publish_due_at",
    )
    for fb in rows.iterator():
        steps_ok = True
        if _in(fb.rejected_at, lo, hi):
            result.reject.done += 1
            ok = fb.rejected_at <= fb.reject_due_at
            result.reject.on_time += ok
            steps_ok &= ok
        if _in(fb.info_requested_at, lo, hi):
            result.more_info.done += fb.info_requests
            result.more_info.on_time += fb.info_requests - fb.info_requests_late
        steps_ok &= fb.info_requests_late == 0
        if _in(fb.answered_at, lo, hi):
            result.answer.done += 1
            ok = fb.answered_at <= fb.answer_due_at
            result.answer.on_time += ok
            steps_ok &= ok
        elif fb.status in (Status.RECEIVED, Status.CLASSIFIED) and _in(fb.answer_due_at, lo, cut):
            result.answer.overdue_open += 1
            result.total += 1
        if fb.wants_public and fb.publish_due_at is not None:
            if _in(fb.published_at, lo, hi):
                result.publish.done += 1
                ok = fb.published_at <= fb.publish_due_at
                result.publish.on_time += ok
                steps_ok &= ok
            elif fb.published_at is None and fb.publish_due_at < cut:
                steps_ok = False
                if fb.publish_due_at >= lo:
                    result.publish.overdue_open += 1
            elif fb.published_at is not None and fb.published_at > fb.publish_due_at:
                steps_ok = False
        if _in(fb.rejected_at, lo, hi) or _in(fb.answered_at, lo, hi):
            result.total += 1
            result.on_time += steps_ok
    return result
