"""Shared calendars for the working-time engine tests (pure Python: no database needed)."""

from __future__ import annotations

import pytest

from motcua.workcalendar import GOVERNMENT_SCHEDULE_2024_2026, WorkCalendar


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    """Government schedule 2024–2026 on top of the statutory holidays; make-up Saturdays count."""
    return WorkCalendar(GOVERNMENT_SCHEDULE_2024_2026)


@pytest.fixture(scope="session")
def cal_no_makeup() -> WorkCalendar:
    """Same schedule, policy switch off: make-up Saturdays do not count for deadlines."""
    return WorkCalendar(GOVERNMENT_SCHEDULE_2024_2026, makeup_counts=False)


@pytest.fixture(scope="session")
def calendars(cal: WorkCalendar, cal_no_makeup: WorkCalendar) -> dict[str, WorkCalendar]:
    return {"makeup": cal, "no_makeup": cal_no_makeup}
