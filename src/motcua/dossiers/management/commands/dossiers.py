"""``motcua dossiers import FILE.csv [--as-user USERNAME] [--dry-run]``: replay a legacy system's dossier history.

Every row is one past event; the file is checked, then replayed through the same actions officers use, in
time order and inside one transaction (docs/dossier-history-import.md). Any error: nothing is written,
every error is printed on stderr with its CSV row number and the command exits with status 1.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.dossiers.history_import import ImportFailed, import_history


class _DryRun(Exception):
    def __init__(self, events: int, dossiers: int):
        super().__init__()
        self.events, self.dossiers = events, dossiers


class Command(BaseCommand):
    help = "Nhập lịch sử hồ sơ từ hệ thống cũ (tệp CSV, mỗi dòng một sự kiện), phát lại qua các thao tác nghiệp vụ."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập tệp CSV sự kiện hồ sơ (tất cả hoặc không có gì)")
        imp.add_argument("path", type=Path)
        imp.add_argument(
            "--as-user",
            default=None,
            metavar="USERNAME",
            help=(
                "Tài khoản thực hiện thay cho các dòng có cột actor để trống hoặc ghi tên đăng nhập không có "
                "(hoặc đã khóa) trong hệ thống này; tài khoản này vẫn phải có vai trò phù hợp tại đơn vị."
            ),
        )
        imp.add_argument(
            "--dry-run", action="store_true", help="Kiểm tra và phát lại toàn bộ rồi hoàn tác: không ghi gì."
        )

    def handle(self, *args, action: str, **options):
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        started = time.perf_counter()
        try:
            with transaction.atomic():
                report = import_history(path, as_user=options["as_user"])
                if options["dry_run"]:
                    raise _DryRun(report.events, report.dossiers)
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError("Không nhập được: tệp có lỗi, chưa có dữ liệu nào được ghi.") from None
        except _DryRun as dry:
            self.stdout.write(
                f"Chạy thử: {dry.events} sự kiện của {dry.dossiers} hồ sơ phát lại được; đã hoàn tác, chưa ghi gì."
            )
            return
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập {report.events} sự kiện của {report.dossiers} hồ sơ "
                f"({len(report.created)} hồ sơ mới, {len(report.continued)} hồ sơ đã có) trong {seconds:.1f} giây."
            )
        )
