"""The tables behind the working calendar: each year's Government schedule, policies, office hours.

The law fixes the holidays (``holidays`` package); the Government announces each year's swapped days
off and make-up working Saturdays, so those are data an administrator adds in the admin — next year's
schedule needs no deploy. The engine in ``calendar.py``/``deadlines.py`` never reads these tables
itself; ``service.py`` turns them into a :class:`WorkCalendar`.
"""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models

from motcua.workcalendar.calendar import DEFAULT_YEARS
from motcua.workcalendar.errors import CalendarError
from motcua.workcalendar.rules import DayKind, OfficeHours, SupplementPolicy


class ScheduleDay(models.Model):
    """One day of a year's Government schedule: an extra day off, or a make-up working day."""

    day = models.DateField(
        "ngày",
        unique=True,
        error_messages={"unique": "Ngày này đã có trong lịch (một ngày không thể vừa nghỉ vừa làm bù)."},
    )
    kind = models.CharField(
        "loại",
        max_length=10,
        choices=[(DayKind.OFF.value, "Ngày nghỉ"), (DayKind.WORKED.value, "Ngày làm bù")],
    )
    reason = models.CharField("lý do", max_length=200, help_text="Ví dụ: Tết Nguyên đán; Làm bù cho ngày 02/01/2026")
    legal_reference = models.CharField(
        "căn cứ",
        max_length=200,
        blank=True,
        help_text="Văn bản công bố, ví dụ: Công văn 12729/VPCP-KGVX ngày 25/12/2025",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ngày trong lịch nghỉ, làm bù"
        verbose_name_plural = "lịch nghỉ, làm bù hằng năm"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}: {self.reason}"

    def clean(self) -> None:
        if self.day and self.day.year not in DEFAULT_YEARS:
            raise ValidationError(
                {
                    "day": f"Năm {self.day.year} nằm ngoài phạm vi lịch làm việc được hỗ trợ "
                    f"({DEFAULT_YEARS.start}–{DEFAULT_YEARS.stop - 1})."
                }
            )
        if self.day and self.kind == DayKind.OFF and self.day.weekday() >= 5:
            raise ValidationError(
                {
                    "day": f"{self.day:%d/%m/%Y} là ngày cuối tuần, vốn đã là ngày nghỉ. Nếu ngày "
                    "lễ rơi vào cuối tuần, hãy nhập ngày nghỉ bù (ngày làm việc kế tiếp)."
                }
            )
        if self.day and self.kind:
            # The whole table must still make a consistent calendar with this row in it.
            from motcua.workcalendar.calendar import WorkCalendar

            others = [row.to_rule() for row in ScheduleDay.objects.exclude(pk=self.pk).exclude(day=self.day)]
            try:
                WorkCalendar([*others, self.to_rule()])
            except CalendarError as exc:
                raise ValidationError({"day": str(exc)}) from None

    def to_rule(self):
        from motcua.workcalendar.rules import DayRule

        return DayRule(self.day, DayKind(self.kind), self.reason, self.legal_reference)


class CalendarPolicy(models.Model):
    """How deadlines are counted from a given date on; a dossier keeps the policy in force at receipt.

    Decree 61/2018 Art. 19.4 restarts the time limit after a complete supplement; the national 766
    metric subtracts the waiting time instead. Whether a make-up Saturday counts as a working day for
    procedure deadlines is not settled by any text read (regulations.md §6.2), hence a switch.
    """

    effective_from = models.DateField(
        "áp dụng từ ngày", unique=True, error_messages={"unique": "Đã có chính sách áp dụng từ ngày này."}
    )
    supplement_policy = models.CharField(
        "khi bổ sung hồ sơ",
        max_length=10,
        choices=[
            (SupplementPolicy.RESTART.value, "Tính lại thời hạn từ đầu khi nhận đủ hồ sơ bổ sung"),
            (SupplementPolicy.PAUSE.value, "Tạm dừng: cộng thêm thời gian chờ bổ sung"),
        ],
        default=SupplementPolicy.RESTART.value,
    )
    makeup_saturdays_count = models.BooleanField("ngày thứ Bảy làm bù được tính là ngày làm việc", default=True)
    legal_reference = models.CharField("căn cứ", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # lets every web worker see an edit (service.py)

    class Meta:
        verbose_name = "chính sách tính thời hạn"
        verbose_name_plural = "chính sách tính thời hạn"
        ordering = ["-effective_from"]
        get_latest_by = "effective_from"

    def __str__(self) -> str:
        return f"Từ {self.effective_from:%d/%m/%Y}: {self.get_supplement_policy_display()}"


def _parse_intervals(value) -> tuple[tuple[time, time], ...]:
    if not isinstance(value, list) or not value:
        raise ValidationError("Giờ làm việc phải là danh sách các khoảng [giờ bắt đầu, giờ kết thúc].")
    intervals = []
    for item in value:
        try:
            start, end = item
            intervals.append((time.fromisoformat(start), time.fromisoformat(end)))
        except (TypeError, ValueError):
            raise ValidationError(f'Khoảng giờ “{item}” không hợp lệ; ví dụ đúng: ["07:30", "11:30"].') from None
    return tuple(intervals)


class OfficeHoursProfile(models.Model):
    """Office hours of a one-stop section; units point at a profile (none = the national default)."""

    name = models.CharField("tên", max_length=100, unique=True)
    intervals = models.JSONField(
        "giờ làm việc các ngày làm việc",
        default=list,
        help_text='Danh sách khoảng giờ, ví dụ [["07:30", "11:30"], ["13:30", "17:00"]]',
    )
    saturday_reception = models.JSONField(
        "giờ tiếp nhận sáng thứ Bảy",
        default=list,
        blank=True,
        help_text='Nếu Bộ phận Một cửa mở cửa sáng thứ Bảy, ví dụ [["07:30", "11:30"]]. Hồ sơ nhận trong giờ này '
        "được tính là nhận vào đầu ngày làm việc kế tiếp.",
    )

    class Meta:
        verbose_name = "giờ làm việc"
        verbose_name_plural = "giờ làm việc"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            OfficeHours(_parse_intervals(self.intervals))
            if self.saturday_reception:
                OfficeHours(_parse_intervals(self.saturday_reception))
        except CalendarError as exc:
            raise ValidationError({"intervals": str(exc)}) from None
        except ValidationError as exc:
            raise ValidationError({"intervals": exc.messages}) from None

    def save(self, *args: object, **kwargs: object) -> None:
        self.full_clean()
        super().save(*args, **kwargs)

    def to_office_hours(self) -> OfficeHours:
        return OfficeHours(_parse_intervals(self.intervals))
