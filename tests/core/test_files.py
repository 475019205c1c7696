"""The one file policy (core/files.py): what a document file must be, and how it is kept.

Every case uses real bytes — PDFs made by reportlab and re-saved by pikepdf, images made by Pillow — because
the policy opens and decodes what it accepts; a byte string that merely starts like a PDF is a damaged file.
"""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from motcua.core import files
from tests.sample_files import JPEG, PDF, PNG, image_bytes, pdf_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores into its own folder (FileSystemStorage re-reads MEDIA_ROOT when it changes)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_CLAMD = ""
    return settings.MEDIA_ROOT


def rejected(content: bytes, name: str = "") -> files.FileRejected:
    with pytest.raises(files.FileRejected) as info:
        files.check(content, name)
    return info.value


def encrypted_pdf(owner: str = "a", user: str = "b") -> bytes:
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(PDF)) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(owner=owner, user=user))
    return buffer.getvalue()


# --- type by bytes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, name, content_type",
    [
        (PDF, "to-khai.pdf", files.PDF),
        (JPEG, "anh-the.jpg", files.JPEG),
        (JPEG, "Anh-The.JPEG", files.JPEG),
        (JPEG, "luu-tu-trinh-duyet.jfif", files.JPEG),
        (PNG, "ban-chup.png", files.PNG),
        (PDF, "scan0001", files.PDF),  # scanners and phones often give no extension
        (PNG, "IMG_20260309.tmp", files.PNG),
    ],
)
def test_the_type_is_read_from_the_bytes_and_a_matching_name_is_accepted(content, name, content_type):
    checked = files.check(content, name)
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.original_name == name
    assert checked.suffix == files.SUFFIX[content_type]


def test_sniff_knows_pdf_jpeg_and_png_by_their_first_bytes_only():
    assert files.sniff(PDF) == files.PDF
    assert files.sniff(JPEG) == files.JPEG
    assert files.sniff(PNG) == files.PNG
    assert files.sniff(b"MZ\x90\x00") is None
    assert files.sniff(b"PK\x03\x04word/document.xml") is None
    assert files.sniff(b"") is None


def test_a_pdf_name_holding_png_bytes_is_refused_with_the_name_to_give_it():
    error = rejected(PNG, "giay-khai-sinh.pdf")
    assert error.code == "name_mismatch"
    assert error.message == (
        "Tệp “giay-khai-sinh.pdf” có đuôi “.pdf” nhưng nội dung là PNG: hãy đổi tên tệp cho đúng (….png) rồi gửi lại."
    )


def test_a_jpg_name_holding_a_pdf_is_refused():
    assert rejected(PDF, "anh.jpg").code == "name_mismatch"


@pytest.mark.parametrize(
    "content, name",
    [
        (b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode", "cai-dat.exe"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml word/document.xml", "don-de-nghi.docx"),
        (b"MZ\x90\x00\x03", "giay-to.pdf"),
    ],
)
def test_an_executable_or_office_file_is_refused_whatever_its_name(content, name):
    error = rejected(content, name)
    assert error.code == "type"
    assert error.message == f"Tệp “{name}” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)."


@pytest.mark.parametrize("name", ["giay-to.exe", "don.docx", "tai-lieu.pdf.exe"])
def test_a_pdf_under_an_executable_or_office_name_is_refused(name):
    error = rejected(PDF, name)
    assert error.code == "name_mismatch"
    assert "hãy đổi tên tệp cho đúng (….pdf)" in error.message


def test_only_the_allowed_types_are_accepted_where_the_caller_narrows_them():
    with pytest.raises(files.FileRejected, match="không phải PDF \\(kiểm tra theo nội dung tệp\\)"):
        files.check(PNG, "ket-qua.png", allowed=(files.PDF,))


def test_an_empty_file_is_refused():
    error = rejected(b"", "to-khai.pdf")
    assert (error.code, error.message) == ("empty", "Tệp “to-khai.pdf” rỗng.")


def test_a_file_without_a_name_is_called_the_attachment():
    assert rejected(b"").message == "Tệp đính kèm rỗng."


