"""Admin pages for each year's schedule, the counting policy and office hours.

Adding next year's days off and make-up Saturdays here is all it takes: every web worker sees the
change on its next request (see ``service.calendar_for``).
"""

from django.contrib import admin

from motcua.workcalendar.models import CalendarPolicy, OfficeHoursProfile, ScheduleDay


@admin.register(ScheduleDay)
class ScheduleDayAdmin(admin.ModelAdmin):
    list_display = ("day", "weekday", "kind", "reason", "legal_reference")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("reason", "legal_reference")

    @admin.display(description="thứ")
    def weekday(self, obj: ScheduleDay) -> str:
        return ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"][obj.day.weekday()]


@admin.register(CalendarPolicy)
class CalendarPolicyAdmin(admin.ModelAdmin):
    list_display = ("effective_from", "supplement_policy", "makeup_saturdays_count", "legal_reference")


@admin.register(OfficeHoursProfile)
class OfficeHoursProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "intervals", "saturday_reception")
