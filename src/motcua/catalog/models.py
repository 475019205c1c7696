"""The procedure catalogue (thủ tục hành chính, TTHC).

A ``Procedure`` is the identity the national database gives (code, name, field, agencies). What a
one-stop section needs to receive a dossier — documents, time limit, fees, channels, the internal
process plan — lives in a ``ProcedureVersion``: drafted, validated, published with the number and date
of the publication decision, and retired when a newer version is published. A published version is
never edited (``save`` refuses it); a change is a new version, and each dossier pins the version it was
received under, so a decree changing a procedure never disturbs dossiers already in progress.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from motcua.core.text import clean_text, fold
from motcua.workcalendar.rules import LimitUnit

PROCEDURE_CODE_RE = re.compile(r"^\d\.\d{6}(\..+)?$")


def validate_procedure_code(value: str) -> None:
    if not PROCEDURE_CODE_RE.match(value or ""):
        raise ValidationError(
            "Mã thủ tục “%(value)s” không đúng định dạng (ví dụ 1.001193, hoặc 1.001193.H57 với mã cơ quan).",
            code="invalid_procedure_code",
            params={"value": value},
        )


class Level(models.TextChoices):
    MINISTRY = "ministry", "Cấp bộ"
    PROVINCE = "province", "Cấp tỉnh"
    COMMUNE = "commune", "Cấp xã"
    DISTRICT = "district", "Cấp huyện (trước 01/07/2025)"


class Subject(models.TextChoices):
    CITIZEN = "citizen", "Công dân Việt Nam"
    ORGANIZATION = "organization", "Tổ chức, doanh nghiệp"
    FOREIGNER = "foreigner", "Người nước ngoài"
    OVERSEAS_VIETNAMESE = "overseas", "Người Việt Nam định cư ở nước ngoài"


class Channel(models.TextChoices):
    COUNTER = "counter", "Trực tiếp"
    POST = "post", "Dịch vụ bưu chính"
    ONLINE = "online", "Trực tuyến"


class OnlineLevel(models.TextChoices):
    FULL = "full", "Toàn trình"
    PARTIAL = "partial", "Một phần"
    NONE = "none", "Không cung cấp trực tuyến"


LIMIT_UNIT_CHOICES = [
    (LimitUnit.WORKING_DAYS.value, "ngày làm việc"),
    (LimitUnit.WORKING_HOURS.value, "giờ làm việc"),
    (LimitUnit.CALENDAR_DAYS.value, "ngày"),
    (LimitUnit.SAME_DAY.value, "trong ngày"),
]


class Field(models.Model):
    """A field (lĩnh vực) such as Hộ tịch, Chứng thực; code from the Government's field catalogue."""

    code = models.CharField("mã lĩnh vực", max_length=30, unique=True, null=True, blank=True)
    name = models.CharField("tên lĩnh vực", max_length=200, unique=True)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = clean_text(self.name)
        self.code = clean_text(self.code or "") or None
        super().save(*args, **kwargs)


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def published(self) -> ProcedureQuerySet:
        return self.filter(versions__status=VersionStatus.PUBLISHED).distinct()


