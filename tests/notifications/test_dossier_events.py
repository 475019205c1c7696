"""Each dossier action the applicant must hear about queues the right template, on each channel the
applicant has an address for; and nothing that goes wrong here can undo the action."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, Status, StepState
from motcua.notifications import outbox
from motcua.notifications.models import Message, MessageStatus, NotificationTemplate
from tests.notifications.conftest import APPLICANT_EMAIL, APPLICANT_PHONE, applicant, at, intake


def queued(dossier, action):
    """{channel: message} queued for the dossier's latest event of ``action``."""
    event = dossier.events.filter(action=action).last()
    return {m.channel: m for m in Message.objects.filter(event=event)}


def test_the_whole_way_queues_received_supplement_apology_result_early_return_and_returned(birth, staff, committed):
    with at(2026, 3, 9, 9, 0), committed():
        d = actions.receive_at_counter(intake(birth), actor=staff["counter"])
    with at(2026, 3, 9, 9, 30), committed():
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 10, 8, 0), committed():
        d = actions.request_supplement(
            d,
            actor=staff["specialist"],
            reason="Giấy chứng sinh mờ",
            documents=["Giấy chứng sinh (bản rõ)", "Văn bản ủy quyền"],
        )
    with at(2026, 3, 11, 10, 0), committed():
        d = actions.receive_supplement(d, actor=staff["counter"])
    with at(2026, 3, 11, 14, 0), committed():
        for step in d.steps.filter(state=StepState.ACTIVE):
            d = actions.complete_step(d, actor=staff["specialist"], step_id=step.pk)
    with at(2026, 3, 13, 16, 0), committed():
        d = actions.apologize(d, actor=staff["leader"], reason="Chờ xác minh", new_due_date=date(2026, 3, 18))
    with at(2026, 3, 16, 9, 0), committed():
        d = actions.approve(d, actor=staff["leader"])
    with at(2026, 3, 16, 10, 5), committed():
        d = actions.notify_early_return(d, actor=staff["counter"], channel="sms")
    with at(2026, 3, 17, 8, 0), committed():
        d = actions.return_result(d, actor=staff["counter"])

    by_event = [(m.event.action, m.template_code, m.channel) for m in Message.objects.order_by("id")]
    assert by_event == [
        ("receive", "dossier_received", "email"),
        ("receive", "dossier_received", "sms"),
        ("request_supplement", "supplement_requested", "email"),
        ("request_supplement", "supplement_requested", "sms"),
        ("apologize", "apology", "email"),
        ("apologize", "apology", "sms"),
        ("approve", "result_ready", "email"),
        ("approve", "result_ready", "sms"),
        ("notify_early_return", "early_return", "sms"),  # the officer chose SMS
        ("return_result", "result_returned", "email"),
        ("return_result", "result_returned", "sms"),
    ]
    assert {m.recipient for m in Message.objects.filter(channel="email")} == {APPLICANT_EMAIL}
    assert {m.recipient for m in Message.objects.filter(channel="sms")} == {APPLICANT_PHONE}
    assert all(m.dossier_id == d.pk and m.status == MessageStatus.PENDING for m in Message.objects.all())

    supplement = queued(d, "request_supplement")["email"].body
    assert "Lý do: Giấy chứng sinh mờ" in supplement
    assert "- Giấy chứng sinh (bản rõ)\n- Văn bản ủy quyền" in supplement
    assert "Giay to: Giấy chứng sinh (bản rõ); Văn bản ủy quyền" in queued(d, "request_supplement")["sms"].body
    apology = queued(d, "apologize")["email"]
    assert "Lý do: Chờ xác minh" in apology.body
    assert "Ngày hẹn trả kết quả mới: 18/03/2026 17:00." in apology.body
    assert "(16/03/2026 17:00)" in apology.body, "the missed date"
    assert "đã giải quyết xong" in queued(d, "approve")["email"].body
    assert "truoc ngay hen 18/03/2026 17:00" in queued(d, "notify_early_return")["sms"].body
    assert "17/03/2026 08:00" in queued(d, "return_result")["email"].body


