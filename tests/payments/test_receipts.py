"""Electronic receipts: numbering, content (PDF and XML), signatures, counter payments."""

from __future__ import annotations

import io
import logging
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from motcua.dossiers import actions
from motcua.dossiers.models import DossierEvent
from motcua.payments import receipts, signing
from motcua.payments.models import Receipt, ReceiptIssuer
from motcua.payments.numbering import next_receipt_number
from tests.dossiers.conftest import birth_intake, vn
from tests.payments.conftest import with_fee


def at(*args: int):
    return time_machine.travel(vn(*args), tick=False)


def collect(dossier, staff, amount: int, *when: int) -> Receipt:
    with at(*when):
        actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(amount))
    event = DossierEvent.objects.filter(dossier=dossier, action="collect_fee").latest("id")
    return receipts.issue_for_event(event)


def test_a_fee_collected_at_the_counter_gets_its_receipt_once_committed(
    dossier, issuer, staff, django_capture_on_commit_callbacks
):
    with at(2026, 3, 9, 9, 5), django_capture_on_commit_callbacks(execute=True):
        actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(50000), reference="quầy 1")
    receipt = Receipt.objects.get()
    assert receipt.method == "counter" and receipt.number == 1 and receipt.total == Decimal(50000)
    assert receipt.event.action == "collect_fee" and receipt.issuer == issuer
    assert receipt.lines == [{"kind": "Lệ phí", "name": "Lệ phí đăng ký khai sinh (bản sao)", "amount": "50000"}]
    event = receipt.event
    assert receipts.issue_for_event(event) == receipt, "one receipt per event"
    assert Receipt.objects.count() == 1


def test_a_financial_obligation_met_at_the_counter_gets_a_receipt(dossier, issuer, staff):
    with at(2026, 3, 9, 9, 5):
        dossier = actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(50000))
        dossier = actions.forward(dossier, actor=staff["counter"])
        dossier = actions.request_financial(
            dossier, actor=staff["specialist"], amount=Decimal(120000), reason="Lệ phí trước bạ"
        )
        actions.record_payment(dossier, actor=staff["counter"], amount=Decimal(120000))
    event = DossierEvent.objects.get(dossier=dossier, action="record_payment")
    receipt = receipts.issue_for_event(event)
    assert receipt.lines == [{"kind": "Nghĩa vụ tài chính", "name": "Lệ phí trước bạ", "amount": "120000"}]
    assert receipt.total_in_words == "Một trăm hai mươi nghìn đồng"


def test_numbers_are_gapless_per_series_and_restart_on_the_first_of_january(dossier, issuer, staff):
    numbers = [
        collect(dossier, staff, 10000, 2026, 3, 9, 10, 0),
        collect(dossier, staff, 10000, 2026, 12, 31, 10, 0),
        collect(dossier, staff, 10000, 2027, 1, 4, 8, 0),
        collect(dossier, staff, 10000, 2027, 1, 4, 9, 0),
    ]
    assert [(r.year, r.number_label) for r in numbers] == [
        (2026, "00000001"),
        (2026, "00000002"),
        (2027, "00000001"),
        (2027, "00000002"),
    ]


def test_a_rolled_back_receipt_gives_its_number_back(dossier, issuer, staff):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        collect(dossier, staff, 10000, 2026, 3, 9, 10, 0)
        raise Undo
    assert collect(dossier, staff, 10000, 2026, 3, 9, 11, 0).number == 1


def test_numbers_never_exceed_eight_digits(issuer):
    from motcua.payments.models import ReceiptSequence
    from motcua.payments.numbering import SequenceExhausted

    ReceiptSequence.objects.create(issuer=issuer, series=issuer.series, year=2026, last=99_999_999)
    with pytest.raises(SequenceExhausted), transaction.atomic():
        next_receipt_number(issuer, issuer.series, 2026)


def test_the_pdf_shows_every_mandatory_field_and_the_amount_in_words(dossier, issuer, staff):
    receipt = collect(dossier, staff, 50000, 2026, 3, 9, 10, 0)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.pdf.read())).pages)
    text = " ".join(text.split())
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "Mẫu số: 01BLP0-001",
        "Ký hiệu: TH-26E",
        "Số: 00000001",
        "Ủy ban nhân dân phường Thuận Hóa",
        "Mã số thuế: 3300123456",
        "Lệ phí đăng ký khai sinh (bản sao)",
        "50.000",
        "Năm mươi nghìn đồng",
        "Ngày 09 tháng 03 năm 2026",
        "Nguyễn Văn An",
        dossier.code,
        "Chữ ký số",
    ):
        assert expected in text, expected


def test_the_xml_carries_the_same_fields(dossier, issuer, staff):
    receipt = collect(dossier, staff, 50000, 2026, 3, 9, 10, 0)
    fields = receipts.parse_receipt_xml(receipt.xml.encode())
    assert fields == {
        "name": "Biên lai thu phí, lệ phí",
        "template_symbol": "01BLP0-001",
        "series": "TH-26E",
        "number": "00000001",
        "date": "2026-03-09",
        "currency": "VND",
        "method": "Nộp tại Bộ phận Một cửa",
        "issuer_name": "Ủy ban nhân dân phường Thuận Hóa",
        "tax_code": "3300123456",
        "payer_name": "Nguyễn Văn An",
        "dossier_code": dossier.code,
        "lines": [{"kind": "Lệ phí", "name": "Lệ phí đăng ký khai sinh (bản sao)", "amount": "50000"}],
        "total": "50000",
        "total_in_words": "Năm mươi nghìn đồng",
    }
    assert b"<ds:Signature" in receipt.xml.encode()


