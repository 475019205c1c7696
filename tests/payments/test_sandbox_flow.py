"""Paying a dossier online through the sandbox gateway, and callbacks that must change nothing."""

from __future__ import annotations

import logging
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from motcua.payments import signing
from motcua.payments.models import Payment, PaymentStatus, ProcessedCallback, Receipt
from motcua.payments.providers import sandbox
from tests.dossiers.conftest import vn

NOON = (2026, 3, 9, 12, 0)


def at(*args: int):
    return time_machine.travel(vn(*args), tick=False)


@pytest.fixture
def network(monkeypatch):
    """The gateway's server-to-server POST, delivered to this site through a second test client."""
    delivered: list[tuple[str, dict]] = []
    gateway_side = Client()

    def post(url: str, params: dict[str, str]) -> str:
        response = gateway_side.post(urlsplit(url).path, params)
        delivered.append((url, dict(params), response.status_code))
        return "delivered" if response.status_code == 200 else "refused"

    monkeypatch.setattr(sandbox, "notify", post)
    return delivered


def start(client: Client, dossier, choice: str = "pay"):
    """Start page → gateway page → the citizen presses a button; returns the gateway's response."""
    url = reverse("payments:start", args=[dossier.code])
    page = client.get(url, {"secret": dossier.lookup_secret})
    assert page.status_code == 200
    to_gateway = client.post(url, {"provider": "sandbox", "secret": dossier.lookup_secret})
    assert to_gateway.status_code == 302
    gateway_url = to_gateway["Location"]
    page = client.get(gateway_url)
    assert page.status_code == 200
    params = dict(parse_qsl(urlsplit(gateway_url).query))
    return page, client.post(urlsplit(gateway_url).path, {**params, "choice": choice})


def result_params(response) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(response["Location"]).query))


def test_the_whole_sandbox_flow_pays_once_and_issues_a_signed_receipt(client, dossier, issuer, network):
    with at(*NOON):
        page, paid = start(client, dossier)
        text = page.content.decode()
        assert "Thanh toán" in text and "Hủy" in text and "50.000" in text
        assert Payment.objects.get().order_id in text
        assert paid.status_code == 302 and paid["Location"].startswith("http://testserver/thanh-toan/tra-ve/sandbox/")
        assert [(status, params["status"]) for _url, params, status in network] == [(200, "paid")]
        back = client.get(paid["Location"])
    payment = Payment.objects.get()
    assert back.status_code == 302 and back["Location"] == reverse("payments:result", args=[payment.order_id])
    assert payment.status == PaymentStatus.PAID and payment.provider_transaction.startswith("SB")
    dossier.refresh_from_db()
    assert dossier.fees_paid == Decimal(50000) and dossier.status == 2
    assert dossier.events.filter(action="pay_online").count() == 1
    receipt = Receipt.objects.get()
    assert receipt.payment == payment and receipt.method == "online" and receipt.total == Decimal(50000)
    result = client.get(back["Location"])
    assert "Đã thanh toán 50.000 đồng" in result.content.decode()
    pdf = client.get(reverse("payments:receipt-pdf", args=[receipt.token]))
    xml = client.get(reverse("payments:receipt-xml", args=[receipt.token]))
    assert pdf["Content-Type"] == "application/pdf" and signing.verify_receipt(pdf.content)
    assert xml["Content-Type"].startswith("application/xml") and signing.verify_receipt(xml.content)
    assert set(ProcessedCallback.objects.values_list("kind", flat=True)) == {"notify", "return"}


def test_without_a_server_to_answer_the_notification_is_handled_in_process(client, dossier, issuer):
    with at(*NOON):
        _page, paid = start(client, dossier)  # Django's test client has no socket: "testserver" is unreachable
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID and Receipt.objects.filter(payment=payment).exists()
    assert ProcessedCallback.objects.filter(kind="notify").count() == 1


