"""The background task that delivers queued messages (run by ``motcua db_worker``, see docs/notifications.md)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_messages(message_ids: list[int]) -> dict[str, int]:
    """Deliver the given messages if they are still pending and due; ids only, no personal data in the queue."""
    from motcua.notifications.models import Message, MessageStatus
    from motcua.notifications.outbox import deliver

    outcome = {"sent": 0, "pending": 0, "failed": 0}
    for message in Message.objects.filter(pk__in=message_ids, status=MessageStatus.PENDING).order_by("id"):
        outcome[deliver(message).status] += 1
    return outcome


@task()
def notify_dossier_event(template_code: str, dossier_id: int, event_id: int) -> int:
    """Render and queue what the applicant must hear about one dossier event, then deliver it.

    Runs in the worker, not in the request that changed the dossier: counter intake is the hottest write
    path, and reading the dossier, rendering the templates and writing the outbox cost it several
    statements and milliseconds each time."""
    import logging

    from motcua.notifications.receivers import notify

    try:
        return len(notify(template_code, dossier_id=dossier_id, event_id=event_id))
    except Exception as exc:  # the type only: a template error's text may quote the applicant's data
        logging.getLogger("motcua.notifications").error(
            "notifications: %s not queued for dossier=%s event=%s (%s)",
            template_code,
            dossier_id,
            event_id,
            type(exc).__name__,
        )
        return 0
