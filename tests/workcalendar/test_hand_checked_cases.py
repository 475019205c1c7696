"""Hand-checked cases: every expected value was worked out on a printed calendar, not by the code.

Special days used (regulations.md §6.2 and the Government schedule in ``seed.py``):
2024 Tết Thu 08/02–Wed 14/02, Giỗ Tổ Thu 18/04, Mon 29/04 off ↔ Sat 04/05 worked, 02–03/09 off;
2025 Tết Mon 27/01–Fri 31/01, Giỗ Tổ Mon 07/04, Fri 02/05 off ↔ Sat 26/04 worked, 01–02/09 off;
2026 Fri 02/01 off ↔ Sat 10/01 worked, Tết Mon 16/02–Fri 20/02, Giỗ Tổ Sun 26/04 → Mon 27/04 off,
30/04–01/05 off, Mon 31/08 off ↔ Sat 22/08 worked, 01–02/09 off, 24/11 (package) off.
Office hours 07:30–11:30, 13:30–17:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from motcua.workcalendar import (
    TZ,
    DayKind,
    DayRule,
    LimitUnit,
    Supplement,
    SupplementPolicy,
    TimeLimit,
    WorkCalendar,
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
from motcua.workcalendar.errors import CalendarError

WD = LimitUnit.WORKING_DAYS
WH = LimitUnit.WORKING_HOURS
CD = LimitUnit.CALENDAR_DAYS
SD = LimitUnit.SAME_DAY


def t(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


# (id, calendar, received, limit value, unit, expected due)
DUE_CASES = [
    # --- working days across the 2024 special days -------------------------------------------
    ("2024_tet_thu08_to_wed14_skipped", "makeup", t(2024, 2, 7, 10), 3, WD, t(2024, 2, 19, 17)),
    ("2024_gio_to_thursday_18_04_skipped", "makeup", t(2024, 4, 17, 9), 2, WD, t(2024, 4, 22, 17)),
    ("2024_swap_mon29_04_off_sat04_05_counts", "makeup", t(2024, 4, 26, 10), 3, WD, t(2024, 5, 4, 17)),
    ("2024_sat04_05_not_counted_without_makeup", "no_makeup", t(2024, 4, 26, 10), 3, WD, t(2024, 5, 6, 17)),
    ("2024_national_day_02_and_03_09_skipped", "makeup", t(2024, 8, 30, 10), 1, WD, t(2024, 9, 4, 17)),
    # --- 2025 -------------------------------------------------------------------------------------
    (
        "2025_tet_27_to_31_01_no_extra_day_for_sat_01_02",
        "makeup",
        t(2025, 1, 24, 9),
        1,
        WD,
        t(2025, 2, 3, 17),
    ),
    ("2025_gio_to_monday_07_04_skipped", "makeup", t(2025, 4, 4, 14), 1, WD, t(2025, 4, 8, 17)),
    ("2025_makeup_sat26_04_counts", "makeup", t(2025, 4, 25, 10), 1, WD, t(2025, 4, 26, 17)),
    (
        "2025_makeup_sat26_04_not_counted_by_policy",
        "no_makeup",
        t(2025, 4, 25, 10),
        1,
        WD,
        t(2025, 4, 28, 17),
    ),
    ("2025_30_04_to_fri02_05_swapped_off", "makeup", t(2025, 4, 29, 10), 2, WD, t(2025, 5, 6, 17)),
    (
        "2025_30_04_to_fri02_05_off_without_makeup_too",
        "no_makeup",
        t(2025, 4, 29, 10),
        2,
        WD,
        t(2025, 5, 6, 17),
    ),
    ("2025_national_day_01_and_02_09_skipped", "makeup", t(2025, 8, 29, 10), 1, WD, t(2025, 9, 3, 17)),
    # --- 2026 -------------------------------------------------------------------------------------
    ("2026_new_year_and_swapped_fri02_01_skipped", "makeup", t(2025, 12, 31, 10), 1, WD, t(2026, 1, 5, 17)),
    ("2026_makeup_sat10_01_counts", "makeup", t(2026, 1, 9, 10), 1, WD, t(2026, 1, 10, 17)),
    ("2026_makeup_sat10_01_not_counted_by_policy", "no_makeup", t(2026, 1, 9, 10), 1, WD, t(2026, 1, 12, 17)),
    ("2026_anchor_fri13_02_5_days_tet_skipped", "makeup", t(2026, 2, 13, 9), 5, WD, t(2026, 2, 27, 17)),
    ("2026_gio_to_sunday_gives_monday_27_04_off", "makeup", t(2026, 4, 24, 10), 1, WD, t(2026, 4, 28, 17)),
    ("2026_30_04_and_01_05_skipped", "makeup", t(2026, 4, 29, 10), 1, WD, t(2026, 5, 4, 17)),
    ("2026_makeup_sat22_08_counts", "makeup", t(2026, 8, 21, 10), 1, WD, t(2026, 8, 22, 17)),
    (
        "2026_makeup_sat22_08_not_counted_by_policy",
        "no_makeup",
        t(2026, 8, 21, 10),
        1,
        WD,
        t(2026, 8, 24, 17),
    ),
    ("2026_mon31_08_swapped_and_01_02_09_skipped", "makeup", t(2026, 8, 28, 10), 1, WD, t(2026, 9, 3, 17)),
    (
        "2026_culture_day_24_11_from_package_skipped",
        "makeup",
        t(2026, 11, 23, 10),
        1,
        WD,
        t(2026, 11, 25, 17),
    ),
    # --- receipt roll-over ------------------------------------------------------------------------
    (
        "after_hours_friday_before_tet_rolls_to_23_02",
        "makeup",
        t(2026, 2, 13, 17, 20),
        5,
        WD,
        t(2026, 3, 2, 17),
    ),
    ("received_exactly_at_17_00_is_after_hours", "makeup", t(2026, 3, 2, 17), 1, WD, t(2026, 3, 4, 17)),
    ("received_16_59_counts_as_same_day", "makeup", t(2026, 3, 2, 16, 59), 1, WD, t(2026, 3, 3, 17)),
    ("received_saturday_counts_from_monday", "makeup", t(2026, 3, 7, 10), 1, WD, t(2026, 3, 10, 17)),
    ("received_before_opening_counts_same_day", "makeup", t(2026, 3, 2, 6), 1, WD, t(2026, 3, 3, 17)),
    ("received_during_tet_counts_from_23_02", "makeup", t(2026, 2, 17, 9), 2, WD, t(2026, 2, 25, 17)),
    # --- working hours ----------------------------------------------------------------------------
    ("hours_across_lunch_break", "makeup", t(2026, 3, 2, 10, 30), 2, WH, t(2026, 3, 2, 14, 30)),
    (
        "hours_ending_exactly_at_11_30_stay_at_11_30",
        "makeup",
        t(2026, 3, 2, 9, 30),
        2,
        WH,
        t(2026, 3, 2, 11, 30),
    ),
    ("hours_across_two_days", "makeup", t(2026, 3, 2, 16), 8, WH, t(2026, 3, 3, 16, 30)),
    ("hours_across_tet", "makeup", t(2026, 2, 13, 15), 4, WH, t(2026, 2, 23, 9, 30)),
    ("hours_from_lunch_receipt_start_at_13_30", "makeup", t(2026, 3, 2, 12), 1, WH, t(2026, 3, 2, 14, 30)),
    ("hours_from_friday_evening_start_monday", "makeup", t(2026, 3, 6, 18), 1, WH, t(2026, 3, 9, 8, 30)),
    ("hours_full_day_ends_at_close", "makeup", t(2026, 3, 3, 7, 30), 15, WH, t(2026, 3, 4, 17)),
    # --- calendar days ----------------------------------------------------------------------------
    ("calendar_days_ending_on_tet_move_to_23_02", "makeup", t(2026, 2, 6, 10), 10, CD, t(2026, 2, 23, 17)),
    ("calendar_days_ending_on_working_day", "makeup", t(2026, 3, 2, 10), 7, CD, t(2026, 3, 9, 17)),
    (
        "calendar_days_ending_on_saturday_move_to_monday",
        "makeup",
        t(2026, 3, 2, 10),
        5,
        CD,
        t(2026, 3, 9, 17),
    ),
    ("calendar_days_from_nghi_bu_monday_end_sunday", "makeup", t(2026, 4, 27, 10), 5, CD, t(2026, 5, 4, 17)),
    # --- same day ---------------------------------------------------------------------------------
    ("same_day_before_15_00", "makeup", t(2026, 3, 2, 14, 59), 1, SD, t(2026, 3, 2, 17)),
    ("same_day_at_15_00_next_working_day", "makeup", t(2026, 3, 2, 15), 1, SD, t(2026, 3, 3, 17)),
    ("same_day_friday_after_15_00_monday", "makeup", t(2026, 3, 6, 15, 30), 1, SD, t(2026, 3, 9, 17)),
    (
        "same_day_friday_after_15_00_makeup_saturday",
        "makeup",
        t(2026, 1, 9, 15, 30),
        1,
        SD,
        t(2026, 1, 10, 17),
    ),
    (
        "same_day_friday_after_15_00_no_makeup_monday",
        "no_makeup",
        t(2026, 1, 9, 15, 30),
        1,
        SD,
        t(2026, 1, 12, 17),
    ),
    ("same_day_lunch_receipt_is_before_15_00", "makeup", t(2026, 3, 2, 12, 30), 1, SD, t(2026, 3, 2, 17)),
    ("same_day_saturday_receipt_due_monday", "makeup", t(2026, 3, 7, 10), 1, SD, t(2026, 3, 9, 17)),
]


@pytest.mark.parametrize(
    ("which", "received", "value", "unit", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in DUE_CASES],
)
def test_due_moment(calendars, which, received, value, unit, expected):
    due = due_at(calendars[which], received, TimeLimit(value, unit))
    assert due == expected
    assert due.tzinfo is TZ


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(t(2026, 3, 2, 9), t(2026, 3, 2, 9), id="inside_hours_unchanged"),
        pytest.param(t(2026, 3, 2, 12, 15), t(2026, 3, 2, 13, 30), id="lunch_break_to_13_30"),
        pytest.param(t(2026, 3, 2, 11, 30), t(2026, 3, 2, 13, 30), id="exactly_11_30_to_13_30"),
        pytest.param(t(2026, 3, 2, 6), t(2026, 3, 2, 7, 30), id="before_opening_to_07_30"),
        pytest.param(t(2026, 2, 13, 17, 20), t(2026, 2, 23, 7, 30), id="after_hours_before_tet_to_23_02"),
        pytest.param(t(2026, 4, 26, 9), t(2026, 4, 28, 7, 30), id="gio_to_sunday_and_nghi_bu_to_tuesday"),
        pytest.param(
            datetime(2026, 3, 2, 2, tzinfo=UTC),
            t(2026, 3, 2, 9),
            id="utc_input_read_in_vietnam_time",
        ),
    ],
)
def test_effective_receipt(cal, received, expected):
    assert effective_receipt(cal, received) == expected


def test_working_time_between_one_full_day(cal):
    assert working_time_between(cal, t(2026, 3, 2, 9, 30), t(2026, 3, 3, 9, 30)) == timedelta(hours=7, minutes=30)


def test_working_time_between_skips_tet(cal):
    # Fri 13/02 15:00–17:00 = 2 h, then Mon 23/02 07:30–08:30 = 1 h
    assert working_time_between(cal, t(2026, 2, 13, 15), t(2026, 2, 23, 8, 30)) == timedelta(hours=3)


def test_add_working_time_from_lunch_break(cal):
    assert add_working_time(cal, t(2026, 3, 2, 12), timedelta(minutes=30)) == t(2026, 3, 2, 14)


# --- supplements -------------------------------------------------------------------------------
RECEIVED = t(2026, 3, 2, 9)  # Mon; 5 working days → Mon 09/03/2026 17:00 without supplements


@pytest.mark.parametrize(
    ("policy", "supplements", "expected"),
    [
        pytest.param(
            SupplementPolicy.RESTART,
            [Supplement(t(2026, 3, 3, 10), t(2026, 3, 5, 10))],
            t(2026, 3, 12, 17),
            id="restart_counts_5_days_from_thursday_completion",
        ),
        pytest.param(
            SupplementPolicy.RESTART,
            [Supplement(t(2026, 3, 3, 10), t(2026, 3, 5, 17, 10))],
            t(2026, 3, 13, 17),
            id="restart_completion_after_hours_counts_from_friday",
        ),
        pytest.param(
            SupplementPolicy.RESTART,
            [
                Supplement(t(2026, 3, 3, 10), t(2026, 3, 4, 9)),
                Supplement(t(2026, 3, 10, 10), t(2026, 3, 11, 10)),
            ],
            t(2026, 3, 18, 17),
            id="restart_from_the_last_completed_supplement",
        ),
        pytest.param(
            SupplementPolicy.PAUSE,
            [Supplement(t(2026, 3, 3, 10), t(2026, 3, 5, 10))],
            t(2026, 3, 11, 17),
            id="pause_adds_two_working_days_of_waiting",
        ),
        pytest.param(
            SupplementPolicy.PAUSE,
            [Supplement(t(2026, 3, 3, 10), t(2026, 3, 3, 14, 30))],
            t(2026, 3, 10, 10),
            id="pause_adds_2h30_across_lunch",
        ),
        pytest.param(SupplementPolicy.RESTART, [Supplement(t(2026, 3, 3, 10))], None, id="restart_pending_is_none"),
        pytest.param(SupplementPolicy.PAUSE, [Supplement(t(2026, 3, 3, 10))], None, id="pause_pending_is_none"),
    ],
)
def test_supplements(cal, policy, supplements, expected):
    assert due_at(cal, RECEIVED, TimeLimit(5), policy=policy, supplements=supplements) == expected


# --- reschedule ----------------------------------------------------------------------------------
DUE_FRI_27_02 = t(2026, 2, 27, 17)
DUE_MON_23_02 = t(2026, 2, 23, 17)


@pytest.mark.parametrize(
    ("asked", "due", "allowed"),
    [
        pytest.param(t(2026, 2, 26, 16), DUE_FRI_27_02, True, id="asked_previous_working_day_allowed"),
        pytest.param(t(2026, 2, 27, 8), DUE_FRI_27_02, False, id="asked_on_due_day_refused"),
        pytest.param(t(2026, 2, 26, 17, 30), DUE_FRI_27_02, False, id="asked_evening_before_counts_next_day_refused"),
        pytest.param(t(2026, 2, 13, 10), DUE_MON_23_02, True, id="friday_before_tet_is_previous_working_day"),
        pytest.param(t(2026, 2, 14, 10), DUE_MON_23_02, False, id="asked_during_tet_refused"),
        pytest.param(t(2026, 3, 1, 10), t(2026, 3, 3, 17), True, id="asked_sunday_counts_monday_allowed"),
    ],
)
def test_reschedule(cal, asked, due, allowed):
    assert can_reschedule(cal, asked, due) is allowed
    if allowed:
        check_reschedule(cal, asked, due)
    else:
        with pytest.raises(CalendarError, match="chậm nhất 01 ngày làm việc"):
            check_reschedule(cal, asked, due)


def test_reschedule_only_once(cal):
    with pytest.raises(CalendarError, match="một lần"):
        check_reschedule(cal, t(2026, 2, 20, 10), DUE_FRI_27_02, already_rescheduled=True)


# --- classification -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        pytest.param(t(2026, 2, 26, 16), "early", id="finished_day_before_due_day_is_early"),
        pytest.param(t(2026, 2, 27, 9), "on_time", id="finished_on_due_day_morning_is_on_time"),
        pytest.param(t(2026, 2, 27, 17), "on_time", id="finished_exactly_at_due_moment_is_on_time"),
        pytest.param(t(2026, 2, 27, 17, 1), "late", id="finished_after_due_moment_is_late"),
    ],
)
def test_classify_finished(cal, finished, expected):
    assert classify_finished(cal, finished, DUE_FRI_27_02) == expected


@pytest.mark.parametrize(
    ("now", "due", "expected"),
    [
        pytest.param(t(2026, 2, 25, 10), DUE_FRI_27_02, "in_time", id="two_working_days_left_in_time"),
        pytest.param(t(2026, 2, 26, 10), DUE_FRI_27_02, "due_soon", id="one_working_day_left_due_soon"),
        pytest.param(t(2026, 2, 27, 16), DUE_FRI_27_02, "due_soon", id="due_today_due_soon"),
        pytest.param(t(2026, 2, 27, 17, 30), DUE_FRI_27_02, "overdue", id="past_due_moment_overdue"),
        pytest.param(t(2026, 2, 13, 10), DUE_MON_23_02, "due_soon", id="tet_between_counts_as_one_day_left"),
    ],
)
def test_classify_open(cal, now, due, expected):
    assert classify_open(cal, now, due) == expected


# --- calendar queries ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "reason"),
    [
        pytest.param(date(2026, 2, 16), "Tết Nguyên đán", id="tet_day"),
        pytest.param(date(2026, 2, 14), "Thứ Bảy", id="plain_saturday"),
        pytest.param(date(2026, 1, 10), "Làm bù cho ngày 02/01/2026", id="makeup_saturday"),
        pytest.param(date(2026, 3, 3), None, id="ordinary_working_day"),
    ],
)
def test_day_reason(cal, day, reason):
    assert cal.day_reason(day) == reason


def test_days_off_and_makeup_days_of_2026(cal):
    off = [r.day for r in cal.non_working_weekdays(2026)]
    assert off == [
        date(2026, 1, 1),
        date(2026, 1, 2),
        *(date(2026, 2, d) for d in range(16, 21)),
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),
    ]
    assert [r.day for r in cal.working_weekend_days(2026)] == [date(2026, 1, 10), date(2026, 8, 22)]
    assert cal.working_weekend_days(2026)[0].reference.startswith("Công văn 12729/VPCP-KGVX")


def test_no_makeup_policy_lists_no_working_weekend_days(cal_no_makeup):
    assert cal_no_makeup.working_weekend_days(2026) == []
    assert "không tính" in cal_no_makeup.day_reason(date(2026, 1, 10))


def test_table_worked_row_beats_package_holiday():
    corrected = WorkCalendar([DayRule(date(2026, 11, 24), DayKind.WORKED, "Đính chính", "test")])
    assert corrected.is_working_day(date(2026, 11, 24))


def test_table_adds_day_the_package_lacks():
    assert WorkCalendar().is_working_day(date(2026, 1, 2))  # package alone: Fri 02/01/2026 is worked
    assert not WorkCalendar([DayRule(date(2026, 1, 2), DayKind.OFF, "Nghỉ hoán đổi", "12729")]).is_working_day(
        date(2026, 1, 2)
    )


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        pytest.param(date(2026, 2, 13), 5, date(2026, 2, 27), id="add_5_across_tet"),
        pytest.param(date(2026, 2, 14), 1, date(2026, 2, 23), id="start_on_saturday_not_counted"),
        pytest.param(date(2024, 5, 3), 1, date(2024, 5, 4), id="make_up_saturday_is_next_working_day"),
        pytest.param(date(2026, 3, 2), 0, date(2026, 3, 2), id="zero_days_is_same_day"),
    ],
)
def test_add_working_days(cal, day, n, expected):
    assert cal.add_working_days(day, n) == expected


def test_working_days_between_across_tet(cal):
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5


# --- explanation --------------------------------------------------------------------------------
def test_explain_anchor_case_lists_reasoning(cal):
    lines = explain(cal, t(2026, 2, 13, 9), TimeLimit(5))
    text = "\n".join(lines)
    assert "Ngày tiếp nhận 13/02/2026 không tính" in text
    assert "Không tính: 14/02/2026 – Thứ Bảy" in lines
    assert "Không tính: 16/02/2026 – Tết Nguyên đán" in lines
    assert "Ngày làm việc thứ 1: 23/02/2026 (Thứ Hai)" in lines
    assert "Ngày làm việc thứ 5: 27/02/2026 (Thứ Sáu)" in lines
    assert lines[-1] == "Hạn trả kết quả: 17:00 ngày 27/02/2026"


def test_explain_after_hours_receipt(cal):
    lines = explain(cal, t(2026, 2, 13, 17, 20), TimeLimit(5))
    assert "Nhận ngoài giờ làm việc (17:20 13/02/2026): tính là nhận lúc 07:30 23/02/2026" in lines
    assert lines[-1] == "Hạn trả kết quả: 17:00 ngày 02/03/2026"


def test_explain_pending_supplement_has_no_date(cal):
    lines = explain(cal, RECEIVED, TimeLimit(5), supplements=[Supplement(t(2026, 3, 3, 10))])
    assert lines[-1] == "Hạn trả kết quả: chưa xác định (đang chờ bổ sung hồ sơ)"


def test_explain_restart_cites_decree_61(cal):
    lines = explain(cal, RECEIVED, TimeLimit(5), supplements=[Supplement(t(2026, 3, 3, 10), t(2026, 3, 5, 10))])
    assert any("tính lại từ đầu (Nghị định 61/2018, Điều 19 khoản 4)" in line for line in lines)
    assert lines[-1] == "Hạn trả kết quả: 17:00 ngày 12/03/2026"
