"""The default roles a province starts with.

They are created once (after migrations) as Django groups with a sensible permission set; from then on
they are data: a province edits them in the admin, and re-running the sync never overwrites its changes.
Permissions that a later module has not installed yet are skipped and added when that module arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from motcua.organizations.models import Role, RoleScope


@dataclass(frozen=True)
class RoleDefinition:
    code: str
    name: str
    description: str
    scope: str = RoleScope.UNIT
    permissions: tuple[str, ...] = field(default_factory=tuple)
    grants_admin: bool = False


VIEW = ("organizations.view_unit_data", "organizations.view_unit")
RECEIVE = ("dossiers.receive_dossier", "dossiers.view_dossier")
PROCESS = ("dossiers.process_dossier", "dossiers.view_dossier")
SIGN = ("dossiers.sign_dossier", "dossiers.view_dossier")
# Feedback on administrative regulations (phản ánh, kiến nghị; docs/feedback.md).
FEEDBACK = ("feedback.handle_feedback", "feedback.view_feedback")
FEEDBACK_PUBLISH = ("feedback.publish_feedback", "feedback.view_feedback")

DEFAULT_ROLES: tuple[RoleDefinition, ...] = (
    RoleDefinition(
        "receiving_officer",
        "Cán bộ một cửa",
        "Hướng dẫn, tiếp nhận hồ sơ, trả kết quả tại Bộ phận Một cửa.",
        permissions=VIEW + RECEIVE + FEEDBACK,
    ),
    RoleDefinition(
        "specialist", "Chuyên viên", "Thẩm định, xử lý hồ sơ được phân công.", permissions=VIEW + PROCESS + FEEDBACK
    ),
    RoleDefinition(
        "division_head",
        "Trưởng phòng",
        "Phân công, kiểm tra và trình hồ sơ của phòng.",
        scope=RoleScope.SUBTREE,
        permissions=VIEW + PROCESS + FEEDBACK,
    ),
    RoleDefinition(
        "agency_leader",
        "Lãnh đạo cơ quan",
        "Phê duyệt, ký kết quả giải quyết.",
        scope=RoleScope.SUBTREE,
        permissions=VIEW + PROCESS + SIGN + FEEDBACK + FEEDBACK_PUBLISH,
    ),
    RoleDefinition(
        "center_director",
        "Giám đốc Trung tâm Phục vụ hành chính công",
        "Điều hành Bộ phận Một cửa, theo dõi tiến độ.",
        scope=RoleScope.SUBTREE,
        permissions=VIEW + RECEIVE + FEEDBACK + FEEDBACK_PUBLISH,
    ),
    RoleDefinition(
        "inspector",
        "Thanh tra, giám sát",
        "Chỉ xem, không được thay đổi dữ liệu.",
        scope=RoleScope.SUBTREE,
        permissions=VIEW + ("dossiers.view_dossier", "feedback.view_feedback"),
    ),
    RoleDefinition(
        "system_admin",
        "Quản trị hệ thống",
        "Quản lý đơn vị, tài khoản, vai trò và cấu hình.",
        scope=RoleScope.SUBTREE,
        grants_admin=True,
        permissions=VIEW
        + (
            "organizations.add_unit",
            "organizations.change_unit",
            "organizations.view_administrativearea",
            "organizations.add_administrativearea",
            "organizations.change_administrativearea",
            "organizations.view_role",
            "organizations.view_roleassignment",
            "organizations.add_roleassignment",
            "organizations.change_roleassignment",
            "organizations.delete_roleassignment",
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "workcalendar.view_scheduleday",
            "workcalendar.add_scheduleday",
            "workcalendar.change_scheduleday",
            "workcalendar.delete_scheduleday",
        ),
    ),
)


def _permission(dotted: str) -> Permission | None:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


@transaction.atomic
def sync_default_roles() -> list[Role]:
    """Create missing default roles and grant each default permission once.

    ``Role.applied_defaults`` remembers what was granted, so a permission an administrator removed
    stays removed, while a permission whose module was installed later is still granted once.
    """
    roles = []
    for definition in DEFAULT_ROLES:
        role = Role.objects.filter(code=definition.code).first()
        if role is None:
            group, _ = Group.objects.get_or_create(name=definition.name)
            role = Role.objects.create(
                code=definition.code,
                name=definition.name,
                description=definition.description,
                group=group,
                default_scope=definition.scope,
                grants_admin=definition.grants_admin,
            )
        applied = set(role.applied_defaults)
        for dotted in definition.permissions:
            if dotted in applied:
                continue
            permission = _permission(dotted)
            if permission is None:
                continue  # its module is not installed yet
            role.group.permissions.add(permission)
            applied.add(dotted)
        if applied != set(role.applied_defaults):
            role.applied_defaults = sorted(applied)
            role.save(update_fields=["applied_defaults"])
        roles.append(role)
    return roles
