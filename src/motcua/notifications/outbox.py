"""The outbox: queue messages from templates, deliver them in the background, retry, give up visibly.

``enqueue`` renders and stores one message per channel (a template and an address are both needed) and,
once the caller's transaction commits, hands the ids to a background task. ``deliver`` claims a due
message with a short lease (so the task worker and ``motcua notifications send`` never send it twice),
calls the channel's provider outside any transaction, and records the outcome: sent; or pending again
after a back-off; or failed after the last attempt, where the admin's failure list shows it for resending.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from motcua.dossiers.models.applicant import normalize_phone
from motcua.notifications.masking import scrub
from motcua.notifications.models import Channel, Message, MessageStatus, NotificationTemplate
from motcua.notifications.providers import DeliveryError, provider_for

logger = logging.getLogger("motcua.notifications")

BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6)]
MAX_ATTEMPTS = len(BACKOFF) + 1  # the first try and one per back-off step
LEASE = timedelta(minutes=5)  # a claimed message is not picked again before this, even if its sender dies
SYNC_RESEND_LIMIT = 10  # the admin's "Gửi lại" delivers this many at once; more go to the background


def enqueue(
    template_code: str,
    *,
    email: str = "",
    phone: str = "",
    context: dict,
    dossier=None,
    event=None,
) -> list[Message]:
    """Render ``template_code`` for each channel that has an active template, an address and a provider
    switched on; store the messages; deliver them in the background after the current transaction commits."""
    addresses = {Channel.EMAIL: (email or "").strip(), Channel.SMS: normalize_phone(phone or "")}
    wanted = [channel for channel, address in addresses.items() if address and provider_for(channel) is not None]
    if not wanted:
        return []
    full_context = {**base_context(), **context}
    messages = []
    for template in NotificationTemplate.objects.filter(code=template_code, channel__in=wanted, active=True):
        subject, body = template.render(full_context)
        messages.append(
            Message.objects.create(
                channel=template.channel,
                recipient=addresses[template.channel],
                template_code=template_code,
                subject=subject[:255],
                body=body,
                dossier=dossier,
                event=event,
            )
        )
    if messages:
        ids = [m.pk for m in messages]
        transaction.on_commit(lambda: schedule(ids), robust=True)
        logger.info("notifications queued template=%s messages=%s", template_code, ids)
    return messages


def base_context() -> dict:
    return {"site_name": settings.MOTCUA_SITE_NAME, "site_url": settings.MOTCUA_SITE_URL.rstrip("/")}


def schedule(message_ids: list[int], *, run_after: datetime | None = None) -> None:
    """Hand messages to the background task; if the task queue is unavailable, the ``send`` loop
    (or the next task) still finds them, since they are due in the outbox."""
    from motcua.notifications.tasks import send_messages

    try:
        task = send_messages
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # picked up by ``motcua notifications send`` when due
            task = task.using(run_after=run_after)
        task.enqueue(message_ids)
    except Exception as exc:  # the outbox row is the truth; a lost task only delays delivery
        logger.warning("notifications: could not enqueue the send task (%s); messages stay due", type(exc).__name__)


def deliver(message: Message) -> Message:
    """Try to send one message now, if it is still pending and due; returns it refreshed."""
    now = timezone.now()
    claimed = (
        Message.objects.filter(pk=message.pk, status=MessageStatus.PENDING)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    )
    message.refresh_from_db()
    if not claimed:
        return message
    try:
        provider = provider_for(message.channel)
        if provider is None:
            raise DeliveryError(f"Kênh {message.get_channel_display()} đang tắt (không có nhà cung cấp).")
        provider_id = provider.send(message)
    except DeliveryError as exc:
        _failed(message, str(exc), permanent=exc.permanent)
    except Exception as exc:  # a bug or an unexpected library error: retried, and the class name kept
        _failed(message, f"Lỗi không mong đợi ({type(exc).__name__}).", permanent=False)
    else:
        message.status = MessageStatus.SENT
        message.sent_at = timezone.now()
        message.next_attempt_at = None
        message.provider = provider.name
        message.provider_message_id = (provider_id or "")[:255]
        message.last_error = ""
        message.save(
            update_fields=["status", "sent_at", "next_attempt_at", "provider", "provider_message_id", "last_error"]
        )
        logger.info(
            "notification sent message=%s template=%s channel=%s provider=%s attempt=%d",
            message.pk,
            message.template_code,
            message.channel,
            provider.name,
            message.attempts,
        )
    return message


def _failed(message: Message, text: str, *, permanent: bool) -> None:
    message.last_error = scrub(text, message.recipient)[:1000]
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
        message.next_attempt_at = None
    else:
        message.next_attempt_at = timezone.now() + BACKOFF[message.attempts - 1]
    message.save(update_fields=["status", "next_attempt_at", "last_error"])
    logger.warning(
        "notification not sent message=%s template=%s channel=%s attempt=%d status=%s error=%s",
        message.pk,
        message.template_code,
        message.channel,
        message.attempts,
        message.status,
        message.last_error,
    )
    if message.status == MessageStatus.PENDING:
        schedule([message.pk], run_after=message.next_attempt_at)


def due_messages(limit: int = 100):
    now = timezone.now()
    return (
        Message.objects.filter(status=MessageStatus.PENDING)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .order_by("next_attempt_at", "id")[:limit]
    )


def deliver_due(limit: int = 100) -> list[Message]:
    """Deliver what is due (oldest first); returns the messages tried, with their new status."""
    return [deliver(message) for message in list(due_messages(limit))]


def resend(messages) -> tuple[int, list[Message]]:
    """The admin's "Gửi lại": failed (or stuck pending) messages start their retries again. A few are
    delivered at once so the administrator sees the outcome; a larger batch goes to the background."""
    ids = list(messages.exclude(status=MessageStatus.SENT).values_list("pk", flat=True))
    Message.objects.filter(pk__in=ids).update(status=MessageStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
    if len(ids) <= SYNC_RESEND_LIMIT:
        return len(ids), [deliver(m) for m in Message.objects.filter(pk__in=ids).order_by("id")]
    transaction.on_commit(lambda: schedule(ids), robust=True)
    return len(ids), []


# --- formatting for templates ---------------------------------------------------------------------


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnamese time (the zone of every legal deadline)."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def format_money(amount) -> str:
    """50000 → "50.000 đồng" (dots group thousands in Vietnamese)."""
    value = int(Decimal(str(amount or 0)).quantize(Decimal(1)))
    return f"{value:,} đồng".replace(",", ".")
