"""Receipts for fees paid at the counter: the dossier write path stays unaware of receipts and the
payments app listens to ``dossier_changed`` (sent on commit). Idempotent: one receipt per event."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from motcua.dossiers.actions import dossier_changed
from motcua.dossiers.models import DossierEvent
from motcua.payments import receipts

log = logging.getLogger(__name__)


@receiver(dossier_changed, dispatch_uid="payments.receipt_for_payment")
def receipt_for_payment(sender, *, dossier_id: int, event_id: int, action: str, **kwargs) -> None:
    if action not in receipts.PAYMENT_ACTIONS:
        return
    event = DossierEvent.objects.filter(pk=event_id).first()
    if event is None:
        return
    try:
        with transaction.atomic():
            receipts.try_issue_for_event(event)
    except Exception:  # the payment is committed; a failed receipt is logged and issued again later
        log.exception("receipt failed for event %s (dossier_id=%s)", event_id, dossier_id)