def test_cancel_on_the_gateway_records_nothing_but_the_cancellation(client, dossier, issuer, network):
    with at(*NOON):
        _page, cancelled = start(client, dossier, choice="cancel")
        result = client.get(client.get(cancelled["Location"])["Location"])
    assert Payment.objects.get().status == PaymentStatus.CANCELLED
    assert "Bạn đã hủy thanh toán" in result.content.decode()
    dossier.refresh_from_db()
    assert dossier.fees_paid == 0 and not Receipt.objects.exists()
    assert not dossier.events.filter(action="pay_online").exists()


def test_a_replayed_notification_is_acknowledged_without_paying_twice(client, dossier, issuer, network):
    with at(*NOON):
        _page, paid = start(client, dossier)
        _url, params, _status = network[0]
        again = Client().post(reverse("payments:notify", args=["sandbox"]), params)
    assert again.status_code == 200 and again.json()["result"] == "duplicate"
    dossier.refresh_from_db()
    assert dossier.fees_paid == Decimal(50000) and Receipt.objects.count() == 1
    assert dossier.events.filter(action="pay_online").count() == 1


def _tampered(network, **changes) -> dict[str, str]:
    _url, params, _status = network[0]
    return {**params, **changes}


@pytest.fixture
def created_payment(client, dossier, monkeypatch):
    """A payment started but not yet paid, and the signed 'paid' message the gateway would send."""
    sent: list[dict] = []
    monkeypatch.setattr(sandbox, "notify", lambda url, params: sent.append(dict(params)) or "refused")
    with at(*NOON):
        start(client, dossier)
    Payment.objects.update(status=PaymentStatus.CREATED)  # as if the refused notification never arrived
    sandbox.SandboxTransaction.objects.all().delete()
    return sent[0]


def _notify(params) -> object:
    with at(*NOON):
        return Client().post(reverse("payments:notify", args=["sandbox"]), params)


def _nothing_changed(dossier) -> None:
    dossier.refresh_from_db()
    assert dossier.fees_paid == 0 and not dossier.events.filter(action="pay_online").exists()
    assert Payment.objects.get().status == PaymentStatus.CREATED
    assert not Receipt.objects.exists() and not ProcessedCallback.objects.exists()


def test_a_notification_with_a_bad_signature_is_refused_and_changes_nothing(dossier, issuer, created_payment):
    response = _notify({**created_payment, "signature": "0" * 64})
    assert (
        response.status_code == 400 and response.json()["message"] == "Chữ ký của thông điệp thanh toán không hợp lệ."
    )
    _nothing_changed(dossier)


def test_a_notification_with_a_changed_amount_fails_its_signature(dossier, issuer, created_payment):
    response = _notify({**created_payment, "amount": "5000"})
    assert response.status_code == 400 and response.json()["reason"] == "bad_signature"
    _nothing_changed(dossier)


def test_a_correctly_signed_notification_for_another_amount_is_refused(dossier, issuer, created_payment):
    fields = {k: created_payment[k] for k in sandbox.RESULT_FIELDS}
    response = _notify(sandbox.signed({**fields, "amount": "5000"}, sandbox.RESULT_FIELDS))
    assert response.status_code == 400
    assert response.json()["message"] == "Số tiền thanh toán không khớp với số tiền của giao dịch."
    _nothing_changed(dossier)


def test_a_notification_for_an_unknown_order_is_refused(dossier, issuer, created_payment):
    fields = {k: created_payment[k] for k in sandbox.RESULT_FIELDS}
    response = _notify(sandbox.signed({**fields, "order_id": "MC00000000000000000000"}, sandbox.RESULT_FIELDS))
    assert response.status_code == 400 and response.json()["reason"] == "unknown_order"
    _nothing_changed(dossier)


def test_a_tampered_return_shows_a_clear_message_and_changes_nothing(client, dossier, issuer, created_payment):
    with at(*NOON):
        response = client.get(reverse("payments:return", args=["sandbox"]), {**created_payment, "amount": "1"})
    assert response.status_code == 400
    assert "Chữ ký của thông điệp thanh toán không hợp lệ." in response.content.decode()
    _nothing_changed(dossier)


