"""Admin: templates with a sample preview; the outbox opening on its failures, with "Gửi lại"."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from motcua.core.admin import FailuresFirstFilter
from motcua.notifications import outbox
from motcua.notifications.models import Message, MessageStatus, NotificationTemplate
from motcua.notifications.samples import sample_context


class TemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["code", "channel", "name", "active", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 100})}


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = ("code", "channel", "name", "active", "updated_at")
    list_filter = ("channel", "active")
    search_fields = ("code", "name", "subject", "body")
    readonly_fields = ("preview", "variables", "updated_at")
    fieldsets = [
        (None, {"fields": ["code", "channel", "name", "active"]}),
        ("Nội dung", {"fields": ["subject", "body", "variables"]}),
        ("Xem trước (dữ liệu mẫu, theo nội dung đã lưu)", {"fields": ["preview", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code is what the program asks for: renaming it would silently stop the notification.
        return (*self.readonly_fields, "code", "channel") if obj else self.readonly_fields

    @admin.display(description="Xem trước")
    def preview(self, obj: NotificationTemplate) -> str:
        if obj is None or obj.pk is None:
            return "Lưu mẫu để xem trước."
        try:
            subject, body = obj.render(sample_context(obj.code))
        except Exception as exc:
            return f"Không hiển thị được: {exc}"
        return format_html(
            '<div style="white-space:pre-wrap;border:1px solid #ccc;padding:8px;max-width:60em">'
            "{}{}</div><p>{} ký tự</p>",
            format_html("<strong>{}</strong>\n\n", subject) if subject else "",
            body,
            len(body),
        )

    @admin.display(description="Biến dùng được")
    def variables(self, obj: NotificationTemplate) -> str:
        names = sorted(sample_context(obj.code if obj else ""))
        return ", ".join("{{ " + name + " }}" for name in names)


class StatusFilter(FailuresFirstFilter):
    FAILED = MessageStatus.FAILED
    CHOICES = [
        (MessageStatus.FAILED, "Gửi thất bại"),
        (MessageStatus.PENDING, "Chờ gửi"),
        (MessageStatus.SENT, "Đã gửi"),
    ]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "template_code",
        "channel",
        "recipient_masked",
        "dossier",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = (StatusFilter, "channel", "template_code")
    list_select_related = ("dossier",)
    search_fields = ("dossier__code", "template_code", "provider_message_id")
    actions = ["resend"]
    date_hierarchy = "created_at"
    fields = (
        "template_code",
        "channel",
        "recipient_masked",
        "dossier",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "provider",
        "provider_message_id",
        "created_at",
        "sent_at",
        "subject",
        "body",
    )
    readonly_fields = fields

    @admin.display(description="người nhận")
    def recipient_masked(self, obj: Message) -> str:
        return obj.masked_recipient

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the outbox is a record; only "Gửi lại" acts on it

    @admin.action(description="Gửi lại các thông báo đã chọn", permissions=["resend"])
    def resend(self, request, queryset):
        count, tried = outbox.resend(queryset)
        if not count:
            self.message_user(
                request, "Không có thông báo nào cần gửi lại (các tin đã gửi được bỏ qua).", messages.WARNING
            )
        elif not tried:
            self.message_user(request, f"Đã đưa {count} thông báo vào hàng đợi gửi lại.", messages.SUCCESS)
        else:
            sent = sum(m.status == MessageStatus.SENT for m in tried)
            level = messages.SUCCESS if sent == count else messages.WARNING
            self.message_user(
                request, f"Gửi lại {count} thông báo: {sent} đã gửi, {count - sent} chưa gửi được.", level
            )

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.resend_message")
