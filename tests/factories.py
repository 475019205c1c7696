"""Factories shared by the test suite (factory-boy)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from motcua.organizations.models import Role, RoleAssignment, Unit, UnitKind

PASSWORD = "mat-khau-thu-nghiem-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Ủy ban nhân dân tỉnh thử nghiệm {n}")
    kind = UnitKind.PROVINCE_COMMITTEE
    agency_code = factory.Sequence(lambda n: f"000.00.00.H{n % 100:02d}")
    parent = None


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit under a province; pass ``kind`` and ``parent`` for other shapes."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Đơn vị thử nghiệm {n}")
    kind = UnitKind.COMMUNE_COMMITTEE
    parent = factory.SubFactory(ProvinceFactory)
    agency_code = factory.Sequence(
        lambda n: f"{n // 10000 % 1000:03d}.{n // 100 % 100:02d}.{n % 100:02d}.T{n % 97:02d}"
    )


def assign(user, role_code: str, unit: Unit, scope: str = "") -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=Role.objects.get(code=role_code), unit=unit, scope=scope)
