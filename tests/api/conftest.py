"""Fixtures for the API tests: the dossier set-up (Huế, birth registration, officers) and token clients."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.dossiers.conftest import birth, hue, provincial, staff, vn  # noqa: F401 (fixtures re-exported)


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttle counters live in the cache, which outlives a test: start each test with none."""
    cache.clear()
    yield
    cache.clear()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def clients(staff):  # noqa: F811
    return {name: client_for(user) for name, user in staff.items()}


def at(*args):
    return time_machine.travel(vn(*args), tick=False)


def intake_body(birth, **changes) -> dict:  # noqa: F811
    body = {
        "procedure_code": "1.001193",
        "receiving_unit": "000.01.41.H57",
        "channel": "counter",
        "applicant": {
            "full_name": "Nguyễn Văn An",
            "id_number": "046090001234",
            "phone": "0912345678",
            "date_of_birth": "1990-05-01",
            "address": "12 Lê Lợi, phường Thuận Hóa",
        },
        "documents": [{"required_document_id": line.pk, "count": 1} for line in birth.documents.filter(required=True)],
        "result_delivery": "counter",
    }
    body.update(changes)
    return body
