"""Signed e-results: a PDF result attached at approval is stored PAdES-signed with the key of the handling
unit (or its nearest ancestor); the public page ``/xac-thuc-ket-qua/`` tells an intact signed result from a
modified or unsigned one, and ``/xac-thuc-ket-qua/<sha256>/`` answers for a known result."""

from __future__ import annotations

import hashlib
from io import BytesIO

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from motcua.core import pdfsign
from motcua.dossiers import actions
from motcua.dossiers.models import DossierDocument
from motcua.payments.models import ReceiptIssuer
from motcua.payments.signing import verify_receipt
from tests import sample_files
from tests.dossiers.conftest import PDF, birth, birth_intake, hue, staff, unit, vn  # noqa: F401
from tests.portal.test_e_result import _processing

pytestmark = pytest.mark.django_db
ORG = "Ủy ban nhân dân phường Thuận Hóa"
PNG = sample_files.PNG
URL = "/xac-thuc-ket-qua/"


def result_pdf(text: str = "Giay khai sinh ban dien tu so 12/2026") -> bytes:
    out = BytesIO()
    page = canvas.Canvas(out, invariant=1, pageCompression=0)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


@pytest.fixture
def issuer(hue):  # noqa: F811
    """The ward committee's parent holds the key: the lookup climbs from the handling unit."""
    committee = unit("000.00.41.H57")
    keys = pdfsign.make_test_certificate("UBND phường Thuận Hóa (thử nghiệm)", organization=ORG)
    return ReceiptIssuer.objects.create(
        unit=committee.parent or committee,
        name=ORG,
        tax_code="3300123456",
        template_symbol="01BLP0-001",
        series="TH-26E",
        signing_key_pem=keys.key_pem.decode(),
        certificate_pem=keys.certificate_pem.decode(),
    )


def _approve(birth, staff, *documents):  # noqa: F811
    d = _processing(birth, staff)
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        return actions.approve(d, actor=staff["leader"], result_documents=list(documents))


def _doc(name: str, file_name: str, content: bytes) -> actions.SubmittedDocument:
    return actions.SubmittedDocument(None, name, file_name=file_name, content=content)


def _stored(document: DossierDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _check(client, data: bytes, name: str = "kq.pdf"):
    cache.clear()
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_a_pdf_result_is_stored_signed_by_the_units_organisation(birth, staff, issuer):  # noqa: F811
    original = result_pdf()
    d = _approve(birth, staff, _doc("Giấy khai sinh", "gks.pdf", original))
    document = d.documents.get(result=True)
    stored = _stored(document)
    assert stored != original and stored.startswith(original), "an incremental PAdES update of the upload"
    assert (
        document.signed
        and document.certificate_sha256
        == hashlib.sha256(pdfsign.certificate_der(issuer.certificate_pem.encode())).hexdigest()
    )
    assert document.sha256 == hashlib.sha256(stored).hexdigest() and document.size == len(stored)
    assert verify_receipt(stored, [issuer.certificate_pem.encode()])
    report = pdfsign.inspect_pdf(stored)
    assert report.state == pdfsign.INTACT and report.organisation == ORG


def test_the_page_confirms_an_intact_result_and_names_the_dossier_without_personal_data(client, birth, staff, issuer):  # noqa: F811
    d = _approve(birth, staff, _doc("Giấy khai sinh", "gks.pdf", result_pdf()))
    page = _check(client, _stored(d.documents.get(result=True)))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Văn bản có chữ ký số hợp lệ của {ORG}." in html
    assert "Chứng thư số có hiệu lực" in html and "từ " in html and " đến " in html
    assert f"Văn bản khớp với hồ sơ mã {d.code}" in html
    assert d.applicant.full_name not in html


def test_one_changed_byte_after_signing_is_reported_as_modified(client, birth, staff, issuer):  # noqa: F811
    d = _approve(birth, staff, _doc("Giấy khai sinh", "gks.pdf", result_pdf()))
    stored = _stored(d.documents.get(result=True))
    assert b"so 12/2026" in stored
    tampered = stored.replace(b"so 12/2026", b"so 13/2026", 1)
    html = _check(client, tampered).content.decode()
    assert "Văn bản đã bị sửa đổi sau khi ký" in html
    assert "Không tìm thấy văn bản kết quả này trong hệ thống" in html, "the changed file is not the stored one"


def test_an_unsigned_pdf_has_no_digital_signature(client, hue):  # noqa: F811
    html = _check(client, result_pdf("Ban in khong ky")).content.decode()
    assert "Không có chữ ký số" in html and "Không tìm thấy văn bản kết quả này trong hệ thống" in html


def test_without_a_configured_key_the_pdf_result_stays_unsigned(birth, staff):  # noqa: F811
    original = result_pdf()
    d = _approve(birth, staff, _doc("Giấy khai sinh", "gks.pdf", original))
    document = d.documents.get(result=True)
    stored = _stored(document)
    assert not document.signed and stored.startswith(original), "the upload, with only the QR stamp added"
    assert document.verification_code and document.sha256 == hashlib.sha256(stored).hexdigest()


def test_an_image_result_is_stored_unsigned(birth, staff, issuer):  # noqa: F811
    d = _approve(birth, staff, _doc("Ảnh giấy phép", "gp.png", PNG), _doc("Giấy khai sinh", "gks.pdf", result_pdf()))
    image = d.documents.get(result=True, content_type="image/png")
    assert not image.signed and image.certificate_sha256 == "" and _stored(image) == PNG
    assert d.documents.get(result=True, content_type="application/pdf").signed


def test_a_malformed_pdf_is_refused_when_it_must_be_signed(birth, staff, issuer):  # noqa: F811
    d = _processing(birth, staff)
    malformed = b"%PDF-1.4\n% test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(actions.InvalidAction, match="bị hỏng"):
        actions.approve(d, actor=staff["leader"], result_documents=[_doc("Kết quả", "kq.pdf", malformed)])
    assert not d.documents.filter(result=True).exists()


def test_the_hash_page_answers_for_a_known_result_and_404_otherwise(client, birth, staff, issuer):  # noqa: F811
    cache.clear()
    d = _approve(birth, staff, _doc("Giấy khai sinh", "gks.pdf", result_pdf()))
    document = d.documents.get(result=True)
    page = client.get(f"{URL}{document.sha256}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "có chữ ký số của cơ quan giải quyết" in html and f"Văn bản khớp với hồ sơ mã {d.code}" in html
    assert d.procedure.name in html and d.handling_unit.name in html
    assert d.applicant.full_name not in html
    missing = client.get(f"{URL}{'0' * 64}/")
    assert (
        missing.status_code == 404 and "Không tìm thấy văn bản kết quả này trong hệ thống" in missing.content.decode()
    )
    assert client.get(f"{URL}khong-phai-ma-bam/").status_code == 404


def test_a_non_pdf_upload_gets_a_field_error(client, hue):  # noqa: F811
    response = _check(client, PNG, name="anh.pdf")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Tệp không phải PDF" in html and 'class="field-error"' in html
    assert client.get(URL).status_code == 200
