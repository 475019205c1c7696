"""Templates an administrator edits, and the outbox of messages rendered from them.

A message is rendered when it is queued, so editing a template changes the next message and never one
already waiting. The recipient is kept only to deliver; screens show it masked and logs never carry it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from motcua.notifications.masking import mask_recipient


class Channel(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi thất bại"


def render_text(source: str, context: dict) -> str:
    """Plain text: no HTML escaping (an e-mail body or an SMS is not a web page)."""
    return Template("{% autoescape off %}" + source + "{% endautoescape %}").render(Context(context)).strip()


class NotificationTemplate(models.Model):
    code = models.CharField(
        "mã mẫu", max_length=50, help_text="Mã dùng trong chương trình, ví dụ dossier_received; không sửa."
    )
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    name = models.CharField("tên mẫu", max_length=200, blank=True)
    subject = models.CharField("tiêu đề", max_length=255, blank=True, help_text="Chỉ dùng cho thư điện tử.")
    body = models.TextField(
        "nội dung",
        help_text="Cú pháp mẫu Django: {{ code }} chèn giá trị, {% if … %}…{% endif %} cho phần có điều kiện.",
    )
    active = models.BooleanField("đang dùng", default=True, help_text="Bỏ chọn để ngừng gửi thông báo này.")
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "mẫu thông báo"
        verbose_name_plural = "mẫu thông báo"
        ordering = ["code", "channel"]
        constraints = [models.UniqueConstraint(fields=["code", "channel"], name="unique_template_code_channel")]

    def __str__(self) -> str:
        return f"{self.name or self.code} ({self.get_channel_display()})"

    def clean(self) -> None:
        errors = {}
        for field in ("subject", "body"):
            try:
                Template(getattr(self, field))
            except TemplateSyntaxError as exc:
                errors[field] = f"Mẫu sai cú pháp: {exc}"
        if self.channel == Channel.EMAIL and not self.subject.strip():
            errors["subject"] = "Thư điện tử phải có tiêu đề."
        if errors:
            raise ValidationError(errors)

    def render(self, context: dict) -> tuple[str, str]:
        subject = " ".join(render_text(self.subject, context).split()) if self.subject else ""
        return subject, render_text(self.body, context)


class Message(models.Model):
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    recipient = models.CharField("người nhận", max_length=254)
    template_code = models.CharField("mẫu", max_length=50, db_index=True)
    subject = models.CharField("tiêu đề", max_length=255, blank=True)
    body = models.TextField("nội dung")
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        verbose_name="hồ sơ",
    )
    event = models.ForeignKey(
        "dossiers.DossierEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("trạng thái", max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lần tới", default=timezone.now, null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    provider = models.CharField("nhà cung cấp", max_length=40, blank=True)
    provider_message_id = models.CharField("mã tin của nhà cung cấp", max_length=255, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo đã gửi"
        verbose_name_plural = "hộp thư đi"
        ordering = ["-created_at", "-id"]
        permissions = [("resend_message", "Gửi lại thông báo gửi thất bại")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="message_due_idx", condition=models.Q(status="pending")),
            models.Index(fields=["status", "created_at"], name="message_status_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.template_code} → {self.masked_recipient}"

    @property
    def masked_recipient(self) -> str:
        return mask_recipient(self.recipient)
