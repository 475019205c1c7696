"""Payments through gateways, the callbacks already processed, and electronic receipts.

A ``Receipt`` is a legal document (Decree 254/2026 Art. 23.2, docs/payments.md): once issued it is never
edited. Its number is drawn from ``ReceiptSequence`` inside the issuing transaction (see ``numbering``),
so numbers per issuer, series and year are unique and gapless and restart on 1 January.
"""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_order_id() -> str:
    """Sent to the gateway; random so that an order cannot be guessed from another one."""
    return "MC" + secrets.token_hex(10).upper()


TAX_CODE = RegexValidator(r"^\d{10}(-\d{3})?$", "Mã số thuế gồm 10 chữ số (hoặc 10 chữ số - 3 chữ số).")
MAX_RECEIPT_NUMBER = 99_999_999  # "tối đa 8 chữ số"


class ReceiptIssuer(models.Model):
    """The organisation that collects fees for a unit and every unit below it, and signs its receipts.

    The key and certificate are PEM: either paths to files on the server (preferred in production: the
    key stays out of database backups) or stored here (convenient for a demo; ``motcua payments
    test-certificate`` fills them). Paths win when both are set.
    """

    unit = models.OneToOneField(
        "organizations.Unit", on_delete=models.PROTECT, related_name="receipt_issuer", verbose_name="đơn vị"
    )
    name = models.CharField("tên tổ chức thu phí, lệ phí", max_length=255)
    tax_code = models.CharField("mã số thuế", max_length=14, validators=[TAX_CODE])
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    template_symbol = models.CharField(
        "mẫu số biên lai", max_length=20, help_text="Ký hiệu mẫu số biên lai theo hướng dẫn của Bộ Tài chính."
    )
    series = models.CharField("ký hiệu biên lai", max_length=20, help_text="Ví dụ: AB-26E.")
    signing_key_path = models.CharField("đường dẫn khóa ký (PEM)", max_length=500, blank=True)
    certificate_path = models.CharField("đường dẫn chứng thư số (PEM)", max_length=500, blank=True)
    signing_key_pem = models.TextField("khóa ký (PEM)", blank=True)
    certificate_pem = models.TextField("chứng thư số (PEM)", blank=True)
    active = models.BooleanField("đang sử dụng", default=True)

    class Meta:
        verbose_name = "tổ chức thu phí (phát hành biên lai)"
        verbose_name_plural = "tổ chức thu phí (phát hành biên lai)"

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"


class PaymentStatus(models.TextChoices):
    CREATED = "created", "Chờ thanh toán"
    PAID = "paid", "Đã thanh toán"
    FAILED = "failed", "Không thành công"
    CANCELLED = "cancelled", "Đã hủy"


class Payment(models.Model):
    """One attempt to pay a dossier's outstanding fees through one gateway."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField("số tiền", max_digits=14, decimal_places=0)
    provider = models.CharField("cổng thanh toán", max_length=30)
    order_id = models.CharField("mã đơn hàng", max_length=40, unique=True, default=new_order_id)
    provider_transaction = models.CharField("mã giao dịch của cổng", max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED)
    failure = models.CharField("lý do không thành công", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "giao dịch thanh toán"
        verbose_name_plural = "giao dịch thanh toán"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.order_id} ({self.get_status_display()})"


class ProcessedCallback(models.Model):
    """A signed callback already acted upon: the same message again is a replay and changes nothing."""

    provider = models.CharField(max_length=30)
    kind = models.CharField(max_length=10)  # "return" or "notify"
    digest = models.CharField(max_length=64, help_text="SHA-256 of the signed message")
    payment = models.ForeignKey(Payment, null=True, on_delete=models.CASCADE, related_name="callbacks")
    outcome = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "kind", "digest"], name="unique_callback")]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.outcome}"


class PaymentMethod(models.TextChoices):
    COUNTER = "counter", "Nộp tại Bộ phận Một cửa"
    ONLINE = "online", "Nộp trực tuyến"


class ReceiptSequence(models.Model):
    """Last receipt number used per issuer, series and year (locked while a number is drawn)."""

    issuer = models.ForeignKey(ReceiptIssuer, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "series", "year"], name="unique_receipt_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.series}/{self.year}: {self.last}"


class Receipt(models.Model):
    """An electronic receipt (biên lai điện tử) for fees and charges, with its signed XML and PDF."""

    issuer = models.ForeignKey(ReceiptIssuer, on_delete=models.PROTECT, related_name="receipts")
    template_symbol = models.CharField("mẫu số", max_length=20)
    series = models.CharField("ký hiệu", max_length=20)
    year = models.PositiveSmallIntegerField("năm")
    number = models.PositiveIntegerField("số biên lai", validators=[MaxValueValidator(MAX_RECEIPT_NUMBER)])
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="receipts")
    event = models.OneToOneField(
        "dossiers.DossierEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt")
    payer_name = models.CharField("người nộp", max_length=255)
    payer_address = models.CharField("địa chỉ người nộp", max_length=500, blank=True)
    dossier_code = models.CharField("mã hồ sơ", max_length=40)
    lines = models.JSONField("khoản thu", default=list, help_text='[{"kind": "Lệ phí", "name": …, "amount": "50000"}]')
    total = models.DecimalField("tổng số tiền", max_digits=14, decimal_places=0)
    total_in_words = models.CharField("số tiền bằng chữ", max_length=500)
    method = models.CharField("hình thức nộp", max_length=10, choices=PaymentMethod.choices)
    provider = models.CharField("cổng thanh toán", max_length=30, blank=True)
    reference = models.CharField("mã giao dịch", max_length=100, blank=True)
    issued_at = models.DateTimeField("ngày lập")
    xml = models.TextField("biên lai (XML đã ký)")
    pdf = models.FileField("biên lai (PDF đã ký)", upload_to="receipts/%Y/%m/")
    pdf_sha256 = models.CharField(max_length=64)
    certificate_sha256 = models.CharField("vân tay chứng thư ký", max_length=64)

    class Meta:
        verbose_name = "biên lai điện tử"
        verbose_name_plural = "biên lai điện tử"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "series", "year", "number"], name="unique_receipt_number"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=MAX_RECEIPT_NUMBER), name="receipt_number_8_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series} số {self.number_label}"

    @property
    def number_label(self) -> str:
        return f"{self.number:08d}"


class SandboxTransaction(models.Model):
    """The sandbox gateway's own ledger (what a real gateway keeps on its side); ``query_status`` reads it."""

    order_id = models.CharField(max_length=40, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    transaction_id = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "giao dịch cổng thử nghiệm"
        verbose_name_plural = "giao dịch cổng thử nghiệm"

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"
