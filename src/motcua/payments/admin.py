from django.contrib import admin

from motcua.payments.models import Payment, Receipt, ReceiptIssuer


@admin.register(ReceiptIssuer)
class ReceiptIssuerAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_code", "unit", "template_symbol", "series", "active")
    search_fields = ("name", "tax_code")
    raw_id_fields = ("unit",)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("order_id", "dossier", "amount", "provider", "status", "created_at", "paid_at")
    list_filter = ("provider", "status")
    search_fields = ("order_id", "provider_transaction", "dossier__code")
    raw_id_fields = ("dossier",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    """Receipts are legal documents: shown, never edited or deleted here."""

    list_display = ("series", "number", "year", "dossier_code", "total", "method", "issued_at")
    list_filter = ("issuer", "year", "method")
    search_fields = ("dossier_code", "series")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
