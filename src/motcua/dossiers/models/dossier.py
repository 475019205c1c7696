"""The dossier (hồ sơ) and what hangs off it: submitted documents, process steps, the code sequence.

Fields are written only by ``dossiers/actions.py``; everything here is storage. Deadlines are
derived (``dossiers/deadlines.py``) and stored so that queues can filter on them with an index.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models

from motcua.dossiers.models.status import DossierChannel, ResultDelivery, ResultKind, Status

LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the counter


def new_lookup_secret() -> str:
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(8))


class DossierSequence(models.Model):
    """Last number used per receiving unit and day; locked while a code is drawn, so codes have no gaps."""

    unit = models.ForeignKey("organizations.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="unique_sequence_per_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last}"


class Dossier(models.Model):
    code = models.CharField("mã hồ sơ", max_length=40, unique=True)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name="thủ tục (phiên bản)",
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="dossiers", verbose_name="thủ tục"
    )
    receiving_unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="received_dossiers", verbose_name="nơi tiếp nhận"
    )
    handling_unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        verbose_name="cơ quan giải quyết (chủ trì)",
    )
    channel = models.CharField("kênh nộp", max_length=10, choices=DossierChannel.choices)
    status = models.PositiveSmallIntegerField("trạng thái", choices=Status.choices, db_index=True)
    applicant = models.ForeignKey(
        "dossiers.Applicant", on_delete=models.PROTECT, related_name="dossiers", verbose_name="chủ hồ sơ"
    )
    submitter = models.JSONField("người nộp (nếu khác chủ hồ sơ)", default=dict, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_dossiers",
        verbose_name="tài khoản nộp trực tuyến",
        help_text='The citizen\'s portal account that submitted the dossier online ("my dossiers").',
    )
    result_delivery = models.CharField(
        "hình thức nhận kết quả", max_length=10, choices=ResultDelivery.choices, default=ResultDelivery.COUNTER
    )
    delivery_address = models.CharField("địa chỉ nhận kết quả", max_length=500, blank=True)
    full_online = models.BooleanField("nộp trực tuyến toàn trình", default=False)
    sets = models.PositiveSmallIntegerField("số bộ hồ sơ", default=1)
    fees_due = models.DecimalField("phí, lệ phí phải nộp", max_digits=14, decimal_places=0, default=0)
    fees_paid = models.DecimalField("phí, lệ phí đã nộp", max_digits=14, decimal_places=0, default=0)
    lookup_secret = models.CharField("mã tra cứu", max_length=16, default=new_lookup_secret)

    submitted_at = models.DateTimeField("ngày nộp", null=True, blank=True)
    received_at = models.DateTimeField("ngày tiếp nhận", null=True, blank=True)
    clock_start = models.DateTimeField(
        "mốc tính thời hạn",
        null=True,
        blank=True,
        help_text="Ngày tiếp nhận, hoặc ngày nhận đủ hồ sơ bổ sung khi tính lại từ đầu.",
    )
    due_at = models.DateTimeField("hạn trả kết quả", null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField("hạn trả ban đầu", null=True, blank=True)
    rescheduled_due_at = models.DateTimeField("hạn trả hẹn lại", null=True, blank=True)
    finished_at = models.DateTimeField("ngày xử lý xong", null=True, blank=True)
    returned_at = models.DateTimeField("ngày trả kết quả", null=True, blank=True)
    refused_at = models.DateTimeField("ngày từ chối", null=True, blank=True)
    withdrawn_at = models.DateTimeField("ngày rút hồ sơ", null=True, blank=True)
    stopped_at = models.DateTimeField("ngày dừng xử lý", null=True, blank=True)
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    supplement_received_at = models.DateTimeField(null=True, blank=True)

    supplement_policy = models.CharField("chính sách khi bổ sung", max_length=10, blank=True)
    makeup_counts = models.BooleanField("tính ngày làm bù", default=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    apology_count = models.PositiveSmallIntegerField(default=0)
    early_return_notified_at = models.DateTimeField(null=True, blank=True)
    awaiting_signature = models.BooleanField(
        "chờ lãnh đạo ký",
        default=False,
        help_text="Bước đang xử lý là của lãnh đạo, hoặc không còn việc nào trước khi trả kết quả (hàng chờ ký).",
    )

    result_kind = models.CharField("loại kết quả", max_length=10, choices=ResultKind.choices, blank=True)
    finish_mark = models.CharField(
        "giải quyết trước / đúng / quá hạn",
        max_length=10,
        blank=True,
        choices=[("early", "Trước hạn"), ("on_time", "Đúng hạn"), ("late", "Quá hạn")],
        help_text="Set when the result is issued (9), against the due moment then in force.",
    )
    result_note = models.TextField("nội dung kết quả", blank=True)
    postal_tracking = models.CharField("mã vận đơn bưu chính", max_length=50, blank=True)
    # Digitisation flags (regulations.md §5, Decision 766 group 4), kept by actions.py whenever a document is
    # attached; counted by the reports and kept when old files are purged.
    input_digitised = models.BooleanField(
        "thành phần hồ sơ đã số hóa", default=False, help_text="Every component received has an electronic copy."
    )
    result_digitised = models.BooleanField(
        "kết quả điện tử", default=False, help_text="At least one result document is stored electronically."
    )
    reused_components = models.PositiveSmallIntegerField(
        "số thành phần tái sử dụng", default=0, help_text="Components taken from earlier dossiers' digitised data."
    )
    from_citizen_store = models.BooleanField(
        "lấy từ kho dữ liệu của công dân", default=False, help_text="The applicant picked a component from their store."
    )
    revision = models.PositiveIntegerField(default=0, help_text="Tăng mỗi thao tác: phát hiện thao tác chồng chéo.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["handling_unit", "status", "due_at"], name="dossier_queue_idx"),
            models.Index(fields=["receiving_unit", "status", "due_at"], name="dossier_counter_idx"),
            models.Index(fields=["received_at"], name="dossier_received_idx"),
            models.Index(
                fields=["handling_unit", "due_at"],
                name="dossier_to_sign_idx",
                condition=models.Q(awaiting_signature=True, status=4),
            ),
        ]
        permissions = [
            ("receive_dossier", "Tiếp nhận hồ sơ, trả kết quả (Bộ phận Một cửa)"),
            ("process_dossier", "Xử lý hồ sơ (thẩm định, chuyển bước)"),
            ("sign_dossier", "Phê duyệt, ký kết quả, xin lỗi hẹn lại, dừng xử lý"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def result_ready(self) -> bool:
        """The result exists (9: done, 10: returned)."""
        return self.status in (Status.DONE, Status.RETURNED)

    @property
    def e_result_downloadable(self) -> bool:
        """The applicant chose the electronic result and it exists: the portal may hand out its files."""
        return self.result_ready and self.result_delivery == ResultDelivery.ONLINE

    @property
    def outstanding(self) -> Decimal:
        """Fees and charges still to pay (never negative)."""
        return max(Decimal(self.fees_due) - Decimal(self.fees_paid), Decimal(0))

    @property
    def effective_due_at(self):
        return self.rescheduled_due_at or self.due_at


class DocumentOrigin(models.TextChoices):
    """How the electronic copy of a component came to the dossier (blank: paper only, not digitised)."""

    UPLOAD = "upload", "Công dân tải lên"
    SCAN = "scan", "Số hóa tại Bộ phận Một cửa"
    STORE = "store", "Công dân lấy từ kho dữ liệu"
    REUSE = "reuse", "Cán bộ lấy từ kho dữ liệu"
    ISSUED = "issued", "Cơ quan ban hành (kết quả)"


class DossierDocument(models.Model):
    """A component submitted for one line of the procedure's document list (or an extra one), or a result.

    The file is stored under its SHA-256 (core/files.py) and never replaced once attached: digitising a paper
    component later fills a row that had no file; it does not overwrite one."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        "catalog.RequiredDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.TextField("tên giấy tờ")
    copy_type = models.CharField("loại bản", max_length=20, blank=True)
    count = models.PositiveSmallIntegerField("số lượng", default=1)
    file = models.FileField("tệp", upload_to="dossiers/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    supplement = models.BooleanField("nộp bổ sung", default=False)
    result = models.BooleanField(
        "văn bản kết quả", default=False, help_text="A result document (e-result) issued by the agency, not an input."
    )
    signed = models.BooleanField(
        "đã ký số", default=False, help_text="A result PDF stored PAdES-signed by the handling unit's organisation."
    )
    certificate_sha256 = models.CharField(
        "vân tay chứng thư số", max_length=64, blank=True, help_text="SHA-256 of the signing certificate (DER)."
    )
    verification_code = models.CharField(
        "mã xác thực",
        max_length=16,
        blank=True,
        db_index=True,
        help_text="Results: the code in the QR stamped on the PDF, opening its public verification page.",
    )
    original_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    origin = models.CharField("nguồn bản điện tử", max_length=10, choices=DocumentOrigin.choices, blank=True)
    reused_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
        verbose_name="tái sử dụng từ",
        help_text="The earlier dossier's document this copy was taken from (the citizen's store).",
    )
    pages = models.PositiveSmallIntegerField("số trang", default=0)
    digitised_at = models.DateTimeField("số hóa lúc", null=True, blank=True)
    purged_at = models.DateTimeField(
        "đã hủy tệp lúc", null=True, blank=True, help_text="The file was deleted at the end of its retention period."
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "giấy tờ đã nộp"
        verbose_name_plural = "giấy tờ đã nộp"
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name[:80]

    @property
    def digitised(self) -> bool:
        """An electronic copy was attached (it may since have been purged at the end of its retention)."""
        return bool(self.sha256)

    @property
    def available(self) -> bool:
        """The file can be read now."""
        return bool(self.file) and self.purged_at is None


class StepState(models.TextChoices):
    PENDING = "pending", "Chưa đến"
    ACTIVE = "active", "Đang xử lý"
    DONE = "done", "Đã xong"
    SKIPPED = "skipped", "Bỏ qua"


class DossierStep(models.Model):
    """One step of the process plan, instantiated for this dossier with its own unit and due moment."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    plan_step = models.ForeignKey(
        "catalog.ProcessStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stage = models.PositiveIntegerField()
    action = models.CharField(max_length=500)
    unit = models.ForeignKey("organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    external_agency = models.CharField(max_length=255, blank=True)
    inter_agency = models.BooleanField(default=False)
    allotted = models.DecimalField(max_digits=7, decimal_places=2)
    state = models.CharField(max_length=10, choices=StepState.choices, default=StepState.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "stage", "id"]
        indexes = [
            # The work queues ask "which steps are active in my units?": a few thousand rows among millions.
            models.Index(
                fields=["unit", "plan_step", "dossier"],
                name="dossierstep_active_unit_idx",
                condition=models.Q(state="active"),
            ),
            # The leader's queue asks "is any non-return work still pending on these dossiers?".
            models.Index(
                fields=["dossier", "plan_step"], name="dossierstep_pending_idx", condition=models.Q(state="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage}. {self.action}"

    @property
    def agency_name(self) -> str:
        return self.unit.name if self.unit_id else self.external_agency
