"""A citizen finds "Thủ tục đăng ký khai sinh" from the catalogue with the keyboard only.

(Part of the portal catalogue's tests; it lives here because the Playwright fixtures are session-scoped
in this directory's conftest and a second Playwright instance cannot run beside the first.)
"""

from __future__ import annotations

import pytest

from tests.catalog_factories import birth_registration_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def birth_procedures(transactional_db):
    return birth_registration_catalogue()


def tab_until(page, predicate: str, limit: int = 40) -> None:
    """Press Tab until ``predicate`` (JS, on document.activeElement) holds — as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"focus never reached an element where {predicate}")


def test_search_without_diacritics_and_open_the_first_result(page, birth_procedures):
    page.goto("/thu-tuc/")
    tab_until(page, "el.id === 'id_q'")
    page.keyboard.type("dang ky khai sinh")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=dang+ky+khai+sinh" in page.url
    assert "tìm không phân biệt dấu" not in page.content()  # the query was already folded
    first_result = page.locator("ol.results h3 a").first
    assert first_result.inner_text() == "Thủ tục đăng ký khai sinh"
    tab_until(page, "el.closest && el.closest('ol.results') !== null")
    assert page.evaluate("document.activeElement.textContent") == "Thủ tục đăng ký khai sinh"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/thu-tuc/1.001193/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thủ tục đăng ký khai sinh"
    assert page.get_by_role("link", name="Nộp hồ sơ trực tuyến").get_attribute("href") == "/nop-ho-so/1.001193/"
    assert page.locator("html").get_attribute("lang") == "vi"


def test_catalogue_works_with_javascript_disabled(browser, live_server, birth_procedures):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/thu-tuc/")
    page.get_by_label("Tên hoặc mã thủ tục").fill("Đăng ký khai sinh")
    page.get_by_label("Nộp trực tuyến").select_option("full")
    with page.expect_navigation():
        page.get_by_role("button", name="Tìm kiếm").click()
    assert page.locator("ol.results h3 a").all_inner_texts() == ["Thủ tục đăng ký khai sinh"]
    context.close()
