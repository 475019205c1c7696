"""Who may see and act for which unit.

A permission is granted by a role (a Django group) held in a unit; it applies to that unit, or to the
unit's whole subtree when the assignment's scope says so. Superusers see everything. This is the one
place that answers "may this officer do X in unit U?" — views, the API and later the dossier actions
all ask it, so an officer of one commune never sees another commune's data by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from motcua.organizations.models import RoleAssignment, RoleScope, Unit, active_assignments_q


def assignments_of(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_motcua_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(active_assignments_q(user.pk))
            .select_related("role", "role__group", "unit")
            .order_by("unit__path")
        )
        user._motcua_assignments = cached
    return cached


@dataclass(frozen=True)
class Grant:
    """Where one role assignment applies: its unit, and the unit's subtree when the scope says so."""

    unit_id: int
    path: str
    subtree: bool

    def covers(self, unit: Unit) -> bool:
        if self.subtree:
            return unit.path.startswith(self.path)
        return unit.pk == self.unit_id


def grants_of(user) -> dict[str | None, set[Grant]]:
    """Per permission (``app_label.codename``), the places the user holds it; under ``None`` every place
    the user holds any role. One query per request object (cached on the user), without building model
    instances: every dossier action asks this, intake at the counter included."""
    cached = getattr(user, "_motcua_grants", None)
    if cached is not None:
        return cached
    grants: dict[str | None, set[Grant]] = {None: set()}
    if getattr(user, "is_authenticated", False):
        rows = RoleAssignment.objects.filter(active_assignments_q(user.pk)).values_list(
            "unit_id",
            "unit__path",
            "scope",
            "role__default_scope",
            "role__group__permissions__content_type__app_label",
            "role__group__permissions__codename",
        )
        for unit_id, path, scope, default_scope, app_label, codename in rows:
            grant = Grant(unit_id, path, (scope or default_scope) == RoleScope.SUBTREE)
            grants[None].add(grant)
            if codename is not None:
                grants.setdefault(f"{app_label}.{codename}", set()).add(grant)
    user._motcua_grants = grants
    return grants


def _granting(user, perm: str | None) -> set[Grant]:
    return grants_of(user).get(perm, set())


def units_visible_to(user, perm: str | None = "organizations.view_unit_data"):
    """The units in which ``user`` holds ``perm`` (any role, if ``perm`` is None), as a queryset."""
    if isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    condition = Q(pk__in=[])
    for grant in sorted(_granting(user, perm), key=lambda g: g.path):
        if grant.subtree:
            condition |= Q(path__startswith=grant.path)
        else:
            condition |= Q(pk=grant.unit_id)
    return Unit.objects.filter(condition)


def has_unit_perm(user, perm: str, unit: Unit) -> bool:
    """True if one of the user's roles grants ``perm`` in ``unit`` (directly or through a subtree scope)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(grant.covers(unit) for grant in _granting(user, perm))
