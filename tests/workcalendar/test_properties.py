"""Properties of the working-time engine, checked on random receipts 2016–2033 (Hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.workcalendar import (
    GOVERNMENT_SCHEDULE_2024_2026,
    TZ,
    LimitUnit,
    OfficeHours,
    Supplement,
    SupplementPolicy,
    TimeLimit,
    WorkCalendar,
    add_working_time,
    bulk_due_working_days,
    due_at,
    effective_receipt,
    explain,
    working_time_between,
)

CAL = WorkCalendar(GOVERNMENT_SCHEDULE_2024_2026)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

moments = st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2033, 12, 31)).map(
    lambda d: d.replace(tzinfo=TZ)
)
days = st.dates(min_value=date(2016, 1, 1), max_value=date(2032, 12, 31))
units = st.sampled_from(list(LimitUnit))
small = st.integers(min_value=1, max_value=120)
office_hours = st.sampled_from(
    [
        OfficeHours(),
        OfficeHours(((time(8), time(12)),)),  # a unit open mornings only
        OfficeHours(((time(7), time(11, 30)), (time(13), time(16, 30)))),
    ]
)


def _inside_office_hours(moment: datetime, hours: OfficeHours) -> bool:
    t = moment.timetz().replace(tzinfo=None)
    return any(start < t <= end for start, end in hours.intervals)


@SETTINGS
@given(received=moments, value=small, unit=units, hours=office_hours)
def test_due_moment_is_inside_office_hours_of_a_working_day(received, value, unit, hours):
    due = due_at(CAL, received, TimeLimit(value, unit), hours=hours)
    assert due.tzinfo is TZ
    assert CAL.is_working_day(due.date())
    assert _inside_office_hours(due, hours)
    assert due > received


@SETTINGS
@given(received=moments, a=small, b=small, unit=units)
def test_more_time_never_gives_an_earlier_due(received, a, b, unit):
    low, high = sorted((a, b))
    assert due_at(CAL, received, TimeLimit(low, unit)) <= due_at(CAL, received, TimeLimit(high, unit))


@SETTINGS
@given(first=moments, later_by=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)), value=small)
def test_later_receipt_never_gives_an_earlier_due(first, later_by, value):
    for unit in LimitUnit:
        limit = TimeLimit(value, unit)
        assert due_at(CAL, first, limit) <= due_at(CAL, first + later_by, limit)


@SETTINGS
@given(day=days, a=st.integers(0, 300), b=st.integers(0, 300))
def test_adding_a_then_b_working_days_equals_adding_a_plus_b(day, a, b):
    assert CAL.add_working_days(CAL.add_working_days(day, a), b) == CAL.add_working_days(day, a + b)


@SETTINGS
@given(received=moments, value=st.integers(1, 400), hours=office_hours)
def test_working_time_from_effective_receipt_to_due_equals_the_hour_limit(received, value, hours):
    due = due_at(CAL, received, TimeLimit(value, LimitUnit.WORKING_HOURS), hours=hours)
    start = effective_receipt(CAL, received, hours)
    assert working_time_between(CAL, start, due, hours) == timedelta(hours=value)
    assert working_time_between(CAL, received, due, hours) == timedelta(hours=value)


@SETTINGS
@given(received=moments, value=st.integers(1, 400))
def test_working_days_between_receipt_day_and_due_day_equals_the_day_limit(received, value):
    due = due_at(CAL, received, TimeLimit(value))
    receipt_day = effective_receipt(CAL, received).date()
    assert CAL.working_days_between(receipt_day, due.date()) == value
    assert due.hour == 17 and due.minute == 0


@SETTINGS
@given(moment=moments, minutes=st.integers(0, 60 * 24 * 30), hours=office_hours)
def test_add_working_time_is_the_inverse_of_working_time_between(moment, minutes, hours):
    duration = timedelta(minutes=minutes)
    end = add_working_time(CAL, moment, duration, hours)
    assert working_time_between(CAL, moment, end, hours) == duration


@SETTINGS
@given(
    received=moments,
    value=st.integers(1, 30),
    wait=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=15)),
    gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
)
def test_supplements_never_bring_the_due_moment_forward(received, value, wait, gap):
    limit = TimeLimit(value)
    base = due_at(CAL, received, limit)
    supplement = Supplement(received + gap, received + gap + wait)
    for policy in SupplementPolicy:
        assert due_at(CAL, received, limit, policy=policy, supplements=[supplement]) >= base


@SETTINGS
@given(received=moments, value=st.integers(1, 60), unit=units)
def test_explanation_ends_with_the_computed_due_moment(received, value, unit):
    limit = TimeLimit(value, unit)
    due = due_at(CAL, received, limit)
    assert explain(CAL, received, limit)[-1] == f"Hạn trả kết quả: {due:%H:%M} ngày {due:%d/%m/%Y}"


@SETTINGS
@given(received=moments, value=st.integers(1, 400))
def test_bulk_agrees_with_due_at_on_single_elements(received, value):
    utc = np.array([np.datetime64(received.astimezone(TZ).replace(tzinfo=None) - timedelta(hours=7), "s")])
    got = bulk_due_working_days(CAL, utc, np.array([value]))[0]
    expected = due_at(CAL, received, TimeLimit(value))
    assert got == np.datetime64(expected.replace(tzinfo=None) - timedelta(hours=7), "s")
