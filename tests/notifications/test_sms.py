"""SMS: the log provider by default (masked number only), and the HTTP gateway template posting JSON
with a bearer token to a real local HTTP server."""

from __future__ import annotations

import logging

from motcua.dossiers import actions
from motcua.notifications import outbox
from motcua.notifications.models import Message, MessageStatus
from tests.notifications.conftest import APPLICANT_PHONE, applicant, at, intake


def test_the_http_provider_posts_the_sms_as_json_with_the_bearer_token(
    birth, staff, sms_gateway, immediate_tasks, committed
):
    with at(2026, 3, 9, 9, 0), committed():
        dossier = actions.receive_at_counter(intake(birth, applicant=applicant(email="")), actor=staff["counter"])

    message = Message.objects.get()
    assert len(sms_gateway.received) == 1
    request = sms_gateway.received[0]
    assert request["path"] == "/api/sms"
    assert request["headers"]["Authorization"] == "Bearer gateway-token-123"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["json"] == {"to": APPLICANT_PHONE, "text": message.body, "reference": str(message.pk)}
    assert message.body.startswith(f"Ho so {dossier.code} da duoc tiep nhan. Hen tra ket qua: 12/03/2026 17:00.")
    assert message.status == MessageStatus.SENT
    assert message.provider == "http" and message.provider_message_id == "gw-1"


def test_a_gateway_error_is_retried_and_a_rejected_request_fails_at_once(
    birth, staff, sms_gateway, immediate_tasks, committed
):
    sms_gateway.answers = [503, 400]
    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth, applicant=applicant(email="")), actor=staff["counter"])
    message = Message.objects.get()
    assert message.status == MessageStatus.PENDING and message.last_error == "Cổng SMS trả lỗi HTTP 503."

    with at(2026, 3, 9, 9, 1):
        outbox.deliver_due()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 2
    assert message.last_error == "Cổng SMS trả lỗi HTTP 400."


def test_the_log_provider_logs_the_template_and_a_masked_number_only(birth, staff, immediate_tasks, committed, caplog):
    caplog.set_level(logging.INFO, logger="motcua.notifications")
    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth, applicant=applicant(email="")), actor=staff["counter"])
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT and message.provider == "log"
    lines = [r.getMessage() for r in caplog.records if "log provider" in r.getMessage()]
    assert lines == [
        f"SMS (log provider) message={message.pk} template=dossier_received to=091****678 chars="
        + str(len(message.body))
    ]
