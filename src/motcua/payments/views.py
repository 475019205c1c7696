"""Citizen-facing payment pages, the gateways' callbacks, and receipt downloads.

Who may pay a dossier online: its owner signed in to the portal (``dossier.account``) or whoever holds
the dossier's lookup secret (printed on the receipt slip, form 01). Anyone else gets a 404, the same
as for a dossier that does not exist. Receipts are downloaded by their own random token, never by a
sequential id.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.dossiers.access import followed_dossier
from motcua.dossiers.models import Dossier
from motcua.payments import providers, service
from motcua.payments.models import Payment, Receipt

log = logging.getLogger("motcua.payments")


def _dossier_for_payer(request: HttpRequest, code: str) -> tuple[Dossier, str]:
    secret = request.POST.get("secret") or request.GET.get("secret") or ""
    found = followed_dossier(request.user, code, secret, Dossier.objects.select_related("procedure"))
    if found is None:
        raise Http404("Không tìm thấy hồ sơ, hoặc mã tra cứu không đúng.")
    return found


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    dossier, secret = _dossier_for_payer(request, code)
    enabled = providers.enabled()
    context = {
        "dossier": dossier,
        "secret": secret,
        "providers": enabled,
        "outstanding": service.outstanding(dossier),
        "receipts": dossier.receipts.order_by("issued_at", "id"),
        "problem": "",
    }
    try:
        service.check_payable(dossier)
    except service.CannotPay as exc:
        context["problem"] = exc.message
    if request.method == "GET" or context["problem"]:
        return render(request, "payments/start.html", context, status=409 if request.method == "POST" else 200)
    provider = providers.get(request.POST.get("provider", ""))
    if provider is None:
        context["problem"] = "Hãy chọn một cổng thanh toán."
        return render(request, "payments/start.html", context, status=400)
    _payment, url = service.start(dossier, provider, request)
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def gateway_return(request: HttpRequest, provider_code: str) -> HttpResponse:
    """The browser comes back from the gateway: verified like a notification (it may arrive first)."""
    provider = providers.get(provider_code)
    if provider is None:
        raise Http404("Không có cổng thanh toán này.")
    try:
        callback = provider.verify_return(request.GET)
        outcome = service.process(provider, callback, "return")
    except providers.CallbackRejected as exc:
        service.rejected(provider, "return", exc, request.GET.get("order_id", ""))
        return render(request, "payments/rejected.html", {"message": exc.message}, status=400)
    return HttpResponseRedirect(reverse("payments:result", args=[outcome.payment.order_id]))


@csrf_exempt  # a server-to-server call from the gateway: authenticated by its signature, not a cookie
@require_POST
def gateway_notify(request: HttpRequest, provider_code: str) -> HttpResponse:
    provider = providers.get(provider_code)
    if provider is None:
        raise Http404("Không có cổng thanh toán này.")
    try:
        callback = provider.verify_notification(request)
        outcome = service.process(provider, callback, "notify")
    except providers.CallbackRejected as exc:
        service.rejected(provider, "notify", exc, request.POST.get("order_id", ""))
        return provider.reject(exc)
    return provider.acknowledge(outcome.result)


@never_cache
@require_GET
def result(request: HttpRequest, order_id: str) -> HttpResponse:
    """After the gateway: the order id is random and known only to the payer's browser and the gateway."""
    payment = get_object_or_404(Payment.objects.select_related("dossier"), order_id=order_id)
    receipt = Receipt.objects.filter(payment=payment).first()
    if payment.status == "paid" and receipt is None:
        messages.info(request, "Biên lai điện tử đang được lập; vui lòng tải lại trang sau ít phút.")
    return render(request, "payments/result.html", {"payment": payment, "receipt": receipt})


def _receipt(token: str) -> Receipt:
    if len(token) < 20:
        raise Http404("Không tìm thấy biên lai.")
    return get_object_or_404(Receipt.objects.select_related("issuer"), token=token)


@never_cache
@require_GET
def receipt_pdf(request: HttpRequest, token: str) -> HttpResponse:
    receipt = _receipt(token)
    with receipt.pdf.open("rb") as file:
        content = file.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{receipt.series}-{receipt.number_label}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def receipt_xml(request: HttpRequest, token: str) -> HttpResponse:
    receipt = _receipt(token)
    response = HttpResponse(receipt.xml.encode(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bien-lai-{receipt.series}-{receipt.number_label}.xml"'
    response["Cache-Control"] = "private, no-store"
    return response
