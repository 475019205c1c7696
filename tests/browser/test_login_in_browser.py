"""A demo officer signs in and out in a real browser, with the keyboard only and JavaScript off."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_with_the_keyboard_and_sees_their_unit(page, officer_a):
    page.goto("/")
    page.get_by_role("link", name="Đăng nhập").first.click()
    page.get_by_label("Tên đăng nhập").fill(officer_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto("/can-bo/")
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Nguyễn Thị An"
    assert page.get_by_role("cell", name="Ủy ban nhân dân xã An Bình").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    page.goto("/can-bo/")
    assert "/tai-khoan/dang-nhap/" in page.url


def test_wrong_password_message_is_announced(page, officer_a):
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(officer_a.username)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    alert = page.get_by_role("alert")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in alert.inner_text()


def test_pages_work_with_javascript_disabled(browser, live_server, officer_a):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/tai-khoan/dang-nhap/")
    page.fill("#id_username", officer_a.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto("/don-vi/")
    assert "Ủy ban nhân dân xã An Bình" in page.content()
    page.goto("/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


def test_skip_link_is_the_first_tab_stop(page, db):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Bỏ qua, đến nội dung chính"
