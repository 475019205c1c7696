"""``motcua areas import PATH [--format gso-csv|vietnam-provinces-json]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.organizations.areas import FORMATS, AreaImportError, import_areas


class Command(BaseCommand):
    help = "Nhập danh mục đơn vị hành chính (tỉnh, xã) từ tệp của Cục Thống kê."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập từ tệp")
        imp.add_argument("path", type=Path)
        imp.add_argument("--format", choices=FORMATS, default="gso-csv")

    def handle(self, *args, **options):
        try:
            result = import_areas(options["path"], options["format"])
        except AreaImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError("Không nhập được: tệp có lỗi, chưa có dữ liệu nào được ghi.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập: {result.created} mới, {result.updated} cập nhật, {result.unchanged} không đổi."
            )
        )
