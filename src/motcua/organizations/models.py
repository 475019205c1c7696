"""The unit tree of a province and the roles staff hold in its units.

After the July 2025 reform a province has two tiers: the provincial People's Committee with its
departments and Public Administration Service Center, and the communes/wards/special zones with their
own centers. District-level units are kept only for historical data. Roles are held *per unit*; a
role's permissions are ordinary Django groups so a province can change them in the admin, and the unit
(optionally with its whole subtree) is the scope in which those permissions apply.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from motcua.organizations.codes import normalize_agency_code, validate_agency_code


class AreaLevel(models.TextChoices):
    PROVINCE = "province", "Tỉnh / thành phố trực thuộc trung ương"
    DISTRICT = "district", "Huyện / quận / thị xã (trước 01/07/2025)"
    COMMUNE = "commune", "Xã / phường / đặc khu"


class AdministrativeArea(models.Model):
    """A unit of the official national list of administrative divisions (codes of the statistics office)."""

    code = models.CharField("mã", max_length=10, unique=True)
    name = models.CharField("tên", max_length=200)
    level = models.CharField("cấp", max_length=10, choices=AreaLevel.choices)
    division_type = models.CharField("loại", max_length=60, blank=True, help_text="Ví dụ: tỉnh, phường, xã, đặc khu")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="thuộc"
    )
    active = models.BooleanField("còn hiệu lực", default=True)

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "danh mục đơn vị hành chính"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UnitKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", "UBND tỉnh / thành phố"
    DEPARTMENT = "department", "Sở, ban, ngành"
    PROVINCIAL_CENTER = "provincial_center", "Trung tâm Phục vụ hành chính công tỉnh"
    COMMUNE_COMMITTEE = "commune_committee", "UBND xã / phường / đặc khu"
    COMMUNE_CENTER = "commune_center", "Trung tâm Phục vụ hành chính công xã"
    DIVISION = "division", "Phòng, ban chuyên môn"
    EXTERNAL_AGENCY = "external_agency", "Cơ quan ngành dọc / cơ quan khác"
    DISTRICT_COMMITTEE = "district_committee", "UBND huyện (trước 01/07/2025)"


# Which kinds may stand directly above each kind. ``None`` means "may be a root".
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    UnitKind.PROVINCE_COMMITTEE: {None},
    UnitKind.DEPARTMENT: {UnitKind.PROVINCE_COMMITTEE},
    UnitKind.PROVINCIAL_CENTER: {UnitKind.PROVINCE_COMMITTEE},
    UnitKind.DISTRICT_COMMITTEE: {UnitKind.PROVINCE_COMMITTEE},
    UnitKind.COMMUNE_COMMITTEE: {UnitKind.PROVINCE_COMMITTEE, UnitKind.DISTRICT_COMMITTEE},
    UnitKind.COMMUNE_CENTER: {UnitKind.COMMUNE_COMMITTEE},
    UnitKind.DIVISION: {
        UnitKind.PROVINCE_COMMITTEE,
        UnitKind.DEPARTMENT,
        UnitKind.DISTRICT_COMMITTEE,
        UnitKind.COMMUNE_COMMITTEE,
        UnitKind.EXTERNAL_AGENCY,
        UnitKind.DIVISION,
    },
    UnitKind.EXTERNAL_AGENCY: {None, UnitKind.PROVINCE_COMMITTEE, UnitKind.EXTERNAL_AGENCY},
}

# Kinds whose staff receive dossiers at a counter (Bộ phận Một cửa).
RECEIVING_KINDS = {
    UnitKind.PROVINCIAL_CENTER,
    UnitKind.COMMUNE_CENTER,
    UnitKind.DEPARTMENT,
    UnitKind.COMMUNE_COMMITTEE,
    UnitKind.DISTRICT_COMMITTEE,
}


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(active=True)

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and every unit below it, in one indexed prefix query on the materialised path."""
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """An agency or one of its divisions, placed in the province's tree."""

    name = models.CharField("tên đơn vị", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    kind = models.CharField("loại đơn vị", max_length=32, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="đơn vị cấp trên",
    )
    agency_code = models.CharField(
        "mã định danh",
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text="Theo QCVN 102:2016/BTTTT, ví dụ 000.00.12.H12. Bắt buộc với đơn vị tiếp nhận hồ sơ.",
        error_messages={"unique": "Mã định danh này đã được dùng cho một đơn vị khác."},
    )
    area = models.ForeignKey(
        AdministrativeArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name="địa bàn",
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    office_hours = models.ForeignKey(
        "workcalendar.OfficeHoursProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        verbose_name="giờ làm việc",
        help_text="Để trống: giờ hành chính mặc định 07:30–11:30, 13:30–17:00.",
    )
    active = models.BooleanField("đang hoạt động", default=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        permissions = [
            ("view_unit_data", "Xem dữ liệu nghiệp vụ của đơn vị"),
        ]

    def __str__(self) -> str:
        return self.name

    # -- rules of the tree ----------------------------------------------------------------------

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.agency_code:
            self.agency_code = normalize_agency_code(self.agency_code)
            try:
                validate_agency_code(self.agency_code)
            except ValidationError as exc:
                errors.setdefault("agency_code", []).extend(exc.messages)
        else:
            self.agency_code = None
        parent_kind = self.parent.kind if self.parent_id else None
        allowed = ALLOWED_PARENT_KINDS.get(self.kind, set())
        if self.kind and parent_kind not in allowed:
            kind_label = UnitKind(self.kind).label
            if parent_kind is None:
                errors.setdefault("parent", []).append(f"Đơn vị loại “{kind_label}” phải thuộc một đơn vị cấp trên.")
            else:
                errors.setdefault("parent", []).append(
                    f"Đơn vị loại “{kind_label}” không thể đặt dưới đơn vị loại “{UnitKind(parent_kind).label}”."
                )
        if self.parent_id and self.pk:
            ancestor: Unit | None = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    errors.setdefault("parent", []).append(
                        "Không thể đặt đơn vị dưới chính nó hoặc dưới một đơn vị cấp dưới của nó (vòng lặp)."
                    )
                    break
                ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)

    def save(self, *args: object, **kwargs: object) -> None:
        """Validate the tree rules on every save and keep the materialised paths of the subtree in step."""
        self.full_clean(exclude=["path"])
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
            if new_path != old_path:
                Unit.objects.filter(pk=self.pk).update(path=new_path)
                self.path = new_path
                if old_path:
                    for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                        Unit.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])

    # -- queries ------------------------------------------------------------------------------

    def ancestors(self) -> list[Unit]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part][:-1]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def lineage_paths(self) -> list[str]:
        """The materialised paths of the root, …, the parent and this unit, in that order: for settings that a
        unit inherits from its nearest ancestor (fee resolutions, the receipt issuer), one ``path__in`` query."""
        parts = [part for part in (self.path or "").split("/") if part]
        return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)

    @property
    def receives_dossiers(self) -> bool:
        return self.kind in RECEIVING_KINDS


