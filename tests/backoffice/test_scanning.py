"""Scanning at the counter: pages merged into one PDF per component, at intake, on the desk (scan or take from
the applicant's store), on the batch screen (one form per component, or a scanner's folder by file names)
and from a server folder with ``scan_import``."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image, ImageDraw
from pypdf import PdfReader

from motcua.core import files
from motcua.documents.scanning import group_scanner_files, merge_pages
from motcua.dossiers import actions
from motcua.dossiers.models import DocumentOrigin, Dossier
from tests.backoffice.conftest import MONDAY_9, at, intake_data
from tests.dossiers.conftest import birth_intake, unit, vn
from tests.sample_files import pdf_bytes


def page_png(text: str = "Trang", size: tuple[int, int] = (240, 320), mode: str = "RGB") -> bytes:
    """A scanned page: white paper with a line of text (an alpha channel when ``mode`` is RGBA)."""
    image = Image.new(mode, size, "white" if mode == "RGB" else (255, 255, 255, 0))
    ImageDraw.Draw(image).text((20, 20), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def page_jpeg(text: str = "Trang", size: tuple[int, int] = (240, 320), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((20, 20), text, fill="black")
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def receive(birth, staff, *contents: bytes | None, when=MONDAY_9, actor="counter", **changes) -> Dossier:
    """A counter receipt; ``contents`` gives each required line its scan (None: paper only)."""
    intake = birth_intake(birth, **changes)
    for document, content in zip(intake.documents, contents, strict=False):
        if content is not None:
            document.content, document.file_name = content, f"scan-{document.required_document_id}.pdf"
    with at(*when):
        return actions.receive_at_counter(intake, actor=staff[actor])


def desk_url(dossier: Dossier) -> str:
    return f"/can-bo/ho-so/{dossier.code}/"


def scan_url(dossier: Dossier) -> str:
    return f"/can-bo/ho-so/{dossier.code}/so-hoa/"


# --- merging pages ------------------------------------------------------------------------------------


def test_three_images_become_one_pdf_with_three_pages():
    pages = [("trang-1.png", page_png("1")), ("trang-2.jpg", page_jpeg("2")), ("trang-3.png", page_png("3"))]
    content, name = merge_pages(pages, name="Tờ khai đăng ký khai sinh")
    assert content.startswith(b"%PDF-") and pdf_pages(content) == 3
    assert name == "to-khai-dang-ky-khai-sinh.pdf"


def test_images_and_pdfs_keep_the_order_given():
    pages = [("a.png", page_png("a")), ("b.pdf", pdf_bytes("motcua page b", pages=2)), ("c.png", page_png("c"))]
    content, _name = merge_pages(pages, name="Giấy chứng sinh")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 4
    assert "motcua page b" in reader.pages[1].extract_text() and "motcua page b" in reader.pages[2].extract_text()


def test_a_png_with_transparency_is_flattened_on_white_paper():
    content, _name = merge_pages([("alpha.png", page_png("trong suot", mode="RGBA")), ("b.png", page_png())])
    assert pdf_pages(content) == 2
    files.check(content, "x.pdf")  # the merged file passes the one file policy


def test_an_exif_rotation_is_followed():
    content, _name = merge_pages([("nghieng.jpg", page_jpeg("xoay", size=(400, 200), orientation=6))])
    page = PdfReader(io.BytesIO(content)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (page.rotation in (90, 270)) != (height > width), "portrait once rotated"


def test_a_corrupt_page_is_refused_with_its_name():
    broken = page_png()[:120]
    with pytest.raises(files.FileRejected, match="“trang-2.png”") as refused:
        merge_pages([("trang-1.png", page_png()), ("trang-2.png", broken), ("trang-3.png", page_png())])
    assert refused.value.code == "corrupt"


def test_a_single_pdf_is_passed_through_unchanged():
    original = pdf_bytes("ban quet", pages=3)
    content, name = merge_pages([("giay-chung-sinh.pdf", original)], name="Giấy chứng sinh")
    assert content == original and name == "giay-chung-sinh.pdf"


def test_too_many_pages_are_refused_with_the_limit(settings):
    settings.MOTCUA_MAX_SCAN_PAGES = 2
    with pytest.raises(files.FileRejected, match="tối đa 2 trang"):
        merge_pages([(f"{n}.png", page_png()) for n in range(3)])
    with pytest.raises(files.FileRejected, match="tổng cộng 3 trang"):
        merge_pages([("a.pdf", pdf_bytes("x", pages=3))])


def test_scanner_file_names_are_grouped_by_component_and_page():
    code = "000.01.41.H57-260309-0001"
    groups, unmatched = group_scanner_files(
        [f"{code}_2_2.jpg", f"{code.lower()}_2_1.jpg", f"{code}_1.pdf", f"{code}_2.jpg", "anh.jpg", "Thumbs.db"]
    )
    assert [(g.code, g.position, g.names) for g in groups] == [
        (code, 1, [f"{code}_1.pdf"]),
        (code, 2, [f"{code}_2.jpg", f"{code.lower()}_2_1.jpg", f"{code}_2_2.jpg"]),
    ]
    assert unmatched == ["anh.jpg", "Thumbs.db"]


# --- intake at the counter ---------------------------------------------------------------------------


def test_two_pages_for_one_line_at_intake_give_one_component_with_a_two_page_pdf(client, birth, staff):
    client.force_login(staff["counter"])
    first = birth.documents.get(position=1)
    data = intake_data(birth)
    data[f"doc_{first.pk}_files"] = [upload("trang-1.png", page_png("1")), upload("trang-2.png", page_png("2"))]
    with at(*MONDAY_9):
        response = client.post(f"/can-bo/tiep-nhan/{birth.procedure.code}/", data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    rows = list(dossier.documents.order_by("pk"))
    assert len(rows) == 2
    scanned = rows[0]
    assert scanned.required_document_id == first.pk and scanned.count == 1
    assert scanned.origin == DocumentOrigin.SCAN and scanned.pages == 2 and scanned.content_type == files.PDF
    assert scanned.original_name == "to-khai-dang-ky-khai-sinh.pdf"
    assert pdf_pages(scanned.file.read()) == 2
    assert not dossier.input_digitised, "the birth certificate was received on paper only"


def test_the_intake_form_says_pages_are_merged(client, birth, staff):
    client.force_login(staff["counter"])
    page = client.get(f"/can-bo/tiep-nhan/{birth.procedure.code}/").content.decode()
    assert "Chọn các trang đã quét theo thứ tự; nhiều trang được ghép thành một tệp PDF" in page


def test_a_corrupt_page_at_intake_is_reported_on_its_line(client, birth, staff):
    client.force_login(staff["counter"])
    first = birth.documents.get(position=1)
    data = intake_data(birth)
    data[f"doc_{first.pk}_files"] = [upload("trang-1.png", page_png()), upload("trang-2.png", page_png()[:100])]
    with at(*MONDAY_9):
        response = client.post(f"/can-bo/tiep-nhan/{birth.procedure.code}/", data)
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert "Ảnh “trang-2.png” bị hỏng, không mở được." in response.content.decode()


# --- the desk -------------------------------------------------------------------------------------------


def test_the_desk_offers_a_scan_form_on_each_paper_only_component(client, birth, staff):
    dossier = receive(birth, staff, pdf_bytes("to khai"), None)
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 10, 0):
        page = client.get(desk_url(dossier)).content.decode()
    paper = dossier.documents.get(sha256="")
    scanned = dossier.documents.exclude(sha256="").get()
    assert page.count(f'action="{scan_url(dossier)}"') == 2, "one paper-only row and the extra component"
    assert f'name="document_id" value="{paper.pk}"' in page
    assert f'name="document_id" value="{scanned.pk}"' not in page
    assert "Số hóa tại Bộ phận Một cửa" in page and "1 trang" in page
    assert f"“scan-{scanned.required_document_id}.pdf”" in page, "the original file name"
    assert "Thêm thành phần đã số hóa" in page
    assert "multiple" in page and "Các trang đã quét" in page


def test_scanning_the_last_paper_component_on_the_desk_makes_the_dossier_digitised(client, birth, staff):
    dossier = receive(birth, staff, pdf_bytes("to khai"), None)
    paper = dossier.documents.get(sha256="")
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 10, 0):
        response = client.post(
            scan_url(dossier),
            {
                "document_id": paper.pk,
                "expected_revision": dossier.revision,
                "pages": [upload("1.png", page_png("1")), upload("2.jpg", page_jpeg("2"))],
            },
        )
        assert response.status_code == 302 and response["Location"] == desk_url(dossier)
        page = client.get(response["Location"]).content.decode()
    paper.refresh_from_db()
    dossier.refresh_from_db()
    assert paper.origin == DocumentOrigin.SCAN and paper.pages == 2 and paper.original_name == "giay-chung-sinh.pdf"
    assert dossier.input_digitised
    assert "Đã số hóa “Giấy chứng sinh” (2 trang). Hồ sơ đã được số hóa đủ thành phần." in page
    assert f'name="document_id" value="{paper.pk}"' not in page


def test_a_second_scan_of_the_same_component_is_refused(client, birth, staff):
    dossier = receive(birth, staff, pdf_bytes("to khai"), None)
    paper = dossier.documents.get(sha256="")
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 10, 0):
        client.post(
            scan_url(dossier),
            {"document_id": paper.pk, "expected_revision": dossier.revision, "pages": [upload("1.png", page_png("1"))]},
        )
        dossier.refresh_from_db()
        stale = client.post(
            scan_url(dossier),
            {"document_id": paper.pk, "expected_revision": dossier.revision, "pages": [upload("2.png", page_png("2"))]},
        )
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "“Giấy chứng sinh” đã có bản điện tử; tệp đã gắn vào hồ sơ không thay thế được." in page
    assert 'role="alert"' in page and "Chưa thực hiện được “Số hóa thành phần hồ sơ”" in page
    paper.refresh_from_db()
    assert paper.pages == 1


def test_a_page_from_an_older_view_of_the_dossier_is_a_conflict(client, birth, staff):
    dossier = receive(birth, staff, None, None)
    first, second = dossier.documents.order_by("pk")
    client.force_login(staff["counter"])
    shown = dossier.revision
    with at(2026, 3, 9, 10, 0):
        client.post(
            scan_url(dossier),
            {"document_id": first.pk, "expected_revision": shown, "pages": [upload("1.png", page_png())]},
        )
        response = client.post(
            scan_url(dossier),
            {"document_id": second.pk, "expected_revision": shown, "pages": [upload("2.png", page_png())]},
        )
    assert response.status_code == 409
    assert "Hồ sơ vừa được cán bộ khác cập nhật" in response.content.decode()
    second.refresh_from_db()
    assert not second.digitised


def test_missing_pages_are_reported_next_to_the_field(client, birth, staff):
    dossier = receive(birth, staff, None, None)
    paper = dossier.documents.order_by("pk").first()
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 10, 0):
        response = client.post(scan_url(dossier), {"document_id": paper.pk, "expected_revision": dossier.revision})
    assert response.status_code == 400
    page = response.content.decode()
    field_id = f"id_scan{paper.pk}_pages"
    assert f'id="{field_id}_error"' in page and "Chọn các trang đã quét" in page
    assert re.search(rf'<input[^>]*aria-describedby="[^"]*{field_id}_error"[^>]*id="{field_id}"', page) or re.search(
        rf'<input[^>]*id="{field_id}"[^>]*aria-describedby="[^"]*{field_id}_error"', page
    )
    assert f'id="so-hoa-{paper.pk}" open' in page


def test_a_document_from_the_applicants_store_is_attached_and_counted_as_reused(client, birth, staff):
    earlier = receive(birth, staff, pdf_bytes("to khai cu"), pdf_bytes("giay chung sinh cu", pages=2))
    source = earlier.documents.get(required_document__position=2)
    dossier = receive(birth, staff, pdf_bytes("to khai moi"), None, when=(2026, 3, 10, 9, 0))
    paper = dossier.documents.get(sha256="")
    client.force_login(staff["counter"])
    with at(2026, 3, 10, 10, 0):
        page = client.get(desk_url(dossier)).content.decode()
        assert "Lấy từ kho dữ liệu của chủ hồ sơ" in page
        assert (
            f'<option value="{source.pk}">Giấy chứng sinh — thành phần hồ sơ {earlier.code}, 2 trang</option>' in page
        )
        assert f"thành phần hồ sơ {dossier.code}" not in page, "this dossier's own rows are not offered"
        response = client.post(
            scan_url(dossier), {"document_id": paper.pk, "reuse_of": source.pk, "expected_revision": dossier.revision}
        )
        assert response.status_code == 302
        after = client.get(desk_url(dossier)).content.decode()
    paper.refresh_from_db()
    dossier.refresh_from_db()
    assert paper.reused_from_id == source.pk and paper.origin == DocumentOrigin.REUSE and paper.pages == 2
    assert dossier.reused_components == 1 and dossier.input_digitised
    assert "Đã lấy “Giấy chứng sinh” từ kho dữ liệu của chủ hồ sơ." in after
    assert "Cán bộ lấy từ kho dữ liệu" in after


def test_a_document_of_another_applicant_cannot_be_attached(client, birth, staff):
    mine = receive(birth, staff, pdf_bytes("cua toi"), pdf_bytes("cua toi 2"))
    stranger = receive(
        birth,
        staff,
        pdf_bytes("nguoi khac"),
        pdf_bytes("nguoi khac 2"),
        when=(2026, 3, 9, 9, 30),
        applicant=actions.ApplicantData(full_name="Trần Thị Bình", id_number="046090009999"),
    )
    dossier = receive(birth, staff, pdf_bytes("to khai"), None, when=(2026, 3, 10, 9, 0))
    paper = dossier.documents.get(sha256="")
    theirs = stranger.documents.order_by("pk").last()
    client.force_login(staff["counter"])
    with at(2026, 3, 10, 10, 0):
        page = client.get(desk_url(dossier)).content.decode()
        assert stranger.code not in page, "another applicant's store is not offered"
        assert mine.code in page, "the applicant's own store is offered"
        response = client.post(
            scan_url(dossier), {"document_id": paper.pk, "reuse_of": theirs.pk, "expected_revision": dossier.revision}
        )
    assert response.status_code == 400
    assert "Giấy tờ chọn từ kho dữ liệu không còn hoặc không thuộc kho của chủ hồ sơ này." in response.content.decode()
    paper.refresh_from_db()
    assert not paper.digitised and paper.reused_from_id is None


def test_an_extra_component_is_added_already_digitised(client, birth, staff):
    dossier = receive(birth, staff, pdf_bytes("to khai"), pdf_bytes("chung sinh"))
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 10, 0):
        response = client.post(
            scan_url(dossier),
            {
                "name": "Bản sao sổ hộ khẩu",
                "expected_revision": dossier.revision,
                "pages": [upload("a.png", page_png("a")), upload("b.png", page_png("b"))],
            },
        )
    assert response.status_code == 302
    extra = dossier.documents.get(name="Bản sao sổ hộ khẩu")
    assert extra.required_document_id is None and extra.pages == 2 and extra.origin == DocumentOrigin.SCAN


def test_an_officer_of_another_unit_gets_403(client, birth, staff):
    dossier = receive(birth, staff, None, None)
    paper = dossier.documents.order_by("pk").first()
    for name in ("counter_other", "specialist"):  # another ward's counter; the handling unit (sees, cannot receive)
        client.force_login(staff[name])
        with at(2026, 3, 9, 10, 0):
            response = client.post(
                scan_url(dossier),
                {
                    "document_id": paper.pk,
                    "expected_revision": dossier.revision,
                    "pages": [upload("1.png", page_png())],
                },
            )
        assert response.status_code == 403, name
    paper.refresh_from_db()
    assert not paper.digitised
    client.force_login(staff["specialist"])
    with at(2026, 3, 9, 10, 0):
        page = client.get(desk_url(dossier)).content.decode()
    assert f'action="{scan_url(dossier)}"' not in page


# --- the batch screen ------------------------------------------------------------------------------------


def test_the_batch_screen_lists_recent_dossiers_with_paper_components(client, birth, staff):
    paper = receive(birth, staff, pdf_bytes("to khai"), None)
    complete = receive(birth, staff, pdf_bytes("a"), pdf_bytes("b"), when=(2026, 3, 9, 9, 10))
    old = receive(birth, staff, None, None, when=(2026, 2, 2, 9, 0))
    other_unit = receive(
        birth, staff, None, None, when=(2026, 3, 9, 9, 20), receiving_unit=unit("000.01.44.H57"), actor="counter_other"
    )
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 15, 0):
        page = client.get("/can-bo/so-hoa/").content.decode()
        everything = client.get("/can-bo/so-hoa/?loc=1&received_from=01/02/2026&received_to=09/03/2026").content
    assert paper.code in page and complete.code not in page and old.code not in page and other_unit.code not in page
    assert "Hôm nay đã số hóa 3 thành phần hồ sơ" in page, "the scans given at intake today"
    assert "Còn 1 thành phần bản giấy" in page
    assert f"{paper.code}_2.jpg" in page, "the file name a scanner should give the paper component"
    assert "webkitdirectory" in page
    assert 'aria-current="page">Số hóa</a>' in page
    text = everything.decode()
    assert complete.code in text and old.code in text and other_unit.code not in text


def test_a_scan_from_the_batch_screen_returns_there(client, birth, staff):
    dossier = receive(birth, staff, None, None)
    paper = dossier.documents.order_by("pk").first()
    client.force_login(staff["counter"])
    with at(2026, 3, 9, 10, 0):
        response = client.post(
            scan_url(dossier),
            {
                "document_id": paper.pk,
                "expected_revision": dossier.revision,
                "next": "/can-bo/so-hoa/?loc=1&missing=on",
                "pages": [upload("1.png", page_png())],
            },
        )
        assert response.status_code == 302 and response["Location"] == "/can-bo/so-hoa/?loc=1&missing=on"
        page = client.get(response["Location"]).content.decode()
        failed = client.post(
            scan_url(dossier),
            {"document_id": paper.pk, "expected_revision": dossier.revision + 1, "next": "https://example.org/x"},
        )
    assert "Đã số hóa “Tờ khai đăng ký khai sinh” (1 trang)." in page
    assert failed.status_code == 400, "an outside address is not followed: the desk is shown"
    second = dossier.documents.order_by("pk").last()
    with at(2026, 3, 9, 10, 5):
        empty = client.post(
            scan_url(dossier),
            {"document_id": second.pk, "expected_revision": dossier.revision + 1, "next": "/can-bo/so-hoa/"},
        )
        assert empty.status_code == 302 and empty["Location"] == "/can-bo/so-hoa/"
        page = client.get("/can-bo/so-hoa/").content.decode()
    assert f"Hồ sơ {dossier.code}, “Giấy chứng sinh”: chưa số hóa được. Chọn các trang đã quét" in page


def test_a_scanner_folder_upload_reports_each_file(client, birth, staff):
    one = receive(birth, staff, pdf_bytes("to khai"), None)
    two = receive(birth, staff, None, None, when=(2026, 3, 9, 9, 10))
    elsewhere = receive(
        birth, staff, None, None, when=(2026, 3, 9, 9, 20), receiving_unit=unit("000.01.44.H57"), actor="counter_other"
    )
    client.force_login(staff["counter"])
    uploads = [
        upload(f"{one.code}_2.png", page_png("2a")),
        upload(f"{one.code}_2_2.png", page_png("2b")),
        upload(f"{one.code}_1.pdf", pdf_bytes("lan hai")),
        upload(f"{two.code}_1.png", page_png()[:90]),
        upload(f"{two.code}_9.png", page_png()),
        upload(f"{elsewhere.code}_1.png", page_png()),
        upload("000.01.41.H57-260309-0999_1.jpg", page_jpeg()),
        upload("ghi-chu.txt", b"hello"),
    ]
    with at(2026, 3, 9, 11, 0):
        response = client.post("/can-bo/so-hoa/tai-len/", {"files": uploads})
        assert response.status_code == 302
        page = client.get(response["Location"].split("#")[0]).content.decode()
        again = client.get("/can-bo/so-hoa/").content.decode()
    one.refresh_from_db()
    two.refresh_from_db()
    component = one.documents.get(required_document__position=2)
    assert component.pages == 2 and component.origin == DocumentOrigin.SCAN and one.input_digitised
    assert not two.documents.exclude(sha256="").exists()
    assert not elsewhere.documents.exclude(sha256="").exists()
    assert "Kết quả tải lên: 2 tệp đã gắn, 6 tệp chưa gắn" in page
    assert _report(page) == {
        f"{one.code}_2.png": "attached",
        f"{one.code}_2_2.png": "attached",
        f"{one.code}_1.pdf": "already",
        f"{two.code}_1.png": "bad_file",
        f"{two.code}_9.png": "unknown",
        f"{elsewhere.code}_1.png": "unknown",
        "000.01.41.H57-260309-0999_1.jpg": "unknown",
        "ghi-chu.txt": "unknown",
    }
    assert "Ảnh “" in page and "bị hỏng" in page
    assert f"Hồ sơ {two.code} chỉ có 2 thành phần, không có thành phần thứ 9." in page
    assert "Kết quả tải lên" not in again, "the report is shown once"


def _report(page: str) -> dict[str, str]:
    return {name: status for status, name in re.findall(r'<tr class="report-([a-z_]+)"><th[^>]*>([^<]+)</th>', page)}


# --- scan_import: a server folder -------------------------------------------------------------------------


@pytest.fixture
def scanner_folder(tmp_path, birth, staff):
    one = receive(birth, staff, pdf_bytes("to khai"), None)
    (tmp_path / f"{one.code}_2.png").write_bytes(page_png("a"))
    (tmp_path / f"{one.code}_2_2.jpg").write_bytes(page_jpeg("b"))
    (tmp_path / f"{one.code}_1.pdf").write_bytes(pdf_bytes("da co"))
    (tmp_path / "khong-ro.pdf").write_bytes(pdf_bytes("?"))
    return tmp_path, one


def test_scan_import_dry_run_reports_and_changes_nothing(scanner_folder, capsys):
    folder, dossier = scanner_folder
    before = sorted(p.name for p in folder.iterdir())
    with time_machine.travel(vn(2026, 3, 9, 11, 0), tick=False):
        call_command("scan_import", str(folder), "--unit", "000.01.41.H57", "--user", "tn.thuanhoa", "--dry-run")
    out = capsys.readouterr().out
    assert f"{dossier.code}_2.png [{dossier.code}]: Sẽ gắn (chạy thử). Sẽ gắn vào “Giấy chứng sinh” (2 trang)." in out
    assert f"{dossier.code}_1.pdf [{dossier.code}]: Đã số hóa từ trước." in out
    assert "khong-ro.pdf: Không nhận ra." in out
    assert "Tổng cộng 4 tệp: 2 tệp sẽ gắn được, 2 tệp không gắn được." in out
    assert sorted(p.name for p in folder.iterdir()) == before
    assert not dossier.documents.get(required_document__position=2).digitised


def test_scan_import_attaches_and_moves_files_to_done_and_failed(scanner_folder, capsys):
    folder, dossier = scanner_folder
    with time_machine.travel(vn(2026, 3, 9, 11, 0), tick=False):
        call_command("scan_import", str(folder), "--unit", "000.01.41.H57", "--user", "tn.thuanhoa")
    component = dossier.documents.get(required_document__position=2)
    assert component.pages == 2 and component.origin == DocumentOrigin.SCAN
    assert Dossier.objects.get(pk=dossier.pk).input_digitised
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == []
    assert sorted(p.name for p in (folder / "done").iterdir()) == [f"{dossier.code}_2.png", f"{dossier.code}_2_2.jpg"]
    failed = sorted(p.name for p in (folder / "failed").iterdir())
    assert failed == sorted(
        [f"{dossier.code}_1.pdf", f"{dossier.code}_1.pdf.ly-do.txt", "khong-ro.pdf", "khong-ro.pdf.ly-do.txt"]
    )
    reason = (folder / "failed" / f"{dossier.code}_1.pdf.ly-do.txt").read_text(encoding="utf-8")
    assert reason.startswith("Đã số hóa từ trước:") and "không thay thế được" in reason
    assert "Tổng cộng 4 tệp: 2 tệp đã gắn, 2 tệp không gắn được." in capsys.readouterr().out


def test_scan_import_refuses_an_officer_who_may_not_receive_there(scanner_folder):
    from django.core.management.base import CommandError

    folder, _dossier = scanner_folder
    with pytest.raises(CommandError, match="không có quyền tiếp nhận"):
        call_command("scan_import", str(folder), "--unit", "000.01.41.H57", "--user", "tn.phuvang")
