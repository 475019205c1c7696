from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = "Thanh toán và biên lai điện tử"

    def ready(self) -> None:
        from motcua.core.pdfsign import register_signer_lookup
        from motcua.payments import receivers  # noqa: F401 - connects the dossier_changed receiver
        from motcua.payments.signing import result_signer

        register_signer_lookup(result_signer)  # e-results are signed with the unit's issuer key
