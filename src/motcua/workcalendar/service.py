"""The bridge between the schedule tables and the pure engine.

``calendar_for(...)`` builds a :class:`WorkCalendar` from the ``holidays`` package plus the
``ScheduleDay`` rows, and ``policy_on(...)`` reads the ``CalendarPolicy`` rows; both are cached per
process. Each call costs one small query that tells whether either table changed (in any process — an
admin edit is seen by every web worker on its next request), so a new year's schedule takes effect
without a restart. ``calendar_on(day)`` answers both with that one query: intake needs both.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models.signals import post_delete, post_save

from motcua.workcalendar.calendar import WorkCalendar
from motcua.workcalendar.models import CalendarPolicy, OfficeHoursProfile, ScheduleDay
from motcua.workcalendar.rules import DEFAULT_OFFICE_HOURS, OfficeHours, SupplementPolicy

# Before any recorded policy: the Decree 61/2018 rule, making up Saturdays counting.
DEFAULT_POLICY_FROM = date(2018, 6, 21)


@dataclass
class _Tables:
    version: tuple[object, ...]
    policies: list[CalendarPolicy]  # newest first
    calendars: dict[bool, WorkCalendar] = field(default_factory=dict)


_lock = threading.Lock()
_state: _Tables | None = None


def _tables_version() -> tuple[object, ...]:
    """Row counts, newest change and highest id of both tables, in one statement: any insert, edit or
    delete in any process changes at least one of them."""
    days, policies = ScheduleDay._meta.db_table, CalendarPolicy._meta.db_table
    with connection.cursor() as cursor:
        # Table names come from the models, nothing from input.
        sql = "SELECT " + ", ".join(  # noqa: S608
            f"(SELECT {aggregate} FROM {table})"  # noqa: S608
            for table in (days, policies)
            for aggregate in ("COUNT(*)", "MAX(updated_at)", "MAX(id)")
        )
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def _current() -> _Tables:
    global _state
    version = _tables_version()
    state = _state
    if state is not None and state.version == version:
        return state
    with _lock:
        if _state is not None and _state.version == version:
            return _state
        state = _Tables(version, list(CalendarPolicy.objects.order_by("-effective_from")))
        _state = state
    return state


def _calendar(state: _Tables, makeup_counts: bool) -> WorkCalendar:
    calendar = state.calendars.get(makeup_counts)
    if calendar is None:
        with _lock:
            calendar = state.calendars.get(makeup_counts)
            if calendar is None:
                rules = [row.to_rule() for row in ScheduleDay.objects.all()]
                calendar = WorkCalendar(rules, makeup_counts=makeup_counts)
                state.calendars[makeup_counts] = calendar
    return calendar


def _policy(state: _Tables, day: date) -> CalendarPolicy:
    for policy in state.policies:
        if policy.effective_from <= day:
            return policy
    return CalendarPolicy(
        effective_from=DEFAULT_POLICY_FROM,
        supplement_policy=SupplementPolicy.RESTART,
        makeup_saturdays_count=True,
    )


def calendar_for(*, makeup_counts: bool = True) -> WorkCalendar:
    """The working calendar as the tables say now."""
    return _calendar(_current(), makeup_counts)


def policy_on(day: date) -> CalendarPolicy:
    """The policy in force on ``day`` (the receipt date of a dossier): the latest one already effective.

    Shared between requests: read it, never save it."""
    return _policy(_current(), day)


def calendar_on(day: date) -> tuple[WorkCalendar, CalendarPolicy]:
    """The policy in force on ``day`` and the calendar it calls for, with one check of the tables."""
    state = _current()
    policy = _policy(state, day)
    return _calendar(state, policy.makeup_saturdays_count), policy


def forget() -> None:
    """Drop the cached tables; saves and deletes in this process call it (bulk changes are caught by the
    version check on the next call)."""
    global _state
    with _lock:
        _state = None


def _forget_on_change(sender, **kwargs) -> None:
    forget()


for _model in (ScheduleDay, CalendarPolicy):
    post_save.connect(_forget_on_change, sender=_model, dispatch_uid=f"workcalendar-forget-save-{_model.__name__}")
    post_delete.connect(_forget_on_change, sender=_model, dispatch_uid=f"workcalendar-forget-del-{_model.__name__}")


def office_hours_for(profile: OfficeHoursProfile | None) -> OfficeHours:
    return profile.to_office_hours() if profile is not None else DEFAULT_OFFICE_HOURS
