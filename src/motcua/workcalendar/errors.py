"""Errors of the working-time engine.

Every error is a :class:`CalendarError` (a ``ValueError``) whose message is plain Vietnamese,
because it ends up in front of one-stop officers and citizens (receipt slips, API answers, CLI).
The helper functions below keep the wording identical wherever the same mistake is detected.
"""

from __future__ import annotations

from datetime import date

__all__ = ["CalendarError"]


class CalendarError(ValueError):
    """Invalid input to the working-time engine (message in Vietnamese)."""


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def naive_datetime() -> CalendarError:
    return CalendarError("Thời điểm phải có múi giờ (naive datetime)")


def year_out_of_range(year: int, years: range) -> CalendarError:
    return CalendarError(f"Năm {year} nằm ngoài phạm vi lịch làm việc được hỗ trợ ({years.start}–{years.stop - 1})")


def result_out_of_range(years: range) -> CalendarError:
    return CalendarError(
        f"Kết quả tính toán vượt ra ngoài phạm vi lịch làm việc được hỗ trợ ({years.start}–{years.stop - 1})"
    )


def off_and_worked(day: date) -> CalendarError:
    return CalendarError(f"Ngày {_d(day)} vừa là ngày nghỉ vừa là ngày làm bù")


def duplicate_day(day: date) -> CalendarError:
    return CalendarError(f"Ngày {_d(day)} được khai báo hai lần trong lịch làm việc")
