"""Private API (staff): every queryset is limited to the units the caller may see."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from motcua.api.serializers import UnitSerializer
from motcua.organizations.models import Unit
from motcua.organizations.scoping import has_unit_perm, units_visible_to

VIEW_PERM = "organizations.view_unit_data"


class UnitFilter(filters.FilterSet):
    class Meta:
        model = Unit
        fields = {"kind": ["exact"], "agency_code": ["exact"], "parent": ["exact"], "active": ["exact"]}


@extend_schema(tags=["Đơn vị"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the signed-in officer may see (their role's unit, or its subtree)."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Unit.objects.none()
        return units_visible_to(self.request.user, VIEW_PERM).select_related("area").order_by("path")

    def get_object(self):
        # Distinguish "exists but not yours" (403) from "does not exist" (404), as the pages do.
        unit = Unit.objects.filter(pk=self.kwargs["pk"]).first()
        if unit is not None and not has_unit_perm(self.request.user, VIEW_PERM, unit):
            raise PermissionDenied("Bạn không có quyền xem dữ liệu của đơn vị này.")
        return super().get_object()
