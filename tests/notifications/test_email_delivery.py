"""E-mail to the applicant through a real SMTP server: delivered, retried while the server is down, given
up after the last retry and then visible in the admin's failure list, where "Gửi lại" sends it."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from motcua.dossiers import actions
from motcua.notifications import outbox
from motcua.notifications.models import Message, MessageStatus
from tests.notifications.conftest import APPLICANT_EMAIL, at, intake, vn


def test_a_received_dossier_sends_the_vietnamese_email_with_the_due_date(
    birth, staff, smtp_server, immediate_tasks, committed
):
    with at(2026, 3, 9, 9, 0), committed():
        dossier = actions.receive_at_counter(intake(birth), actor=staff["counter"])

    assert len(smtp_server.inbox.messages) == 1
    received = smtp_server.inbox.messages[0]
    assert received["to"] == [APPLICANT_EMAIL]
    email = received["message"]
    assert email["Subject"].strip() == f"[Một cửa] Đã tiếp nhận hồ sơ {dossier.code}"
    assert email["From"] == "motcua@hue.example.vn"
    text = email.get_content()
    assert "Kính gửi ông/bà Nguyễn Văn An" in text
    assert "Thủ tục đăng ký khai sinh" in text
    assert "Ngày hẹn trả kết quả: 12/03/2026 17:00." in text, "3 working days, Vietnamese time"
    assert f"https://dichvucong.hue.example.vn/tra-cuu/?ma={dossier.code}" in text

    message = Message.objects.get(channel="email")
    assert message.status == MessageStatus.SENT and message.attempts == 1
    assert message.provider == "smtp" and message.provider_message_id
    assert message.sent_at == vn(2026, 3, 9, 9, 0)
    assert message.dossier == dossier and message.event.action == "receive"
    assert email["Message-ID"].strip("<>") == message.provider_message_id


def test_smtp_down_keeps_the_message_pending_and_delivers_it_when_due_once_the_server_is_up(
    birth, staff, smtp_settings, immediate_tasks, committed
):
    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth), actor=staff["counter"])
    message = Message.objects.get(channel="email")
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == vn(2026, 3, 9, 9, 1), "first back-off: one minute"
    assert "Không kết nối được máy chủ thư" in message.last_error

    smtp_settings.start()
    with at(2026, 3, 9, 9, 0, 30):
        assert outbox.deliver_due() == [], "not due yet"
    with at(2026, 3, 9, 9, 1):
        tried = outbox.deliver_due()
    assert [m.pk for m in tried] == [message.pk]
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2 and message.last_error == ""
    assert len(smtp_settings.inbox.messages) == 1


def test_after_the_last_retry_the_message_fails_and_shows_in_the_admin_failure_list(
    birth, staff, smtp_settings, committed, admin_client
):
    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth), actor=staff["counter"])
    message = Message.objects.get(channel="email")
    assert message.attempts == 0, "the database task backend: delivered by the worker, not here"

    moment = vn(2026, 3, 9, 9, 0)
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS):
        with time_travel(moment):
            outbox.deliver(message)
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - moment)
            moment = message.next_attempt_at
    assert (
        waits
        == outbox.BACKOFF
        == [
            timedelta(minutes=1),
            timedelta(minutes=5),
            timedelta(minutes=30),
            timedelta(hours=2),
            timedelta(hours=6),
        ]
    )
    assert message.status == MessageStatus.FAILED and message.attempts == 6 and message.next_attempt_at is None

    page = admin_client.get(reverse("admin:notifications_message_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "dossier_received" in html and "Không kết nối được máy chủ thư" in html
    assert "ng***@example.vn" in html, "the recipient is shown masked"
    assert APPLICANT_EMAIL not in html

    sent_page = admin_client.get(reverse("admin:notifications_message_changelist") + "?trang_thai=sent")
    assert page.context["cl"].result_count == 1, "the default view is the failures"
    assert sent_page.context["cl"].result_count == 0


def test_admin_resend_delivers_a_failed_message(birth, staff, smtp_settings, committed, admin_client):
    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth), actor=staff["counter"])
    message = Message.objects.get(channel="email")
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED, attempts=6, next_attempt_at=None)
    smtp_settings.start()

    with at(2026, 3, 10, 8, 0):
        response = admin_client.post(
            reverse("admin:notifications_message_changelist"),
            {"action": "resend", "_selected_action": [message.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "1 đã gửi" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1
    assert message.sent_at == vn(2026, 3, 10, 8, 0)
    assert len(smtp_settings.inbox.messages) == 1


def test_a_refused_address_fails_at_once_without_the_address_in_the_error(
    birth, staff, smtp_server, immediate_tasks, committed
):
    async def refuse(server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected"

    smtp_server.inbox.handle_RCPT = refuse
    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth), actor=staff["counter"])
    message = Message.objects.get(channel="email")
    assert message.status == MessageStatus.FAILED and message.attempts == 1
    assert "550" in message.last_error and APPLICANT_EMAIL not in message.last_error


def time_travel(moment):
    import time_machine

    return time_machine.travel(moment, tick=False)
