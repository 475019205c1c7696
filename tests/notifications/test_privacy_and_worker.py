"""Personal data stays out of logs; the ``motcua notifications send`` worker delivers what is due."""

from __future__ import annotations

import logging
from io import StringIO

from django.core.management import call_command

from motcua.dossiers import actions
from motcua.notifications.models import Message, MessageStatus
from tests.notifications.conftest import APPLICANT_EMAIL, APPLICANT_ID, APPLICANT_PHONE, at, intake


def test_logs_never_contain_the_phone_number_email_address_or_id_number(
    birth, staff, smtp_settings, immediate_tasks, committed, caplog
):
    caplog.set_level(logging.DEBUG)
    with at(2026, 3, 9, 9, 0), committed():  # SMTP down: failures are logged too
        d = actions.receive_at_counter(intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    smtp_settings.start()
    with at(2026, 3, 9, 9, 30), committed():
        call_command("notifications", "send", stdout=StringIO())
        d = actions.approve(d, actor=staff["leader"])
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 4

    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]  # mail.log: the test's SMTP server
    assert any(r.name == "motcua.notifications" for r in ours)
    text = "\n".join(r.getMessage() for r in ours)
    for secret in (APPLICANT_PHONE, "+84912345678", APPLICANT_EMAIL, APPLICANT_ID):
        assert secret not in text


def test_the_send_command_delivers_what_is_due(birth, staff, committed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth), actor=staff["counter"])
    assert Message.objects.filter(status=MessageStatus.PENDING).count() == 2, "the database backend: not yet sent"

    out = StringIO()
    with at(2026, 3, 9, 9, 0, 5):
        call_command("notifications", "send", stdout=out)
    assert out.getvalue().strip() == "Đã thử 2 tin: 2 đã gửi, 0 sẽ thử lại, 0 thất bại."
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 2

    out = StringIO()
    call_command("notifications", "send", stdout=out)
    assert out.getvalue().startswith("Đã thử 0 tin")


def test_the_database_task_backend_gets_ids_only_first_for_the_event_then_for_the_messages(birth, staff, committed):
    from django_tasks_db.models import DBTaskResult

    with at(2026, 3, 9, 9, 0), committed():
        dossier = actions.receive_at_counter(intake(birth), actor=staff["counter"])
    event_task, task = DBTaskResult.objects.filter(task_path__startswith="motcua.notifications").order_by("enqueued_at")
    assert event_task.task_path == "motcua.notifications.tasks.notify_dossier_event"
    event = dossier.events.get()
    assert event_task.args_kwargs == {"args": ["dossier_received", dossier.pk, event.pk], "kwargs": {}}
    assert task.task_path == "motcua.notifications.tasks.send_messages"
    ids = sorted(Message.objects.values_list("pk", flat=True))
    assert task.args_kwargs == {"args": [ids], "kwargs": {}}


def test_a_failed_attempt_leaves_a_deferred_task_for_the_retry(birth, staff, smtp_settings, committed):
    from django_tasks_db.models import DBTaskResult

    from motcua.notifications import outbox

    with at(2026, 3, 9, 9, 0), committed():
        actions.receive_at_counter(intake(birth), actor=staff["counter"])
    message = Message.objects.get(channel="email")
    with at(2026, 3, 9, 9, 0):
        outbox.deliver(message)  # the SMTP server is down
    assert message.status == MessageStatus.PENDING
    ours = DBTaskResult.objects.filter(task_path__startswith="motcua.notifications")
    assert ours.count() == 3, "the event's task, the first delivery task, then the retry"
    retry = DBTaskResult.objects.get(run_after=message.next_attempt_at)
    assert retry.args_kwargs == {"args": [[message.pk]], "kwargs": {}}
