"""The working-day calendar of Vietnamese state agencies.

A day is *non-working* when it is a Saturday/Sunday, a statutory holiday (Labor Code 2019
Art. 112, with compensatory days of Art. 111.3 — see :mod:`.statutory`) or an announced day off;
an announced make-up day (ngày làm bù) turns a weekend day into a working day when
``makeup_counts`` is true (whether make-up Saturdays count for procedure deadlines is not settled
by any text read, so it is a policy switch, default: they count).  Announced rows (the Government
schedule and local overrides) beat the ``holidays`` package when they disagree.

Everything is precomputed at construction over the whole supported range so that each query is a
couple of list look-ups: ``_work[i]`` (is day *i* working), ``_cum[i]`` (number of working days
in days ``0..i`` inclusive) and ``_wd[k]`` (day index of the *k*-th working day), plus NumPy copies
for :mod:`.bulk`.  Day index *i* is ``date.toordinal() - _base``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

import numpy as np

from . import errors
from .errors import CalendarError
from .rules import (
    DEFAULT_OFFICE_HOURS,
    TZ,
    DayKind,
    DayRule,
    OfficeHours,
    format_date,
    require_aware,
    weekday_name,
)
from .statutory import REFERENCE_HOLIDAY, statutory_days

__all__ = ["DEFAULT_YEARS", "HoursProfile", "WorkCalendar"]

DEFAULT_YEARS = range(2015, 2036)
_US_PER_SECOND = 1_000_000


def _us(t: time) -> int:  # microseconds since midnight
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_SECOND + t.microsecond


class HoursProfile:
    """Office hours of one receiving unit, turned into microsecond arithmetic for one calendar.

    ``close_at(k)`` gives the (cached) aware datetime of the close of office hours on the *k*-th
    working day: the due moment of every day-based limit.
    """

    __slots__ = (
        "_cal",
        "_close_cache",
        "close_us",
        "cum_before",
        "day_total",
        "ends",
        "hours",
        "open_us",
        "starts",
    )

    def __init__(self, cal: WorkCalendar, hours: OfficeHours) -> None:
        self._cal = cal
        self.hours = hours
        self.starts = tuple(_us(s) for s, _ in hours.intervals)
        self.ends = tuple(_us(e) for _, e in hours.intervals)
        before, total = [], 0
        for s, e in zip(self.starts, self.ends, strict=True):
            before.append(total)
            total += e - s
        self.cum_before = tuple(before)
        self.day_total = total
        self.open_us = self.starts[0]
        self.close_us = self.ends[-1]
        self._close_cache: list[datetime] | None = None

    def within(self, t_us: int) -> int:
        """Working microseconds of a working day elapsed at time-of-day *t_us*."""
        done = 0
        for s, e in zip(self.starts, self.ends, strict=True):
            if t_us <= s:
                break
            done += (t_us if t_us < e else e) - s
        return done

    def moment(self, day_index: int, t_us: int) -> datetime:
        """Aware datetime (Vietnam time) for day index *day_index* at time-of-day *t_us*."""
        d = date.fromordinal(self._cal._base + day_index)
        seconds, micro = divmod(t_us, _US_PER_SECOND)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime(d.year, d.month, d.day, hour, minute, second, micro, tzinfo=TZ)

    def close_at(self, k: int) -> datetime:
        """Close of office hours on the *k*-th working day of the calendar."""
        cache = self._close_cache
        if cache is None:
            cache = self._close_cache = [self.moment(i, self.close_us) for i in self._cal._wd]
        if not 0 <= k < len(cache):
            raise errors.result_out_of_range(self._cal.years)
        return cache[k]


class WorkCalendar:
    """Working days of state agencies over ``years`` (default 2015–2035).

    ``overrides`` are announced days (the Government schedule, e.g.
    :data:`~motcua.workcalendar.seed.GOVERNMENT_SCHEDULE_2024_2026`, and local decisions).
    Construction validates everything first and raises :class:`CalendarError` (nothing is built)
    on a day declared twice, off and worked at once, or outside ``years``.
    """

    def __init__(
        self,
        overrides: Iterable[DayRule] = (),
        *,
        makeup_counts: bool = True,
        years: range = DEFAULT_YEARS,
        hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    ) -> None:
        if not isinstance(years, range) or years.step != 1 or len(years) == 0:
            raise CalendarError("Phạm vi năm phải là một khoảng liên tục, ví dụ range(2015, 2036)")
        if not isinstance(hours, OfficeHours):
            raise CalendarError("Giờ làm việc phải là một OfficeHours")
        rules = self._validated_rules(overrides, years)

        first = date(years.start, 1, 1)
        size = (date(years.stop - 1, 12, 31) - first).days + 1
        base = first.toordinal()
        work = [date.fromordinal(base + i).weekday() < 5 for i in range(size)]
        reason: list[str | None] = [None] * size
        reference: list[str] = [""] * size

        def put(day: date, text: str, ref: str) -> int | None:
            i = day.toordinal() - base
            if not 0 <= i < size:
                return None
            reason[i], reference[i] = text, ref
            return i

        statutory = statutory_days(years)
        for day, name in statutory.off.items():
            if (i := put(day, name, REFERENCE_HOLIDAY)) is not None:
                work[i] = False
        for day, name in statutory.worked.items():
            if (i := put(day, self._makeup_text(name, makeup_counts), REFERENCE_HOLIDAY)) is not None:
                work[i] = makeup_counts
        for rule in rules.values():
            i = rule.day.toordinal() - base
            weekend = rule.day.weekday() >= 5
            if rule.kind is DayKind.OFF:
                work[i] = False
                text = rule.reason
            else:  # a worked row beats a package holiday; a weekend day counts only by policy
                work[i] = makeup_counts or not weekend
                text = self._makeup_text(rule.reason, makeup_counts) if weekend else rule.reason
            reason[i], reference[i] = text, rule.reference

        cum, wd, count = [0] * size, [], 0
        for i, flag in enumerate(work):
            if flag:
                wd.append(i)
                count += 1
            cum[i] = count

        self.years = years
        self.makeup_counts = makeup_counts
        self.hours = hours
        self._base = base
        self._size = size
        self._work = work
        self._cum = cum
        self._wd = wd
        self._reason = reason
        self._reference = reference
        self.work_np = np.array(work, dtype=np.bool_)
        self.cum_np = np.array(cum, dtype=np.int64)
        self.wd_np = np.array(wd, dtype=np.int64)
        #: days since 1970-01-01 of day index 0 (for datetime64 arithmetic in :mod:`.bulk`)
        self.base_epoch_day = base - date(1970, 1, 1).toordinal()
        self._profiles: dict[OfficeHours, HoursProfile] = {}
        self.default_profile = self.profile(hours)

    # -- construction helpers -----------------------------------------------------------------
    @staticmethod
    def _validated_rules(overrides: Iterable[DayRule], years: range) -> dict[date, DayRule]:
        rules: dict[date, DayRule] = {}
        for rule in overrides:
            if not isinstance(rule, DayRule):
                raise CalendarError(f"Ngày ngoại lệ phải là DayRule, nhận được {rule!r}")
            if rule.day.year not in years:
                raise errors.year_out_of_range(rule.day.year, years)
            if rule.day in rules:
                if rules[rule.day].kind is not rule.kind:
                    raise errors.off_and_worked(rule.day)
                raise errors.duplicate_day(rule.day)
            rules[rule.day] = rule
        return rules

    @staticmethod
    def _makeup_text(reason: str, counts: bool) -> str:
        return reason if counts else f"{reason} (không tính vào thời hạn giải quyết)"

    # -- index helpers ------------------------------------------------------------------------
    def index(self, day: date) -> int:
        """Day index of *day* (a date, or an aware datetime taken in Vietnam time)."""
        if isinstance(day, datetime):
            day = require_aware(day).date()
        i = day.toordinal() - self._base
        if not 0 <= i < self._size:
            raise errors.year_out_of_range(day.year, self.years)
        return i

    def day_at(self, i: int) -> date:
        if not 0 <= i < self._size:
            raise errors.result_out_of_range(self.years)
        return date.fromordinal(self._base + i)

    def working_index(self, k: int) -> int:
        """Day index of the *k*-th (0-based) working day of the range."""
        if not 0 <= k < len(self._wd):
            raise errors.result_out_of_range(self.years)
        return self._wd[k]

    def profile(self, hours: OfficeHours | None = None) -> HoursProfile:
        """Precomputed arithmetic for *hours* (default: the calendar's office hours)."""
        if hours is None:
            return self.default_profile
        found = self._profiles.get(hours)
        if found is None:
            if not isinstance(hours, OfficeHours):
                raise CalendarError("Giờ làm việc phải là một OfficeHours")
            found = self._profiles[hours] = HoursProfile(self, hours)
        return found

    # -- queries ------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        """True when state agencies work on *day* (and it counts towards time limits)."""
        return self._work[self.index(day)]

    def day_reason(self, day: date) -> str | None:
        """Why *day* is off (or an announced make-up day); ``None`` for an ordinary working day."""
        i = self.index(day)
        if self._reason[i] is not None:
            return self._reason[i]
        d = self.day_at(i)
        return weekday_name(d) if d.weekday() >= 5 else None

    def add_working_days(self, day: date, n: int) -> date:
        """The *n*-th working day strictly after *day* (Civil Code Art. 147: the start day is not
        counted, whether or not it is itself a working day); ``n == 0`` returns *day*."""
        if n < 0:
            raise CalendarError("Số ngày làm việc cộng thêm không được âm")
        i = self.index(day)
        if n == 0:
            return self.day_at(i)
        return self.day_at(self.working_index(self._cum[i] + n - 1))

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in ``(start, end]`` (negative if *end* is before *start*);
        so ``working_days_between(d, add_working_days(d, n)) == n``."""
        return self._cum[self.index(end)] - self._cum[self.index(start)]

    def next_working_day(self, day: date) -> date:
        """First working day strictly after *day*."""
        return self.add_working_days(day, 1)

    def working_day_on_or_after(self, day: date) -> date:
        i = self.index(day)
        return self.day_at(i if self._work[i] else self.working_index(self._cum[i]))

    def previous_working_day(self, day: date) -> date:
        """Last working day strictly before *day*."""
        i = self.index(day)
        return self.day_at(self.working_index(self._cum[i] - self._work[i] - 1))

    def non_working_weekdays(self, year: int) -> list[DayRule]:
        """Monday–Friday days of *year* on which agencies are closed, with reasons (for the CLI)."""
        return [
            DayRule(d, DayKind.OFF, self.day_reason(d) or "", self._reference[i])
            for i, d in self._days_of(year)
            if d.weekday() < 5 and not self._work[i]
        ]

    def working_weekend_days(self, year: int) -> list[DayRule]:
        """Saturdays/Sundays of *year* that count as working days (announced make-up days)."""
        return [
            DayRule(d, DayKind.WORKED, self.day_reason(d) or "", self._reference[i])
            for i, d in self._days_of(year)
            if d.weekday() >= 5 and self._work[i]
        ]

    def _days_of(self, year: int) -> Iterable[tuple[int, date]]:
        start = self.index(date(year, 1, 1))
        end = self.index(date(year, 12, 31))
        for i in range(start, end + 1):
            yield i, date.fromordinal(self._base + i)

    def describe_day(self, day: date) -> str:
        """E.g. "16/02/2026 – Tết Nguyên đán" or "14/02/2026 – Thứ Bảy"."""
        reason = self.day_reason(day)
        return f"{format_date(day)} – {reason}" if reason else format_date(day)

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(years={self.years.start}–{self.years.stop - 1}, "
            f"makeup_counts={self.makeup_counts}, hours={self.hours.label()!r})"
        )
