"""Cutting a period into whole months (monthly roll-up) and the days around them (daily table)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.reports.models import DailyFact, MonthlyFact
from motcua.reports.periods import pieces


def days_of(start: date | None, end: date, floor: date) -> list[date]:
    """Every day the pieces cover (a monthly piece covers all the days of its months), in order."""
    covered = []
    for model, first, last in pieces(start, end):
        if model is DailyFact:
            day = first or floor
            while day <= last:
                covered.append(day)
                day += timedelta(days=1)
        else:
            month = first or floor.replace(day=1)
            while month <= last:
                day = month
                while day.month == month.month:
                    covered.append(day)
                    day += timedelta(days=1)
                month = day
    return covered


def test_a_year_is_twelve_whole_months():
    assert pieces(date(2025, 1, 1), date(2025, 12, 31)) == [(MonthlyFact, date(2025, 1, 1), date(2025, 12, 1))]


def test_partial_months_at_both_ends_are_read_by_day():
    assert pieces(date(2025, 1, 20), date(2025, 4, 10)) == [
        (DailyFact, date(2025, 1, 20), date(2025, 1, 31)),
        (MonthlyFact, date(2025, 2, 1), date(2025, 3, 1)),
        (DailyFact, date(2025, 4, 1), date(2025, 4, 10)),
    ]


def test_a_period_without_a_whole_month_is_read_by_day():
    assert pieces(date(2025, 1, 20), date(2025, 2, 10)) == [(DailyFact, date(2025, 1, 20), date(2025, 2, 10))]
    assert pieces(date(2025, 2, 1), date(2025, 2, 27)) == [(DailyFact, date(2025, 2, 1), date(2025, 2, 27))]


def test_everything_before_a_day_is_whole_months_then_days():
    assert pieces(None, date(2025, 3, 14)) == [
        (MonthlyFact, None, date(2025, 2, 1)),
        (DailyFact, date(2025, 3, 1), date(2025, 3, 14)),
    ]
    assert pieces(None, date(2024, 2, 29)) == [(MonthlyFact, None, date(2024, 2, 1))]


def test_an_empty_period_has_no_pieces():
    assert pieces(date(2025, 3, 2), date(2025, 3, 1)) == []


@settings(deadline=None)  # a loaded CI machine must not turn a slow example into a failure
@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=800),
    st.booleans(),
)
def test_the_pieces_cover_every_day_of_the_period_exactly_once(start, length, open_start):
    end = start + timedelta(days=length)
    floor = date(2019, 1, 1)
    covered = days_of(None if open_start else start, end, floor)
    first = floor if open_start else start
    assert covered == [first + timedelta(days=i) for i in range((end - first).days + 1)]
