"""Texts an administrator edits: the next message uses the new text, a queued one keeps its own; the
defaults exist for every notification; a broken template is refused before it is saved."""

from __future__ import annotations

from django.urls import reverse

from motcua.dossiers import actions
from motcua.notifications import outbox
from motcua.notifications.models import Message, MessageStatus, NotificationTemplate
from tests.notifications.conftest import applicant, at, intake

CODES = {
    "dossier_received",
    "supplement_requested",
    "apology",
    "result_ready",
    "early_return",
    "result_returned",
    "payment_requested",
    "payment_received",
    "account_verification",
    # Feedback (phản ánh, kiến nghị): added by feedback/migrations/0002_notification_templates.py.
    "feedback_received",
    "feedback_rejected",
    "feedback_info_requested",
    "feedback_answered",
}


def test_vietnamese_defaults_exist_for_every_notification_on_both_channels(db):
    rows = set(NotificationTemplate.objects.values_list("code", "channel"))
    assert rows == {(code, channel) for code in CODES for channel in ("email", "sms")}
    for template in NotificationTemplate.objects.filter(channel="email"):
        assert template.subject.startswith("[Một cửa]") and "Kính gửi" in template.body
        template.full_clean()


def test_an_admin_edit_changes_the_next_message_but_not_one_already_queued(
    birth, staff, committed, admin_client, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth), actor=staff["counter"])
    queued = Message.objects.get(channel="email")
    assert queued.status == MessageStatus.PENDING

    template = NotificationTemplate.objects.get(code="dossier_received", channel="email")
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])
    response = admin_client.post(
        url,
        {
            "name": template.name,
            "active": "on",
            "subject": "[UBND phường Thuận Hóa] Hồ sơ {{ code }} đã được tiếp nhận",
            "body": "Hồ sơ {{ code }}: hẹn trả ngày {{ due }}. Trân trọng.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    with at(2026, 3, 9, 10, 0), committed():
        later = actions.receive_at_counter(
            intake(birth, applicant=applicant(id_number="046090005555")), actor=staff["counter"]
        )
    new = Message.objects.get(channel="email", dossier=later)
    assert new.subject == f"[UBND phường Thuận Hóa] Hồ sơ {later.code} đã được tiếp nhận"
    assert new.body == f"Hồ sơ {later.code}: hẹn trả ngày 12/03/2026 17:00. Trân trọng."

    with at(2026, 3, 9, 10, 1):
        outbox.deliver(queued)
    assert queued.status == MessageStatus.SENT
    assert mail.outbox[0].subject.startswith("[Một cửa] Đã tiếp nhận hồ sơ"), "rendered when queued"
    assert "Kính gửi ông/bà Nguyễn Văn An" in mail.outbox[0].body


def test_the_admin_shows_a_sample_preview_and_refuses_a_broken_template(db, admin_client):
    template = NotificationTemplate.objects.get(code="supplement_requested", channel="email")
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])
    page = admin_client.get(url).content.decode()
    assert "Giấy chứng sinh (bản rõ)" in page, "the preview renders the sample's missing documents"
    assert "{{ documents }}" in page, "the variables are listed"

    response = admin_client.post(
        url, {"name": template.name, "active": "on", "subject": template.subject, "body": "{% if reason %}thiếu"}
    )
    assert response.status_code == 200
    assert "Mẫu sai cú pháp" in response.content.decode()
    template.refresh_from_db()
    assert template.body.startswith("Kính gửi")


def test_an_email_template_needs_a_subject(db):
    template = NotificationTemplate(code="x", channel="email", subject="", body="Nội dung")
    try:
        template.full_clean()
    except Exception as exc:
        assert "tiêu đề" in str(exc)
    else:
        raise AssertionError("an e-mail without a subject was accepted")