def test_a_path_sent_by_the_browser_is_reduced_to_the_file_name():
    assert files.clean_name("C:\\Users\\An\\Desktop\\to-khai.pdf") == "to-khai.pdf"
    assert files.clean_name("../../etc/passwd") == "passwd"
    assert files.clean_name("a" * 300 + ".pdf") == ("a" * 300 + ".pdf")[-255:]
    assert files.check(PDF, "C:\\scan\\to-khai.pdf").original_name == "to-khai.pdf"


# --- size limits per type -------------------------------------------------------------------------


def padded_pdf(size: int) -> bytes:
    """A real PDF grown to ``size`` bytes by a comment before its end (still opens, still ends in %%EOF)."""
    head, tail = PDF.rsplit(b"%%EOF", 1)
    filler = size - len(PDF) - 2
    return head + b"%" + b"x" * filler + b"\n%%EOF" + tail


def test_a_pdf_may_be_larger_than_an_image(settings):
    settings.MOTCUA_MAX_PDF_MB = 2
    settings.MOTCUA_MAX_IMAGE_MB = 1
    pdf = padded_pdf(int(1.5 * 1024 * 1024))
    assert files.check(pdf, "ho-so-nhieu-trang.pdf").size == len(pdf)
    photo = image_bytes("PNG") + b"\0" * int(1.5 * 1024 * 1024)  # trailing bytes after IEND: still decodes
    error = rejected(photo, "anh.png")
    assert error.code == "size"
    assert error.message == ("Tệp “anh.png” nặng 1,5 MB, quá giới hạn (PDF tối đa 2 MB, ảnh JPEG/PNG tối đa 1 MB).")


def test_a_pdf_over_its_limit_is_refused_before_it_is_opened(settings):
    settings.MOTCUA_MAX_PDF_MB = 1
    error = rejected(b"%PDF-1.7\n" + b"x" * (1024 * 1024), "lon.pdf")  # not even a PDF past its header
    assert error.code == "size"
    assert "quá giới hạn (PDF tối đa 1 MB" in error.message


def test_the_limit_of_an_unknown_type_is_the_largest_one(settings):
    settings.MOTCUA_MAX_PDF_MB = 3
    settings.MOTCUA_MAX_IMAGE_MB = 5
    assert files.limit_bytes(files.PDF) == 3 * 1024 * 1024
    assert files.limit_bytes(files.JPEG) == files.limit_bytes(files.PNG) == 5 * 1024 * 1024
    assert files.limit_bytes(None) == 5 * 1024 * 1024
    assert files.limits_text() == "PDF tối đa 3 MB, ảnh JPEG/PNG tối đa 5 MB"


# --- damaged and locked files ---------------------------------------------------------------------


def test_a_pdf_that_does_not_open_is_refused_as_damaged():
    error = rejected(b"%PDF-1.4\n1 0 obj <<>> endobj\ngarbage\n%%EOF\n", "hong.pdf")
    assert (error.code, error.message) == ("corrupt", "Tệp “hong.pdf” bị hỏng, không mở được như một tệp PDF.")


@pytest.mark.parametrize("kept", [0.5, 0.9, 0.99])
def test_a_pdf_cut_off_during_upload_is_refused_even_when_it_could_be_repaired(kept):
    # qpdf rebuilds a PDF that lost its cross-reference table, so pikepdf alone would open the first cases.
    whole = pdf_bytes("trang", pages=3)
    error = rejected(whole[: int(len(whole) * kept)], "cat-ngang.pdf")
    assert error.code == "corrupt"
    assert "chưa tải lên hết" in error.message


def test_a_pdf_with_a_password_to_open_is_refused():
    error = rejected(encrypted_pdf(owner="a", user="b"), "co-mat-khau.pdf")
    assert error.code == "encrypted"
    assert error.message == (
        "Tệp “co-mat-khau.pdf” được đặt mật khẩu: cán bộ không mở, nhận dạng chữ và lưu trữ được. "
        "Hãy gửi bản không đặt mật khẩu."
    )


