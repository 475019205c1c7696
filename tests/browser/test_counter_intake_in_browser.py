"""A receiving officer takes a birth registration at the counter with the keyboard, then forwards it.

Set MOTCUA_SCREENSHOTS=<dir> to keep full-page screenshots of the intake form and the desk.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from motcua.dossiers.models import Dossier, Status
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


def _type(page, label: str, text: str) -> None:
    """Focus the text box by its accessible name (as a screen reader announces it) and type."""
    page.get_by_role("textbox", name=label, exact=True).focus()
    page.keyboard.type(text)


def test_counter_intake_with_the_keyboard_then_forward(page, birth, staff):
    officer = staff["counter"]
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto("/can-bo/")
    page.get_by_role("link", name="Tiếp nhận hồ sơ mới").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("searchbox", name="Tên hoặc mã thủ tục").focus()
    page.keyboard.type("dang ky khai sinh")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    result = page.get_by_role("link", name="1.001193 Thủ tục đăng ký khai sinh")
    result.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Thủ tục đăng ký khai sinh")

    _type(page, "Họ và tên (bắt buộc)", "Nguyễn Văn An")
    _type(page, "Số định danh cá nhân (CCCD) (bắt buộc)", "046090001234")
    _type(page, "Ngày sinh", "01/05/1990")
    _type(page, "Số điện thoại", "0912345678")
    _type(page, "Địa chỉ", "12 Lê Lợi, phường Thuận Hóa")
    for name in ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"):
        page.get_by_label(f"Đã nhận: {name}").focus()
        page.keyboard.press("Space")
        assert page.get_by_label(f"Đã nhận: {name}").is_checked()
    _shot(page, "intake")
    page.get_by_role("textbox", name="Địa chỉ", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the form's first button is "Tiếp nhận"

    dossier = Dossier.objects.get()
    assert page.url.endswith(f"/can-bo/ho-so/{dossier.code}/?vua-lap=1")
    assert page.get_by_role("heading", level=1).inner_text() == dossier.code
    due = timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y")
    assert page.locator("#due-at").inner_text() == due
    assert page.get_by_role("link", name="In Giấy tiếp nhận (mẫu 01)").is_visible()
    _shot(page, "desk")

    page.get_by_role("button", name="Chuyển cơ quan giải quyết").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Đã thực hiện: Chuyển cơ quan giải quyết." in page.get_by_role("status").first.inner_text()
    assert page.locator(".desk-status .status").inner_text() == "Đang xử lý"
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    _shot(page, "desk-after-forward")
