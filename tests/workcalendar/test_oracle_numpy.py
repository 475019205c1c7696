"""Independent oracle: ``numpy.busday_offset`` on a non-working-day set built separately.

busday_offset cannot add extra working days (make-up Saturdays), so the oracle uses
``weekmask="1111111"`` and passes *every* non-working day as a holiday.  That set is built here
straight from the ``holidays`` package and the Government table, without the engine's code.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
import numpy as np
import pytest

from motcua.workcalendar import (
    GOVERNMENT_SCHEDULE_2024_2026,
    TZ,
    DayKind,
    TimeLimit,
    WorkCalendar,
    bulk_due_working_days,
    due_at,
)

CASES = 100_000
FIRST, LAST = date(2020, 1, 1), date(2030, 12, 31)
RANGE_START, RANGE_END = date(2015, 1, 1), date(2035, 12, 31)


def _non_working_days(makeup_counts: bool) -> np.ndarray:
    package = holidays.VN(years=range(2015, 2036))
    off = {d for d in package if RANGE_START <= d <= RANGE_END}
    worked: set[date] = set(package.weekend_workdays) if makeup_counts else set()
    for rule in GOVERNMENT_SCHEDULE_2024_2026:
        if rule.kind is DayKind.OFF:
            off.add(rule.day)
        elif makeup_counts or rule.day.weekday() < 5:
            worked.add(rule.day)
            off.discard(rule.day)
    day = RANGE_START
    while day <= RANGE_END:
        if day.weekday() >= 5 and day not in worked:
            off.add(day)
        day += timedelta(days=1)
    return np.array(sorted(off), dtype="datetime64[D]")


@pytest.fixture(scope="module", params=[True, False], ids=["makeup_counts", "makeup_ignored"])
def setup(request):
    cal = WorkCalendar(GOVERNMENT_SCHEDULE_2024_2026, makeup_counts=request.param)
    bdc = np.busdaycalendar(weekmask="1111111", holidays=_non_working_days(request.param))
    rng = np.random.default_rng(20261123)
    span = (np.datetime64(LAST) - np.datetime64(FIRST)).astype(int) * 86_400
    received = np.datetime64(FIRST, "s") + rng.integers(0, span, CASES).astype("timedelta64[s]")  # UTC
    limits = rng.integers(1, 61, CASES)
    return cal, bdc, received, limits


def test_calendar_marks_exactly_the_oracle_days_as_non_working(setup):
    cal, bdc, _, _ = setup
    days = np.arange(np.datetime64(RANGE_START), np.datetime64(RANGE_END) + 1)
    assert np.array_equal(~np.is_busday(days, busdaycal=bdc), ~cal.work_np)


def test_add_working_days_matches_busday_offset(setup):
    cal, bdc, received, limits = setup
    start_days = received.astype("datetime64[D]")
    # the n-th working day strictly after d == busday_offset rolling a non-working d *backward*
    expected = np.busday_offset(start_days, limits, roll="backward", busdaycal=bdc)
    got = np.array(
        [cal.add_working_days(d, int(n)) for d, n in zip(start_days.tolist(), limits.tolist(), strict=True)],
        dtype="datetime64[D]",
    )
    assert np.array_equal(got, expected)


def test_bulk_due_matches_busday_offset_rolling_forward(setup):
    cal, bdc, received, limits = setup
    local = received + np.timedelta64(7, "h")
    day = local.astype("datetime64[D]")
    after_close = (local - day) >= np.timedelta64(17, "h")  # at/after 17:00 → counts from the next day
    base = day + after_close.astype("timedelta64[D]")
    expected_day = np.busday_offset(base, limits, roll="forward", busdaycal=bdc)
    expected = expected_day.astype("datetime64[s]") + np.timedelta64(17 - 7, "h")  # 17:00 ICT in UTC
    got = bulk_due_working_days(cal, received, limits)
    assert got.dtype == np.dtype("datetime64[s]")
    assert np.array_equal(got, expected)


def test_bulk_accepts_minute_resolution(setup):
    cal, _, received, limits = setup
    minutes = received.astype("datetime64[m]")
    assert np.array_equal(
        bulk_due_working_days(cal, minutes, limits),
        bulk_due_working_days(cal, minutes.astype("datetime64[s]"), limits),
    )


def test_bulk_agrees_with_due_at_on_a_sample(setup):
    cal, _, received, limits = setup
    got = bulk_due_working_days(cal, received[:3000], limits[:3000])
    for r, n, g in zip(received[:3000].tolist(), limits[:3000].tolist(), got.tolist(), strict=True):
        moment = (r + timedelta(hours=7)).replace(tzinfo=TZ)
        assert due_at(cal, moment, TimeLimit(n)) == (g + timedelta(hours=7)).replace(tzinfo=TZ)
    assert isinstance(got.tolist()[0], datetime)
