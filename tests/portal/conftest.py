"""A small civil-status catalogue shaped like the national database (real codes and names)."""

from __future__ import annotations

import pytest

from tests import sample_files
from tests.catalog_factories import FieldFactory, birth_registration_catalogue


@pytest.fixture
def ho_tich(db):
    return FieldFactory(name="Hộ tịch", code="G15-TP01")


@pytest.fixture
def chung_thuc(db):
    return FieldFactory(name="Chứng thực", code="G15-TP02")


@pytest.fixture
def birth_procedures(ho_tich):
    """Thủ tục đăng ký khai sinh and four longer names that also contain "đăng ký khai sinh"."""
    return birth_registration_catalogue()


# --- citizen portal ------------------------------------------------------------------------------

import re  # noqa: E402

from tests.dossiers.conftest import birth, hue, staff, unit  # noqa: E402, F401 (fixtures)

CITIZEN_PASSWORD = "mat-khau-cong-dan-2026"
PNG = sample_files.PNG
PDF_BYTES = sample_files.PDF


def sent_code(recipient: str) -> str:
    """The latest verification code queued in the notifications outbox for ``recipient``."""
    from motcua.notifications.models import Message

    message = Message.objects.filter(template_code="account_verification", recipient=recipient).latest("id")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def sign_up(client, **changes):
    data = {
        "kind": "individual",
        "full_name": "Trần Thị Bình",
        "id_number": "046190001111",
        "phone": "0912 345 678",
        "email": "binh@example.org",
        "password1": CITIZEN_PASSWORD,
        "password2": CITIZEN_PASSWORD,
        **changes,
    }
    return client.post("/cong-dan/dang-ky/", data)


@pytest.fixture
def citizen(client, db):
    """A verified citizen, signed in on ``client``."""
    from django.contrib.auth import get_user_model

    sign_up(client)
    response = client.post("/cong-dan/xac-minh/", {"code": sent_code("binh@example.org")})
    assert response.status_code == 302, response.content.decode()[:2000]
    return get_user_model().objects.get(email="binh@example.org")
