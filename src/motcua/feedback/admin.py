"""Read-only views for administrators: changes go through ``feedback.actions`` (the officers' desk)."""

from django.contrib import admin

from motcua.feedback.models import Feedback, FeedbackEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["code", "subject", "kind", "unit", "status", "submitted_at", "answer_due_at"]
    list_filter = ["status", "kind"]
    search_fields = ["code", "subject"]


@admin.register(FeedbackEvent)
class FeedbackEventAdmin(ReadOnlyAdmin):
    list_display = ["feedback", "at", "action", "actor", "to_status"]
    list_filter = ["action"]
