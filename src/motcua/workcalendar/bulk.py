"""Vectorised recomputation of working-day due moments (e.g. after the holiday table changes).

Same rule as :func:`~motcua.workcalendar.deadlines.due_at` for ``working_days`` limits: a receipt
on a non-working day or at/after the close of office hours rolls over to the next working day,
the receipt day is not counted (Civil Code Art. 147) and the due moment is the close of office
hours of the N-th working day after it (Art. 148).  The work is four NumPy gathers over the
calendar's precomputed arrays (``work_np``, ``cum_np``, ``wd_np``), so a million dossiers take a
few tens of milliseconds.

NumPy ``datetime64`` values carry no timezone; as in the database and in NumPy itself they are
taken as **UTC instants**, both for the input and for the returned due moments.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from . import errors
from .calendar import WorkCalendar
from .errors import CalendarError
from .rules import TZ, OfficeHours

__all__ = ["bulk_due_working_days"]

_DAY = 86_400


def _utc_offset_seconds(cal: WorkCalendar) -> int:
    """Offset of Asia/Ho_Chi_Minh over the calendar range; it must be constant (UTC+7 since 1975)."""
    offsets = {TZ.utcoffset(datetime(y, m, 1)) for y in (cal.years.start, cal.years.stop - 1) for m in (1, 7)}
    offset = offsets.pop() if len(offsets) == 1 else None
    if offset is None:  # pragma: no cover - would need a change of Vietnam's legal time
        raise CalendarError("Múi giờ Việt Nam thay đổi trong phạm vi lịch: không thể tính hàng loạt")
    return int(offset.total_seconds())


def bulk_due_working_days(
    cal: WorkCalendar,
    received: np.ndarray,
    limits: np.ndarray,
    *,
    hours: OfficeHours | None = None,
) -> np.ndarray:
    """Due moments (``datetime64[s]``, UTC) for receipts *received* (``datetime64``, UTC) with
    working-day *limits* (integers ≥ 1, broadcastable).  Agrees element-wise with ``due_at``."""
    received = np.asarray(received)
    if received.dtype.kind != "M":
        raise CalendarError("Thời điểm tiếp nhận phải là mảng datetime64 (giờ UTC)")
    limits = np.asarray(limits)
    if limits.dtype.kind not in "iu":
        raise CalendarError("Thời hạn phải là mảng số nguyên")
    if limits.size and (limits.min() < 1):
        raise CalendarError("Thời hạn phải lớn hơn 0")
    if limits.size and limits.max() > 2600:
        raise CalendarError("Thời hạn vượt quá 2600 ngày làm việc (khoảng 10 năm) là bất hợp lý")
    if np.isnat(received).any():
        raise CalendarError("Thiếu thời điểm tiếp nhận (NaT)")
    p = cal.profile(hours)
    offset = _utc_offset_seconds(cal)
    close_s = p.close_us // 1_000_000  # OfficeHours are whole seconds: flooring keeps "t < close"

    local = received.astype("datetime64[s]").astype(np.int64) + offset
    day, seconds = np.divmod(local, _DAY)
    i = day - cal.base_epoch_day
    if i.size and (i.min() < 0 or i.max() >= cal._size):
        bad = i.min() if i.min() < 0 else i.max()
        year = int(str(np.datetime64(int(bad + cal.base_epoch_day), "D"))[:4])
        raise errors.year_out_of_range(year, cal.years)
    # k: index of the effective receipt day among working days, +N
    same_day = cal.work_np[i] & (seconds < close_s)
    k = cal.cum_np[i] - same_day + limits
    if k.size and k.max() >= cal.wd_np.size:
        raise errors.result_out_of_range(cal.years)
    due_local = (cal.wd_np[k] + cal.base_epoch_day) * _DAY + (close_s - offset)
    return due_local.astype("datetime64[s]")
