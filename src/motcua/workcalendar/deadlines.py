"""Pure deadline functions: effective receipt, due moment, reschedule, classification, explanation.

Rules (regulations.md §1.6, §1.11, §6.3):

* **Effective receipt** — a dossier received on a non-working day or outside office hours counts
  as received at the next working moment (07:30 next working day; 13:30 when received during the
  lunch break): nobody can work on it earlier.
* **Working days** — Civil Code 2015 Art. 147: the day of receipt is not counted; Art. 148: the
  period ends at the end of the last day, i.e. at the *close of office hours* of the N-th working
  day after the (effective) receipt day.
* **Working hours** — counted inside office hours only, from the effective receipt moment.
* **Calendar days** — close of office hours on receipt day + N; if that day is non-working, the
  close of the next working day (Civil Code Art. 148).
* **Same day** ("trong ngày") — Decree 61/2018 Art. 18 cut-off: effective receipt before 15:00 →
  close of that day, otherwise close of the next working day.
* **Supplements** — ``restart``: Decree 61/2018 Art. 19.4, the limit restarts from zero at the
  arrival of the complete supplement; ``pause``: Decision 766 metric, the working time spent
  waiting is added to the original due moment.  While a supplement is pending the due moment is
  unknown, so :func:`due_at` returns ``None``.

All moments are aware datetimes interpreted in Asia/Ho_Chi_Minh; results are in that timezone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from . import errors
from .calendar import HoursProfile, WorkCalendar
from .errors import CalendarError
from .rules import (
    SAME_DAY_CUTOFF,
    TZ,
    LimitUnit,
    OfficeHours,
    Supplement,
    SupplementPolicy,
    TimeLimit,
    format_date,
    format_moment,
    require_aware,
    weekday_name,
)

__all__ = [
    "add_working_time",
    "can_reschedule",
    "check_reschedule",
    "classify_finished",
    "classify_open",
    "due_at",
    "effective_receipt",
    "explain",
    "working_time_between",
]

FinishedClass = Literal["early", "on_time", "late"]
OpenClass = Literal["in_time", "due_soon", "overdue"]

_CUTOFF_US = (SAME_DAY_CUTOFF.hour * 3600 + SAME_DAY_CUTOFF.minute * 60) * 1_000_000
_US = timedelta(microseconds=1)


# -- positions: (day index, microseconds since midnight) ---------------------------------------
def _position(cal: WorkCalendar, moment: datetime) -> tuple[datetime, int, int]:
    local = require_aware(moment)
    i = local.toordinal() - cal._base
    if not 0 <= i < cal._size:
        raise errors.year_out_of_range(local.year, cal.years)
    t = ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond
    return local, i, t


def _effective(cal: WorkCalendar, p: HoursProfile, i: int, t: int) -> tuple[int, int]:
    """First working moment at or after (i, t)."""
    if cal._work[i]:
        for s, e in zip(p.starts, p.ends, strict=True):
            if t < e:
                return i, s if t < s else t
    return cal.working_index(cal._cum[i]), p.open_us


def _worked_until(cal: WorkCalendar, p: HoursProfile, i: int, t: int) -> int:
    """Working microseconds from the start of the calendar range to (i, t)."""
    work = cal._work[i]
    return (cal._cum[i] - work) * p.day_total + (p.within(t) if work else 0)


def _moment_after_worked(cal: WorkCalendar, p: HoursProfile, total: int) -> datetime:
    """Earliest moment at which *total* (> 0) working microseconds have elapsed.  Landing exactly
    on the end of an interval gives that end (11:30, not 13:30)."""
    k, rest = divmod(total - 1, p.day_total)
    rest += 1
    for s, e, before in zip(p.starts, p.ends, p.cum_before, strict=True):
        if rest <= before + (e - s):
            return p.moment(cal.working_index(k), s + rest - before)
    raise AssertionError("unreachable: rest <= day_total")  # pragma: no cover


def effective_receipt(cal: WorkCalendar, received_at: datetime, hours: OfficeHours | None = None) -> datetime:
    """The moment from which a time limit runs: *received_at* itself inside office hours, else the
    opening of the next working moment (lunch break → 13:30 the same day)."""
    p = cal.profile(hours)
    local, i, t = _position(cal, received_at)
    i2, t2 = _effective(cal, p, i, t)
    return local if (i2, t2) == (i, t) else p.moment(i2, t2)


def add_working_time(
    cal: WorkCalendar, moment: datetime, duration: timedelta, hours: OfficeHours | None = None
) -> datetime:
    """*moment* plus *duration* of working time, counted inside office hours of working days."""
    if not isinstance(duration, timedelta) or duration < timedelta(0):
        raise CalendarError("Thời lượng cộng thêm phải là một khoảng thời gian không âm")
    p = cal.profile(hours)
    local, i, t = _position(cal, moment)
    if not duration:
        return local
    return _moment_after_worked(cal, p, _worked_until(cal, p, i, t) + duration // _US)


def working_time_between(
    cal: WorkCalendar, start: datetime, end: datetime, hours: OfficeHours | None = None
) -> timedelta:
    """Working time (inside office hours) between two moments; negative if *end* < *start*."""
    p = cal.profile(hours)
    _, i, t = _position(cal, start)
    _, j, u = _position(cal, end)
    return timedelta(microseconds=_worked_until(cal, p, j, u) - _worked_until(cal, p, i, t))


# -- due moment ---------------------------------------------------------------------------------
def _base_due(cal: WorkCalendar, received_at: datetime, limit: TimeLimit, p: HoursProfile) -> datetime:
    unit = limit.unit
    if unit is LimitUnit.WORKING_DAYS:
        _, i, t = _position(cal, received_at)
        same_day = cal._work[i] and t < p.close_us
        return p.close_at(cal._cum[i] - same_day + limit.value)
    _, i, t = _position(cal, received_at)
    if unit is LimitUnit.WORKING_HOURS:
        return _moment_after_worked(cal, p, _worked_until(cal, p, i, t) + limit.value * 3_600_000_000)
    ei, et = _effective(cal, p, i, t)
    if unit is LimitUnit.CALENDAR_DAYS:
        last = ei + limit.value
        if last >= cal._size:
            raise errors.result_out_of_range(cal.years)
        return p.close_at(cal._cum[last] - cal._work[last])
    # SAME_DAY: the effective receipt day is a working day with index _cum[ei] - 1
    return p.close_at(cal._cum[ei] - (et < _CUTOFF_US))


def _checked_supplements(received_at: datetime, supplements: Iterable[Supplement]) -> tuple[Supplement, ...]:
    result = tuple(supplements)
    received = require_aware(received_at)
    for s in result:
        if not isinstance(s, Supplement):
            raise CalendarError(f"Yêu cầu bổ sung phải là Supplement, nhận được {s!r}")
        if require_aware(s.requested_at) < received:
            raise CalendarError("Thời điểm yêu cầu bổ sung không thể trước thời điểm tiếp nhận hồ sơ")
    return result


def _pauses(supplements: tuple[Supplement, ...]) -> list[tuple[datetime, datetime]]:
    """Waiting periods of completed supplements, merged where they overlap."""
    merged: list[tuple[datetime, datetime]] = []
    for s in sorted(supplements, key=lambda s: s.requested_at):
        start, end = require_aware(s.requested_at), require_aware(s.completed_at)  # type: ignore[arg-type]
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def due_at(
    cal: WorkCalendar,
    received_at: datetime,
    limit: TimeLimit,
    *,
    hours: OfficeHours | None = None,
    policy: SupplementPolicy = SupplementPolicy.RESTART,
    supplements: Iterable[Supplement] = (),
) -> datetime | None:
    """Due moment (aware, Asia/Ho_Chi_Minh) of a dossier or of a processing step.

    Returns ``None`` while a supplement is pending (``completed_at is None``): under
    ``restart`` the limit has not started again yet, under ``pause`` the clock is stopped, so no
    honest due moment exists.  Callers show "đang chờ bổ sung" instead of a date.
    """
    if not isinstance(limit, TimeLimit):
        raise CalendarError("Thời hạn phải là một TimeLimit")
    p = cal.default_profile if hours is None else cal.profile(hours)
    if not supplements:
        if limit.unit is LimitUnit.WORKING_DAYS:  # hot path, inlined: a few list look-ups
            local = received_at
            if local.tzinfo is not TZ:
                local = require_aware(local)
            i = local.toordinal() - cal._base
            if not 0 <= i < cal._size:
                raise errors.year_out_of_range(local.year, cal.years)
            t = ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond
            return p.close_at(cal._cum[i] - (cal._work[i] and t < p.close_us) + limit.value)
        return _base_due(cal, received_at, limit, p)
    sups = _checked_supplements(received_at, supplements)
    if any(s.pending for s in sups):
        return None
    if not sups:
        return _base_due(cal, received_at, limit, p)
    if SupplementPolicy(policy) is SupplementPolicy.RESTART:
        restart_from = max(require_aware(s.completed_at) for s in sups)  # type: ignore[arg-type]
        return _base_due(cal, restart_from, limit, p)
    original = _base_due(cal, received_at, limit, p)
    paused = sum((working_time_between(cal, a, b, p.hours) for a, b in _pauses(sups)), timedelta(0))
    return add_working_time(cal, original, paused, p.hours)


# -- reschedule (Decree 61/2018 Art. 19.9) ------------------------------------------------------
def _reschedule_refusal(
    cal: WorkCalendar, asked_at: datetime, current_due: datetime, hours: OfficeHours | None
) -> str | None:
    due = require_aware(current_due)
    latest_day = cal.previous_working_day(due.date())
    asked = effective_receipt(cal, asked_at, hours)
    if asked.date() <= latest_day:
        return None
    return (
        "Không thể hẹn lại ngày trả kết quả: văn bản xin lỗi và đề nghị gia hạn phải gửi chậm nhất "
        f"01 ngày làm việc trước ngày hết hạn (hạn hiện tại {format_moment(due)}, chậm nhất trong giờ "
        f"làm việc ngày {format_date(latest_day)}); đề nghị được ghi nhận lúc {format_moment(asked)}"
    )


def can_reschedule(
    cal: WorkCalendar, asked_at: datetime, current_due: datetime, hours: OfficeHours | None = None
) -> bool:
    """True when the request is made at least one working day before the due day.

    Decree 61/2018 Art. 19.9: "chậm nhất 01 ngày trước ngày hết hạn" (implemented as one
    *working* day).  The request counts from its effective receipt: one sent at 20:00 is only
    received by the One-stop Section when it opens the next working morning.
    """
    return _reschedule_refusal(cal, asked_at, current_due, hours) is None


def check_reschedule(
    cal: WorkCalendar,
    asked_at: datetime,
    current_due: datetime,
    hours: OfficeHours | None = None,
    *,
    already_rescheduled: bool = False,
) -> None:
    """Raise :class:`CalendarError` (Vietnamese) unless the due date may be rescheduled now.
    The date may be rescheduled at most once (Decree 61/2018 Art. 19.9)."""
    if already_rescheduled:
        raise CalendarError("Không thể hẹn lại: ngày trả kết quả chỉ được hẹn lại một lần")
    refusal = _reschedule_refusal(cal, asked_at, current_due, hours)
    if refusal is not None:
        raise CalendarError(refusal)


# -- classification (Circular 01/2018 Art. 13; DVCQG 766 indicator 2.1) -------------------------
def classify_finished(cal: WorkCalendar, finished_at: datetime, due: datetime) -> FinishedClass:
    """``early`` if finished on a day before the due day, ``on_time`` if on the due day by the due
    moment, ``late`` after the due moment.  Same rule for dossiers and for each processing step."""
    finished, _, _ = _position(cal, finished_at)
    deadline, _, _ = _position(cal, due)
    if finished > deadline:
        return "late"
    return "early" if finished.date() < deadline.date() else "on_time"


def classify_open(cal: WorkCalendar, now: datetime, due: datetime) -> OpenClass:
    """``overdue`` if *now* is past the due moment, ``due_soon`` if at most one working day is left
    (the due day is today or the next working day), else ``in_time``."""
    current, _, _ = _position(cal, now)
    deadline, _, _ = _position(cal, due)
    if current > deadline:
        return "overdue"
    if cal.working_days_between(current.date(), deadline.date()) <= 1:
        return "due_soon"
    return "in_time"


# -- explanation for citizens -----------------------------------------------------------------
def _duration_text(us: int) -> str:
    minutes = round(us / 60_000_000)
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} giờ {m} phút"
    return f"{h} giờ" if h else f"{m} phút"


def _skipped(cal: WorkCalendar, first: int, last: int) -> list[str]:
    """Lines for the non-working days with index in [first, last]."""
    return [f"Không tính: {cal.describe_day(cal.day_at(i))}" for i in range(first, last + 1) if not cal._work[i]]


def _receipt_lines(cal: WorkCalendar, p: HoursProfile, received_at: datetime) -> tuple[list[str], int, int]:
    local, i, t = _position(cal, received_at)
    day = local.date()
    lines = [f"Tiếp nhận hồ sơ lúc {format_moment(local)} ({weekday_name(day)})."]
    ei, et = _effective(cal, p, i, t)
    if (ei, et) == (i, t):
        return lines, ei, et
    moved = format_moment(p.moment(ei, et))
    if not cal._work[i]:
        lines.append(f"Nhận vào ngày nghỉ ({cal.describe_day(day)}): tính là nhận lúc {moved}")
    elif t < p.open_us:
        lines.append(f"Nhận trước giờ làm việc ({format_moment(local)}): tính là nhận lúc {moved}")
    elif t < p.close_us:
        lines.append(f"Nhận trong giờ nghỉ trưa ({format_moment(local)}): tính là nhận lúc {moved}")
    else:
        lines.append(f"Nhận ngoài giờ làm việc ({format_moment(local)}): tính là nhận lúc {moved}")
    lines += _skipped(cal, i + 1, ei - 1)
    return lines, ei, et


def _counting_lines(cal: WorkCalendar, p: HoursProfile, ei: int, et: int, limit: TimeLimit, due: datetime) -> list[str]:
    di = due.toordinal() - cal._base
    receipt_day = format_date(cal.day_at(ei))
    close = f"{p.hours.closing:%H:%M}"
    lines: list[str] = []
    if limit.unit is LimitUnit.WORKING_DAYS:
        lines.append(f"Ngày tiếp nhận {receipt_day} không tính vào thời hạn (Bộ luật Dân sự 2015, Điều 147).")
        n = 0
        for i in range(ei + 1, di + 1):
            d = cal.day_at(i)
            if cal._work[i]:
                n += 1
                extra = f" – {cal.day_reason(d)}" if cal.day_reason(d) else ""
                lines.append(f"Ngày làm việc thứ {n}: {format_date(d)} ({weekday_name(d)}{extra})")
            else:
                lines.append(f"Không tính: {cal.describe_day(d)}")
        lines.append(f"Thời hạn kết thúc khi hết giờ làm việc ({close}) của ngày làm việc thứ {n} (Điều 148).")
    elif limit.unit is LimitUnit.WORKING_HOURS:
        lines.append(f"Thời hạn chỉ tính trong giờ làm việc ({p.hours.label()}) của ngày làm việc.")
        due_t = ((due.hour * 60 + due.minute) * 60 + due.second) * 1_000_000 + due.microsecond
        for i in range(ei, di + 1):
            if not cal._work[i]:
                lines.append(f"Không tính: {cal.describe_day(cal.day_at(i))}")
                continue
            start = p.within(et) if i == ei else 0
            end = p.within(due_t) if i == di else p.day_total
            if end > start:
                lines.append(f"{format_date(cal.day_at(i))}: tính {_duration_text(end - start)}")
    elif limit.unit is LimitUnit.CALENDAR_DAYS:
        last = ei + limit.value
        lines.append(
            f"Ngày tiếp nhận {receipt_day} không tính; ngày cuối cùng của thời hạn {limit.value} ngày là "
            f"{format_date(cal.day_at(last))} (Bộ luật Dân sự 2015, Điều 147)."
        )
        if not cal._work[last]:
            lines.append(
                f"{cal.describe_day(cal.day_at(last))} là ngày nghỉ: thời hạn kết thúc vào ngày làm việc "
                f"tiếp theo (Bộ luật Dân sự 2015, Điều 148)."
            )
            lines += _skipped(cal, last + 1, di - 1)
    elif et < _CUTOFF_US:
        lines.append(f"Thủ tục trả trong ngày, nhận trước {SAME_DAY_CUTOFF:%H:%M}: trả kết quả ngay trong ngày.")
    else:
        lines.append(
            f"Thủ tục trả trong ngày, nhận từ {SAME_DAY_CUTOFF:%H:%M} trở đi: trả kết quả vào ngày làm việc "
            "tiếp theo (Nghị định 61/2018, Điều 18)."
        )
        lines += _skipped(cal, ei + 1, di - 1)
    return lines


def _final_line(due: datetime) -> str:
    return f"Hạn trả kết quả: {due:%H:%M} ngày {format_date(due.date())}"


def _explain_from(
    cal: WorkCalendar, p: HoursProfile, start: datetime, limit: TimeLimit
) -> tuple[list[str], list[str], datetime]:
    """(receipt lines, counting lines, due) for a limit running from *start*."""
    due = _base_due(cal, start, limit, p)
    receipt, ei, et = _receipt_lines(cal, p, start)
    counting = [f"Thời hạn giải quyết: {limit.label()}.", *_counting_lines(cal, p, ei, et, limit, due)]
    return receipt, counting, due


def explain(
    cal: WorkCalendar,
    received_at: datetime,
    limit: TimeLimit,
    *,
    hours: OfficeHours | None = None,
    policy: SupplementPolicy = SupplementPolicy.RESTART,
    supplements: Iterable[Supplement] = (),
) -> list[str]:
    """How the due moment was computed, as plain Vietnamese lines a citizen can follow.

    The last line is always "Hạn trả kết quả: HH:MM ngày dd/mm/yyyy", or, while a supplement is
    pending, "Hạn trả kết quả: chưa xác định (đang chờ bổ sung hồ sơ)".
    """
    p = cal.profile(hours)
    sups = _checked_supplements(received_at, supplements)
    policy = SupplementPolicy(policy)
    receipt, counting, due = _explain_from(cal, p, received_at, limit)
    if not sups:
        return [*receipt, *counting, _final_line(due)]
    pending = [s for s in sups if s.pending]
    if pending:
        rule = (
            "khi nhận đủ hồ sơ, thời hạn được tính lại từ đầu (Nghị định 61/2018, Điều 19 khoản 4)"
            if policy is SupplementPolicy.RESTART
            else "thời gian chờ bổ sung không tính vào thời hạn"
        )
        return [
            *receipt,
            f"Thời hạn giải quyết: {limit.label()}.",
            f"Yêu cầu bổ sung hồ sơ lúc {format_moment(pending[0].requested_at)}: đang chờ bổ sung; {rule}.",
            "Hạn trả kết quả: chưa xác định (đang chờ bổ sung hồ sơ)",
        ]
    if policy is SupplementPolicy.RESTART:
        last = max(sups, key=lambda s: require_aware(s.completed_at))  # type: ignore[arg-type]
        completed = require_aware(last.completed_at)  # type: ignore[arg-type]
        restart_receipt, restart_counting, due = _explain_from(cal, p, completed, limit)
        return [
            *receipt,
            f"Yêu cầu bổ sung hồ sơ lúc {format_moment(last.requested_at)}; nhận đủ hồ sơ bổ sung lúc "
            f"{format_moment(completed)}: thời hạn được tính lại từ đầu "
            "(Nghị định 61/2018, Điều 19 khoản 4).",
            *restart_receipt[1:],
            *restart_counting,
            _final_line(due),
        ]
    lines = [*receipt, *counting, f"Hạn ban đầu (chưa tính thời gian chờ bổ sung): {format_moment(due)}"]
    for a, b in _pauses(sups):
        spent = working_time_between(cal, a, b, p.hours) // _US
        lines.append(
            f"Chờ bổ sung hồ sơ từ {format_moment(a)} đến {format_moment(b)}: cộng thêm "
            f"{_duration_text(spent)} làm việc vào thời hạn."
        )
    final = due_at(cal, received_at, limit, hours=p.hours, policy=policy, supplements=sups)
    assert final is not None  # no supplement is pending here
    return [*lines, _final_line(final)]
