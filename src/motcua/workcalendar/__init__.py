"""motcua.workcalendar — the pure working-time engine (no Django).

Working days of Vietnamese state agencies (Labor Code 2019 Art. 111–112 and the Government's
yearly schedule) and the deadline rules of the one-stop mechanism (Civil Code 2015 Art. 147–148,
Decree 61/2018 Art. 18–19).  See :mod:`.calendar` and :mod:`.deadlines`.
"""

from .bulk import bulk_due_working_days
from .calendar import DEFAULT_YEARS, WorkCalendar
from .deadlines import (
    add_working_time,
    can_reschedule,
    check_reschedule,
    classify_finished,
    classify_open,
    due_at,
    effective_receipt,
    explain,
    working_time_between,
)
from .errors import CalendarError
from .rules import (
    DEFAULT_OFFICE_HOURS,
    SAME_DAY_CUTOFF,
    TZ,
    DayKind,
    DayRule,
    LimitUnit,
    OfficeHours,
    Supplement,
    SupplementPolicy,
    TimeLimit,
)
from .seed import GOVERNMENT_SCHEDULE_2024_2026

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "DEFAULT_YEARS",
    "GOVERNMENT_SCHEDULE_2024_2026",
    "SAME_DAY_CUTOFF",
    "TZ",
    "CalendarError",
    "DayKind",
    "DayRule",
    "LimitUnit",
    "OfficeHours",
    "Supplement",
    "SupplementPolicy",
    "TimeLimit",
    "WorkCalendar",
    "add_working_time",
    "bulk_due_working_days",
    "can_reschedule",
    "check_reschedule",
    "classify_finished",
    "classify_open",
    "due_at",
    "effective_receipt",
    "explain",
    "working_time_between",
]
