"""A sandbox gateway that behaves like a real one, for demos, training and tests.

It has its own payment page (``/thanh-toan/sandbox/cong/``) showing the merchant, order and amount with
"Thanh toán" and "Hủy". Requests to it and answers from it are signed with HMAC-SHA256 over the sorted
``key=value`` pairs (the VNPay scheme) using ``MOTCUA_PAYMENT_SANDBOX_SECRET``. On pay or cancel it
records the outcome in its own ledger (``SandboxTransaction``, read by ``query_status``), sends the
server-to-server notification and redirects the browser to the merchant's return URL.

The notification is a real HTTP POST to the notify URL (built from the host the citizen used), as a
real gateway would send it: it goes through the whole stack — host checks, middleware, the notify
view's signature check — so what is tested is what a real gateway meets. Only if no server answers at
all (no socket: Django's test client, or a single-worker server busy serving this very request) is the
notification handed to the same handler in-process; a server that answers with an error is not
bypassed (a real gateway would retry later, and so can ``query_status``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.payments.models import PaymentStatus, SandboxTransaction
from motcua.payments.providers import register
from motcua.payments.providers.base import Callback, CallbackRejected, PaymentProvider

log = logging.getLogger(__name__)

CODE = "sandbox"
MAX_AGE = 24 * 3600  # a signed message older than a day is refused even if never seen
REQUEST_FIELDS = ("merchant", "order_id", "amount", "description", "return_url", "notify_url", "ts")
RESULT_FIELDS = ("order_id", "amount", "status", "transaction_id", "ts", "nonce")
NOTIFY_TIMEOUT = 3.0


def secret() -> bytes:
    return settings.MOTCUA_PAYMENT_SANDBOX_SECRET.encode()


def canonical(params, fields) -> str:
    return urlencode(sorted((k, str(params.get(k, ""))) for k in fields))


def sign(params, fields) -> str:
    return hmac.new(secret(), canonical(params, fields).encode(), hashlib.sha256).hexdigest()


def signed(params: dict[str, str], fields) -> dict[str, str]:
    return {**params, "signature": sign(params, fields)}


def check_signature(params, fields) -> str:
    given = str(params.get("signature", ""))
    expected = sign(params, fields)
    if not given or not hmac.compare_digest(given, expected):
        raise CallbackRejected("bad_signature", "Chữ ký của thông điệp thanh toán không hợp lệ.")
    try:
        age = time.time() - int(params.get("ts", ""))
    except ValueError:
        raise CallbackRejected("malformed", "Thông điệp thanh toán không đúng định dạng.") from None
    if age > MAX_AGE or age < -300:
        raise CallbackRejected("stale", "Thông điệp thanh toán đã hết hiệu lực.")
    return hashlib.sha256(expected.encode()).hexdigest()


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise CallbackRejected("malformed", "Số tiền trong thông điệp thanh toán không hợp lệ.") from None
    if amount <= 0 or amount != amount.to_integral_value():
        raise CallbackRejected("malformed", "Số tiền trong thông điệp thanh toán không hợp lệ.")
    return amount


@register
class SandboxProvider(PaymentProvider):
    code = CODE
    name = "Cổng thanh toán thử nghiệm (sandbox)"

    def create_payment(self, payment, request: HttpRequest) -> str:
        params = {
            "merchant": settings.MOTCUA_SITE_NAME,
            "order_id": payment.order_id,
            "amount": str(int(payment.amount)),
            "description": f"Nộp phí, lệ phí hồ sơ {payment.dossier.code}",
            "return_url": request.build_absolute_uri(reverse("payments:return", args=[CODE])),
            "notify_url": request.build_absolute_uri(reverse("payments:notify", args=[CODE])),
            "ts": str(int(time.time())),
        }
        return reverse("payments:sandbox-gateway") + "?" + urlencode(signed(params, REQUEST_FIELDS))

    def _verify(self, params) -> Callback:
        digest = check_signature(params, RESULT_FIELDS)
        status = params.get("status", "")
        if status not in (PaymentStatus.PAID, PaymentStatus.CANCELLED, PaymentStatus.FAILED):
            raise CallbackRejected("malformed", "Trạng thái thanh toán không hợp lệ.")
        return Callback(
            order_id=str(params.get("order_id", "")),
            amount=_amount(params.get("amount", "")),
            status=status,
            transaction_id=str(params.get("transaction_id", "")),
            digest=digest,
        )

    def verify_return(self, params) -> Callback:
        return self._verify(params)

    def verify_notification(self, request: HttpRequest) -> Callback:
        return self._verify(request.POST)

    def query_status(self, payment) -> str:
        row = SandboxTransaction.objects.filter(order_id=payment.order_id).first()
        return row.status if row else PaymentStatus.CREATED

    def verify_params(self, params) -> Callback:
        return self._verify(params)


# --- the gateway's own pages ----------------------------------------------------------------------------


def _same_origin(url: str, request: HttpRequest) -> bool:
    """The sandbox only serves this site: return and notify URLs must point back to the host it runs on."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc == request.get_host()


def notify(url: str, params: dict[str, str]) -> str:
    """POST the notification; "delivered", "refused" (the merchant answered an error) or "unreachable"."""
    body = urlencode(params).encode()
    http = urllib.request.Request(  # noqa: S310 - our own notify URL, checked by _same_origin
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=NOTIFY_TIMEOUT) as response:  # noqa: S310
            response.read()
        return "delivered"
    except urllib.error.HTTPError as exc:
        log.warning("sandbox notification answered with HTTP %s", exc.code)
        return "refused"
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
        return "unreachable"


@never_cache
@require_http_methods(["GET", "POST"])
def gateway(request: HttpRequest) -> HttpResponse:
    params = request.GET if request.method == "GET" else request.POST
    try:
        check_signature(params, REQUEST_FIELDS)
        amount = _amount(params.get("amount", ""))
    except CallbackRejected as exc:
        log.warning("sandbox gateway refused a payment request: reason=%s", exc.reason)
        return HttpResponseBadRequest(exc.message)
    if not (_same_origin(params["return_url"], request) and _same_origin(params["notify_url"], request)):
        return HttpResponseBadRequest("Địa chỉ trả về không thuộc trang của đơn vị chấp nhận thanh toán.")
    existing = SandboxTransaction.objects.filter(order_id=params["order_id"]).first()
    if request.method == "GET" or existing is not None:
        return render(
            request,
            "payments/sandbox_gateway.html",
            {"params": {k: params[k] for k in (*REQUEST_FIELDS, "signature")}, "amount": amount, "done": existing},
        )
    choice = request.POST.get("choice")
    if choice not in ("pay", "cancel"):
        return HttpResponseBadRequest("Hãy chọn “Thanh toán” hoặc “Hủy”.")
    status = PaymentStatus.PAID if choice == "pay" else PaymentStatus.CANCELLED
    row = SandboxTransaction.objects.create(
        order_id=params["order_id"], amount=amount, status=status, transaction_id="SB" + secrets.token_hex(8).upper()
    )
    result = signed(
        {
            "order_id": row.order_id,
            "amount": str(int(amount)),
            "status": status,
            "transaction_id": row.transaction_id,
            "ts": str(int(time.time())),
            "nonce": secrets.token_hex(8),
        },
        RESULT_FIELDS,
    )
    delivery = notify(params["notify_url"], result)
    if delivery == "unreachable":
        from motcua.payments import service

        service.handle_in_process(SandboxProvider(), result)
    log.info("sandbox gateway: order %s %s, notification %s", row.order_id, status, delivery)
    return HttpResponseRedirect(params["return_url"] + "?" + urlencode(result))
