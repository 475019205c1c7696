"""The text found in a stored document, and where its OCR stands.

One row per ``DossierDocument`` with a file. The original file is never touched (it is the dossier's record of
what was received, stored under its SHA-256); the OCR'd copy is a second, separate file (``searchable_file``).
The row doubles as the OCR queue: ``status`` and ``next_attempt_at`` say what the worker and
``motcua ocr --pending`` pick next, so a lost task or a worker outage delays OCR and never loses it.
"""

from __future__ import annotations

from django.db import models

from motcua.core.text import fold


class TextStatus(models.TextChoices):
    PENDING = "pending", "Chờ nhận dạng"
    DONE = "done", "Đã nhận dạng"
    NO_TEXT = "no_text", "Không có chữ"
    FAILED = "failed", "Nhận dạng lỗi"


def searchable(text: str) -> str:
    """The folded form kept for search, padded with a space at both ends.

    Folding (core.text.fold) leaves words separated by single spaces; the padding lets a search ask for
    `` an `` and find the word "An" without matching "Bản", "nhân" or "Thanh" — short Vietnamese syllables
    are substrings of half the language."""
    folded = fold(text)
    return f" {folded} " if folded else ""


class DocumentText(models.Model):
    document = models.OneToOneField(
        "dossiers.DossierDocument", on_delete=models.CASCADE, related_name="text", verbose_name="giấy tờ"
    )
    status = models.CharField("trạng thái", max_length=10, choices=TextStatus.choices, default=TextStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    next_attempt_at = models.DateTimeField(
        "thử lần tới",
        null=True,
        blank=True,
        help_text="When a pending or failed row is picked next; empty once done, or after the last attempt.",
    )
    started_at = models.DateTimeField(
        "đang nhận dạng từ", null=True, blank=True, help_text="Set while a worker holds the row (see queue.LEASE)."
    )
    last_error = models.CharField(
        "lỗi gần nhất", max_length=300, blank=True, help_text="Exception type and a short message; no document text."
    )
    note = models.CharField("ghi chú", max_length=300, blank=True, help_text="Shown to officers (Vietnamese).")
    text = models.TextField("nội dung chữ", blank=True)
    folded = models.TextField("nội dung chữ (không dấu)", blank=True, help_text="See ``searchable``.")
    searchable_file = models.CharField(
        "bản PDF tìm kiếm được",
        max_length=255,
        blank=True,
        help_text="Storage name of the OCR'd copy; empty when the original already carries its text.",
    )
    searchable_sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField("số trang", default=0)
    seconds = models.FloatField("thời gian nhận dạng (giây)", default=0)
    language = models.CharField("ngôn ngữ", max_length=40, blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "chữ trong giấy tờ"
        verbose_name_plural = "nhận dạng chữ giấy tờ"
        ordering = ["-updated_at", "-id"]
        permissions = [("rerun_ocr", "Nhận dạng lại chữ trong giấy tờ")]
        indexes = [
            # The queue: "pending or failed, due now", oldest first (the worker, ``motcua ocr --pending``).
            models.Index(fields=["status", "next_attempt_at"], name="documenttext_queue_idx"),
        ]
        # On PostgreSQL, a trigram GIN index on ``folded`` (migration 0002) serves the back office's
        # search by words; SQLite scans.

    def __str__(self) -> str:
        return f"{self.document_id}: {self.get_status_display()}"

    def set_text(self, text: str) -> None:
        self.text = text
        self.folded = searchable(text)
