"""The demo's collecting organisation: so that fees paid in the demo get real, signed e-receipts."""

from __future__ import annotations

from motcua.organizations.models import Unit
from motcua.payments.models import ReceiptIssuer
from motcua.payments.signing import make_test_certificate


def load_demo_issuer() -> ReceiptIssuer | None:
    """One issuer for the whole demo tree (the root unit), signing with a self-signed test certificate.

    The series "TN" marks the receipts as test receipts; a real deployment configures its own issuers
    with certificates from a licensed provider (docs/payments.md)."""
    root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        return None
    keys = make_test_certificate(f"{root.name} (THỬ NGHIỆM)", organization=root.name)
    issuer, _ = ReceiptIssuer.objects.update_or_create(
        unit=root,
        defaults={
            "name": root.name,
            "tax_code": "0000000000",
            "address": root.address,
            "template_symbol": "01BLP0-001",
            "series": "TN-26E",
            "signing_key_pem": keys.key_pem.decode(),
            "certificate_pem": keys.certificate_pem.decode(),
            "signing_key_path": "",
            "certificate_path": "",
        },
    )
    return issuer
