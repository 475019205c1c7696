"""Seed the Government schedules 2024–2026, the Decree 61/2018 counting policy and default office hours."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    from motcua.workcalendar.seed import GOVERNMENT_SCHEDULE_2024_2026

    ScheduleDay = apps.get_model("workcalendar", "ScheduleDay")
    CalendarPolicy = apps.get_model("workcalendar", "CalendarPolicy")
    OfficeHoursProfile = apps.get_model("workcalendar", "OfficeHoursProfile")
    for rule in GOVERNMENT_SCHEDULE_2024_2026:
        ScheduleDay.objects.get_or_create(
            day=rule.day,
            defaults={"kind": rule.kind.value, "reason": rule.reason, "legal_reference": rule.reference},
        )
    CalendarPolicy.objects.get_or_create(
        effective_from=date(2018, 6, 21),
        defaults={
            "supplement_policy": "restart",
            "makeup_saturdays_count": True,
            "legal_reference": "Nghị định 61/2018/NĐ-CP, Điều 19 khoản 4: thời hạn được tính lại từ đầu sau khi nhận đủ hồ sơ",
        },
    )
    OfficeHoursProfile.objects.get_or_create(
        name="Giờ hành chính (mặc định)",
        defaults={"intervals": [["07:30", "11:30"], ["13:30", "17:00"]], "saturday_reception": []},
    )


def unseed(apps, schema_editor):
    from motcua.workcalendar.seed import GOVERNMENT_SCHEDULE_2024_2026

    apps.get_model("workcalendar", "ScheduleDay").objects.filter(
        day__in=[rule.day for rule in GOVERNMENT_SCHEDULE_2024_2026]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
