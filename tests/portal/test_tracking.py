"""Public tracking at /tra-cuu/: by code only the status (nothing personal); with the lookup secret or as
the owner, the history in sentences and the due-date reasoning; wrong secrets rate limited and logged."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.utils import timezone

from motcua.dossiers import actions
from tests.dossiers.conftest import birth_intake

pytestmark = pytest.mark.django_db
PERSONAL = ("Nguyễn Văn An", "046090001234", "0912345678", "12 Lê Lợi")


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dossier(birth, staff):
    received = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    return actions.forward(received, actor=staff["counter"])


def test_tracking_by_code_shows_status_procedure_unit_and_due_date_and_nothing_personal(client, dossier):
    response = client.get("/tra-cuu/", {"ma": dossier.code})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đang xử lý" in body and "Thủ tục đăng ký khai sinh" in body
    assert dossier.receiving_unit.name in body
    assert timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") in body
    for value in PERSONAL:
        assert value not in body
    assert "Quá trình xử lý" not in body and dossier.lookup_secret not in body


def test_the_lookup_secret_shows_the_timeline_in_sentences_and_the_due_date_reasoning(client, dossier):
    body = client.get("/tra-cuu/", {"ma": dossier.code, "secret": dossier.lookup_secret.lower()}).content.decode()
    assert "Quá trình xử lý" in body
    assert "đã tiếp nhận hồ sơ; thời hạn giải quyết bắt đầu được tính." in body
    assert "Hồ sơ đã được chuyển đến cơ quan giải quyết." in body
    assert "Vì sao hẹn trả ngày này" in body
    assert "Không phải nộp phí, lệ phí." in body
    for value in PERSONAL:
        assert value not in body


def test_the_qr_payload_printed_on_forms_finds_the_dossier(client, dossier):
    from motcua.dossiers.forms.pdf import qr_payload

    body = client.get("/tra-cuu/", {"ma": qr_payload(dossier, "01")}).content.decode()
    assert "Đang xử lý" in body


def test_a_wrong_secret_gets_the_public_answer_and_is_logged_without_personal_data(client, dossier, caplog):
    with caplog.at_level(logging.WARNING, logger="motcua.portal.tracking"):
        body = client.get("/tra-cuu/", {"ma": dossier.code, "secret": "SAIMA123"}).content.decode()
    assert "Mã tra cứu không đúng" in body and "Quá trình xử lý" not in body
    assert "wrong lookup secret" in caplog.text
    assert dossier.code not in caplog.text and "SAIMA123" not in caplog.text
    for value in PERSONAL:
        assert value not in caplog.text


def test_wrong_secrets_are_rate_limited_per_client(client, dossier, settings):
    statuses = [client.get("/tra-cuu/", {"ma": dossier.code, "secret": f"SAI{i:05d}"}).status_code for i in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    body = client.get("/tra-cuu/", {"ma": dossier.code, "secret": dossier.lookup_secret}).content.decode()
    assert "Bạn đã tra cứu quá nhiều lần" in body and "Quá trình xử lý" not in body
    assert client.get("/tra-cuu/", {"ma": dossier.code}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_unknown_and_malformed_codes_are_explained(client, db):
    assert "không đúng định dạng" in client.get("/tra-cuu/", {"ma": "abc"}).content.decode()
    response = client.get("/tra-cuu/", {"ma": "000.01.41.H57-260101-0999"})
    assert response.status_code == 404 and "Không tìm thấy hồ sơ" in response.content.decode()


def test_the_owner_sees_the_full_history_of_an_online_submission_without_the_secret(client, citizen, birth, staff):
    dossier = actions.submit_online(birth_intake(birth, account=citizen), actor=citizen)
    body = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
    assert "Bạn đã nộp hồ sơ trực tuyến đến" in body and "Chưa có: hồ sơ đang chờ tiếp nhận" in body
    listing = client.get("/cong-dan/ho-so-cua-toi/").content.decode()
    assert dossier.code in listing and "Mới đăng ký" in listing
    actions.receive(dossier, actor=staff["counter"])
    assert "Được tiếp nhận" in client.get("/cong-dan/ho-so-cua-toi/").content.decode()


def test_an_outstanding_fee_is_shown_with_the_amount(client, dossier):
    type(dossier).objects.filter(pk=dossier.pk).update(fees_due=50000)
    body = client.get("/tra-cuu/", {"ma": dossier.code, "secret": dossier.lookup_secret}).content.decode()
    assert "Còn phải nộp: 50.000 đồng." in body
    assert f'href="/thanh-toan/{dossier.code}/?secret={dossier.lookup_secret}">Nộp phí trực tuyến</a>' in body


def test_a_qr_code_from_an_older_form_still_finds_the_dossier(client, dossier):
    body = client.get("/tra-cuu/", {"ma": f"MaHoSo={dossier.code};MaTTHC=1.001193;MauSo=01"}).content.decode()
    assert dossier.code in body and "Không tìm thấy" not in body
