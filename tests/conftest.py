"""Fixtures for the whole suite: a small province tree and officers with roles in it."""

from __future__ import annotations

import pytest

from motcua.organizations.models import UnitKind
from tests.factories import ProvinceFactory, UnitFactory, UserFactory, assign


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a user; tests create dozens. Production keeps PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def province(db):
    return ProvinceFactory(name="Ủy ban nhân dân tỉnh Thử Nghiệm", agency_code="000.00.00.H99")


@pytest.fixture
def commune_a(province):
    return UnitFactory(
        name="Ủy ban nhân dân xã An Bình",
        kind=UnitKind.COMMUNE_COMMITTEE,
        parent=province,
        agency_code="000.00.41.H99",
    )


@pytest.fixture
def commune_b(province):
    return UnitFactory(
        name="Ủy ban nhân dân xã Bình Minh",
        kind=UnitKind.COMMUNE_COMMITTEE,
        parent=province,
        agency_code="000.00.42.H99",
    )


@pytest.fixture
def officer_a(commune_a):
    user = UserFactory(username="canbo.anbinh", full_name="Nguyễn Thị An")
    assign(user, "receiving_officer", commune_a)
    return user
