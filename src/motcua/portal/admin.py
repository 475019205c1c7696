"""Admin for the rating kiosks: create one per counter tablet and copy its device address."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from motcua.portal.models import Kiosk, new_kiosk_token


def device_url(kiosk: Kiosk) -> str:
    return settings.MOTCUA_SITE_URL + reverse("citizen:kiosk", kwargs={"token": kiosk.token})


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "unit__name")
    raw_id_fields = ("unit",)
    readonly_fields = ("device_address",)
    actions = ("renew_token",)

    @admin.display(description="địa chỉ mở trên thiết bị")
    def device_address(self, obj: Kiosk | None) -> str:
        if obj is None or not obj.pk:
            return "Hiện sau khi lưu."
        url = device_url(obj)
        return format_html(
            '<a href="{}">{}</a><br><span class="help">Mở địa chỉ này trên máy tính bảng tại quầy (đặt làm trang '
            "khởi động). Ai có địa chỉ này đều nhập được đánh giá: không công bố; khi lộ, dùng “Cấp mã thiết bị "
            "mới”.</span>",
            url,
            url,
        )

    @admin.action(description="Cấp mã thiết bị mới (địa chỉ cũ hết hiệu lực)")
    def renew_token(self, request, queryset) -> None:
        for kiosk in queryset:
            kiosk.token = new_kiosk_token()
            kiosk.save(update_fields=["token"])
        messages.success(request, f"Đã cấp mã mới cho {queryset.count()} thiết bị; cập nhật địa chỉ trên máy.")
