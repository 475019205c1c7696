"""Counter intake: search, the generated checklist, per-field errors that keep what was typed, uploads."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Applicant, Dossier, Status
from tests.backoffice.conftest import MONDAY_9, at, intake_data
from tests.dossiers.conftest import PDF, unit

URL = "/can-bo/tiep-nhan/1.001193/"


def test_step_one_finds_the_procedure_without_diacritics(client, birth, staff):
    client.force_login(staff["counter"])
    page = client.get("/can-bo/tiep-nhan/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in page
    assert f'href="/can-bo/tiep-nhan/1.001193/?unit={unit("000.01.41.H57").pk}"' in page
    assert "Không có thủ tục nào" in client.get("/can-bo/tiep-nhan/", {"q": "xay dung nha"}).content.decode()


def test_a_specialist_cannot_open_the_counter(client, birth, staff):
    client.force_login(staff["specialist"])
    assert client.get("/can-bo/tiep-nhan/").status_code == 403
    assert client.get(URL).status_code == 403


def test_the_checklist_comes_from_the_procedure_version(client, birth, staff):
    client.force_login(staff["counter"])
    page = client.get(URL).content.decode()
    assert '<fieldset class="panel checklist' in page and "<legend" in page
    for line in birth.documents.all():
        assert line.name in page
        assert f'name="doc_{line.pk}_received"' in page and f'name="doc_{line.pk}_files"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "không giữ được tệp" in page


def test_happy_path_creates_the_dossier_and_opens_the_desk(client, birth, staff):
    client.force_login(staff["counter"])
    first = birth.documents.get(position=1)
    data = intake_data(birth)
    data[f"doc_{first.pk}_files"] = [
        SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("to-khai-trang-2.pdf", PDF, content_type="application/pdf"),
    ]
    with at(*MONDAY_9):
        response = client.post(URL, data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/?vua-lap=1"
    assert dossier.status == Status.RECEIVED
    assert dossier.receiving_unit == unit("000.01.41.H57")
    assert dossier.applicant.phone == "0912345678"
    documents = list(dossier.documents.order_by("id"))
    # The two scanned files of one line are its pages: one component, one merged PDF.
    assert [(d.name, d.count, bool(d.file), d.pages) for d in documents] == [
        ("Tờ khai đăng ký khai sinh", 1, True, 2),
        ("Giấy chứng sinh", 1, False, 0),
    ]
    assert documents[0].content_type == "application/pdf"
    with at(2026, 3, 9, 9, 1):
        desk = client.get(response["Location"]).content.decode()
    assert dossier.code in desk
    assert "In Giấy tiếp nhận (mẫu 01)" in desk
    assert f'href="/can-bo/ho-so/{dossier.code}/mau/01.pdf"' in desk
    assert "17:00 12/03/2026" in desk, "3 working days from Monday 09:00"


def test_missing_required_documents_redisplay_everything_typed(client, birth, staff):
    client.force_login(staff["counter"])
    second = birth.documents.get(position=2)
    data = intake_data(birth)
    del data[f"doc_{second.pk}_received"]
    data["submitter_name"] = "Trần Thị Bình"
    data["submitter_relation"] = "mẹ"
    with at(*MONDAY_9):
        response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert not Dossier.objects.exists()
    assert 'role="alert"' in page and 'href="#checklist"' in page
    assert "Hồ sơ chưa đủ thành phần bắt buộc: Giấy chứng sinh" in page
    assert "<li>Giấy chứng sinh</li>" in page
    for typed in ("Nguyễn Văn An", "046090001234", "01/05/1990", "12 Lê Lợi, phường Thuận Hóa", "Trần Thị Bình", "mẹ"):
        assert f'value="{typed}"' in page, typed
    first = birth.documents.get(position=1)
    assert f'name="doc_{first.pk}_received" id="id_doc_{first.pk}_received" checked' in page


def test_guidance_records_a_non_receipt_with_the_missing_documents(client, birth, staff):
    client.force_login(staff["counter"])
    second = birth.documents.get(position=2)
    data = intake_data(birth, decision="guidance")
    del data[f"doc_{second.pk}_received"]
    with at(*MONDAY_9):
        empty_reason = client.post(URL, data)
        assert empty_reason.status_code == 400 and "Ghi rõ nội dung cần bổ sung" in empty_reason.content.decode()
        response = client.post(URL, {**data, "reason": "Thiếu Giấy chứng sinh bản chính"})
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.status == Status.NOT_RECEIVED
    event = dossier.events.get()
    assert event.payload["missing"] == ["Giấy chứng sinh"] and event.payload["kind"] == "guidance"
    desk = client.get(response["Location"]).content.decode()
    assert "mau/02.pdf" in desk and "Thiếu Giấy chứng sinh bản chính" in desk


def test_malformed_id_phone_and_future_birth_date_are_reported_per_field(client, birth, staff):
    client.force_login(staff["counter"])
    data = intake_data(birth, id_number="04609000123", phone="12345", date_of_birth="01/01/2099", email="khong-hop-le")
    with at(*MONDAY_9):
        response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert (
        '<ul class="field-error" id="id_id_number_error"><li>Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số.'
        in page
    )
    assert '<ul class="field-error" id="id_phone_error"><li>Số điện thoại “12345” không hợp lệ' in page
    assert '<ul class="field-error" id="id_date_of_birth_error"><li>Ngày sinh ở tương lai.' in page
    assert '<ul class="field-error" id="id_email_error">' in page
    assert 'href="#id_id_number"' in page and 'href="#id_date_of_birth"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="04609000123"' in page and 'value="01/01/2099"' in page


def test_a_known_applicant_is_prefilled_by_id_number(client, birth, staff):
    Applicant.objects.create(
        full_name="Lê Thị Cúc", id_number="046190009999", phone="0987654321", address="5 Hùng Vương"
    )
    client.force_login(staff["counter"])
    page = client.get(URL, {"dinh_danh": "046190009999"}).content.decode()
    assert 'value="Lê Thị Cúc"' in page and 'value="0987654321"' in page and 'value="5 Hùng Vương"' in page
    assert "Đã điền thông tin của Lê Thị Cúc" in page
    unknown = client.get(URL, {"dinh_danh": "046190000000"}).content.decode()
    assert "Chưa có ai với số này" in unknown and 'value="046190000000"' in unknown


def test_a_file_that_is_not_really_a_pdf_is_refused(client, birth, staff):
    client.force_login(staff["counter"])
    first = birth.documents.get(position=1)
    data = intake_data(birth)
    data[f"doc_{first.pk}_files"] = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with at(*MONDAY_9):
        response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert "Tệp “to-khai.pdf” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)." in page
    assert f'id="id_doc_{first.pk}_files_error"' in page
    assert "Trình duyệt" in page or "trình duyệt" in page


def test_an_organisation_needs_a_valid_tax_code(client, birth, staff):
    client.force_login(staff["counter"])
    data = intake_data(birth, kind="organization", org_name="Công ty TNHH Hương Giang", tax_code="123")
    with at(*MONDAY_9):
        page = client.post(URL, data).content.decode()
    assert '<ul class="field-error" id="id_tax_code_error"><li>Mã số thuế phải gồm 10 chữ số' in page
    with at(*MONDAY_9):
        response = client.post(URL, {**data, "tax_code": "3300123456"})
    assert response.status_code == 302
    assert Dossier.objects.get().applicant.full_name == "Công ty TNHH Hương Giang"
