"""``motcua notifications send [--loop --interval N]``: deliver what is due in the outbox.

For deployments that do not run the task worker (``motcua db_worker``), or as a safety net beside it:
retries that fell due, messages whose task was lost. Both can run at once; a message is claimed before
it is sent, so none goes out twice.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from motcua.notifications.outbox import deliver_due


class Command(BaseCommand):
    help = "Thông báo: gửi các tin đến hạn trong hộp thư đi."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="Gửi các tin đến hạn (một lần, hoặc lặp với --loop)")
        send.add_argument("--loop", action="store_true", help="Chạy liên tục (tiến trình gửi thư)")
        send.add_argument("--interval", type=float, default=15.0, help="Số giây nghỉ giữa hai lượt (mặc định 15)")
        send.add_argument("--limit", type=int, default=100, help="Số tin tối đa mỗi lượt (mặc định 100)")

    def handle(self, *args, action: str, loop: bool, interval: float, limit: int, **options):
        while True:
            tried = deliver_due(limit=limit)
            if tried or not loop:
                counts = {status: sum(m.status == status for m in tried) for status in ("sent", "pending", "failed")}
                self.stdout.write(
                    f"Đã thử {len(tried)} tin: {counts['sent']} đã gửi, {counts['pending']} sẽ thử lại, "
                    f"{counts['failed']} thất bại."
                )
            if not loop:
                return
            if len(tried) < limit:  # a full batch means more are waiting: go on at once
                time.sleep(interval)
