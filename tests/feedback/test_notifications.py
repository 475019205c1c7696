"""The submitter is told (e-mail and SMS, through the outbox) when the feedback is rejected, when more
information is asked for and when it is answered."""

from __future__ import annotations

import pytest

from motcua.feedback import actions
from motcua.notifications.models import Message

pytestmark = pytest.mark.django_db


def _queued(code: str) -> dict[str, Message]:
    return {m.channel: m for m in Message.objects.filter(template_code=code)}


def test_rejection_is_sent_by_email_and_sms_with_the_reason(received, handler_a):
    actions.reject(received, handler_a, reason="Nội dung là khiếu nại, không phải phản ánh.")
    sent = _queued("feedback_rejected")
    assert set(sent) == {"email", "sms"}
    assert sent["email"].recipient == "binh@example.org"
    assert "khiếu nại" in sent["email"].body and received.code in sent["email"].subject
    assert sent["sms"].recipient.endswith("912345678")


def test_a_request_for_information_says_what_is_needed(received, handler_a):
    actions.request_info(received, handler_a, what="Ảnh chụp bảng niêm yết.")
    assert "Ảnh chụp bảng niêm yết." in _queued("feedback_info_requested")["email"].body


def test_the_answer_is_sent_with_its_signer(answered):
    body = _queued("feedback_answered")["email"].body
    assert "Xã đã bổ sung mức lệ phí" in body and "Phạm Văn Ký, Chủ tịch" in body


def test_a_refused_action_queues_nothing(received, handler_b):
    with pytest.raises(actions.NotPermitted):
        actions.reject(received, handler_b, reason="x")
    assert not Message.objects.filter(template_code="feedback_rejected").exists()
