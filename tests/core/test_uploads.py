"""An oversized upload is cut off while it streams in, and the page says so and keeps what was typed.

The requests go through Django's real multipart parser and the handler chain of ``FILE_UPLOAD_HANDLERS``
(the test client and RequestFactory build a real multipart body). Limits are set small (1 MB) so a 3 MB
body stands for the 500 MB one without allocating it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from motcua.core import files, uploads
from motcua.dossiers.models import Dossier
from motcua.portal.models import DraftFile, SubmissionDraft
from tests.backoffice.conftest import MONDAY_9, at, intake_data
from tests.dossiers.conftest import birth, hue, staff  # noqa: F401 (fixtures used below)
from tests.portal.conftest import citizen  # noqa: F401 (fixture used below)
from tests.sample_files import PDF, PNG

MB = 1024 * 1024
TOO_LARGE = "quá lớn (PDF tối đa 1 MB, ảnh JPEG/PNG tối đa 1 MB)"


@pytest.fixture
def small_limits(settings, tmp_path):
    """1 MB per file; uploads over 64 KB go to temporary files in a folder the test can look into."""
    settings.MOTCUA_MAX_PDF_MB = 1
    settings.MOTCUA_MAX_IMAGE_MB = 1
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "upload-tmp"


def big_pdf(size: int = 3 * MB) -> bytes:
    head, tail = PDF.rsplit(b"%%EOF", 1)
    return head + b"%" + b"x" * (size - len(PDF) - 2) + b"\n%%EOF" + tail


def test_the_handler_is_first_in_the_chain(settings):
    assert settings.FILE_UPLOAD_HANDLERS[0] == "motcua.core.uploads.LimitedUploadHandler"
    assert "django.core.files.uploadhandler.TemporaryFileUploadHandler" in settings.FILE_UPLOAD_HANDLERS


def test_a_file_over_its_limit_is_cut_off_and_its_partial_temporary_file_deleted_at_once(small_limits):
    data = {
        "scan": SimpleUploadedFile("ho-so-day.pdf", big_pdf()),
        "note": "sau tệp",
        "ok": SimpleUploadedFile("anh.png", PNG),
    }
    request = RequestFactory().post("/", data)
    request.FILES  # noqa: B018 - reading it runs the multipart parser
    refused = request.FILES["scan"]
    assert isinstance(refused, uploads.RefusedUpload)
    assert refused.name == "ho-so-day.pdf" and refused.size == len(big_pdf())
    assert uploads.refusal(refused) == f"Tệp “ho-so-day.pdf” {TOO_LARGE}"
    with pytest.raises(files.FileRejected):
        refused.read()  # never empty bytes that could be stored as if they were the file
    assert request.POST["note"] == "sau tệp"  # fields after the file are still read
    assert request.FILES["ok"].read() == PNG and uploads.refusal(request.FILES["ok"]) == ""
    # While the request is open, only the accepted PNG is on disk: nothing of the refused 3 MB remains.
    assert list(small_limits.iterdir()) == [Path(request.FILES["ok"].temporary_file_path())]


def test_a_file_within_its_limit_goes_to_a_temporary_file_as_before(small_limits):
    scan = big_pdf(900 * 1024)
    request = RequestFactory().post("/", {"scan": SimpleUploadedFile("to-khai.pdf", scan)})
    upload = request.FILES["scan"]
    assert upload.temporary_file_path().startswith(str(small_limits))
    assert upload.read() == scan and uploads.refusal(upload) == ""


def test_a_request_over_the_total_cap_keeps_no_file_but_every_field(settings, small_limits):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100 * 1024
    settings.MOTCUA_MAX_REQUEST_MB = 1  # raised to one largest file + the fields: 1 MB + 100 KB + 1 MB
    assert uploads.max_request_bytes() == 2 * MB + 100 * 1024
    pages = [SimpleUploadedFile(f"trang-{n}.pdf", big_pdf(800 * 1024)) for n in range(1, 4)]  # 2.3 MB in all
    request = RequestFactory().post("/", {"pages": pages, "full_name": "Nguyễn Văn An"})
    refused = request.FILES.getlist("pages")
    assert [type(upload) for upload in refused] == [uploads.RefusedUpload] * 3
    assert uploads.refusal(refused[0]).startswith("Tệp “trang-1.pdf” chưa được nhận vì cả lần gửi quá lớn (2,3 MB;")
    assert "mỗi lần gửi tối đa 2,1 MB: hãy gửi bớt tệp" in uploads.refusal(refused[0])
    assert request.POST["full_name"] == "Nguyễn Văn An"
    assert list(small_limits.iterdir()) == []


def test_a_plain_upload_over_the_limit_is_refused_by_the_same_check(small_limits):
    """Where the handler did not run (a file built in code), the size alone gives the same message."""
    assert uploads.refusal(SimpleUploadedFile("lon.pdf", big_pdf(2 * MB))) == f"Tệp “lon.pdf” {TOO_LARGE}"
    assert uploads.refusal(SimpleUploadedFile("nho.pdf", PDF)) == ""


# --- what the person sees -------------------------------------------------------------------------


def test_the_desk_intake_reports_the_oversized_scan_and_keeps_what_was_typed(client, birth, staff, small_limits):  # noqa: F811
    client.force_login(staff["counter"])
    first = birth.documents.get(position=1)
    # The file first: every field after it must still arrive.
    data = {f"doc_{first.pk}_files": SimpleUploadedFile("ho-so-day.pdf", big_pdf()), **intake_data(birth)}
    data["submitter_name"] = "Trần Thị Bình"
    with at(*MONDAY_9):
        response = client.post("/can-bo/tiep-nhan/1.001193/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert not Dossier.objects.exists()
    assert f"Tệp “ho-so-day.pdf” {TOO_LARGE}." in page
    assert f'id="id_doc_{first.pk}_files_error"' in page
    for typed in ("Nguyễn Văn An", "046090001234", "01/05/1990", "12 Lê Lợi, phường Thuận Hóa", "Trần Thị Bình"):
        assert f'value="{typed}"' in page, typed


def test_the_portal_draft_reports_the_oversized_file_and_keeps_the_rest(client, citizen, birth, small_limits):  # noqa: F811
    response = client.get("/nop-ho-so/1.001193/")
    draft, url = SubmissionDraft.objects.get(), response["Location"]
    lines = {doc.name: doc for doc in birth.documents.all()}
    data = {
        f"doc-{lines['Tờ khai đăng ký khai sinh'].pk}": SimpleUploadedFile("to-khai-quet.pdf", big_pdf()),
        f"doc-{lines['Giấy chứng sinh'].pk}": SimpleUploadedFile("chung-sinh.png", PNG),
        "full_name": "Trần Thị Bình Mới",
        "id_number": "046190001111",
        "phone": "0912345678",
        "address": "12 Lê Lợi, phường Thuận Hóa",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert f"Tệp “to-khai-quet.pdf” {TOO_LARGE}, chưa được lưu." in body
    assert list(DraftFile.objects.values_list("original_name", flat=True)) == ["chung-sinh.png"]
    draft.refresh_from_db()
    assert draft.data["full_name"] == "Trần Thị Bình Mới"
    assert draft.data["address"] == "12 Lê Lợi, phường Thuận Hóa"
