"""Scanning at the counter in a real browser: page images given at intake become one PDF per component, and the
batch screen digitises a paper component of a dossier received earlier.

Set MOTCUA_SCREENSHOTS=<dir> to keep full-page screenshots of the desk and the batch screen.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from motcua.dossiers import actions
from motcua.dossiers.models import DocumentOrigin, Dossier
from tests.browser.a11y import assert_accessible
from tests.dossiers import conftest as dossier_fixtures
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

hue = dossier_fixtures.hue
birth = dossier_fixtures.birth
staff = dossier_fixtures.staff


def _shot(page, name: str) -> None:
    folder = os.environ.get("MOTCUA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def scanned_page(title: str, number: int) -> dict[str, object]:
    """A page as a flatbed scanner gives it: an A5-ish white PNG with a few lines of text."""
    image = Image.new("RGB", (420, 600), "white")
    draw = ImageDraw.Draw(image)
    draw.text((30, 30), title, fill="black")
    draw.text((30, 60), f"Trang {number}", fill="black")
    for line in range(8):
        draw.line((30, 110 + 40 * line, 390, 110 + 40 * line), fill="#888888")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {"name": f"trang-{number}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def _log_in(page, officer) -> None:
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Mật khẩu").press("Enter")


def test_page_images_given_at_the_counter_become_one_pdf_per_component(page, birth, staff):
    page.set_viewport_size({"width": 1366, "height": 900})
    _log_in(page, staff["counter"])
    page.goto(f"/can-bo/tiep-nhan/{birth.procedure.code}/")
    page.get_by_role("textbox", name="Họ và tên (bắt buộc)", exact=True).fill("Nguyễn Văn An")
    page.get_by_role("textbox", name="Số định danh cá nhân (CCCD) (bắt buộc)", exact=True).fill("046090001234")
    page.get_by_role("textbox", name="Địa chỉ", exact=True).fill("12 Lê Lợi, phường Thuận Hóa")
    lines = list(birth.documents.order_by("position"))
    pages_per_line = {}
    for index, line in enumerate(lines):
        count = 2 + index % 2  # 2, 3, 2 pages
        pages_per_line[line.name] = count
        page.locator(f'input[name="doc_{line.pk}_files"]').set_input_files(
            [scanned_page(f"motcua {line.position}", n) for n in range(1, count + 1)]
        )
        assert page.get_by_label(f"Đã nhận: {line.name}").is_checked(), "choosing scans ticks the line"
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp nhận", exact=True).click()

    dossier = Dossier.objects.get()
    assert page.url.endswith(f"/can-bo/ho-so/{dossier.code}/?vua-lap=1")
    documents = page.get_by_role("region", name="Giấy tờ đã nộp")
    assert documents.get_by_role("link", name="Tải tệp").count() == 3
    assert documents.get_by_text("Số hóa tại Bộ phận Một cửa").count() == 3
    for name, count in pages_per_line.items():
        row = documents.get_by_role("row").filter(has_text=name)
        assert f"{count} trang" in row.inner_text()
    assert documents.locator('input[name="document_id"]').count() == 0, "nothing left on paper to scan"
    _shot(page, "scan-desk")

    dossier.refresh_from_db()
    assert dossier.input_digitised
    rows = list(dossier.documents.order_by("pk"))
    assert [row.origin for row in rows] == [DocumentOrigin.SCAN] * 3
    assert [row.pages for row in rows] == list(pages_per_line.values())
    download = page.request.get(f"/can-bo/ho-so/{dossier.code}/giay-to/{rows[1].pk}/")
    assert download.ok and len(PdfReader(io.BytesIO(download.body())).pages) == 3


def test_the_batch_screen_digitises_a_paper_component(page, birth, staff):
    intake = dossier_fixtures.birth_intake(birth)
    dossier = actions.receive_at_counter(intake, actor=staff["counter"])  # both components on paper
    first = dossier.documents.order_by("pk").first()
    page.set_viewport_size({"width": 1366, "height": 900})
    _log_in(page, staff["counter"])
    page.goto("/can-bo/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Chức năng làm việc").get_by_role("link", name="Số hóa").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Số hóa hồ sơ giấy"
    assert page.get_by_role("link", name=dossier.code).is_visible()
    assert_accessible(page, "batch screen")
    _shot(page, "scan-batch")

    form = page.get_by_role("form", name=f"Số hóa: {first.name} ({dossier.code})")
    form.get_by_label("Các trang đã quét").set_input_files([scanned_page("to khai", 1), scanned_page("to khai", 2)])
    with page.expect_navigation():
        form.get_by_role("button", name="Số hóa").click()
    assert "Đã số hóa “Tờ khai đăng ký khai sinh” (2 trang)." in page.get_by_role("status").first.inner_text()
    assert page.url.endswith("/can-bo/so-hoa/")
    first.refresh_from_db()
    assert first.pages == 2 and first.origin == DocumentOrigin.SCAN
    assert form.count() == 0, "the component is no longer offered for scanning"

    page.goto(f"/can-bo/ho-so/{dossier.code}/")
    second = dossier.documents.order_by("pk").last()
    page.get_by_text(f"Số hóa: {second.name}").first.click()  # opens the <details> (works without JS)
    assert page.get_by_label(f"Các trang đã quét: {second.name}").is_visible()
    assert_accessible(page, "desk with a scan form open")
    _shot(page, "scan-desk-form")
