"""Admin page for the minimum-volume rules (the province's targets, e.g. 70 certification dossiers a month per
ward). The units falling short are listed by ``reports.rules.shortfalls`` on the dashboards and in the alerts
API; the list here shows which rules are in force and what they count."""

from django.contrib import admin

from motcua.reports.rules_models import VolumeRule


@admin.register(VolumeRule)
class VolumeRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "counts", "applies_to", "minimum", "period", "perspective", "active")
    list_filter = ("active", "period", "unit_kind", "perspective")
    search_fields = ("name", "note", "procedure__code", "procedure__name", "field__name")
    autocomplete_fields = ("procedure", "unit")
    list_select_related = ("procedure", "field", "unit")
    fieldsets = (
        (None, {"fields": ("name", "active", "note")}),
        ("Hồ sơ được đếm", {"fields": ("procedure", "field", "perspective")}),
        ("Đơn vị phải đạt", {"fields": ("unit_kind", "unit")}),
        ("Mức tối thiểu", {"fields": ("minimum", "period")}),
    )

    @admin.display(description="đếm")
    def counts(self, obj: VolumeRule) -> str:
        return obj.counted

    @admin.display(description="áp dụng cho")
    def applies_to(self, obj: VolumeRule) -> str:
        if obj.unit_kind and obj.unit_id:
            return f"mỗi {obj.get_unit_kind_display()} thuộc {obj.unit.name}"
        if obj.unit_kind:
            return f"mỗi {obj.get_unit_kind_display()}"
        return f"{obj.unit.name} (gồm đơn vị trực thuộc)" if obj.unit_id else ""
