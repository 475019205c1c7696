"""The time limits of Decision 766 indicator 5.2 (regulations.md §3.2), placed on the working calendar.

From the receipt moment (the submission, or the arrival of the requested information, which restarts
the count): reject within 2 working days, ask for more information within 5, answer within 15; from the
answer: publish within 2. The day of the event is not counted and a period ends at the close of office
hours of the responsible unit (Civil Code Art. 147–148, as for dossiers). Nothing here is typed.
"""

from __future__ import annotations

from datetime import datetime

from motcua.workcalendar.deadlines import due_at
from motcua.workcalendar.rules import TimeLimit
from motcua.workcalendar.service import calendar_on, office_hours_for

REJECT = TimeLimit(2)
MORE_INFO = TimeLimit(5)
ANSWER = TimeLimit(15)
PUBLISH = TimeLimit(2)


def due_after(unit, start: datetime, limit: TimeLimit) -> datetime:
    """``limit`` working days after ``start`` for ``unit`` (its office hours, the calendar policy then)."""
    calendar, _policy = calendar_on(start.date())
    result = due_at(calendar, start, limit, hours=office_hours_for(unit.office_hours))
    assert result is not None  # no supplements passed: always a moment
    return result


def set_receipt_dues(feedback) -> None:
    """Reject, more-information and answer due moments from ``feedback.received_at``."""
    start = feedback.received_at
    feedback.reject_due_at = due_after(feedback.unit, start, REJECT)
    feedback.info_due_at = due_after(feedback.unit, start, MORE_INFO)
    feedback.answer_due_at = due_after(feedback.unit, start, ANSWER)
