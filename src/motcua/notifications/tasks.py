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