class Procedure(models.Model):
    code = models.CharField(
        "mã thủ tục",
        max_length=60,
        unique=True,
        validators=[validate_procedure_code],
        error_messages={"unique": "Mã thủ tục này đã có trong danh mục."},
    )
    name = models.CharField("tên thủ tục", max_length=1000)  # the portal has names of 590 characters
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="procedures", verbose_name="lĩnh vực")
    levels = models.JSONField("cấp thực hiện", default=list, blank=True)
    issuing_agency = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    implementing_agencies = models.JSONField("cơ quan thực hiện", default=list, blank=True)
    coordinating_agencies = models.JSONField("cơ quan phối hợp", default=list, blank=True)
    subjects = models.JSONField("đối tượng thực hiện", default=list, blank=True)
    search_text = models.TextField(editable=False, default="", db_index=False)
    # Folded copies the public search ranks and filters on (see catalog/search.py): SQLite has no
    # unaccent, so folding happens here, once, on save.
    name_folded = models.TextField(editable=False, default="")
    agencies_folded = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        bad_levels = [lv for lv in self.levels if lv not in Level.values]
        bad_subjects = [s for s in self.subjects if s not in Subject.values]
        errors = {}
        if bad_levels:
            errors["levels"] = f"Cấp thực hiện không hợp lệ: {', '.join(map(str, bad_levels))}."
        if bad_subjects:
            errors["subjects"] = f"Đối tượng không hợp lệ: {', '.join(map(str, bad_subjects))}."
        if errors:
            raise ValidationError(errors)

    def fill_derived_fields(self) -> None:
        """Clean the code and name and fill the folded search columns; bulk imports call this (no save())."""
        self.code = clean_text(self.code)
        self.name = clean_text(self.name)
        self.search_text = fold(f"{self.code} {self.name} {self.field.name if self.field_id else ''}")
        self.name_folded = fold(self.name)
        self.agencies_folded = " | ".join(fold(str(agency)) for agency in self.implementing_agencies or [])

    def save(self, *args: object, **kwargs: object) -> None:
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def current_version(self, on=None) -> ProcedureVersion | None:
        """The published version in force on ``on`` (today by default)."""
        day = on or timezone.localdate()
        return (
            self.versions.filter(status=VersionStatus.PUBLISHED, valid_from__lte=day)
            .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))
            .order_by("-valid_from", "-number")
            .first()
        )


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    PUBLISHED = "published", "Đã công bố"
    RETIRED = "retired", "Hết hiệu lực"


