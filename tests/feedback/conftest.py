"""Feedback fixtures: two communes of the test province, officers in each, a helper to submit."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.cache import cache

from motcua.feedback import actions
from motcua.feedback.models import Kind
from motcua.workcalendar.rules import TZ
from tests.factories import UserFactory, assign

NAME, EMAIL, PHONE, ADDRESS = "Trần Thị Bình", "binh@example.org", "0912345678", "12 Lê Lợi, xã An Bình"


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def at(*args: int):
    return time_machine.travel(vn(*args), tick=False)


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def handler_a(commune_a):
    user = UserFactory(username="chuyenvien.anbinh", full_name="Lê Văn Xử")
    assign(user, "specialist", commune_a)
    return user


@pytest.fixture
def leader_a(commune_a):
    user = UserFactory(username="lanhdao.anbinh", full_name="Phạm Văn Ký")
    assign(user, "agency_leader", commune_a)
    return user


@pytest.fixture
def handler_b(commune_b):
    user = UserFactory(username="chuyenvien.binhminh", full_name="Đỗ Thị Khác")
    assign(user, "specialist", commune_b)
    return user


def submission(unit, **changes) -> actions.Submission:
    data = {
        "kind": Kind.REPORT,
        "subject": "Niêm yết thủ tục chưa đầy đủ",
        "content": "Bảng niêm yết tại xã thiếu mức lệ phí đăng ký khai sinh.",
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "address": ADDRESS,
        "unit": unit,
    }
    data.update(changes)
    return actions.Submission(**data)


@pytest.fixture
def received(commune_a):
    """Submitted on Monday 09/03/2026 at 09:00 to xã An Bình."""
    with at(2026, 3, 9, 9, 0):
        return actions.submit(submission(commune_a))


@pytest.fixture
def classified(received, handler_a):
    with at(2026, 3, 10, 9, 0):
        return actions.classify(received, handler_a, kind=Kind.REPORT)


@pytest.fixture
def answered(classified, handler_a):
    with at(2026, 3, 16, 9, 0):
        return actions.answer(
            classified, handler_a, text="Xã đã bổ sung mức lệ phí vào bảng niêm yết.", signer="Phạm Văn Ký, Chủ tịch"
        )


@pytest.fixture
def published(answered, leader_a):
    with at(2026, 3, 17, 9, 0):
        return actions.publish(
            answered,
            leader_a,
            title="Niêm yết lệ phí đăng ký khai sinh",
            question="Bảng niêm yết tại xã thiếu mức lệ phí đăng ký khai sinh.",
            answer_text="Xã đã bổ sung mức lệ phí vào bảng niêm yết.",
            no_personal_data=True,
        )