def test_a_pdf_encrypted_with_only_an_owner_password_is_refused_too():
    # It opens without a password, but its streams are encrypted: OCR tools and a PDF/A archive refuse it.
    assert rejected(encrypted_pdf(owner="a", user=""), "han-che-in.pdf").code == "encrypted"


def test_a_pdf_without_pages_is_refused():
    buffer = io.BytesIO()
    pikepdf.new().save(buffer)
    assert rejected(buffer.getvalue(), "trong.pdf").message == "Tệp “trong.pdf” không có trang nào."


def test_a_multi_page_pdf_reports_its_pages():
    assert files.check(pdf_bytes("a", pages=4), "bon-trang.pdf").pages == 4


def noisy(kind: str) -> bytes:
    """A photo-like image (noise does not compress): a cut lands inside the pixel data."""
    buffer = io.BytesIO()
    Image.effect_noise((320, 240), 60).convert("RGB").save(buffer, format=kind)
    return buffer.getvalue()


@pytest.mark.parametrize("kind, name", [("PNG", "anh.png"), ("JPEG", "anh.jpg")])
@pytest.mark.parametrize("kept", [0.5, 0.98])
def test_a_truncated_image_is_refused_as_damaged(kind, name, kept):
    whole = noisy(kind)
    assert files.check(whole, name).pages == 1
    error = rejected(whole[: int(len(whole) * kept)], name)
    assert (error.code, error.message) == ("corrupt", f"Ảnh “{name}” bị hỏng, không mở được.")


def test_a_jpeg_missing_only_its_end_marker_is_refused():
    assert rejected(noisy("JPEG")[:-2], "anh.jpg").code == "corrupt"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_claiming_too_many_pixels_is_refused_before_it_is_decoded():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")  # 100 million pixels in ~15 KB
    assert len(buffer.getvalue()) < 100_000
    error = rejected(buffer.getvalue(), "bom.png")
    assert error.code == "size"
    assert "quá nhiều điểm ảnh" in error.message


def test_an_image_header_on_garbage_is_refused():
    assert rejected(b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "anh.png").code == "corrupt"


# --- content-addressed storage --------------------------------------------------------------------


def test_a_file_is_stored_under_the_hash_of_its_bytes_not_its_name(media):
    checked = files.check(PDF, "Giấy khai sinh (bản sao).pdf")
    name = files.store(checked)
    digest = hashlib.sha256(PDF).hexdigest()
    assert name == f"documents/{digest[:2]}/{digest[2:4]}/{digest}.pdf"
    assert "khai" not in name
    assert (media / name).read_bytes() == PDF


def test_the_same_bytes_are_stored_once_whatever_their_names(media):
    first = files.store(files.check(PDF, "to-khai.pdf"))
    second = files.store(files.check(PDF, "ban-sao-to-khai.pdf"))
    assert first == second
    stored = [path for path in (media / "documents").rglob("*") if path.is_file()]
    assert stored == [media / first]


def test_different_bytes_get_different_names():
    names = {
        files.store(files.check(PDF, "a.pdf")),
        files.store(files.check(pdf_bytes("another page"), "a.pdf")),
        files.store(files.check(PNG, "a.png")),
        files.store(files.check(JPEG, "a.jpg")),
    }
    assert len(names) == 4
    assert {name.rsplit(".", 1)[1] for name in names} == {"pdf", "png", "jpg"}


def test_a_stored_file_reads_back_byte_for_byte():
    for content, name in ((PDF, "a.pdf"), (PNG, "b.png"), (JPEG, "c.jpg")):
        assert files.read(files.store(files.check(content, name))) == content


def test_a_file_already_in_storage_is_not_written_again(media):
    """The name is the content: a file found under it is the same bytes (left by an earlier or a twin request)."""
    checked = files.check(PDF, "to-khai.pdf")
    name = files.storage_name(checked.sha256, checked.content_type)
    (media / name).parent.mkdir(parents=True)
    (media / name).write_bytes(PDF)
    assert files.store(checked) == name
    assert [p.name for p in (media / name).parent.iterdir()] == [name.rsplit("/", 1)[1]]
    assert default_storage.exists(name)
