"""The back office's search by words in documents, the OCR state on the desk and the searchable PDF's download.

The rows are written here as the OCR would leave them (test_ocr.py runs the real engine end to end), so these
tests run without Tesseract."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from motcua.backoffice.document_search import snippet
from motcua.documents.models import DocumentText, TextStatus
from motcua.dossiers import actions
from motcua.dossiers.actions import SubmittedDocument
from motcua.dossiers.models import DossierDocument
from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.conftest import PDF, birth_intake, vn
from tests.factories import UserFactory

hue = dossier_fixtures.hue
birth = dossier_fixtures.birth
staff = dossier_fixtures.staff

SEARCH = "/can-bo/tim-trong-giay-to/"
BIRTH_TEXT = """ỦY BAN NHÂN DÂN PHƯỜNG THUẬN HÓA
GIẤY KHAI SINH
Họ, chữ đệm, tên: Nguyễn Thị Hương
Ngày, tháng, năm sinh: 02/01/2026
Họ và tên cha: Nguyễn Văn An, số định danh cá nhân 046090001234, điện thoại 0912 345 678"""
MARRIAGE_TEXT = """Giấy chứng nhận kết hôn
Họ, chữ đệm, tên chồng: Trần Văn Bình
Họ, chữ đệm, tên vợ: Lê Thị Hoa"""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def received(birth, staff, text: str | None, status: str = TextStatus.DONE, **fields):
    """A birth registration received at Thuận Hóa with a scanned component whose OCR left ``text``."""
    intake = birth_intake(birth)
    line = intake.documents[0].required_document_id
    intake.documents[0] = SubmittedDocument(line, count=1, file_name="giay-to.pdf", content=PDF)
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        dossier = actions.receive_at_counter(intake, actor=staff["counter"])
    document = dossier.documents.exclude(file="").get()
    if text is not None:
        row = DocumentText(document=document, status=status, pages=1, attempts=1, language="vie+eng", **fields)
        row.set_text(text)
        row.save()
    return dossier, document


def results(page: str) -> list[str]:
    return re.findall(r'<a class="code" href="/can-bo/ho-so/([^/]+)/">', page)


def test_every_word_must_appear_as_a_whole_word_with_or_without_diacritics(client, media, birth, staff):
    birth_dossier, _ = received(birth, staff, BIRTH_TEXT)
    marriage_dossier, _ = received(birth, staff, MARRIAGE_TEXT)
    client.force_login(staff["counter"])

    def found(query: str) -> set[str]:
        response = client.get(SEARCH, {"q": query})
        assert response.status_code == 200
        return set(results(response.content.decode()))

    assert found("khai sinh") == found("KHAI SINH") == found("khái sính") == {birth_dossier.code}
    assert found("nguyen thi huong") == found("Nguyễn Thị Hương") == {birth_dossier.code}
    assert found("giấy") == {birth_dossier.code, marriage_dossier.code}
    assert found("thi hoa") == {birth_dossier.code, marriage_dossier.code}  # "Thị", "Hóa" / "Thị", "Hoa"
    assert found("le thi hoa") == {marriage_dossier.code}
    assert found("nguyen binh") == set(), "every word, not any"
    assert found("huon") == set(), "whole words: a syllable is not a prefix of another"
    page = client.get(SEARCH, {"q": "khai sinh"}).content.decode()
    assert "1 giấy tờ có đủ các từ đã gõ" in page and "Tờ khai đăng ký khai sinh" in page
    assert "Thủ tục đăng ký khai sinh" in page and birth_dossier.get_status_display() in page


def test_the_excerpt_is_escaped_highlighted_and_never_shows_id_numbers_or_phones(client, media, birth, staff):
    text = BIRTH_TEXT.replace("GIẤY KHAI SINH", "GIẤY KHAI SINH <script>alert(1)</script>")
    dossier, _ = received(birth, staff, text)
    client.force_login(staff["counter"])
    page = client.get(SEARCH, {"q": "khai sinh nguyen van an"}).content.decode()
    assert results(page) == [dossier.code]
    assert "<mark>KHAI</mark> <mark>SINH</mark> &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "<mark>Nguyễn</mark> <mark>Văn</mark> <mark>An</mark>" in page
    assert "046090001234" not in page and "•••••••••234" in page, "the ID number in the document is masked"
    assert "0912 345 678" not in page and "0912345678" not in page and "•••• ••• 678" in page
    assert "02/01/2026" in page, "dates are not long numbers"


def test_the_excerpt_is_a_few_words_around_the_first_hit():
    text = "Mở đầu. " + "chữ " * 60 + "Giấy khai sinh của Nguyễn Thị Hương. " + "đoạn sau " * 60
    html = str(snippet(text, ["khai", "sinh"]))
    assert html.startswith("… ") and html.endswith(" …") and len(html) < 260
    assert "Giấy <mark>khai</mark> <mark>sinh</mark> của Nguyễn Thị Hương." in html
    assert str(snippet("Không có từ này", ["khac"])) == "Không có từ này"


def test_an_officer_finds_only_dossiers_of_units_they_may_view(client, media, birth, staff):
    dossier, _ = received(birth, staff, BIRTH_TEXT)
    for who, sees in [("counter", True), ("specialist", True), ("counter_other", False), ("city_counter", False)]:
        client.force_login(staff[who])
        assert (dossier.code in results(client.get(SEARCH, {"q": "khai sinh"}).content.decode())) is sees, who


def test_only_officers_may_search(client, media, birth, staff):
    received(birth, staff, BIRTH_TEXT)
    assert client.get(SEARCH, {"q": "khai sinh"}).status_code == 302  # to the sign-in page
    client.force_login(UserFactory(username="congdan.test"))
    assert client.get(SEARCH, {"q": "khai sinh"}).status_code == 403


def test_a_query_of_short_words_only_asks_for_a_longer_word(client, media, birth, staff):
    received(birth, staff, BIRTH_TEXT)
    client.force_login(staff["counter"])
    page = client.get(SEARCH, {"q": "an"}).content.decode()
    assert "Nhập ít nhất một từ dài từ 3 chữ cái trở lên." in page and results(page) == []
    page = client.get(SEARCH).content.decode()
    assert "Tìm trong giấy tờ" in page and "giấy tờ có đủ các từ đã gõ" not in page
    assert 'href="/can-bo/tim-trong-giay-to/" aria-current="page"' in page, "in the back office's navigation"


def test_documents_not_recognised_yet_or_without_text_are_not_found(client, media, birth, staff):
    received(birth, staff, None)
    received(birth, staff, "", status=TextStatus.NO_TEXT)
    received(birth, staff, BIRTH_TEXT, status=TextStatus.PENDING)
    client.force_login(staff["counter"])
    assert results(client.get(SEARCH, {"q": "khai sinh"}).content.decode()) == []


def test_results_come_twenty_to_a_page(client, media, birth, staff):
    dossier, document = received(birth, staff, BIRTH_TEXT)
    for number in range(24):
        copy = DossierDocument.objects.create(
            dossier=dossier, name=f"Bản sao {number}", file=document.file.name, sha256=document.sha256
        )
        row = DocumentText(document=copy, status=TextStatus.DONE, pages=1)
        row.set_text(BIRTH_TEXT)
        row.save()
    client.force_login(staff["counter"])
    first = client.get(SEARCH, {"q": "khai sinh"}).content.decode()
    assert "25 giấy tờ có đủ các từ đã gõ" in first and len(results(first)) == 20 and "trang 1/2" in first
    second = client.get(SEARCH, {"q": "khai sinh", "page": 2}).content.decode()
    assert len(results(second)) == 5 and "Bản sao 0" in second


def test_the_desk_shows_where_the_ocr_of_each_document_stands(client, media, birth, staff):
    later = vn(2026, 3, 9, 9, 5)
    cases = [
        (None, {}, "Đang chờ nhận dạng chữ"),
        ("", {"status": TextStatus.PENDING}, "Đang chờ nhận dạng chữ"),
        ("", {"status": TextStatus.NO_TEXT}, "Không có chữ"),
        ("", {"status": TextStatus.FAILED, "next_attempt_at": later}, "Nhận dạng lỗi, sẽ thử lại lúc 09:05 09/03/2026"),
        ("", {"status": TextStatus.FAILED, "attempts": 6}, "Nhận dạng lỗi (đã thử 6 lần)"),
        (BIRTH_TEXT, {"status": TextStatus.DONE, "searchable_file": "x"}, "Đã nhận dạng chữ (1 trang)"),
    ]
    client.force_login(staff["counter"])
    for text, fields, shown in cases:
        status = fields.pop("status", TextStatus.PENDING)
        attempts = fields.pop("attempts", None)
        dossier, document = received(birth, staff, text, status=status, **fields)
        if attempts:
            DocumentText.objects.filter(document=document).update(attempts=attempts)
        page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
        assert shown in page, shown
        link = f"/can-bo/ho-so/{dossier.code}/giay-to/{document.pk}/ocr/"
        assert (link in page) is (status == TextStatus.DONE)


def test_the_searchable_pdf_is_downloaded_only_in_scope(client, media, birth, staff):
    content = PDF.replace(b"motcua test document", b"searchable copy here")
    default_storage.save("documents/ab/cd/searchable.pdf", ContentFile(content))
    dossier, document = received(birth, staff, BIRTH_TEXT, searchable_file="documents/ab/cd/searchable.pdf")
    url = f"/can-bo/ho-so/{dossier.code}/giay-to/{document.pk}/ocr/"
    client.force_login(staff["counter"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf" and "private, no-store" in response["Cache-Control"]
    assert 'filename="giay-to-tim-kiem.pdf"' in response["Content-Disposition"]
    client.force_login(staff["counter_other"])
    assert client.get(url).status_code == 403

    other, plain = received(birth, staff, BIRTH_TEXT)  # the original already carried its text: no copy
    client.force_login(staff["counter"])
    assert client.get(f"/can-bo/ho-so/{other.code}/giay-to/{plain.pk}/ocr/").status_code == 404