def _flip(data: bytes, at_index: int) -> bytes:
    return data[:at_index] + bytes([data[at_index] ^ 0x01]) + data[at_index + 1 :]


def test_one_changed_byte_breaks_the_signature_of_the_pdf_and_of_the_xml(dossier, issuer, staff):
    receipt = collect(dossier, staff, 50000, 2026, 3, 9, 10, 0)
    pdf, xml = receipt.pdf.read(), receipt.xml.encode()
    assert signing.verify_receipt(pdf) and signing.verify_receipt(xml)
    assert not signing.verify_receipt(_flip(pdf, pdf.index(b"stream") - 20))
    assert not signing.verify_receipt(_flip(pdf, len(pdf) // 3))
    assert not signing.verify_receipt(xml.replace(b"<STien>50000</STien>", b"<STien>50001</STien>"))
    assert not signing.verify_receipt(_flip(xml, xml.index(b"3300123456")))


def test_a_receipt_signed_with_another_key_is_not_accepted(dossier, issuer, staff):
    receipt = collect(dossier, staff, 50000, 2026, 3, 9, 10, 0)
    other = signing.make_test_certificate("Kẻ giả mạo")
    assert not signing.verify_receipt(receipt.pdf.read(), [other.certificate_pem])
    assert not signing.verify_receipt(receipt.xml.encode(), [other.certificate_pem])


def test_without_a_collecting_organisation_the_payment_stands_and_the_receipt_waits(
    dossier, staff, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING)
    with at(2026, 3, 9, 9, 5), django_capture_on_commit_callbacks(execute=True):
        dossier = actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(50000))
    assert dossier.fees_paid == Decimal(50000) and not Receipt.objects.exists()
    assert "receipt not issued" in caplog.text and dossier.applicant.full_name not in caplog.text


def test_the_command_issues_missing_receipts_once_configured(
    dossier, staff, django_capture_on_commit_callbacks, capsys
):
    with at(2026, 3, 9, 9, 5), django_capture_on_commit_callbacks(execute=True):
        actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(50000))
    call_command("payments", "test-certificate", "--unit", "000.01.41.H57", "--tax-code", "3300999999")
    issuer = ReceiptIssuer.objects.get()
    assert issuer.certificate_pem.startswith("-----BEGIN CERTIFICATE-----")
    with at(2026, 3, 9, 9, 30):
        call_command("payments", "issue-receipts")
        call_command("payments", "issue-receipts")
    assert Receipt.objects.get().issuer == issuer
    assert signing.verify_receipt(Receipt.objects.get().pdf.read())


def test_test_certificate_writes_pem_files(tmp_path):
    call_command("payments", "test-certificate", "--out", str(tmp_path / "keys"))
    assert (tmp_path / "keys" / "key.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert (tmp_path / "keys" / "cert.pem").stat().st_size > 500


def test_the_nearest_issuer_up_the_unit_tree_collects(dossier, issuer, hue):
    from tests.dossiers.conftest import unit

    center = unit("000.01.41.H57")
    assert receipts.issuer_for(center) == issuer
    assert receipts.issuer_for(unit("000.01.44.H57")) is None


def test_staff_see_receipts_of_their_units_in_the_receipt_book(client, dossier, issuer, staff):
    receipt = collect(dossier, staff, 50000, 2026, 3, 9, 10, 0)
    client.force_login(staff["counter"])
    with at(2026, 3, 10, 9, 0):
        page = client.get(reverse("backoffice:receipts:book"))
    assert page.status_code == 200 and receipt.number_label in page.content.decode()
    client.force_login(staff["counter_other"])
    with at(2026, 3, 10, 9, 0):
        other = client.get(reverse("backoffice:receipts:book"))
    assert other.status_code == 200 and receipt.number_label not in other.content.decode()


def test_receipts_are_not_found_by_a_guessable_key(client, dossier, issuer, staff):
    receipt = collect(dossier, staff, 50000, 2026, 3, 9, 10, 0)
    assert client.get(reverse("payments:receipt-pdf", args=[str(receipt.pk)])).status_code == 404
    assert client.get(reverse("payments:receipt-xml", args=["x" * 32])).status_code == 404
    assert client.get(reverse("payments:receipt-xml", args=[receipt.token])).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under real concurrency need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_get_gapless_unique_numbers(birth, staff, issuer):
    with_fee(birth, "10000")
    with at(2026, 3, 9, 9, 0):
        dossiers = [actions.receive_at_counter(birth_intake(birth), actor=staff["counter"]) for _ in range(12)]
    errors: list[Exception] = []
    barrier = threading.Barrier(4)

    def work(mine) -> None:
        try:
            barrier.wait()
            with at(2026, 3, 9, 10, 0):
                for dossier in mine:
                    with transaction.atomic():
                        actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(10000))
                        event = DossierEvent.objects.filter(dossier=dossier, action="collect_fee").latest("id")
                        receipts.issue_for_event(event)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(dossiers[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Receipt.objects.values_list("number", flat=True)) == list(range(1, 13))


def test_the_dossier_desk_lists_the_receipts_with_their_downloads(client, dossier, issuer, staff):
    receipt = collect(dossier, staff, 50000, 2026, 3, 9, 10, 0)
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 11, 0):
        page = client.get(reverse("backoffice:desk", args=[dossier.code]))
    text = page.content.decode()
    assert page.status_code == 200 and "Biên lai điện tử" in text
    assert reverse("payments:receipt-pdf", args=[receipt.token]) in text
    assert reverse("payments:receipt-xml", args=[receipt.token]) in text
