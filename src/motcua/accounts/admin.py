from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from motcua.accounts.models import LoginFailure, User
from motcua.organizations.admin import RoleAssignmentInline


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Thông tin cán bộ", {"fields": ("full_name", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Thông tin cán bộ", {"fields": ("full_name", "email")}),)
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    inlines = [RoleAssignmentInline]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("username", "ip_address", "at")
    search_fields = ("username",)
    readonly_fields = ("username", "ip_address", "at")

    def has_add_permission(self, request) -> bool:
        return False
