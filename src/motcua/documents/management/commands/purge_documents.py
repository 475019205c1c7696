"""``motcua purge_documents``: delete the files of closed dossiers whose retention period has passed.

Run it from cron (e.g. weekly). ``--dry-run`` first: it prints what would go. See docs/documents.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.documents import retention


class Command(BaseCommand):
    help = "Hủy tệp giấy tờ của hồ sơ đã kết thúc khi hết thời hạn lưu trữ (giữ lại số liệu thống kê)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm, không xóa.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        report = retention.purge(dry_run=dry_run)
        verb = "Sẽ hủy" if dry_run else "Đã hủy"
        self.stdout.write(
            f"{verb} tệp của {report.documents} giấy tờ thuộc {report.dossiers} hồ sơ "
            f"({report.bytes / 1024 / 1024:.1f} MB)."
        )
        if not dry_run:
            self.stdout.write(
                f"Đã xóa {report.objects_deleted} tệp khỏi kho lưu trữ; giữ {report.objects_shared} tệp còn được "
                "hồ sơ khác dùng chung."
            )
        for error in report.errors:
            self.stderr.write(error)