class PublishedVersionError(ValidationError):
    pass


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name="thủ tục")
    number = models.PositiveIntegerField("phiên bản")
    status = models.CharField("trạng thái", max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    decision_number = models.CharField("số quyết định công bố", max_length=100, blank=True)
    decision_date = models.DateField("ngày quyết định công bố", null=True, blank=True)
    time_limit_value = models.PositiveIntegerField("thời hạn giải quyết", null=True, blank=True)
    time_limit_unit = models.CharField(
        "đơn vị thời hạn", max_length=20, choices=LIMIT_UNIT_CHOICES, default=LimitUnit.WORKING_DAYS.value
    )
    time_limit_note = models.CharField("ghi chú thời hạn", max_length=500, blank=True)
    channels = models.JSONField("cách thức thực hiện", default=list, blank=True)
    online_level = models.CharField(
        "mức độ trực tuyến", max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    steps_description = models.TextField("trình tự thực hiện", blank=True)
    conditions = models.TextField("yêu cầu, điều kiện", blank=True)
    legal_basis = models.JSONField(
        "căn cứ pháp lý",
        default=list,
        blank=True,
        help_text='Danh sách {"number": "123/2015/NĐ-CP", "title": "...", "date": "2015-11-15"}',
    )
    result_documents = models.JSONField(
        "kết quả thực hiện",
        default=list,
        blank=True,
        help_text='Danh sách {"name": "Giấy khai sinh", "code": "KQ.G15.000031"}',
    )
    notes = models.TextField("ghi chú", blank=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phiên bản thủ tục"
        verbose_name_plural = "phiên bản thủ tục"
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"],
                name="unique_version_number",
                violation_error_message="Thủ tục đã có phiên bản số này.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} ({self.get_status_display()})"

    def save(self, *args: object, **kwargs: object) -> None:
        """Refuse any edit of a published or retired version: publishing freezes it."""
        if self.pk and not getattr(self, "_allow_lifecycle_change", False):
            stored = ProcedureVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
                raise PublishedVersionError(
                    "Phiên bản đã công bố không được sửa. Hãy tạo phiên bản mới (nhân bản) để thay đổi."
                )
        if self.number is None:
            last = ProcedureVersion.objects.filter(procedure_id=self.procedure_id).aggregate(models.Max("number"))
            self.number = (last["number__max"] or 0) + 1
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def time_limit(self):
        from motcua.workcalendar.rules import TimeLimit

        if self.time_limit_value is None:
            return None
        return TimeLimit(self.time_limit_value, LimitUnit(self.time_limit_unit))

    def time_limit_label(self) -> str:
        if self.time_limit_unit == LimitUnit.SAME_DAY:
            return "Trong ngày"
        if self.time_limit_value is None:
            return "Chưa quy định"
        return f"{self.time_limit_value} {self.get_time_limit_unit_display()}"


class FrozenChildMixin:
    """Documents, fees and steps of a published version are frozen with it."""

    def _check_editable(self) -> None:
        version = getattr(self, "version", None)
        if (
            version is not None
            and version.pk
            and not ProcedureVersion.objects.filter(pk=version.pk, status=VersionStatus.DRAFT).exists()
        ):
            raise PublishedVersionError("Phiên bản đã công bố không được sửa. Hãy tạo phiên bản mới để thay đổi.")

    def save(self, *args: object, **kwargs: object) -> None:
        self._check_editable()
        super().save(*args, **kwargs)  # type: ignore[misc]

    def delete(self, *args: object, **kwargs: object):
        self._check_editable()
        return super().delete(*args, **kwargs)  # type: ignore[misc]


class CopyType(models.TextChoices):
    ORIGINAL = "original", "Bản chính"
    CERTIFIED_COPY = "certified_copy", "Bản sao có chứng thực"
    COPY = "copy", "Bản sao"
    ORIGINAL_OR_COPY = "original_or_copy", "Bản chính hoặc bản sao"
    ELECTRONIC = "electronic", "Bản điện tử"


class RequiredDocument(FrozenChildMixin, models.Model):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents", verbose_name="phiên bản"
    )
    position = models.PositiveIntegerField("thứ tự", default=0)
    name = models.TextField("tên giấy tờ")
    copy_type = models.CharField("loại bản", max_length=20, choices=CopyType.choices, default=CopyType.ORIGINAL)
    copies = models.PositiveIntegerField("số lượng", default=1)
    required = models.BooleanField(
        "bắt buộc", default=True, help_text="Bỏ chọn nếu chỉ phải nộp trong một số trường hợp."
    )
    condition = models.CharField("trường hợp phải nộp", max_length=500, blank=True)
    form_name = models.CharField("mẫu đơn, tờ khai", max_length=255, blank=True)
    form_template = models.FileField("tệp mẫu", upload_to="catalog/forms/%Y/", blank=True)
    must_digitise = models.BooleanField("phải số hóa", default=False)
    reusable = models.BooleanField("được tái sử dụng từ kho dữ liệu của công dân", default=False)

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.name[:80]


class FeeKind(models.TextChoices):
    CHARGE = "charge", "Lệ phí"
    FEE = "fee", "Phí"


class Fee(FrozenChildMixin, models.Model):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="fees", verbose_name="phiên bản"
    )
    channel = models.CharField(
        "hình thức nộp",
        max_length=10,
        choices=Channel.choices,
        blank=True,
        help_text="Để trống nếu áp dụng cho mọi hình thức.",
    )
    kind = models.CharField("loại", max_length=10, choices=FeeKind.choices, default=FeeKind.CHARGE)
    name = models.CharField("tên khoản thu", max_length=255, blank=True)
    amount = models.DecimalField(
        "mức thu (đồng)",
        max_digits=14,
        decimal_places=0,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0), "Mức thu không được âm.")],
    )
    description = models.CharField("mô tả", max_length=500, blank=True)
    legal_basis = models.CharField("căn cứ", max_length=255, blank=True)

    class Meta:
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"
        ordering = ["version", "channel", "id"]

    def __str__(self) -> str:
        return f"{self.name or self.get_kind_display()}: {self.amount_label()}"

    def amount_label(self) -> str:
        if not self.amount:
            return "Miễn phí"
        return f"{int(self.amount):,}".replace(",", ".") + " đồng"


