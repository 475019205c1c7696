"""What happens to a payment, the same for every gateway plugin.

``start`` creates the ``Payment`` for the outstanding amount; ``process`` acts on a callback whose
signature the plugin has verified: it checks the order and the amount, makes the callback replay-safe,
and for a paid order records the payment through ``dossiers.actions.record_online_payment`` and issues
the receipt — in one transaction, the payment row locked so that the browser's return and the
gateway's notification, arriving together, pay once.

Logs name the provider, the kind of callback, the reason and the order id (random, not personal);
never the payer, the dossier's applicant or the request's parameters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from motcua.dossiers import actions, workflow
from motcua.dossiers.models import Dossier, Status
from motcua.payments import receipts
from motcua.payments.models import Payment, PaymentStatus, ProcessedCallback
from motcua.payments.providers.base import Callback, CallbackRejected, PaymentProvider

log = logging.getLogger("motcua.payments")


class CannotPay(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def outstanding(dossier: Dossier) -> Decimal:
    return dossier.outstanding


def check_payable(dossier: Dossier) -> Decimal:
    """The amount to pay now, or ``CannotPay`` with the reason."""
    amount = outstanding(dossier)
    if amount <= 0:
        raise CannotPay("Hồ sơ không còn khoản phí, lệ phí nào phải nộp.")
    action = "pay_obligation_online" if dossier.status == Status.FINANCIAL else "pay_online"
    try:
        workflow.check(action, dossier.status)
    except workflow.TransitionNotAllowed:
        raise CannotPay(
            f"Hồ sơ đang ở tình trạng “{Status(dossier.status).label}”, không nhận thanh toán trực tuyến."
        ) from None
    return amount


def start(dossier: Dossier, provider: PaymentProvider, request: HttpRequest) -> tuple[Payment, str]:
    amount = check_payable(dossier)
    payment = Payment.objects.create(dossier=dossier, amount=amount, provider=provider.code)
    url = provider.create_payment(payment, request)
    log.info("payment created: provider=%s order=%s dossier_id=%s", provider.code, payment.order_id, dossier.pk)
    return payment, url


@dataclass(frozen=True)
class Outcome:
    result: str  # paid, duplicate, already_paid, cancelled, failed, refused_overpayment
    payment: Payment


def rejected(provider: PaymentProvider, kind: str, exc: CallbackRejected, order_id: str = "") -> None:
    log.warning(
        "payment callback rejected: provider=%s kind=%s reason=%s order=%s",
        provider.code,
        kind,
        exc.reason,
        order_id[:40] or "-",
    )


def process(provider: PaymentProvider, callback: Callback, kind: str) -> Outcome:
    """Act once on a verified callback. Raises ``CallbackRejected`` (nothing written) for an unknown
    order or a wrong amount."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("dossier")
            .filter(order_id=callback.order_id, provider=provider.code)
            .first()
        )
        if payment is None:
            raise CallbackRejected("unknown_order", "Không có giao dịch thanh toán với mã đơn hàng này.")
        if callback.amount != payment.amount:
            raise CallbackRejected("wrong_amount", "Số tiền thanh toán không khớp với số tiền của giao dịch.")
        try:
            with transaction.atomic():
                ProcessedCallback.objects.create(
                    provider=provider.code, kind=kind, digest=callback.digest, payment=payment, outcome=callback.status
                )
        except IntegrityError:
            log.info("payment callback replayed: provider=%s kind=%s order=%s", provider.code, kind, payment.order_id)
            return Outcome("duplicate", payment)
        if payment.status == PaymentStatus.PAID:
            return Outcome("already_paid", payment)
        if callback.status != PaymentStatus.PAID:
            if payment.status == PaymentStatus.CREATED:
                payment.status = callback.status
                payment.provider_transaction = callback.transaction_id[:100]
                payment.save(update_fields=["status", "provider_transaction", "updated_at"])
            return Outcome(callback.status, payment)
        return _pay(provider, payment, callback)


def _pay(provider: PaymentProvider, payment: Payment, callback: Callback) -> Outcome:
    payment.provider_transaction = callback.transaction_id[:100]
    try:
        with transaction.atomic():
            dossier = actions.record_online_payment(
                payment.dossier, amount=payment.amount, provider=provider.code, reference=payment.order_id
            )
    except actions.ActionError as exc:
        # Money taken by the gateway but not acceptable any more (paid meanwhile at the counter, dossier
        # closed): keep the trace for a refund by staff.
        payment.status = PaymentStatus.FAILED
        payment.failure = exc.message[:255]
        payment.save(update_fields=["status", "failure", "provider_transaction", "updated_at"])
        log.error(
            "paid order could not be recorded, refund needed: provider=%s order=%s", provider.code, payment.order_id
        )
        return Outcome("refused_overpayment", payment)
    payment.status = PaymentStatus.PAID
    payment.paid_at = timezone.now()
    payment.save(update_fields=["status", "paid_at", "provider_transaction", "updated_at"])
    event = dossier.events.filter(action__in=["pay_online", "pay_obligation_online"]).order_by("-id").first()
    try:
        with transaction.atomic():
            receipts.try_issue_for_event(event, payment=payment)
    except Exception:  # a receipt failure must not undo money received; the command issues it later
        log.exception("receipt failed for order %s", payment.order_id)
    log.info("payment recorded: provider=%s order=%s dossier_id=%s", provider.code, payment.order_id, dossier.pk)
    return Outcome("paid", payment)


def handle_in_process(provider, params) -> Outcome | None:
    """The sandbox's fallback when no server answered its notification: same checks, same handler."""
    try:
        return process(provider, provider.verify_params(params), "notify")
    except CallbackRejected as exc:
        rejected(provider, "notify", exc, str(params.get("order_id", "")))
        return None
