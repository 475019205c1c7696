"""What every payment-gateway plugin provides (one subclass per gateway: sandbox, VNPay, the national
payment platform…). A plugin only speaks its gateway's protocol: build the redirect, check the
gateway's signature on what comes back, ask the gateway for a status. Everything else — the order and
amount checks, replay safety, recording the payment through ``dossiers.actions`` and the receipt — is
done once for all plugins by ``motcua.payments.service``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.http import HttpRequest, HttpResponse, JsonResponse


class CallbackRejected(Exception):
    """A callback that must change nothing: bad signature, unknown order, wrong amount, malformed.

    ``reason`` is a short code for the log (never personal data); ``message`` is shown to the user."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Callback:
    """A gateway's answer whose signature has been verified."""

    order_id: str
    amount: Decimal
    status: str  # a PaymentStatus value: paid, failed or cancelled
    transaction_id: str
    digest: str  # SHA-256 of the signed message: the same message twice is a replay


class PaymentProvider:
    code: ClassVar[str]
    name: ClassVar[str]

    def create_payment(self, payment, request: HttpRequest) -> str:
        """Register ``payment`` with the gateway; return the URL to send the citizen's browser to."""
        raise NotImplementedError

    def verify_return(self, params) -> Callback:
        """Check the parameters the gateway put on the browser's return URL; raise ``CallbackRejected``."""
        raise NotImplementedError

    def verify_notification(self, request: HttpRequest) -> Callback:
        """Check the gateway's server-to-server notification (IPN); raise ``CallbackRejected``."""
        raise NotImplementedError

    def query_status(self, payment) -> str:
        """Ask the gateway what became of ``payment`` (a PaymentStatus value)."""
        raise NotImplementedError

    def acknowledge(self, outcome: str) -> HttpResponse:
        """The answer the gateway expects to a notification it should not send again."""
        return JsonResponse({"result": outcome})

    def reject(self, exc: CallbackRejected) -> HttpResponse:
        """The answer to a refused notification (400 with the reason in Vietnamese)."""
        return JsonResponse({"result": "rejected", "reason": exc.reason, "message": exc.message}, status=400)
