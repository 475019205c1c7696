"""A small civil-status catalogue shaped like the national database (real codes and names)."""

from __future__ import annotations

import pytest

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
