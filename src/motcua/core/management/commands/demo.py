"""``motcua demo load [--if-empty]``: the demo province, staff and accounts used by ``make run``."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.catalog.demo import load_demo_catalog
from motcua.organizations.demo import DEMO_PASSWORD, load_demo
from motcua.organizations.models import Unit
from motcua.payments.demo import load_demo_issuer


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (thành phố Huế: đơn vị, cán bộ, vai trò) vào cơ sở dữ liệu trống."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "accounts"])
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Không làm gì (và không báo lỗi) nếu cơ sở dữ liệu đã có dữ liệu.",
        )

    def handle(self, *args, action: str, if_empty: bool, **options):
        if action == "load":
            has_data = Unit.objects.exists() or get_user_model().objects.exists()
            if has_data:
                if if_empty:
                    self.stdout.write("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu.")
                else:
                    raise CommandError("Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")
            else:
                with transaction.atomic():
                    load_demo()
                    report = load_demo_catalog()
                    load_demo_issuer()
                self.stdout.write(
                    self.style.SUCCESS(f"Đã nạp dữ liệu mẫu thành phố Huế và {report.created} thủ tục hành chính.")
                )
        self._print_accounts()

    def _print_accounts(self) -> None:
        from motcua.organizations.demo import DEMO_ACCOUNTS

        users = set(
            get_user_model()
            .objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS] + ["admin"])
            .values_list("username", flat=True)
        )
        if not users:
            return
        self.stdout.write(f"Tài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):")
        if "admin" in users:
            self.stdout.write("  admin                 quản trị viên cấp cao (trang /quan-tri/)")
        for account in DEMO_ACCOUNTS:
            if account.username in users:
                self.stdout.write(f"  {account.username:<21} {account.note}")
