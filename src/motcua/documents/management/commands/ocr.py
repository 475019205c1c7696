"""``motcua ocr``: run the OCR queue now, in this process.

For deployments that do not run the task worker, from cron as a safety net beside it, or after an outage
(``--pending``); to start given-up rows again (``--retry-failed``); to (re)do one document (``--document``); and
once after installing OCR, for the files attached before (``--backfill``). A row is claimed before it is
processed, so this command and the worker never OCR the same document twice.
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from motcua.documents import ocr, queue
from motcua.documents.models import DocumentText, TextStatus

OUTCOMES = [
    (TextStatus.DONE, "đã nhận dạng"),
    (TextStatus.NO_TEXT, "không có chữ"),
    (TextStatus.FAILED, "lỗi"),
    ("skipped", "bỏ qua (chưa đến hạn hoặc đang được xử lý)"),
]


class Command(BaseCommand):
    help = "Nhận dạng chữ (OCR) các giấy tờ đang chờ, thử lại giấy tờ lỗi, hoặc nhận dạng một giấy tờ."

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--pending", action="store_true", help="Giấy tờ đang chờ và giấy tờ lỗi đã đến lúc thử lại")
        what.add_argument(
            "--retry-failed", action="store_true", help="Thử lại từ đầu mọi giấy tờ lỗi (kể cả đã hết lượt thử)"
        )
        what.add_argument("--document", type=int, metavar="ID", help="Nhận dạng (lại) một giấy tờ theo mã số")
        what.add_argument(
            "--backfill", action="store_true", help="Giấy tờ có tệp nhưng chưa vào hàng đợi (tệp gắn trước khi cài OCR)"
        )
        parser.add_argument("--limit", type=int, default=None, help="Số giấy tờ tối đa (mặc định: tất cả)")

    def handle(self, *args, pending, retry_failed, document, backfill, limit, **options):
        problem = ocr.engine_problem(tuple(ocr.languages()))
        if problem:
            self.stderr.write(f"Cảnh báo: {problem} Giấy tờ sẽ được ghi nhận lỗi và thử lại sau.")
        if document is not None:
            if not queue.queue_documents([document]) and not DocumentText.objects.filter(document_id=document).exists():
                raise CommandError(f"Giấy tờ {document} không có hoặc không có tệp lưu trữ.")
            outcome = ocr.run([document], force=True)
        elif retry_failed:
            ids = queue.restart(DocumentText.objects.filter(status=TextStatus.FAILED).order_by("pk")[:limit])
            outcome = ocr.run(ids) if ids else Counter()
        elif backfill:
            ids = list(queue.missing_documents().values_list("pk", flat=True)[:limit])
            queue.queue_documents(ids)
            outcome = ocr.run(ids) if ids else Counter()
        else:
            outcome = ocr.run_due(limit)
        total = sum(outcome.values())
        parts = ", ".join(f"{outcome.get(key, 0)} {label}" for key, label in OUTCOMES)
        self.stdout.write(f"Đã xử lý {total} giấy tờ: {parts}.")
