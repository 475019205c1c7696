"""A citizen finds a procedure, signs up, submits online with two uploads; an officer receives the dossier in
the back office; the citizen sees the status change. Set MOTCUA_SCREENSHOTS=<dir> to keep screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from motcua.dossiers.models import Dossier, Status
from motcua.notifications.models import Message, NotificationTemplate
from tests.dossiers import conftest as dossier_fixtures
from tests.factories import PASSWORD
from tests.portal.conftest import CITIZEN_PASSWORD, PDF_BYTES, PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

hue = dossier_fixtures.hue
birth = dossier_fixtures.birth
staff = dossier_fixtures.staff


def _shot(page, name: str) -> None:
    folder = os.environ.get("MOTCUA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _ensure_code_template() -> None:
    """Transactional tests flush data migrations: make sure the verification message template exists."""
    if not NotificationTemplate.objects.filter(code="account_verification", channel="email").exists():
        NotificationTemplate.objects.create(
            code="account_verification",
            channel="email",
            subject="Mã xác minh",
            body="Mã xác minh: {{ verification_code }}",
        )


def test_citizen_signs_up_submits_online_and_sees_the_officer_receive_it(browser, live_server, birth, staff):
    _ensure_code_template()
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto("/thu-tuc/")
    page.get_by_role("searchbox").first.fill("dang ky khai sinh")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Thủ tục đăng ký khai sinh")).first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    assert "/cong-dan/dang-nhap/" in page.url
    with page.expect_navigation():
        page.get_by_role("link", name="Đăng ký tài khoản").click()

    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_label("Số định danh cá nhân").fill("046190001111")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Thư điện tử").fill("binh@example.org")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill(CITIZEN_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(CITIZEN_PASSWORD)
    _shot(page, "citizen-sign-up")
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng ký").click()

    body = Message.objects.filter(template_code="account_verification", recipient="binh@example.org").latest("id").body
    code = re.search(r"\b(\d{6})\b", body).group(1)
    page.get_by_label("Mã xác minh (6 chữ số)").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác minh").click()
    assert "/nop-ho-so/ban-nhap/" in page.url  # back where the citizen was going
    assert page.get_by_label("Họ và tên chủ hồ sơ").input_value() == "Trần Thị Bình"

    receiving = dossier_fixtures.unit("000.01.41.H57")
    page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(label=receiving.name)
    page.get_by_label("1. Tờ khai đăng ký khai sinh").set_input_files(
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_label("2. Giấy chứng sinh").set_input_files(
        {"name": "chung-sinh.png", "mimeType": "image/png", "buffer": PNG}
    )
    _shot(page, "citizen-draft")
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Xem lại hồ sơ trước khi nộp"
    _shot(page, "citizen-review")
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp hồ sơ").click()
    dossier = Dossier.objects.get()
    assert dossier.status == Status.NEW and dossier.documents.count() == 2
    assert page.locator("#dossier-code").inner_text() == dossier.code
    _shot(page, "citizen-submitted")

    officer_context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    officer = officer_context.new_page()
    officer.goto("/tai-khoan/dang-nhap/")
    officer.get_by_label("Tên đăng nhập").fill(staff["counter"].username)
    officer.get_by_label("Mật khẩu").fill(PASSWORD)
    with officer.expect_navigation():
        officer.keyboard.press("Enter")
    officer.goto(f"/can-bo/ho-so/{dossier.code}/")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    officer_context.close()

    page.goto("/cong-dan/ho-so-cua-toi/")
    assert page.get_by_role("cell", name="Được tiếp nhận").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=dossier.code).click()
    assert page.locator("#dossier-status").inner_text() == "Được tiếp nhận"
    assert page.get_by_role("heading", name="Quá trình xử lý").is_visible()
    _shot(page, "citizen-tracking")
    context.close()
