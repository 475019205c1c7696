"""Which fact rows cover a period: whole months from the monthly roll-up, the other days from the daily table.

Every report sums counters over a set of days. Summing a month's row of ``MonthlyFact`` gives the same numbers as
summing its days in ``DailyFact`` (the same statements keep both), so a period is cut into its whole months and
the days before and after them; ``querysets`` returns one queryset per piece and the callers add the results.
A year's scorecard then reads about twelve rows per key instead of one per active day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from motcua.reports.models import DailyFact, MonthlyFact


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def pieces(start: date | None, end: date) -> list[tuple[type[DailyFact] | type[MonthlyFact], date | None, date]]:
    """``[(model, first, last), …]`` covering ``start``–``end`` (inclusive; ``start=None``: from the beginning).

    Whole months go to ``MonthlyFact`` (its ``day`` is the month's first day, so ``first``/``last`` bound those
    first days), the leading and trailing days of partial months to ``DailyFact``."""
    if start is not None and start > end:
        return []
    first_whole = start if start is None or start.day == 1 else _month_end(start) + timedelta(days=1)
    last_whole_end = end if end == _month_end(end) else end.replace(day=1) - timedelta(days=1)
    if first_whole is not None and first_whole > last_whole_end:  # no whole month inside: days only
        return [(DailyFact, start, end)]
    out: list[tuple[Any, date | None, date]] = []
    if start is not None and first_whole is not None and start < first_whole:
        out.append((DailyFact, start, first_whole - timedelta(days=1)))
    out.append((MonthlyFact, first_whole, last_whole_end.replace(day=1)))
    if last_whole_end < end:
        out.append((DailyFact, last_whole_end + timedelta(days=1), end))
    return out


def querysets(start: date | None, end: date, **filters: Any) -> list[QuerySet]:
    """One queryset per piece of ``start``–``end``, each filtered by ``filters`` (same lookups on both tables)."""
    out = []
    for model, first, last in pieces(start, end):
        queryset = model.objects.filter(day__lte=last, **filters)
        if first is not None:
            queryset = queryset.filter(day__gte=first)
        out.append(queryset)
    return out