class FeeOverride(models.Model):
    """A provincial council's resolution sets a different amount for a unit (or the whole province)."""

    fee = models.ForeignKey(Fee, on_delete=models.CASCADE, related_name="overrides", verbose_name="khoản thu")
    unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.CASCADE,
        related_name="fee_overrides",
        verbose_name="áp dụng cho đơn vị (và các đơn vị trực thuộc)",
    )
    amount = models.DecimalField(
        "mức thu (đồng)",
        max_digits=14,
        decimal_places=0,
        validators=[MinValueValidator(Decimal(0), "Mức thu không được âm.")],
    )
    legal_basis = models.CharField("căn cứ (nghị quyết HĐND)", max_length=255)

    class Meta:
        verbose_name = "mức thu riêng của địa phương"
        verbose_name_plural = "mức thu riêng của địa phương"
        constraints = [models.UniqueConstraint(fields=["fee", "unit"], name="unique_fee_override")]

    def __str__(self) -> str:
        return f"{self.fee} @ {self.unit}"


class StepHandler(models.TextChoices):
    RECEIVING_UNIT = "receiving_unit", "Bộ phận Một cửa nơi tiếp nhận"
    COMPETENT_UNIT = "competent_unit", "Cơ quan có thẩm quyền giải quyết"
    SPECIFIC_UNIT = "specific_unit", "Đơn vị cụ thể"
    EXTERNAL_AGENCY = "external_agency", "Cơ quan khác (liên thông)"


class ProcessStep(FrozenChildMixin, models.Model):
    """One step of the internal process plan (quy trình nội bộ).

    Steps run in order of ``stage``; steps sharing a stage run in parallel (inter-agency branches),
    so the plan's length is the sum over stages of the longest step in each. ``allotted`` is in the
    unit of the version's time limit (working days or working hours).
    """

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="steps", verbose_name="phiên bản"
    )
    stage = models.PositiveIntegerField("bước", help_text="Các bước cùng số chạy song song.")
    action = models.CharField("công việc", max_length=500)
    role = models.ForeignKey(
        "organizations.Role", null=True, blank=True, on_delete=models.PROTECT, verbose_name="vai trò thực hiện"
    )
    handler = models.CharField(
        "đơn vị thực hiện", max_length=20, choices=StepHandler.choices, default=StepHandler.COMPETENT_UNIT
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_steps",
        verbose_name="đơn vị cụ thể",
    )
    external_agency = models.CharField("cơ quan khác", max_length=255, blank=True)
    inter_agency = models.BooleanField("liên thông", default=False)
    allotted = models.DecimalField(
        "thời gian",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), "Thời gian không được âm.")],
    )

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "quy trình xử lý"
        ordering = ["version", "stage", "id"]

    def __str__(self) -> str:
        return f"{self.stage}. {self.action}"

    def clean(self) -> None:
        if self.handler == StepHandler.SPECIFIC_UNIT and not self.unit_id:
            raise ValidationError({"unit": "Chọn đơn vị thực hiện bước này."})
        if self.handler == StepHandler.EXTERNAL_AGENCY and not (self.external_agency or self.unit_id):
            raise ValidationError({"external_agency": "Ghi tên cơ quan phối hợp (liên thông)."})


class ProcedureUnit(models.Model):
    """Which units receive and which handle a procedure in this province."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="unit_links", verbose_name="thủ tục"
    )
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.CASCADE, related_name="procedure_links", verbose_name="đơn vị"
    )
    receives = models.BooleanField("tiếp nhận", default=True)
    handles = models.BooleanField("giải quyết", default=False)

    class Meta:
        verbose_name = "đơn vị tiếp nhận, giải quyết"
        verbose_name_plural = "đơn vị tiếp nhận, giải quyết"
        constraints = [models.UniqueConstraint(fields=["procedure", "unit"], name="unique_procedure_unit")]

    def __str__(self) -> str:
        return f"{self.procedure.code} @ {self.unit}"


class CatalogEvent(models.Model):
    """Audit trail of the catalogue: who created, edited, validated, published, retired or imported what."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        ProcedureVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    action = models.CharField("thao tác", max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "nhật ký danh mục"
        verbose_name_plural = "nhật ký danh mục"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.procedure.code}"
