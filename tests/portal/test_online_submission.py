"""Online submission: draft, uploads checked by their bytes, review, submit through the write path."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier, DossierChannel, Status
from motcua.portal.models import DraftFile, SubmissionDraft
from tests.portal.conftest import PDF_BYTES, PNG, unit

pytestmark = pytest.mark.django_db


def lines(birth):
    return {doc.name: doc for doc in birth.documents.all()}


def form_data(birth, **changes):
    data = {
        "full_name": "Trần Thị Bình",
        "id_number": "046190001111",
        "date_of_birth": "01/05/1990",
        "phone": "0912345678",
        "email": "binh@example.org",
        "address": "12 Lê Lợi, phường Thuận Hóa",
        "receiving_unit": str(unit("000.01.41.H57").pk),
        "result_delivery": "online",
        "delivery_address": "",
    }
    data.update(changes)
    return data


def open_draft(client, birth):
    response = client.get("/nop-ho-so/1.001193/")
    assert response.status_code == 302
    return SubmissionDraft.objects.get(), response["Location"]


def test_submitting_online_with_a_pdf_and_a_png_creates_a_status_1_dossier_for_the_account(
    client, citizen, birth, staff
):
    draft, url = open_draft(client, birth)
    page = client.get(url).content.decode()
    assert 'value="Trần Thị Bình"' in page and 'value="046190001111"' in page  # pre-filled from the profile
    docs = lines(birth)
    data = form_data(birth, **{"continue": "1"})
    data[f"doc-{docs['Tờ khai đăng ký khai sinh'].pk}"] = SimpleUploadedFile("to-khai.pdf", PDF_BYTES)
    data[f"doc-{docs['Giấy chứng sinh'].pk}"] = [
        SimpleUploadedFile("chung-sinh.png", PNG),
        SimpleUploadedFile("chung-sinh-2.pdf", PDF_BYTES),
    ]
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("/xem-lai/")
    review = client.get(response["Location"]).content.decode()
    assert "to-khai.pdf" in review and "chung-sinh.png" in review and "Trực tuyến toàn trình" in review
    response = client.post(f"{url}xem-lai/")
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/nop-ho-so/da-nop/{dossier.code}/"
    assert dossier.status == Status.NEW and dossier.channel == DossierChannel.ONLINE
    assert dossier.account == citizen and dossier.full_online
    assert dossier.receiving_unit == unit("000.01.41.H57")
    assert dossier.applicant.id_number == "046190001111"
    files = sorted((d.name, d.content_type) for d in dossier.documents.all())
    assert files == [
        ("Giấy chứng sinh", "application/pdf"),
        ("Giấy chứng sinh", "image/png"),
        ("Tờ khai đăng ký khai sinh", "application/pdf"),
    ]
    assert not SubmissionDraft.objects.exists() and not DraftFile.objects.exists()
    done = client.get(response["Location"]).content.decode()
    assert dossier.lookup_secret in done
    # The back office receives it: the counter officer of the receiving unit takes it (1 → 2).
    client.force_login(staff["counter"])
    client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/receive/", {"expected_revision": dossier.revision})
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_a_file_lying_about_its_type_is_refused_on_its_line_and_the_draft_keeps_the_rest(client, citizen, birth):
    draft, url = open_draft(client, birth)
    docs = lines(birth)
    data = form_data(birth, full_name="Trần Thị Bình Mới", **{"continue": "1"})
    tokhai = docs["Tờ khai đăng ký khai sinh"]
    data[f"doc-{tokhai.pk}"] = SimpleUploadedFile("to-khai.pdf", PDF_BYTES)
    data[f"doc-{docs['Giấy chứng sinh'].pk}"] = SimpleUploadedFile(
        "chung-sinh.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf"
    )
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Tệp “chung-sinh.pdf” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)" in body
    line_id = f"id_doc-{docs['Giấy chứng sinh'].pk}"
    assert f'aria-describedby="files-hint {line_id}_error"' in body
    assert 'value="Trần Thị Bình Mới"' in body  # what was typed is kept
    assert list(DraftFile.objects.values_list("original_name", flat=True)) == ["to-khai.pdf"]
    draft.refresh_from_db()
    assert draft.data["full_name"] == "Trần Thị Bình Mới"
    assert not Dossier.objects.exists()


def test_missing_fields_and_required_documents_are_explained_in_vietnamese(client, citizen, birth):
    _draft, url = open_draft(client, birth)
    data = form_data(birth, full_name="", result_delivery="post", delivery_address="", **{"continue": "1"})
    body = client.post(url, data).content.decode()
    assert "Bắt buộc nhập." in body
    assert "Nhập địa chỉ để bưu điện chuyển kết quả." in body
    assert body.count("Giấy tờ bắt buộc: hãy đính kèm ít nhất một tệp.") == 4  # summary and line, twice


def test_a_saved_draft_is_resumed_later_with_its_files(client, citizen, birth):
    draft, url = open_draft(client, birth)
    docs = lines(birth)
    data = form_data(birth, address="Thôn 3, xã Phú Vang", save="1")
    data[f"doc-{docs['Giấy chứng sinh'].pk}"] = SimpleUploadedFile("chung-sinh.png", PNG)
    assert client.post(url, data).status_code == 302
    # Later: the procedure page's link leads back to the same draft, listed in "my dossiers" too.
    assert client.get("/nop-ho-so/1.001193/")["Location"] == url
    assert "Tiếp tục soạn" in client.get("/cong-dan/ho-so-cua-toi/").content.decode()
    page = client.get(url).content.decode()
    assert 'value="Thôn 3, xã Phú Vang"' in page and "chung-sinh.png" in page
    assert SubmissionDraft.objects.count() == 1


def test_a_procedure_without_online_submission_is_refused(client, citizen, birth):
    version = birth
    type(version).objects.filter(pk=version.pk).update(online_level="none")
    assert client.get("/nop-ho-so/1.001193/").status_code == 403


def test_anonymous_visitors_are_asked_to_log_in_first(client, birth):
    response = client.get("/nop-ho-so/1.001193/")
    assert response.status_code == 302 and response["Location"].startswith("/cong-dan/dang-nhap/?next=")


def test_another_citizens_draft_is_not_found(client, citizen, birth, django_user_model):
    draft, url = open_draft(client, birth)
    other = django_user_model.objects.create_user("khac", password="x" * 12)
    from motcua.portal.models import CitizenProfile

    CitizenProfile.objects.create(user=other, id_number="046190009999")
    client.force_login(other)
    assert client.get(url).status_code == 404
