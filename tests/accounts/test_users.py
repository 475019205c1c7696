"""Duplicate usernames and weak passwords are refused with Vietnamese messages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import UserFactory


def test_admin_refuses_duplicate_username_in_vietnamese(admin_client, db):
    UserFactory(username="canbo.trung")
    before = get_user_model().objects.count()
    response = admin_client.post(
        "/quan-tri/accounts/user/add/",
        {
            "username": "canbo.trung",
            "password1": "Mot-mat-khau-rat-dai-2026",
            "password2": "Mot-mat-khau-rat-dai-2026",
            "usable_password": "true",
            "full_name": "Trùng Tên",
            "email": "x@example.org",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Tên đăng nhập đã được sử dụng" in response.content.decode()
    assert get_user_model().objects.count() == before


@pytest.mark.parametrize(
    "password, expected",
    [("123", "quá ngắn"), ("12345678901", "hoàn toàn là số"), ("password123", "quá phổ biến")],
)
def test_weak_passwords_are_refused_with_vietnamese_reasons(db, password, expected):
    with translation.override("vi"), pytest.raises(ValidationError) as info:
        validate_password(password)
    assert any(expected in message for message in info.value.messages), info.value.messages


def test_password_like_the_username_is_refused(db):
    user = UserFactory.build(username="nguyenvanbinh", full_name="Nguyễn Văn Bình", email="binh@example.org")
    with translation.override("vi"), pytest.raises(ValidationError):
        validate_password("nguyenvanbinh1", user)
