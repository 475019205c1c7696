"""Back-office pages about units, always limited to the units the officer may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from motcua.organizations.models import Unit
from motcua.organizations.scoping import has_unit_perm, units_visible_to

VIEW_PERM = "organizations.view_unit_data"


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = units_visible_to(request.user, VIEW_PERM).select_related("parent", "area")
    return render(request, "organizations/unit_list.html", {"units": units})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("parent", "area"), pk=pk)
    if not has_unit_perm(request.user, VIEW_PERM, unit):
        raise PermissionDenied("Bạn không có quyền xem dữ liệu của đơn vị này.")
    children = unit.children.filter(active=True)
    return render(
        request,
        "organizations/unit_detail.html",
        {"unit": unit, "children": children, "ancestors": unit.ancestors()},
    )
