"""Feedback (phản ánh, kiến nghị), its append-only history, the per-day code counter and the votes.

Fields are written only by ``feedback/actions.py``. Due moments are computed there from the working
calendar (``feedback/deadlines.py``) and stored, so the queue can sort and mark overdue rows cheaply.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from motcua.dossiers.models.dossier import new_lookup_secret


class Kind(models.TextChoices):
    REPORT = "phan_anh", "Phản ánh"
    PETITION = "kien_nghi", "Kiến nghị"


class Status(models.TextChoices):
    RECEIVED = "received", "Đã tiếp nhận"
    MORE_INFO = "more_info_requested", "Chờ bổ sung thông tin"
    REJECTED = "rejected", "Từ chối tiếp nhận"
    CLASSIFIED = "classified", "Đang xử lý"
    ANSWERED = "answered", "Đã trả lời"
    PUBLISHED = "published", "Đã công khai trả lời"


OPEN_STATUSES = (Status.RECEIVED, Status.MORE_INFO, Status.CLASSIFIED)


class FeedbackSequence(models.Model):
    """Last number used per day; written by an upsert inside the submitting transaction: no gaps."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Feedback(models.Model):
    code = models.CharField("mã phản ánh", max_length=20, unique=True)
    kind = models.CharField("loại", max_length=12, choices=Kind.choices, default=Kind.REPORT)
    subject = models.CharField("tiêu đề", max_length=255)
    content = models.TextField("nội dung")
    procedure = models.ForeignKey(
        "catalog.Procedure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        verbose_name="thủ tục liên quan",
    )
    dossier_code = models.CharField("mã hồ sơ liên quan", max_length=40, blank=True)
    field = models.ForeignKey(
        "catalog.Field", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="lĩnh vực"
    )

    # The submitter: personal data, never shown on public pages.
    name = models.CharField("họ và tên người gửi", max_length=200)
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    address = models.CharField("địa chỉ", max_length=500, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        verbose_name="tài khoản",
    )
    wants_public = models.BooleanField("đồng ý công khai (không kèm thông tin cá nhân)", default=True)
    lookup_secret = models.CharField("mã tra cứu", max_length=16, default=new_lookup_secret)

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="feedback", verbose_name="đơn vị xử lý"
    )
    status = models.CharField("trạng thái", max_length=24, choices=Status.choices, default=Status.RECEIVED)
    revision = models.PositiveIntegerField(default=0)

    submitted_at = models.DateTimeField("gửi lúc", default=timezone.now)
    received_at = models.DateTimeField("mốc tính thời hạn", help_text="Lúc gửi, hoặc lúc nhận đủ thông tin bổ sung.")
    rejected_at = models.DateTimeField("từ chối lúc", null=True, blank=True)
    info_requested_at = models.DateTimeField("đề nghị bổ sung lúc", null=True, blank=True)
    classified_at = models.DateTimeField("phân loại lúc", null=True, blank=True)
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)
    published_at = models.DateTimeField("công khai lúc", null=True, blank=True)

    reject_due_at = models.DateTimeField("hạn từ chối", null=True, blank=True)
    info_due_at = models.DateTimeField("hạn đề nghị bổ sung", null=True, blank=True)
    answer_due_at = models.DateTimeField("hạn trả lời", null=True, blank=True, db_index=True)
    publish_due_at = models.DateTimeField("hạn công khai", null=True, blank=True)
    info_requests = models.PositiveSmallIntegerField("số lần đề nghị bổ sung", default=0)
    info_requests_late = models.PositiveSmallIntegerField("số lần đề nghị bổ sung quá hạn", default=0)

    reject_reason = models.TextField("lý do từ chối", blank=True)
    info_request = models.TextField("thông tin cần bổ sung", blank=True)
    answer = models.TextField("nội dung trả lời", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="cán bộ trả lời",
    )
    answer_signer = models.CharField("người ký", max_length=200, blank=True, help_text="Họ tên, chức vụ.")
    public_title = models.CharField("tiêu đề công khai", max_length=255, blank=True)
    public_question = models.TextField("nội dung phản ánh công khai", blank=True)
    public_answer = models.TextField("nội dung trả lời công khai", blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="cán bộ công khai",
    )

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-submitted_at"]
        permissions = [
            ("handle_feedback", "Xử lý phản ánh, kiến nghị"),
            ("publish_feedback", "Công khai trả lời phản ánh, kiến nghị"),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="feedback_unit_status_idx"),
            models.Index(fields=["status", "published_at"], name="feedback_published_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def next_due(self):
        """The moment the next step is due, or None when nothing is pending."""
        if self.status in (Status.RECEIVED, Status.CLASSIFIED):
            return self.answer_due_at
        if self.status == Status.ANSWERED and self.wants_public:
            return self.publish_due_at
        return None


class FeedbackEvent(models.Model):
    """One step in a feedback's history. Never edited nor deleted."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("lúc")
    action = models.CharField("thao tác", max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    unit = models.ForeignKey("organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "lịch sử phản ánh"
        verbose_name_plural = "lịch sử phản ánh"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Lịch sử phản ánh chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object):
        raise ValueError("Lịch sử phản ánh không được xóa.")


class Vote(models.IntegerChoices):
    USEFUL = 1, "Hữu ích"
    NOT_USEFUL = -1, "Chưa hữu ích"


class FeedbackVote(models.Model):
    """One visitor's opinion of a published answer: ``voter`` is ``u<account id>`` or ``c<cookie id>``."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=80)
    value = models.SmallIntegerField(choices=Vote.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "đánh giá trả lời"
        verbose_name_plural = "đánh giá trả lời"
        constraints = [models.UniqueConstraint(fields=["feedback", "voter"], name="one_vote_per_visitor")]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.voter} {self.value}"
