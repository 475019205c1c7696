"""Back office: the queue of the officer's units with due moments and overdue marks, and the desk that
offers only the allowed actions and performs them through ``feedback.actions``."""

from __future__ import annotations

import pytest

from motcua.feedback.models import Status
from tests.feedback.conftest import at

pytestmark = pytest.mark.django_db


def test_the_queue_lists_the_units_open_feedback_with_due_moment_and_overdue_mark(client, received, handler_a):
    client.force_login(handler_a)
    with at(2026, 4, 1, 9, 0):  # after the answer due moment (30/03/2026 17:00)
        body = client.get("/can-bo/phan-anh/").content.decode()
    assert received.code in body
    assert "17:00 30/03/2026" in body
    assert "Quá hạn" in body


def test_the_desk_offers_only_allowed_actions(client, received, handler_a):
    client.force_login(handler_a)
    body = client.get(f"/can-bo/phan-anh/{received.code}/").content.decode()
    assert 'id="action-reject"' in body and 'id="action-request_info"' in body and 'id="action-classify"' in body
    assert 'id="action-answer"' not in body and 'id="action-publish"' not in body


def test_an_officer_classifies_answers_and_a_leader_publishes_from_the_desk(client, received, handler_a, leader_a):
    client.force_login(handler_a)
    base = f"/can-bo/phan-anh/{received.code}/thao-tac/"
    response = client.post(
        base + "classify/",
        {"classify-kind": "kien_nghi", "classify-unit": received.unit_id, "expected_revision": received.revision},
    )
    assert response.status_code == 302
    response = client.post(base + "answer/", {"answer-text": "Đã chỉ đạo khắc phục.", "answer-signer": "Chủ tịch xã"})
    assert response.status_code == 302
    assert 'id="action-publish"' not in client.get(f"/can-bo/phan-anh/{received.code}/").content.decode()
    client.force_login(leader_a)
    response = client.post(
        base + "publish/",
        {
            "publish-title": "Thời gian chờ",
            "publish-question": "Người dân phản ánh thời gian chờ.",
            "publish-answer_text": "Đã chỉ đạo khắc phục.",
            "publish-no_personal_data": "on",
        },
    )
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.status == Status.PUBLISHED and received.kind == "kien_nghi"


def test_an_action_no_longer_allowed_answers_409_with_the_current_state(client, received, handler_a):
    client.force_login(handler_a)
    client.post(f"/can-bo/phan-anh/{received.code}/thao-tac/reject/", {"reject-reason": "Trùng lặp."})
    response = client.post(f"/can-bo/phan-anh/{received.code}/thao-tac/request_info/", {"request_info-what": "x"})
    assert response.status_code == 409
    assert "Từ chối tiếp nhận" in response.content.decode()


def test_missing_reason_is_shown_on_the_form(client, received, handler_a):
    client.force_login(handler_a)
    response = client.post(f"/can-bo/phan-anh/{received.code}/thao-tac/reject/", {"reject-reason": ""})
    assert response.status_code == 400
    received.refresh_from_db()
    assert received.status == Status.RECEIVED


def test_a_citizen_account_cannot_open_the_back_office_queue(client, province):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="congdan2"))
    assert client.get("/can-bo/phan-anh/").status_code == 403
