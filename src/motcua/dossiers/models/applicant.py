"""The person or organisation a dossier is for (chủ hồ sơ).

Personal data lives here once, re-used by ID number at the counter, and never appears in logs or on
public pages.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

from motcua.core.text import clean_text

CITIZEN_ID_RE = re.compile(r"^\d{12}$")
PHONE_RE = re.compile(r"^(?:\+84|0)(?:3|5|7|8|9|2\d)\d{8}$")
TAX_CODE_RE = re.compile(r"^\d{10}(?:-\d{3})?$")


def validate_citizen_id(value: str) -> None:
    if not CITIZEN_ID_RE.match(value or ""):
        raise ValidationError("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số.", code="invalid_citizen_id")


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value or "")


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(
            "Số điện thoại “%(value)s” không hợp lệ (ví dụ 0912345678 hoặc +84912345678).",
            code="invalid_phone",
            params={"value": value},
        )


def validate_tax_code(value: str) -> None:
    if not TAX_CODE_RE.match(value or ""):
        raise ValidationError(
            "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu “-” và 3 chữ số.", code="invalid_tax_code"
        )


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", "Cá nhân"
    ORGANIZATION = "organization", "Tổ chức"


class Applicant(models.Model):
    kind = models.CharField("loại", max_length=12, choices=ApplicantKind.choices, default=ApplicantKind.INDIVIDUAL)
    full_name = models.CharField("họ và tên / tên tổ chức", max_length=255)
    id_number = models.CharField("số định danh cá nhân", max_length=12, blank=True, validators=[validate_citizen_id])
    date_of_birth = models.DateField("ngày sinh", null=True, blank=True)
    tax_code = models.CharField("mã số thuế", max_length=14, blank=True, validators=[validate_tax_code])
    phone = models.CharField("điện thoại", max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField("thư điện tử", blank=True)
    address = models.CharField("địa chỉ", max_length=500, blank=True)
    commune = models.ForeignKey(
        "organizations.AdministrativeArea", null=True, blank=True, on_delete=models.PROTECT, verbose_name="xã, phường"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chủ hồ sơ"
        verbose_name_plural = "chủ hồ sơ"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~models.Q(id_number=""), name="unique_applicant_id_number"
            ),
            models.UniqueConstraint(
                fields=["tax_code"], condition=~models.Q(tax_code=""), name="unique_applicant_tax_code"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        self.full_name = clean_text(self.full_name)
        self.phone = normalize_phone(self.phone)
        if self.kind == ApplicantKind.INDIVIDUAL and not self.id_number:
            raise ValidationError({"id_number": "Cá nhân phải có số định danh cá nhân (12 chữ số)."})
        if self.kind == ApplicantKind.ORGANIZATION and not self.tax_code:
            raise ValidationError({"tax_code": "Tổ chức phải có mã số thuế."})

    @property
    def masked_id(self) -> str:
        """For screens that only need to recognise the person: 0010****1234."""
        value = self.id_number or self.tax_code
        return f"{value[:4]}****{value[-4:]}" if len(value) >= 8 else value
