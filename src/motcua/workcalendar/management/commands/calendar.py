"""``motcua calendar due ...`` and ``motcua calendar days YEAR``.

``due`` prints the due moment as ISO 8601 on the first line, then the explanation a citizen can read.
A ``--received`` value without a UTC offset is read as Vietnamese local time.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from motcua.workcalendar.deadlines import due_at, explain
from motcua.workcalendar.errors import CalendarError
from motcua.workcalendar.rules import TZ, LimitUnit, SupplementPolicy, TimeLimit
from motcua.workcalendar.service import calendar_on, office_hours_for

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


class Command(BaseCommand):
    help = "Lịch làm việc: tính hạn giải quyết, liệt kê ngày nghỉ và ngày làm bù."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="Tính hạn trả kết quả")
        due.add_argument("--received", required=True, help="Thời điểm tiếp nhận, ví dụ 2026-02-13T09:00")
        due.add_argument("--limit", required=True, type=int, help="Thời hạn giải quyết (số)")
        due.add_argument(
            "--unit",
            default=LimitUnit.WORKING_DAYS.value,
            choices=[u.value for u in LimitUnit],
            help="Đơn vị thời hạn (mặc định: working_days)",
        )
        due.add_argument("--unit-code", default=None, help="Mã định danh đơn vị tiếp nhận (để lấy giờ làm việc)")
        days = sub.add_parser("days", help="Liệt kê ngày nghỉ trong tuần và ngày làm bù cuối tuần của một năm")
        days.add_argument("year", type=int)

    def handle(self, *args, action: str, **options):
        try:
            if action == "due":
                self._due(options)
            else:
                self._days(options["year"])
        except CalendarError as exc:
            raise CommandError(str(exc)) from None

    def _due(self, options) -> None:
        try:
            received = datetime.fromisoformat(options["received"])
        except ValueError:
            raise CommandError(
                f"--received “{options['received']}” không phải thời điểm ISO 8601 (ví dụ 2026-02-13T09:00)."
            ) from None
        if received.tzinfo is None:
            received = received.replace(tzinfo=TZ)
        hours = None
        if options["unit_code"]:
            from motcua.organizations.models import Unit

            unit = Unit.objects.filter(agency_code=options["unit_code"].strip().upper()).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị với mã định danh {options['unit_code']}.")
            hours = office_hours_for(unit.office_hours)
        limit = TimeLimit(options["limit"], LimitUnit(options["unit"]))
        calendar, policy = calendar_on(received.astimezone(TZ).date())
        policy_kind = SupplementPolicy(policy.supplement_policy)
        due = due_at(calendar, received, limit, hours=hours, policy=policy_kind)
        self.stdout.write(due.isoformat())
        for line in explain(calendar, received, limit, hours=hours, policy=policy_kind):
            self.stdout.write(line)

    def _days(self, year: int) -> None:
        calendar, _policy = calendar_on(date(year, 1, 1))
        self.stdout.write(f"Ngày nghỉ rơi vào ngày trong tuần năm {year}:")
        for rule in calendar.non_working_weekdays(year):
            self.stdout.write(f"  {rule.day:%d/%m/%Y} {WEEKDAYS[rule.day.weekday()]:<8} nghỉ     {rule.reason}")
        self.stdout.write(f"Ngày cuối tuần làm việc (làm bù) năm {year}:")
        worked = calendar.working_weekend_days(year)
        for rule in worked:
            self.stdout.write(f"  {rule.day:%d/%m/%Y} {WEEKDAYS[rule.day.weekday()]:<8} làm việc {rule.reason}")
        if not worked:
            self.stdout.write("  (không có)")
