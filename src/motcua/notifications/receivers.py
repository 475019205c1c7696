"""Dossier events → notifications to the applicant.

Runs after the dossier action has committed (``dossier_changed`` is sent on commit), in its own
transaction: a template error, a missing table or a dead task queue is logged and never undoes, or
even disturbs, the action itself.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings

from motcua.dossiers.models import Dossier, DossierEvent, ResultDelivery
from motcua.notifications.outbox import enqueue, format_datetime, format_money

logger = logging.getLogger("motcua.notifications")

PAYMENT_ACTIONS = ("record_payment", "collect_fee", "pay_online", "pay_obligation_online")

TEMPLATE_FOR_ACTION = {
    "receive": "dossier_received",
    "request_supplement": "supplement_requested",
    "apologize": "apology",
    "approve": "result_ready",
    "refuse": "result_ready",
    "notify_early_return": "early_return",
    "return_result": "result_returned",
    "request_financial": "payment_requested",
    **dict.fromkeys(PAYMENT_ACTIONS, "payment_received"),
}


def on_dossier_changed(sender, *, dossier_id: int, event_id: int, action: str, **kwargs: Any) -> None:
    """One task row per event that concerns the applicant; the worker renders and sends (tasks.py)."""
    template_code = TEMPLATE_FOR_ACTION.get(action)
    if template_code is None:
        return
    from motcua.notifications.tasks import notify_dossier_event

    try:
        notify_dossier_event.enqueue(template_code, dossier_id, event_id)
    except Exception as exc:
        logger.error(
            "notifications: %s not queued for dossier=%s event=%s (%s)",
            template_code,
            dossier_id,
            event_id,
            type(exc).__name__,
        )


def notify(template_code: str, *, dossier_id: int, event_id: int) -> list:
    """Queue the messages for one event (in the worker; see ``tasks.notify_dossier_event``)."""
    dossier = Dossier.objects.select_related("applicant", "procedure", "receiving_unit", "account").get(pk=dossier_id)
    event = DossierEvent.objects.get(pk=event_id)
    # Submitted online: the account's contacts, which the portal verified; the applicant record's contacts
    # were checked by an officer at the counter (an online submission never overwrites them).
    contact = dossier.account if dossier.account_id else dossier.applicant
    email, phone = contact.email, contact.phone
    if event.action == "notify_early_return":  # the officer chose how to tell the applicant
        chosen = event.payload.get("channel")
        if chosen == "sms":
            email = ""
        elif chosen == "email":
            phone = ""
    return enqueue(
        template_code,
        email=email,
        phone=phone,
        context=dossier_context(dossier, event),
        dossier=dossier,
        event=event,
    )


def dossier_context(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """What the templates may use (listed for administrators in docs/notifications.md)."""
    payload = event.payload or {}
    site = settings.MOTCUA_SITE_URL.rstrip("/")
    context: dict[str, Any] = {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "applicant": dossier.applicant.full_name,
        "receiving_unit": dossier.receiving_unit.name,
        "tracking_url": f"{site}/tra-cuu/?ma={dossier.code}",
        "due": format_datetime(dossier.effective_due_at),
        "reason": event.reason,
        "at": format_datetime(event.at),
    }
    action = event.action
    if action == "receive":
        context["due"] = format_datetime(_moment(payload.get("due_at")) or dossier.due_at)
    elif action == "request_supplement":
        context["documents"] = list(payload.get("documents") or [])
    elif action == "apologize":
        context["old_due"] = format_datetime(_moment(payload.get("old_due_at")))
        context["new_due"] = format_datetime(_moment(payload.get("new_due_at")) or dossier.rescheduled_due_at)
    elif action in ("approve", "refuse"):
        context["refused"] = action == "refuse"
        context["delivery"] = ResultDelivery(dossier.result_delivery).label
        context["online_result"] = dossier.result_delivery == ResultDelivery.ONLINE
    elif action == "return_result":
        how = payload.get("delivery") or dossier.result_delivery
        context["delivery"] = ResultDelivery(how).label if how in ResultDelivery.values else ""
        context["postal_tracking"] = payload.get("postal_tracking", "")
    elif action == "request_financial" or action in PAYMENT_ACTIONS:
        context["amount"] = format_money(payload.get("amount"))
        context["outstanding"] = format_money(dossier.outstanding)
        context["reference"] = payload.get("reference", "")
    return context


def _moment(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
