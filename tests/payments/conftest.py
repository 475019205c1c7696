"""A Thuận Hóa dossier with a 50 000 đồng fee, a collecting organisation with a test certificate, and
receipts written to a temporary media folder."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

import pytest
import time_machine

from motcua.catalog import snapshot
from motcua.catalog.models import Fee, FeeKind
from motcua.dossiers import actions
from motcua.payments.models import ReceiptIssuer
from motcua.payments.signing import KeyPair, make_test_certificate
from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.conftest import birth_intake, unit, vn

# The dossier suite's fixtures (the Huế demo province, the birth procedure, the officers), re-used here.
hue = dossier_fixtures.hue
birth = dossier_fixtures.birth
staff = dossier_fixtures.staff

SECRET = "test-sandbox-secret"


@lru_cache(maxsize=1)
def test_keys() -> KeyPair:
    return make_test_certificate(
        "Ủy ban nhân dân phường Thuận Hóa (THỬ NGHIỆM)", valid_from=datetime(2020, 1, 1, tzinfo=UTC), days=20 * 365
    )


@pytest.fixture(autouse=True)
def payment_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_PAYMENT_PROVIDERS = ["sandbox"]
    settings.MOTCUA_PAYMENT_SANDBOX_SECRET = SECRET
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]


@pytest.fixture
def issuer(hue):
    """Configured on the ward's receiving center's parent, so the lookup climbs the unit tree."""
    center = unit("000.01.41.H57")
    keys = test_keys()
    return ReceiptIssuer.objects.create(
        unit=center.parent or center,
        name="Ủy ban nhân dân phường Thuận Hóa",
        tax_code="3300123456",
        address="24 Tố Hữu, phường Thuận Hóa, thành phố Huế",
        template_symbol="01BLP0-001",
        series="TH-26E",
        signing_key_pem=keys.key_pem.decode(),
        certificate_pem=keys.certificate_pem.decode(),
    )


def with_fee(version, amount: str, *, name: str = "Lệ phí đăng ký khai sinh (bản sao)", kind=FeeKind.CHARGE) -> None:
    Fee.objects.bulk_create([Fee(version=version, name=name, amount=Decimal(amount), kind=kind)])
    snapshot.clear()


@pytest.fixture
def dossier(birth, staff):
    """Received at the Thuận Hóa counter on Monday 9 March 2026, 50 000 đồng due, nothing paid."""
    with_fee(birth, "50000")
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        return actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
