from django.contrib import admin

from motcua.organizations.models import AdministrativeArea, Role, RoleAssignment, Unit


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit", "role"]
    fk_name = "user"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "agency_code", "parent", "area", "active")
    list_filter = ("kind", "active", "office_hours")
    search_fields = ("name", "short_name", "agency_code")
    autocomplete_fields = ["parent", "area"]
    readonly_fields = ("path",)


@admin.register(AdministrativeArea)
class AdministrativeAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "division_type", "parent", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name")
    autocomplete_fields = ["parent"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "default_scope", "grants_admin")
    search_fields = ("name", "code")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "scope", "active")
    list_filter = ("role", "active")
    search_fields = ("user__username", "user__full_name", "unit__name")
    autocomplete_fields = ["user", "unit", "role"]
