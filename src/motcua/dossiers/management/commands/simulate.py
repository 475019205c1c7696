"""``motcua simulate --dossiers N --seed S [--start 2025-07-01 --days 120] [--online 0.45]``.

Generates a realistic, reproducible history of dossiers in the demo province (loaded first if the
database is empty) by replaying planned events through the real actions (``dossiers/simulate.py``).
"""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.simulate import SimConfig, simulate


def _ratio(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError
    return value


class Command(BaseCommand):
    help = "Mô phỏng hồ sơ (tiếp nhận, xử lý, trả kết quả) qua các thao tác nghiệp vụ thật, để thử tải và trình diễn."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=1000, help="Số hồ sơ (mặc định 1000).")
        parser.add_argument("--seed", type=int, default=1, help="Hạt giống ngẫu nhiên: cùng seed, cùng kết quả.")
        parser.add_argument(
            "--start", type=date.fromisoformat, default=date(2025, 7, 1), help="Ngày bắt đầu (YYYY-MM-DD)."
        )
        parser.add_argument("--days", type=int, default=120, help="Số ngày lịch mô phỏng (mặc định 120).")
        parser.add_argument(
            "--online", type=_ratio, default=0.45, help="Tỷ lệ hồ sơ nộp trực tuyến, 0–1 (mặc định 0,45)."
        )
        parser.add_argument("--batch", type=int, default=500, help="Số sự kiện mỗi giao dịch (mặc định 500).")

    def handle(self, *args, **options):
        if options["dossiers"] < 1 or options["days"] < 1:
            raise CommandError("--dossiers và --days phải lớn hơn 0.")
        config = SimConfig(
            dossiers=options["dossiers"],
            seed=options["seed"],
            start=options["start"],
            days=options["days"],
            online_share=options["online"],
            batch=max(1, options["batch"]),
        )
        interactive = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if interactive:
                sys.stderr.write(f"\r  {done}/{total} sự kiện")
                sys.stderr.flush()

        try:
            report = simulate(config, progress=progress)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        if interactive:
            sys.stderr.write("\n")
        if report.loaded_demo:
            self.stdout.write("Đã nạp dữ liệu mẫu thành phố Huế và danh mục thủ tục mẫu.")
        for line in report.lines():
            self.stdout.write(line)
        if report.failures:
            raise CommandError(f"{len(report.failures)} sự kiện bị từ chối: xem danh sách ở trên.")
