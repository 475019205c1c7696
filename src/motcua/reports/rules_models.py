"""Minimum-volume rules: "at least 70 certification dossiers a month per ward", as one province requires.

A province sets such targets to make sure every commune actually uses the system (and, for online services,
actually offers them). A rule says *which dossiers* count (a procedure, a field, or all), *which units* must reach
the minimum (every unit of a kind, optionally inside one unit's subtree; or one unit's subtree as a whole),
*how many* and *per what period*. ``reports/rules.py`` lists the units falling short, from the fact table.

Imported by ``reports/models.py`` so that Django finds the model in the ``reports`` app.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from motcua.organizations.models import UnitKind


class RulePeriod(models.TextChoices):
    MONTH = "month", "Tháng"
    QUARTER = "quarter", "Quý"
    YEAR = "year", "Năm"


class Perspective(models.TextChoices):
    """The same two ways of attributing a dossier to a unit as the statistics (``statistics.compute``)."""

    HANDLING = "handling", "Cơ quan giải quyết"
    RECEIVING = "receiving", "Nơi tiếp nhận"


class VolumeRule(models.Model):
    name = models.CharField("tên quy tắc", max_length=255)
    procedure = models.ForeignKey(
        "catalog.Procedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="thủ tục",
        help_text="Chỉ đếm hồ sơ của thủ tục này. Để trống: theo lĩnh vực, hoặc mọi hồ sơ.",
    )
    field = models.ForeignKey(
        "catalog.Field",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lĩnh vực",
        help_text="Chỉ đếm hồ sơ của các thủ tục thuộc lĩnh vực này (khi không chọn thủ tục).",
    )
    unit_kind = models.CharField(
        "loại đơn vị",
        max_length=32,
        choices=UnitKind.choices,
        blank=True,
        help_text="Mỗi đơn vị loại này phải đạt mức tối thiểu (ví dụ: mỗi UBND xã, phường).",
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="phạm vi đơn vị",
        help_text=(
            "Có chọn loại đơn vị: chỉ xét các đơn vị loại đó trực thuộc đơn vị này. "
            "Không chọn loại: đơn vị này (gồm các đơn vị trực thuộc) phải đạt mức tối thiểu."
        ),
    )
    perspective = models.CharField(
        "tính theo",
        max_length=10,
        choices=Perspective.choices,
        default=Perspective.HANDLING,
        help_text="Hồ sơ thuộc về đơn vị giải quyết hay nơi tiếp nhận, như trong báo cáo thống kê.",
    )
    minimum = models.PositiveIntegerField("số hồ sơ tối thiểu")
    period = models.CharField("mỗi", max_length=10, choices=RulePeriod.choices, default=RulePeriod.MONTH)
    active = models.BooleanField("đang áp dụng", default=True)
    note = models.TextField("căn cứ, ghi chú", blank=True)

    class Meta:
        verbose_name = "quy tắc số lượng hồ sơ tối thiểu"
        verbose_name_plural = "quy tắc số lượng hồ sơ tối thiểu"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if not self.unit_kind and not self.unit_id:
            errors["unit_kind"] = ["Chọn loại đơn vị, hoặc một đơn vị (cùng các đơn vị trực thuộc) phải đạt mức."]
        if self.procedure_id and self.field_id and self.procedure.field_id != self.field_id:
            errors["field"] = ["Thủ tục đã chọn không thuộc lĩnh vực này; chỉ cần chọn một trong hai."]
        if self.minimum is not None and self.minimum < 1:
            errors["minimum"] = ["Số hồ sơ tối thiểu phải từ 1 trở lên."]
        if errors:
            raise ValidationError(errors)

    @property
    def counted(self) -> str:
        """What is counted, in words (for lists and alerts)."""
        if self.procedure_id:
            return f"hồ sơ thủ tục {self.procedure.code}"
        if self.field_id:
            return f"hồ sơ lĩnh vực {self.field.name}"
        return "hồ sơ"
