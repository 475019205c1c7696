from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = "Thanh toán và biên lai điện tử"

    def ready(self) -> None:
        from motcua.payments import receivers  # noqa: F401 - connects the dossier_changed receiver