class RoleScope(models.TextChoices):
    UNIT = "unit", "Chỉ đơn vị được giao"
    SUBTREE = "subtree", "Đơn vị được giao và các đơn vị trực thuộc"


class Role(models.Model):
    """A named job (receiving officer, specialist, leader…) whose permissions are a Django group."""

    code = models.SlugField("mã vai trò", max_length=50, unique=True)
    name = models.CharField("tên vai trò", max_length=100)
    description = models.TextField("mô tả", blank=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role", verbose_name="nhóm quyền")
    default_scope = models.CharField(
        "phạm vi mặc định", max_length=10, choices=RoleScope.choices, default=RoleScope.UNIT
    )
    grants_admin = models.BooleanField("được vào trang quản trị", default=False)
    applied_defaults = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """A user holds a role in a unit (and, if the scope says so, in every unit below it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name="cán bộ",
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments", verbose_name="vai trò")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_assignments", verbose_name="đơn vị")
    scope = models.CharField(
        "phạm vi",
        max_length=10,
        choices=RoleScope.choices,
        blank=True,
        help_text="Để trống để dùng phạm vi mặc định của vai trò.",
    )
    active = models.BooleanField("còn hiệu lực", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phân công vai trò"
        verbose_name_plural = "phân công vai trò"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                name="unique_role_per_unit",
                violation_error_message="Cán bộ đã giữ vai trò này tại đơn vị này.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} — {self.unit}"

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)
        if self.active and self.role.grants_admin and not self.user.is_staff:
            type(self.user).objects.filter(pk=self.user_id).update(is_staff=True)
            self.user.is_staff = True

    @property
    def effective_scope(self) -> str:
        return self.scope or self.role.default_scope

    def covers(self, unit: Unit) -> bool:
        if self.effective_scope == RoleScope.SUBTREE:
            return unit.is_within(self.unit)
        return unit.pk == self.unit_id


def active_assignments_q(user_id: int) -> Q:
    return Q(user_id=user_id, active=True, unit__active=True)