def test_a_refusal_queues_the_result_ready_text_of_a_refusal(birth, staff, committed):
    with at(2026, 3, 9, 9, 0), committed():
        d = actions.receive_at_counter(intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
        d = actions.refuse(d, actor=staff["leader"], reason="Không thuộc thẩm quyền")
    email = queued(d, "refuse")["email"]
    assert email.template_code == "result_ready"
    assert "không giải quyết" in email.body and "Lý do: Không thuộc thẩm quyền" in email.body
    assert "van ban tra loi" in queued(d, "refuse")["sms"].body


def test_payments_requested_and_received_at_the_counter_and_online_are_notified_with_amounts(birth, staff, committed):
    with at(2026, 3, 9, 9, 0), committed():
        d = actions.receive_at_counter(intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    steps = [
        lambda d: actions.request_financial(
            d, actor=staff["specialist"], amount=Decimal(100000), reason="Phí trích lục"
        ),
        lambda d: actions.record_payment(d, actor=staff["counter"], amount=Decimal(40000), reference="BL-1"),
        lambda d: actions.collect_fee(d, actor=staff["counter"], amount=Decimal(20000)),
        lambda d: actions.record_online_payment(d, amount=Decimal(20000), provider="vnpay", reference="VNP-1"),
        lambda d: actions.request_financial(d, actor=staff["specialist"], amount=Decimal(10000)),
        lambda d: actions.record_online_payment(d, amount=Decimal(30000), provider="vnpay", reference="VNP-2"),
    ]
    for step in steps:  # each action commits on its own, as in real use
        with at(2026, 3, 9, 10, 0), committed():
            d = step(d)
    assert d.status == Status.PROCESSING

    emails = [(m.event.action, m.template_code) for m in Message.objects.filter(channel="email").order_by("id")]
    assert emails[1:] == [
        ("request_financial", "payment_requested"),
        ("record_payment", "payment_received"),
        ("collect_fee", "payment_received"),
        ("pay_online", "payment_received"),
        ("request_financial", "payment_requested"),
        ("pay_obligation_online", "payment_received"),
    ]
    requested = queued(d, "request_financial")  # the latest request: 10.000 more, 30.000 outstanding
    assert (
        "nộp 10.000 đồng" in requested["email"].body and "Tổng số còn phải nộp: 30.000 đồng" in requested["email"].body
    )
    assert "de nghi nop 10.000 đồng" in requested["sms"].body
    first_request = Message.objects.filter(template_code="payment_requested", channel="email").order_by("id").first()
    assert "nộp 100.000 đồng (Phí trích lục)" in first_request.body
    paid = queued(d, "pay_obligation_online")["email"]
    assert paid.subject == f"[Một cửa] Đã nhận 30.000 đồng cho hồ sơ {d.code}"
    assert "mã giao dịch VNP-2" in paid.body and "Số còn phải nộp: 0 đồng" in paid.body
    assert "Đã nhận 40.000 đồng" in queued(d, "record_payment")["email"].body


def test_only_channels_with_an_address_and_a_template_get_a_message(birth, staff, committed):
    NotificationTemplate.objects.filter(code="dossier_received", channel="sms").update(active=False)
    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth), actor=staff["counter"])
        actions.receive_at_counter(
            intake(birth, applicant=applicant(id_number="046090009999", email="", phone="")), actor=staff["counter"]
        )
    assert [(m.template_code, m.channel) for m in Message.objects.all()] == [("dossier_received", "email")]


def test_a_notification_error_never_rolls_back_or_breaks_the_dossier_action(
    birth, staff, committed, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("template engine exploded")

    monkeypatch.setattr(NotificationTemplate, "render", broken)
    with at(2026, 3, 9, 9, 0), committed():
        dossier = actions.receive_at_counter(intake(birth), actor=staff["counter"])
        dossier = actions.forward(dossier, actor=staff["counter"])

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.PROCESSING
    assert [e.action for e in dossier.events.all()] == ["receive", "forward"]
    assert not Message.objects.exists()
    errors = [r for r in caplog.records if r.name == "motcua.notifications" and r.levelno == logging.ERROR]
    assert len(errors) == 1 and "dossier_received not queued" in errors[0].getMessage()


def test_a_provider_crash_during_delivery_leaves_the_dossier_action_done_and_the_message_retrying(
    birth, staff, committed, immediate_tasks, monkeypatch
):
    from motcua.notifications import providers

    def crash(self, message):
        raise ZeroDivisionError

    monkeypatch.setattr(providers.LogSms, "send", crash)
    with at(2026, 3, 9, 9, 0), committed():
        dossier = actions.receive_at_counter(intake(birth, applicant=applicant(email="")), actor=staff["counter"])
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
    message = Message.objects.get()
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    assert message.last_error == "Lỗi không mong đợi (ZeroDivisionError)."


@pytest.mark.parametrize("channel,expected", [("email", {"email"}), ("phone", {"email", "sms"})])
def test_early_return_goes_by_the_channel_the_officer_chose(birth, staff, committed, channel, expected):
    with at(2026, 3, 9, 9, 0), committed():
        d = actions.receive_at_counter(intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
        d = actions.approve(d, actor=staff["leader"])
        d = actions.notify_early_return(d, actor=staff["counter"], channel=channel)
    assert set(queued(d, "notify_early_return")) == expected


def test_the_portal_can_send_an_account_verification_code(db, committed, settings, immediate_tasks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    with committed():
        messages = outbox.enqueue(
            "account_verification",
            email="citizen@example.vn",
            phone="091 234 5678",
            context={"verification_code": "482913", "applicant": "Trần Thị Bình"},
        )
    assert [(m.channel, m.recipient) for m in messages] == [("email", "citizen@example.vn"), ("sms", "0912345678")]
    assert all(Message.objects.get(pk=m.pk).status == MessageStatus.SENT for m in messages)
    assert mail.outbox[0].subject == "[Một cửa] Mã xác thực tài khoản: 482913"
    assert "Mã có hiệu lực trong 15 phút" in mail.outbox[0].body


def test_an_online_dossier_is_notified_to_the_submitting_accounts_verified_contacts(birth, staff, committed):
    from tests.factories import UserFactory

    account = UserFactory(username="citizen.an", email="an.account@example.vn", phone="0987000111")
    with at(2026, 3, 9, 9, 0), committed():
        d = actions.submit_online(intake(birth, account=account), actor=account)
    with at(2026, 3, 9, 9, 30), committed():
        d = actions.receive(d, actor=staff["counter"])
    messages = queued(d, "receive")
    assert messages["email"].recipient == "an.account@example.vn"
    assert messages["sms"].recipient == "0987000111"
