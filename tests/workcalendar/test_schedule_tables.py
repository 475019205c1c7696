"""The schedule tables behind the engine: seeded years, admin edits without a deploy, policies, office hours."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from motcua.workcalendar import TZ, LimitUnit, TimeLimit, due_at
from motcua.workcalendar.models import CalendarPolicy, OfficeHoursProfile, ScheduleDay
from motcua.workcalendar.service import calendar_for, calendar_on, office_hours_for, policy_on

pytestmark = pytest.mark.django_db


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def test_the_2024_to_2026_schedules_are_seeded_with_references():
    assert ScheduleDay.objects.filter(day__year__in=[2024, 2025, 2026]).count() == 33
    swap = ScheduleDay.objects.get(day=date(2026, 1, 10))
    assert swap.kind == "worked" and "12729/VPCP-KGVX" in swap.legal_reference


def test_seeded_calendar_gives_the_tet_2026_example():
    due = due_at(calendar_for(), vn(2026, 2, 13, 9, 0), TimeLimit(5, LimitUnit.WORKING_DAYS))
    assert due == vn(2026, 2, 27, 17, 0)


def test_next_years_schedule_added_in_the_admin_takes_effect_without_restart(admin_client):
    before = due_at(calendar_for(), vn(2027, 3, 3, 9, 0), TimeLimit(1, LimitUnit.WORKING_DAYS))
    assert before == vn(2027, 3, 4, 17, 0)
    response = admin_client.post(
        "/quan-tri/workcalendar/scheduleday/add/",
        {
            "day": "04/03/2027",
            "kind": "off",
            "reason": "Ngày nghỉ thử nghiệm",
            "legal_reference": "Công văn giả định số 1/VPCP-KGVX",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ScheduleDay.objects.get(day=date(2027, 3, 4)).kind == "off", "dd/mm/yyyy is read day first"
    after = due_at(calendar_for(), vn(2027, 3, 3, 9, 0), TimeLimit(1, LimitUnit.WORKING_DAYS))
    assert after == vn(2027, 3, 5, 17, 0)
    assert calendar_for().day_reason(date(2027, 3, 4)) == "Ngày nghỉ thử nghiệm"


def test_a_day_cannot_be_both_off_and_worked():
    ScheduleDay.objects.create(day=date(2027, 5, 3), kind="off", reason="Nghỉ hoán đổi")
    row = ScheduleDay(day=date(2027, 5, 3), kind="worked", reason="Làm bù")
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert "không thể vừa nghỉ vừa làm bù" in str(info.value)


def test_admin_refuses_contradictory_row_and_saves_nothing(admin_client):
    count = ScheduleDay.objects.count()
    response = admin_client.post(
        "/quan-tri/workcalendar/scheduleday/add/",
        {
            "day": "02/01/2026",
            "kind": "worked",
            "reason": "Nhập nhầm",
        },
    )
    assert response.status_code == 200
    assert "không thể vừa nghỉ vừa làm bù" in response.content.decode()
    assert ScheduleDay.objects.count() == count
    assert not calendar_for().is_working_day(date(2026, 1, 2))


def test_day_off_on_a_weekend_is_refused_with_advice():
    with pytest.raises(ValidationError) as info:
        ScheduleDay(day=date(2027, 1, 2), kind="off", reason="Tết Dương lịch").full_clean()
    assert "hãy nhập ngày nghỉ bù" in str(info.value)


def test_year_outside_the_supported_range_is_refused():
    with pytest.raises(ValidationError) as info:
        ScheduleDay(day=date(2041, 1, 2), kind="off", reason="x").full_clean()
    assert "nằm ngoài phạm vi" in str(info.value)


def test_makeup_saturday_switch_is_a_versioned_policy():
    received = vn(2026, 8, 21, 9, 0)  # Friday before the make-up Saturday 22/08/2026
    one_day = TimeLimit(1, LimitUnit.WORKING_DAYS)
    calendar, policy = calendar_on(received.date())
    assert policy.makeup_saturdays_count is True
    assert due_at(calendar, received, one_day) == vn(2026, 8, 22, 17, 0)
    CalendarPolicy.objects.create(
        effective_from=date(2026, 7, 1), makeup_saturdays_count=False, legal_reference="Quyết định thử nghiệm"
    )
    calendar, policy = calendar_on(received.date())
    assert policy.makeup_saturdays_count is False
    assert due_at(calendar, received, one_day) == vn(2026, 8, 24, 17, 0)
    assert policy_on(date(2026, 6, 30)).makeup_saturdays_count is True, "earlier dossiers keep the old policy"


def test_supplement_policy_before_any_recorded_policy_is_decree_61_restart():
    CalendarPolicy.objects.all().delete()
    assert policy_on(date(2019, 1, 1)).supplement_policy == "restart"


def test_office_hours_profile_is_validated_in_vietnamese():
    with pytest.raises(ValidationError) as info:
        OfficeHoursProfile(name="Sai", intervals=[["13:30", "11:30"]]).save()
    assert "giờ bắt đầu phải trước giờ kết thúc" in str(info.value)
    with pytest.raises(ValidationError):
        OfficeHoursProfile(name="Sai 2", intervals=[["7h30", "11:30"]]).save()


def test_unit_office_hours_change_the_closing_moment():
    late = OfficeHoursProfile.objects.create(name="Mở muộn", intervals=[["08:00", "12:00"], ["13:00", "17:30"]])
    hours = office_hours_for(late)
    due = due_at(calendar_for(), vn(2026, 3, 2, 9, 0), TimeLimit(2, LimitUnit.WORKING_DAYS), hours=hours)
    assert due == vn(2026, 3, 4, 17, 30)
    assert office_hours_for(None).closing.hour == 17
