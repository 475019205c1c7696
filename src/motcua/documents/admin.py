"""Admin: the OCR queue and its outcomes, opening on the failures, with "Nhận dạng lại".

The recognised text itself is not shown (it is the applicant's personal data); its length is, to tell a page
that was read from one that was not."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction

from motcua.core.admin import FailuresFirstFilter
from motcua.documents import queue
from motcua.documents.models import DocumentText, TextStatus


class StatusFilter(FailuresFirstFilter):
    FAILED = TextStatus.FAILED
    CHOICES = [
        (TextStatus.FAILED, "Nhận dạng lỗi"),
        (TextStatus.PENDING, "Chờ nhận dạng"),
        (TextStatus.NO_TEXT, "Không có chữ"),
        (TextStatus.DONE, "Đã nhận dạng"),
    ]


@admin.register(DocumentText)
class DocumentTextAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "dossier_code",
        "document_name",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "pages",
        "seconds",
        "updated_at",
    )
    list_filter = (StatusFilter, "attempts")
    list_select_related = ("document__dossier",)
    search_fields = ("document__dossier__code", "last_error")
    actions = ["rerun"]
    fields = (
        "document",
        "dossier_code",
        "status",
        "attempts",
        "next_attempt_at",
        "started_at",
        "last_error",
        "note",
        "pages",
        "seconds",
        "language",
        "characters",
        "searchable_file",
        "searchable_sha256",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="hồ sơ", ordering="document__dossier__code")
    def dossier_code(self, obj: DocumentText) -> str:
        return obj.document.dossier.code

    @admin.display(description="giấy tờ")
    def document_name(self, obj: DocumentText) -> str:
        return obj.document.name[:80]

    @admin.display(description="số ký tự")
    def characters(self, obj: DocumentText) -> int:
        return len(obj.text)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the outcome is the engine's; only "Nhận dạng lại" acts on it

    @admin.action(description="Nhận dạng lại các giấy tờ đã chọn", permissions=["rerun"])
    def rerun(self, request, queryset):
        document_ids = queue.restart(queryset)
        transaction.on_commit(lambda: queue.schedule(document_ids), robust=True)
        self.message_user(
            request,
            f"Đã đưa {len(document_ids)} giấy tờ vào hàng đợi nhận dạng lại.",
            messages.SUCCESS if document_ids else messages.WARNING,
        )

    def has_rerun_permission(self, request):
        return request.user.has_perm("documents.rerun_ocr")
