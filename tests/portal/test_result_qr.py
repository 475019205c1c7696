"""The QR stamped on an e-result opens its public verification page; the signature covers the stamp."""
# ruff: noqa: F811  (pytest fixtures imported from other test modules)

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from django.core.cache import cache
from pypdf import PdfReader

from motcua.core import pdfsign
from motcua.dossiers.forms import stamp
from tests.dossiers.conftest import birth, birth_intake, hue, staff, unit, vn  # noqa: F401
from tests.portal.test_result_signing import _approve, _doc, issuer, result_pdf  # noqa: F401


def _qr_payloads(pdf_bytes: bytes) -> list[str]:
    """What the QR codes on the first page say, read back from the rendered page by a real decoder."""
    image = pypdfium2.PdfDocument(pdf_bytes)[0].render(scale=3).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_an_issued_pdf_result_carries_a_qr_to_its_verification_page_and_stays_validly_signed(
    client,
    birth,
    staff,
    issuer,  # noqa: F811
):
    cache.clear()
    d = _approve(birth, staff, _doc("Giấy khai sinh", "gks.pdf", result_pdf()))
    document = d.documents.get(result=True)
    assert len(document.verification_code) == 12 and document.signed
    with document.file.open("rb") as handle:
        data = handle.read()
    report = pdfsign.inspect_pdf(data)
    assert report.state == pdfsign.INTACT, "the signature covers the stamped file"
    assert _qr_payloads(data) == [stamp.verification_url(document.verification_code)]
    assert "Giay khai sinh" in PdfReader(io.BytesIO(data)).pages[0].extract_text(), "the content is kept"

    page = client.get(f"/xac-thuc-ket-qua/ma/{document.verification_code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Văn bản khớp với hồ sơ mã {d.code}" in html and document.sha256 in html
    assert d.applicant.full_name not in html
    assert client.get("/xac-thuc-ket-qua/ma/AAAAAAAAAAAA/").status_code == 404
    assert client.get("/xac-thuc-ket-qua/ma/khong-hop-le/").status_code == 404


def test_the_qr_payload_is_the_verification_address_of_the_document(settings):
    settings.MOTCUA_SITE_URL = "https://dichvucong.example.gov.vn"
    code = stamp.new_verification_code()
    assert stamp.verification_url(code) == f"https://dichvucong.example.gov.vn/xac-thuc-ket-qua/ma/{code}/"


def test_a_pdf_signed_before_upload_is_not_stamped_so_its_signature_survives():
    keys = pdfsign.make_test_certificate("Sở Tư pháp", organization="Sở Tư pháp")
    signed = pdfsign.sign_pdf(result_pdf(), keys, reason="Đã ký", location="Huế", field_name="Ky")
    assert stamp.stamp_qr(signed, "https://example/x/") == signed
    assert _qr_payloads(stamp.stamp_qr(result_pdf(), "https://example/x/")) == ["https://example/x/"]


@pytest.mark.parametrize("pages", [1, 3])
def test_stamping_keeps_every_page(pages):
    from tests.sample_files import pdf_bytes

    out = stamp.stamp_qr(pdf_bytes("Quyết định", pages=pages), "https://example/x/")
    assert len(PdfReader(io.BytesIO(out)).pages) == pages


def test_signing_works_inside_a_running_event_loop():
    """An async server (or Playwright's sync API in the browser tests) has a loop running in the thread."""
    import asyncio

    keys = pdfsign.make_test_certificate("Sở Tư pháp", organization="Sở Tư pháp")

    async def inside() -> bytes:
        return pdfsign.sign_pdf(result_pdf(), keys, reason="Đã ký", location="Huế")

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread of its own: the browser tests may hold this one's loop
        signed = pool.submit(lambda: asyncio.run(inside())).result()
    assert pdfsign.inspect_pdf(signed).state == pdfsign.INTACT