def test_the_valid_return_alone_pays_when_the_notification_was_lost(client, dossier, issuer, created_payment):
    with at(*NOON):
        response = client.get(reverse("payments:return", args=["sandbox"]), created_payment)
    assert response.status_code == 302
    assert Payment.objects.get().status == PaymentStatus.PAID and Receipt.objects.count() == 1


def test_refused_callbacks_are_logged_without_personal_data(dossier, issuer, created_payment, caplog):
    caplog.set_level(logging.INFO)
    _notify({**created_payment, "signature": "f" * 64})
    fields = {k: created_payment[k] for k in sandbox.RESULT_FIELDS}
    _notify(sandbox.signed({**fields, "amount": "7"}, sandbox.RESULT_FIELDS))
    _notify(created_payment)
    rejected = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert len(rejected) == 2 and "reason=bad_signature" in rejected[0] and "reason=wrong_amount" in rejected[1]
    logged = " ".join(r.getMessage() for r in caplog.records)
    applicant = dossier.applicant
    for personal in (
        applicant.full_name,
        applicant.id_number,
        applicant.phone,
        applicant.address,
        dossier.lookup_secret,
    ):
        assert personal not in logged
    assert created_payment["signature"] not in logged


def test_the_start_page_is_for_the_owner_or_the_holder_of_the_lookup_secret(client, dossier, issuer):
    url = reverse("payments:start", args=[dossier.code])
    assert client.get(url).status_code == 404
    assert client.get(url, {"secret": "WRONG123"}).status_code == 404
    assert client.get(reverse("payments:start", args=["000.01.41.H57-260309-9999"])).status_code == 404
    page = client.get(url, {"secret": dossier.lookup_secret.lower()})
    assert page.status_code == 200 and "50.000 đồng" in page.content.decode()
    from tests.factories import UserFactory

    owner = UserFactory(username="congdan.an")
    type(dossier).objects.filter(pk=dossier.pk).update(account=owner)
    client.force_login(owner)
    assert client.get(url).status_code == 200


def test_nothing_outstanding_means_no_payment_is_started(client, dossier, issuer, staff):
    from motcua.dossiers import actions

    with at(*NOON):
        actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(50000))
        url = reverse("payments:start", args=[dossier.code])
        page = client.get(url, {"secret": dossier.lookup_secret})
        post = client.post(url, {"provider": "sandbox", "secret": dossier.lookup_secret})
    assert "không còn khoản phí, lệ phí nào phải nộp" in page.content.decode()
    assert post.status_code == 409 and not Payment.objects.exists()


def test_the_gateway_refuses_a_payment_request_it_did_not_sign(client, dossier, issuer):
    with at(*NOON):
        to_gateway = client.post(
            reverse("payments:start", args=[dossier.code]), {"provider": "sandbox", "secret": dossier.lookup_secret}
        )
        url = to_gateway["Location"].replace("amount=50000", "amount=1")
        assert client.get(url).status_code == 400


def test_a_disabled_gateway_gets_no_callbacks(client, dossier, settings):
    settings.MOTCUA_PAYMENT_PROVIDERS = []
    assert client.post(reverse("payments:notify", args=["sandbox"]), {}).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two threads writing need a real database server")
@pytest.mark.django_db(transaction=True)
def test_the_notification_is_a_real_http_post_when_a_server_answers(live_server, dossier, issuer, caplog):
    caplog.set_level(logging.INFO)
    host = urlsplit(live_server.url).netloc
    client = Client(HTTP_HOST=host)
    with at(*NOON):
        _page, paid = start(client, dossier)
    assert "notification delivered" in caplog.text
    assert Payment.objects.get().status == PaymentStatus.PAID and Receipt.objects.count() == 1
    assert paid["Location"].startswith(f"http://{host}/thanh-toan/tra-ve/sandbox/")
