"""Value types of the working-time engine (no Django, no I/O).

The one timezone constant of the engine lives here: every aware datetime is interpreted in
``Asia/Ho_Chi_Minh`` whatever its own ``tzinfo`` is, and every result is returned in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import CalendarError, naive_datetime

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "SAME_DAY_CUTOFF",
    "TZ",
    "DayKind",
    "DayRule",
    "LimitUnit",
    "OfficeHours",
    "Supplement",
    "SupplementPolicy",
    "TimeLimit",
    "format_date",
    "format_moment",
    "weekday_name",
]

#: The one timezone of the engine (Vietnam, UTC+7 without DST since 1975).
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: Decree 61/2018 Art. 18: paper dossiers received after 15:00 move to the next working day; the
#: same cut-off decides whether a "trong ngày" (same-day) procedure is due today or tomorrow.
SAME_DAY_CUTOFF = time(15, 0)

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def weekday_name(day: date) -> str:
    """Vietnamese weekday name ("Thứ Hai" … "Chủ nhật")."""
    return _WEEKDAYS[day.weekday()]


def format_date(day: date) -> str:
    """dd/mm/yyyy, the format used on Vietnamese administrative papers."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_moment(moment: datetime) -> str:
    """ "HH:MM dd/mm/yyyy" in Vietnam time (the order used on receipt slips)."""
    local = moment.astimezone(TZ)
    return f"{local.hour:02d}:{local.minute:02d} {format_date(local.date())}"


def require_aware(moment: datetime) -> datetime:
    """Return *moment* in Vietnam time; refuse naive datetimes (their meaning is a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise naive_datetime()
    if moment.tzinfo is TZ:
        return moment
    return moment.astimezone(TZ)


class LimitUnit(StrEnum):
    """Unit of a procedure's settlement time limit (DVCQG field ``DonViTinh``)."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    SAME_DAY = "same_day"


_UNIT_LABEL = {
    LimitUnit.WORKING_DAYS: "ngày làm việc",
    LimitUnit.WORKING_HOURS: "giờ làm việc",
    LimitUnit.CALENDAR_DAYS: "ngày",
}

#: About ten years in each unit; anything larger is a data-entry error, not a real procedure.
_MAX_VALUE = {
    LimitUnit.WORKING_DAYS: 2600,
    LimitUnit.WORKING_HOURS: 20800,
    LimitUnit.CALENDAR_DAYS: 3650,
}


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """A settlement time limit such as "05 ngày làm việc" or "trong ngày".

    ``value`` is ignored (normalised to 1) for :attr:`LimitUnit.SAME_DAY`.
    """

    value: int
    unit: LimitUnit = LimitUnit.WORKING_DAYS

    def __post_init__(self) -> None:
        try:
            unit = LimitUnit(self.unit)
        except ValueError:
            raise CalendarError(f"Đơn vị thời hạn không hợp lệ: {self.unit!r}") from None
        object.__setattr__(self, "unit", unit)
        if unit is LimitUnit.SAME_DAY:
            object.__setattr__(self, "value", 1)
            return
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise CalendarError(f"Thời hạn phải là số nguyên (nhận được {self.value!r})")
        if self.value < 1:
            raise CalendarError("Thời hạn phải lớn hơn 0")
        maximum = _MAX_VALUE[unit]
        if self.value > maximum:
            raise CalendarError(
                f"Thời hạn {self.value} {_UNIT_LABEL[unit]} là bất hợp lý "
                f"(tối đa {maximum} {_UNIT_LABEL[unit]}, khoảng 10 năm)"
            )

    def label(self) -> str:
        """Vietnamese wording, e.g. "5 ngày làm việc" or "trong ngày"."""
        if self.unit is LimitUnit.SAME_DAY:
            return "trong ngày"
        return f"{self.value} {_UNIT_LABEL[self.unit]}"


class DayKind(StrEnum):
    """An announced exception to the Monday–Friday week."""

    OFF = "off"  # a weekday on which agencies are closed (holiday, nghỉ bù, swapped day)
    WORKED = "worked"  # a weekend day on which agencies work (ngày làm bù)


@dataclass(frozen=True, slots=True)
class DayRule:
    """One row of the Government's yearly schedule (or of a local override)."""

    day: date
    kind: DayKind
    reason: str
    reference: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise CalendarError(f"Ngày không hợp lệ: {self.day!r}")
        try:
            object.__setattr__(self, "kind", DayKind(self.kind))
        except ValueError:
            raise CalendarError(f"Loại ngày không hợp lệ: {self.kind!r} (chỉ nhận off/worked)") from None


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Office hours applied on every working day, as sorted non-overlapping ``(start, end)`` pairs.

    Default: 07:30–11:30 and 13:30–17:00 (the usual one-stop opening hours, 7.5 h a day).
    Time limits in working hours are counted only inside these intervals.
    """

    intervals: tuple[tuple[time, time], ...] = field(default=((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))))

    def __post_init__(self) -> None:
        intervals = tuple(tuple(pair) for pair in self.intervals)
        if not intervals:
            raise CalendarError("Giờ làm việc phải có ít nhất một khoảng thời gian")
        previous_end = -1
        for pair in intervals:
            if len(pair) != 2 or not all(isinstance(t, time) for t in pair):
                raise CalendarError(f"Khoảng giờ làm việc không hợp lệ: {pair!r}")
            start, end = pair
            if start.tzinfo is not None or end.tzinfo is not None:
                raise CalendarError("Giờ làm việc không được kèm múi giờ (luôn là giờ Việt Nam)")
            if _seconds(start) >= _seconds(end) or start.microsecond or end.microsecond:
                raise CalendarError(
                    f"Khoảng giờ làm việc {start:%H:%M}–{end:%H:%M} không hợp lệ "
                    "(giờ bắt đầu phải trước giờ kết thúc, tính đến giây)"
                )
            if _seconds(start) < previous_end:
                raise CalendarError("Các khoảng giờ làm việc phải được sắp theo thứ tự và không chồng lấn nhau")
            previous_end = _seconds(end)
        object.__setattr__(self, "intervals", intervals)

    @property
    def opening(self) -> time:
        return self.intervals[0][0]

    @property
    def closing(self) -> time:
        return self.intervals[-1][1]

    def label(self) -> str:
        """E.g. "07:30–11:30, 13:30–17:00"."""
        return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in self.intervals)


DEFAULT_OFFICE_HOURS = OfficeHours()


class SupplementPolicy(StrEnum):
    """How a request for supplementary documents affects the time limit.

    * ``restart`` — Decree 61/2018 Art. 19.4: "thời hạn giải quyết được tính lại từ đầu sau khi
      nhận đủ hồ sơ" (the limit starts again from zero when the complete dossier arrives).
    * ``pause`` — the national Decision 766 metric: the waiting time between the request and the
      completed supplement is subtracted, i.e. the original due moment moves by that working time.
    """

    RESTART = "restart"
    PAUSE = "pause"


@dataclass(frozen=True, slots=True)
class Supplement:
    """A request for supplementary documents and, once received, the completion moment."""

    requested_at: datetime
    completed_at: datetime | None = None

    def __post_init__(self) -> None:
        requested = require_aware(self.requested_at)
        if self.completed_at is not None and require_aware(self.completed_at) < requested:
            raise CalendarError("Thời điểm nhận đủ hồ sơ bổ sung phải sau thời điểm yêu cầu bổ sung")

    @property
    def pending(self) -> bool:
        return self.completed_at is None
