"""Invalid input is refused with a CalendarError whose message is plain Vietnamese."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest

from motcua.workcalendar import (
    GOVERNMENT_SCHEDULE_2024_2026,
    TZ,
    CalendarError,
    DayKind,
    DayRule,
    LimitUnit,
    OfficeHours,
    Supplement,
    TimeLimit,
    WorkCalendar,
    add_working_time,
    bulk_due_working_days,
    due_at,
    effective_receipt,
)
from motcua.workcalendar.statutory import apply_compensatory_rule


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        pytest.param(0, LimitUnit.WORKING_DAYS, "Thời hạn phải lớn hơn 0", id="zero_days"),
        pytest.param(-3, LimitUnit.WORKING_HOURS, "Thời hạn phải lớn hơn 0", id="negative_hours"),
        pytest.param(2601, LimitUnit.WORKING_DAYS, "bất hợp lý", id="more_than_2600_working_days"),
        pytest.param(20801, LimitUnit.WORKING_HOURS, "bất hợp lý", id="more_than_20800_working_hours"),
        pytest.param(3651, LimitUnit.CALENDAR_DAYS, "bất hợp lý", id="more_than_3650_calendar_days"),
        pytest.param(2.5, LimitUnit.WORKING_DAYS, "số nguyên", id="fractional_value"),
        pytest.param(True, LimitUnit.WORKING_DAYS, "số nguyên", id="boolean_value"),
        pytest.param(5, "weeks", "Đơn vị thời hạn không hợp lệ", id="unknown_unit"),
    ],
)
def test_invalid_limits_are_refused(value, unit, message):
    with pytest.raises(CalendarError, match=message):
        TimeLimit(value, unit)


def test_limits_at_the_ten_year_bounds_are_accepted():
    assert TimeLimit(2600).value == 2600
    assert TimeLimit(20800, LimitUnit.WORKING_HOURS).value == 20800
    assert TimeLimit(3650, LimitUnit.CALENDAR_DAYS).value == 3650


def test_same_day_ignores_the_value():
    assert TimeLimit(0, LimitUnit.SAME_DAY) == TimeLimit(7, "same_day")


def test_calendar_error_is_a_value_error():
    assert issubclass(CalendarError, ValueError)


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar(GOVERNMENT_SCHEDULE_2024_2026)


NAIVE = datetime(2026, 3, 2, 9, 0)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: due_at(c, NAIVE, TimeLimit(5)), id="due_at"),
        pytest.param(lambda c: due_at(c, NAIVE, TimeLimit(2, LimitUnit.WORKING_HOURS)), id="due_at_hours"),
        pytest.param(lambda c: effective_receipt(c, NAIVE), id="effective_receipt"),
        pytest.param(lambda c: add_working_time(c, NAIVE, timedelta(hours=1)), id="add_working_time"),
        pytest.param(lambda c: c.is_working_day(NAIVE), id="is_working_day_with_datetime"),
        pytest.param(lambda c: Supplement(NAIVE), id="supplement"),
    ],
)
def test_naive_datetimes_are_refused(cal, call):
    with pytest.raises(CalendarError, match=r"Thời điểm phải có múi giờ \(naive datetime\)"):
        call(cal)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.is_working_day(date(2041, 5, 1)), id="is_working_day"),
        pytest.param(lambda c: due_at(c, datetime(2041, 5, 1, 9, tzinfo=TZ), TimeLimit(1)), id="due_at"),
        pytest.param(lambda c: c.add_working_days(date(2041, 5, 1), 1), id="add_working_days"),
        pytest.param(
            lambda c: bulk_due_working_days(c, np.array(["2041-05-01T02:00"], "datetime64[s]"), np.array([1])),
            id="bulk",
        ),
    ],
)
def test_years_outside_the_range_are_refused(cal, call):
    with pytest.raises(CalendarError, match="Năm 2041 nằm ngoài phạm vi lịch làm việc được hỗ trợ \\(2015–2035\\)"):
        call(cal)


def test_due_beyond_the_range_is_refused(cal):
    with pytest.raises(CalendarError, match="vượt ra ngoài phạm vi"):
        due_at(cal, datetime(2035, 12, 20, 9, tzinfo=TZ), TimeLimit(30))


def test_override_outside_the_range_is_refused():
    with pytest.raises(CalendarError, match="Năm 2041 nằm ngoài phạm vi"):
        WorkCalendar([DayRule(date(2041, 1, 2), DayKind.OFF, "x")])


def test_day_both_off_and_worked_is_refused_and_nothing_is_built():
    rules = [
        DayRule(date(2026, 1, 10), DayKind.WORKED, "Làm bù cho ngày 02/01/2026"),
        DayRule(date(2026, 1, 10), DayKind.OFF, "Nghỉ"),
    ]
    built = None
    with pytest.raises(CalendarError, match="Ngày 10/01/2026 vừa là ngày nghỉ vừa là ngày làm bù"):
        built = WorkCalendar(rules)
    assert built is None
    # the failure left no state behind: a valid calendar still builds and behaves normally
    assert WorkCalendar(GOVERNMENT_SCHEDULE_2024_2026).is_working_day(date(2026, 1, 10))


def test_duplicate_day_is_refused():
    rule = DayRule(date(2026, 1, 2), DayKind.OFF, "Nghỉ hoán đổi")
    with pytest.raises(CalendarError, match="Ngày 02/01/2026 được khai báo hai lần"):
        WorkCalendar([rule, rule])


@pytest.mark.parametrize(
    ("intervals", "message"),
    [
        pytest.param((), "ít nhất một khoảng", id="empty"),
        pytest.param(((time(11), time(9)),), "không hợp lệ", id="end_before_start"),
        pytest.param(((time(13), time(17)), (time(7), time(11))), "không chồng lấn", id="unsorted"),
        pytest.param(((time(7), time(12)), (time(11), time(17))), "không chồng lấn", id="overlapping"),
    ],
)
def test_invalid_office_hours_are_refused(intervals, message):
    with pytest.raises(CalendarError, match=message):
        OfficeHours(intervals)


def test_supplement_completed_before_request_is_refused():
    with pytest.raises(CalendarError, match="phải sau thời điểm yêu cầu bổ sung"):
        Supplement(datetime(2026, 3, 3, 10, tzinfo=TZ), datetime(2026, 3, 2, 10, tzinfo=TZ))


def test_supplement_requested_before_receipt_is_refused(cal):
    early = Supplement(datetime(2026, 3, 1, 10, tzinfo=TZ), datetime(2026, 3, 3, 10, tzinfo=TZ))
    with pytest.raises(CalendarError, match="không thể trước thời điểm tiếp nhận"):
        due_at(cal, datetime(2026, 3, 2, 9, tzinfo=TZ), TimeLimit(5), supplements=[early])


def test_negative_working_days_are_refused(cal):
    with pytest.raises(CalendarError, match="không được âm"):
        cal.add_working_days(date(2026, 3, 2), -1)


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        pytest.param(np.array([0]), "lớn hơn 0", id="zero"),
        pytest.param(np.array([2601]), "bất hợp lý", id="absurd"),
        pytest.param(np.array([1.5]), "số nguyên", id="float"),
    ],
)
def test_bulk_refuses_invalid_limits(cal, limits, message):
    with pytest.raises(CalendarError, match=message):
        bulk_due_working_days(cal, np.array(["2026-03-02T02:00"], "datetime64[s]"), limits)


def test_compensatory_rule_fills_a_weekend_holiday_the_package_did_not_compensate():
    # Labor Code Art. 111.3 safety net: 30/04/2033 is a Saturday, 01/05 a Sunday → Mon 02 and Tue 03
    days = {date(2033, 4, 30): ["Ngày Chiến thắng"], date(2033, 5, 1): ["Ngày Quốc tế Lao động"]}
    extra = apply_compensatory_rule(days)
    assert sorted(extra) == [date(2033, 5, 2), date(2033, 5, 3)]
    already = {
        date(2033, 5, 2): ["Ngày Chiến thắng (nghỉ bù)"],
        date(2033, 5, 3): ["Ngày Quốc tế Lao động (nghỉ bù)"],
    }
    assert apply_compensatory_rule({**days, **already}) == {}


def test_compensatory_rule_ignores_lunar_new_year_days():
    # Tết days are fixed by the Prime Minister (Art. 112.3): Sat 01/02/2025 gives no extra day
    assert apply_compensatory_rule({date(2025, 2, 1): ["Mùng bốn Tết Nguyên đán"]}) == {}
