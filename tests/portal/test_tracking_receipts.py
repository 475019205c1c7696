"""Tracking with the lookup secret lists the e-receipts of fees paid, with their PDF and XML downloads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from motcua.dossiers import actions
from motcua.dossiers.models import DossierEvent
from motcua.payments import receipts
from tests.payments.conftest import birth, dossier, hue, issuer, payment_settings, staff  # noqa: F401

pytestmark = pytest.mark.django_db


def test_receipts_are_listed_for_the_secret_holder_and_not_for_the_public(client, dossier, issuer, staff):  # noqa: F811
    cache.clear()
    public = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
    assert "Nộp phí trực tuyến" not in public and "50.000" not in public
    paid = actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(50000))
    receipt = receipts.issue_for_event(DossierEvent.objects.filter(dossier=paid, action="collect_fee").latest("id"))
    body = client.get("/tra-cuu/", {"ma": dossier.code, "secret": dossier.lookup_secret}).content.decode()
    assert f"Biên lai số {receipt.number:07d}, ký hiệu {receipt.series}" in body
    assert f'href="/thanh-toan/bien-lai/{receipt.token}.pdf"' in body
    assert f'href="/thanh-toan/bien-lai/{receipt.token}.xml"' in body
    assert "Đã nộp đủ." in body
    cache.clear()
