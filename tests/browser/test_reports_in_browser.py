"""The report pages in a real browser: an officer opens the statistics, follows a number to the dossiers behind it,
drills down from the province to a ward, opens the scorecard; axe-core checks every report page and the public
transparency page against WCAG 2.0/2.1 A and AA. Set MOTCUA_SCREENSHOTS=<dir> to keep screenshots."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache

from motcua.dossiers.simulate import SimConfig, simulate
from tests.browser.a11y import assert_accessible
from tests.dossiers.conftest import officer, unit
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "tu=16/07/2025&den=06/08/2025"


def _check(page, name: str) -> None:
    folder = os.environ.get("MOTCUA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
    assert_accessible(page, name)


def test_an_officer_follows_the_figures_down_to_the_dossiers(page):
    cache.clear()
    simulate(SimConfig(dossiers=60, seed=8, start=date(2025, 6, 2), days=70, late_rate=0.12))
    inspector = officer("tt.baocao", "inspector", "000.00.00.H57")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(inspector.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto("/can-bo/")
    with page.expect_navigation():
        page.get_by_role("link", name="Báo cáo, thống kê").click()
    page.goto(f"/can-bo/bao-cao/?{PERIOD}")
    assert "Ủy ban nhân dân thành phố Huế" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("svg[role=img] title").first.text_content().startswith("Hồ sơ đã giải quyết")
    _check(page, "reports-statistics")

    resolved = page.locator("#bang-ket-qua tr.total a[href*='measure=resolved']")
    number = int(resolved.inner_text().replace(".", ""))
    assert number > 0
    with page.expect_navigation():
        resolved.click()
    assert page.locator("#dossier-count").inner_text() == f"Có {number} hồ sơ."
    assert page.get_by_role("heading", level=1).inner_text().endswith("Đã giải quyết")
    _check(page, "reports-dossiers")
    first_code = page.locator("table a.code").first
    assert re.fullmatch(r"[\w.\-]+", first_code.inner_text())

    with page.expect_navigation():
        page.get_by_role("link", name="« Trở lại bảng số liệu").click()
    ward = unit("000.00.41.H57")
    with page.expect_navigation():
        page.locator("#bang-ket-qua").get_by_role("link", name=ward.name, exact=True).click()
    assert ward.name in page.get_by_role("heading", level=1).inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="Bảng điểm 766").click()
    assert page.locator("#score-total").inner_text().startswith("Điểm đạt được")
    page.locator("#chi-so-2\\.1 summary").click()
    assert page.locator("#chi-so-2\\.1 details p").first.is_visible()
    _check(page, "reports-scorecard")

    for name, path in (("reports-circular01", "thong-tu-01/"), ("reports-alerts", "canh-bao/")):
        page.goto(f"/can-bo/bao-cao/{path}")
        _check(page, name)

    page.goto("/cong-khai/?ky=quy&quy=3&nam=2025")
    assert page.get_by_role("heading", level=1).inner_text() == "Công khai kết quả giải quyết thủ tục hành chính"
    _check(page, "reports-public")
