"""What the citizen portal keeps: the citizen's profile, sign-up verification codes and submission drafts.

A citizen is a ``User`` with a ``CitizenProfile``; officers have none, so the two never mix. Phone and
email live on ``User`` (the login backend reads them there); the rest of the identity lives here and
pre-fills the applicant of every online submission.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models

from motcua.dossiers.models.applicant import ApplicantKind, validate_citizen_id, validate_tax_code


class CitizenProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile", verbose_name="tài khoản"
    )
    kind = models.CharField("loại", max_length=12, choices=ApplicantKind.choices, default=ApplicantKind.INDIVIDUAL)
    id_number = models.CharField("số định danh cá nhân", max_length=12, blank=True, validators=[validate_citizen_id])
    date_of_birth = models.DateField("ngày sinh", null=True, blank=True)
    address = models.CharField("địa chỉ", max_length=500, blank=True)
    commune = models.ForeignKey(
        "organizations.AdministrativeArea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="xã, phường",
    )
    organization_name = models.CharField("tên tổ chức", max_length=255, blank=True)
    tax_code = models.CharField("mã số thuế", max_length=14, blank=True, validators=[validate_tax_code])
    verified_at = models.DateTimeField("xác minh lúc", null=True, blank=True)
    oidc_issuer = models.CharField("nhà cung cấp định danh", max_length=255, blank=True)
    oidc_subject = models.CharField("mã định danh bên ngoài", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "hồ sơ công dân"
        verbose_name_plural = "hồ sơ công dân"
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~models.Q(oidc_subject=""),
                name="unique_citizen_external_identity",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_organization(self) -> bool:
        return self.kind == ApplicantKind.ORGANIZATION


class VerificationCode(models.Model):
    """A 6-digit code sent to the citizen; only its hash is stored. Valid ``CODE_MINUTES``, 5 wrong tries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    replaced = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="verification_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%d/%m/%Y %H:%M}"


class SubmissionDraft(models.Model):
    """An online submission being prepared: form values and uploaded files, resumable until submitted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submission_drafts", verbose_name="tài khoản"
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.CASCADE, related_name="+", verbose_name="thủ tục"
    )
    version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.CASCADE, related_name="+", verbose_name="phiên bản"
    )
    data = models.JSONField("nội dung đã nhập", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ nháp"
        verbose_name_plural = "hồ sơ nháp"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.updated_at:%d/%m/%Y}"


class DraftFile(models.Model):
    """One uploaded file of a draft, for one line of the procedure's document list (several per line)."""

    draft = models.ForeignKey(SubmissionDraft, on_delete=models.CASCADE, related_name="files")
    required_document = models.ForeignKey("catalog.RequiredDocument", on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="drafts/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["required_document", "id"]

    def __str__(self) -> str:
        return self.original_name


class DraftReuse(models.Model):
    """A line of a draft answered with a document of the account's store (kho dữ liệu) instead of uploads.

    One per line: a line has either uploaded files or one store document. The choice only names the
    document; ``dossiers.actions.submit_online`` checks again that it is still in the account's store (it
    may have been purged since) and shares its stored file, so nothing is copied here."""

    draft = models.ForeignKey(SubmissionDraft, on_delete=models.CASCADE, related_name="reuses")
    required_document = models.ForeignKey("catalog.RequiredDocument", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        "dossiers.DossierDocument", on_delete=models.CASCADE, related_name="+", verbose_name="giấy tờ trong kho"
    )
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "giấy tờ lấy từ kho dữ liệu"
        verbose_name_plural = "giấy tờ lấy từ kho dữ liệu"
        constraints = [
            models.UniqueConstraint(fields=["draft", "required_document"], name="unique_draft_reuse_per_line")
        ]

    def __str__(self) -> str:
        return f"{self.required_document_id} ← {self.document_id}"


def new_kiosk_token() -> str:
    return secrets.token_urlsafe(24)


class Kiosk(models.Model):
    """A rating tablet at a one-stop counter (Decree 61 Art. 30).

    It is opened at ``/diem-danh-gia/<token>/``; the token is the device's only credential, since dossier
    codes are guessable and the kiosk asks for no login. Only dossiers received by ``unit`` or a unit
    below it can be rated on it."""

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị tiếp nhận"
    )
    name = models.CharField("tên thiết bị", max_length=120, help_text="Ví dụ: Máy tính bảng quầy số 2.")
    token = models.CharField("mã thiết bị", max_length=64, unique=True, default=new_kiosk_token, editable=False)
    active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thiết bị đánh giá tại quầy"
        verbose_name_plural = "thiết bị đánh giá tại quầy"

    def __str__(self) -> str:
        return self.name
