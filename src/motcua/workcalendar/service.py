"""The bridge between the schedule tables and the pure engine.

``calendar_for(...)`` builds a :class:`WorkCalendar` from the ``holidays`` package plus the
``ScheduleDay`` rows and caches it per process. Each call costs one small aggregate query that tells
whether the table changed (in any process — an admin edit is seen by every web worker on its next
request), so a new year's schedule takes effect without a restart.
"""

from __future__ import annotations

import threading
from datetime import date

from django.db.models import Count, Max

from motcua.workcalendar.calendar import WorkCalendar
from motcua.workcalendar.models import CalendarPolicy, OfficeHoursProfile, ScheduleDay
from motcua.workcalendar.rules import DEFAULT_OFFICE_HOURS, OfficeHours, SupplementPolicy

_lock = threading.Lock()
_cache: dict[tuple[object, ...], WorkCalendar] = {}


def _schedule_version() -> tuple[object, ...]:
    stats = ScheduleDay.objects.aggregate(n=Count("id"), last=Max("updated_at"), ids=Max("id"))
    return (stats["n"], stats["last"], stats["ids"])


def calendar_for(*, makeup_counts: bool = True) -> WorkCalendar:
    """The working calendar as the tables say now."""
    key = (_schedule_version(), makeup_counts)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    with _lock:
        rules = [row.to_rule() for row in ScheduleDay.objects.all()]
        calendar = WorkCalendar(rules, makeup_counts=makeup_counts)
        _cache.clear()
        _cache[key] = calendar
    return calendar


def policy_on(day: date) -> CalendarPolicy:
    """The policy in force on ``day`` (the receipt date of a dossier): the latest one already effective."""
    policy = CalendarPolicy.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if policy is None:
        # Before any recorded policy: the Decree 61/2018 rule, making up Saturdays counting.
        return CalendarPolicy(
            effective_from=date(2018, 6, 21),
            supplement_policy=SupplementPolicy.RESTART,
            makeup_saturdays_count=True,
        )
    return policy


def calendar_on(day: date) -> tuple[WorkCalendar, CalendarPolicy]:
    policy = policy_on(day)
    return calendar_for(makeup_counts=policy.makeup_saturdays_count), policy


def office_hours_for(profile: OfficeHoursProfile | None) -> OfficeHours:
    return profile.to_office_hours() if profile is not None else DEFAULT_OFFICE_HOURS
