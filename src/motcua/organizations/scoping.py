"""Who may see and act for which unit.

A permission is granted by a role (a Django group) held in a unit; it applies to that unit, or to the
unit's whole subtree when the assignment's scope says so. Superusers see everything. This is the one
place that answers "may this officer do X in unit U?" — views, the API and later the dossier actions
all ask it, so an officer of one commune never sees another commune's data by accident.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Permission
from django.db.models import Q

from motcua.organizations.models import RoleAssignment, RoleScope, Unit


def assignments_of(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_motcua_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user_id=user.pk, active=True, unit__active=True)
            .select_related("role", "role__group", "unit")
            .order_by("unit__path")
        )
        user._motcua_assignments = cached
    return cached


def _perm_ids_by_group(assignments: list[RoleAssignment]) -> dict[int, set[str]]:
    group_ids = {a.role.group_id for a in assignments}
    result: dict[int, set[str]] = {gid: set() for gid in group_ids}
    rows = Permission.objects.filter(group__id__in=group_ids).values_list(
        "group__id", "content_type__app_label", "codename"
    )
    for group_id, app_label, codename in rows:
        result[group_id].add(f"{app_label}.{codename}")
    return result


def _granting_assignments(user, perm: str | None) -> list[RoleAssignment]:
    assignments = assignments_of(user)
    if perm is None:
        return assignments
    cache = getattr(user, "_motcua_group_perms", None)
    if cache is None:
        cache = _perm_ids_by_group(assignments)
        user._motcua_group_perms = cache
    return [a for a in assignments if perm in cache.get(a.role.group_id, set())]


def units_visible_to(user, perm: str | None = "organizations.view_unit_data"):
    """The units in which ``user`` holds ``perm`` (any role, if ``perm`` is None), as a queryset."""
    if isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    condition = Q(pk__in=[])
    for assignment in _granting_assignments(user, perm):
        if assignment.effective_scope == RoleScope.SUBTREE:
            condition |= Q(path__startswith=assignment.unit.path)
        else:
            condition |= Q(pk=assignment.unit_id)
    return Unit.objects.filter(condition)


def has_unit_perm(user, perm: str, unit: Unit) -> bool:
    """True if one of the user's roles grants ``perm`` in ``unit`` (directly or through a subtree scope)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(a.covers(unit) for a in _granting_assignments(user, perm))
