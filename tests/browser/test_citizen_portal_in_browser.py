"""The citizen's whole journey in a real browser: find a procedure, sign up (code from the outbox), submit
online with two uploads, pay the fee on the sandbox gateway, see the officer receive the dossier and the
e-receipt, get the result and rate it; and the rating kiosk at the counter. axe-core checks every main page
against WCAG 2.0/2.1 A and AA. Set MOTCUA_SCREENSHOTS=<dir> to keep screenshots.

The officer receives the dossier on the back-office page; forwarding, approval and the return of the result
(the officers' part after intake) go through ``dossiers.actions`` to keep the test short."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from motcua.catalog import snapshot
from motcua.catalog.models import Fee, FeeKind
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, DossierRating, Status
from motcua.notifications.models import Message, NotificationTemplate
from motcua.payments.models import ReceiptIssuer
from motcua.portal.models import Kiosk
from tests.browser.a11y import assert_accessible
from tests.dossiers import conftest as dossier_fixtures
from tests.factories import PASSWORD
from tests.payments.conftest import SECRET as SANDBOX_SECRET
from tests.payments.conftest import test_keys as receipt_keys
from tests.portal.conftest import CITIZEN_PASSWORD, PDF_BYTES, PNG
from tests.portal.test_rating import finish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

hue = dossier_fixtures.hue
birth = dossier_fixtures.birth
staff = dossier_fixtures.staff


def _shot(page, name: str) -> None:
    folder = os.environ.get("MOTCUA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _check(page, name: str, *, skip: tuple[str, ...] = ()) -> None:
    """Screenshot (when asked) and the axe WCAG 2.1 A/AA check of the page as it is now."""
    _shot(page, name)
    assert_accessible(page, name, skip=skip)


@pytest.fixture
def paid_online(birth, settings, tmp_path):
    """The birth procedure with a 50 000 đồng charge for online dossiers, the sandbox gateway and a
    collecting organisation that signs receipts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_PAYMENT_PROVIDERS = ["sandbox"]
    settings.MOTCUA_PAYMENT_SANDBOX_SECRET = SANDBOX_SECRET
    Fee.objects.bulk_create(
        [
            Fee(
                version=birth,
                name="Lệ phí đăng ký khai sinh",
                amount=Decimal(50000),
                kind=FeeKind.CHARGE,
                channel="online",
            )
        ]
    )
    snapshot.clear()
    keys = receipt_keys()
    center = dossier_fixtures.unit("000.01.41.H57")
    ReceiptIssuer.objects.create(
        unit=center.parent or center,
        name="Ủy ban nhân dân phường Thuận Hóa",
        tax_code="3300123456",
        address="24 Tố Hữu, phường Thuận Hóa, thành phố Huế",
        template_symbol="01BLP0-001",
        series="TH-26E",
        signing_key_pem=keys.key_pem.decode(),
        certificate_pem=keys.certificate_pem.decode(),
    )
    cache.clear()
    return birth


def _ensure_code_template() -> None:
    """Transactional tests flush data migrations: make sure the verification message template exists."""
    if not NotificationTemplate.objects.filter(code="account_verification", channel="email").exists():
        NotificationTemplate.objects.create(
            code="account_verification",
            channel="email",
            subject="Mã xác minh",
            body="Mã xác minh: {{ verification_code }}",
        )


def _officer_page(browser, live_server, user):
    context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    officer = context.new_page()
    officer.set_default_timeout(15000)
    officer.goto("/tai-khoan/dang-nhap/")
    officer.get_by_label("Tên đăng nhập").fill(user.username)
    officer.get_by_label("Mật khẩu").fill(PASSWORD)
    with officer.expect_navigation():
        officer.keyboard.press("Enter")
    return context, officer


def test_citizen_submits_pays_online_gets_the_result_and_rates_it(browser, live_server, paid_online, staff):
    _ensure_code_template()
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)

    # Find the procedure.
    page.goto("/thu-tuc/")
    page.get_by_role("searchbox").first.fill("dang ky khai sinh")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _check(page, "01-catalogue")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Thủ tục đăng ký khai sinh")).first.click()
    _check(page, "02-procedure")
    with page.expect_navigation():
        page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    assert "/cong-dan/dang-nhap/" in page.url
    _check(page, "03-login")

    # Sign up; the code is read from the notifications outbox.
    with page.expect_navigation():
        page.get_by_role("link", name="Đăng ký tài khoản").click()
    _check(page, "04-sign-up")
    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_label("Số định danh cá nhân").fill("046190001111")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Thư điện tử").fill("binh@example.org")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill(CITIZEN_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(CITIZEN_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng ký").click()
    body = Message.objects.filter(template_code="account_verification", recipient="binh@example.org").latest("id").body
    page.get_by_label("Mã xác minh (6 chữ số)").fill(re.search(r"\b(\d{6})\b", body).group(1))
    _check(page, "05-verify")
    with page.expect_navigation():
        page.get_by_role("button", name="Xác minh").click()
    assert "/nop-ho-so/ban-nhap/" in page.url

    # Submit online with two uploads.
    receiving = dossier_fixtures.unit("000.01.41.H57")
    page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(label=receiving.name)
    page.get_by_label("1. Tờ khai đăng ký khai sinh").set_input_files(
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_label("2. Giấy chứng sinh").set_input_files(
        {"name": "chung-sinh.png", "mimeType": "image/png", "buffer": PNG}
    )
    _check(page, "06-draft")
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Xem lại hồ sơ trước khi nộp"
    _check(page, "07-review")
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp hồ sơ").click()
    dossier = Dossier.objects.get()
    assert dossier.status == Status.NEW and dossier.documents.count() == 2
    assert dossier.fees_due == Decimal(50000)
    assert page.locator("#dossier-code").inner_text() == dossier.code
    _check(page, "08-submitted")

    # Pay the fee on the sandbox gateway, from the tracking page.
    page.goto(f"/tra-cuu/?ma={dossier.code}")
    with page.expect_navigation():
        page.get_by_role("link", name="Nộp phí trực tuyến").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Nộp phí, lệ phí trực tuyến"
    _check(page, "09-payment-start")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Thanh toán 50.000 đồng")).click()
    _shot(page, "10-sandbox-gateway")
    with page.expect_navigation(url=re.compile("/thanh-toan/ket-qua/")):
        page.get_by_role("button", name="Thanh toán", exact=True).click()
    assert "Đã thanh toán 50.000 đồng" in page.inner_text("main")
    _check(page, "11-payment-result")
    dossier.refresh_from_db()
    assert dossier.fees_paid == Decimal(50000)

    # The officer receives it in the back office.
    officer_context, officer = _officer_page(browser, live_server, staff["counter"])
    officer.goto(f"/can-bo/ho-so/{dossier.code}/")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    officer_context.close()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED

    # The citizen sees the change, the timeline and the e-receipt.
    page.goto("/cong-dan/ho-so-cua-toi/")
    assert page.get_by_role("cell", name="Được tiếp nhận").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=dossier.code).click()
    assert page.locator("#dossier-status").inner_text() == "Được tiếp nhận"
    timeline = page.locator("ol.timeline").inner_text()
    assert "Bạn đã nộp phí, lệ phí 50.000 đồng trực tuyến; biên lai điện tử được cấp." in timeline
    assert "đã tiếp nhận hồ sơ; thời hạn giải quyết bắt đầu được tính." in timeline
    _check(page, "12-tracking")
    receipt_link = page.get_by_role("link", name="Tải biên lai (PDF)")
    pdf = page.request.get(receipt_link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body())).pages)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text and dossier.code in text and "50.000" in text

    # The officers' part after intake, through the write path (see the module docstring).
    dossier = actions.forward(dossier, actor=staff["counter"])
    dossier = actions.approve(dossier, actor=staff["leader"], result_note="Giấy khai sinh số 12/2026")
    dossier = actions.notify_early_return(dossier, actor=staff["counter"])
    dossier = actions.return_result(dossier, actor=staff["counter"])

    # The citizen rates the result.
    page.reload()
    assert page.locator("#dossier-status").inner_text() == Status(dossier.status).label
    with page.expect_navigation():
        page.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    _check(page, "13-rating")
    page.get_by_role("group", name=re.compile("Mức độ hài lòng chung")).get_by_text("Rất hài lòng", exact=True).click()
    page.get_by_role("group", name="Thái độ, cách ứng xử của công chức").get_by_text("Hài lòng", exact=True).click()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình.")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Cảm ơn bạn đã đánh giá." in page.inner_text("main")
    assert "Mức độ hài lòng bạn chọn: Rất hài lòng." in page.inner_text("main")
    _check(page, "14-rated")
    rating = DossierRating.objects.get(dossier=dossier)
    assert (rating.level, rating.aspects, rating.channel) == (5, {"attitude": 4}, "portal")
    context.close()


def test_a_citizen_rates_on_the_counter_kiosk_with_big_buttons(page, birth, staff):
    done = finish(birth, staff)
    kiosk = Kiosk.objects.create(unit=dossier_fixtures.unit("000.01.41.H57"), name="Quầy 1")
    cache.clear()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"/diem-danh-gia/{kiosk.token}/")
    _check(page, "20-kiosk-start")
    page.get_by_label("Nhập hoặc quét mã hồ sơ").fill("000.01.41.H57-260309-9999")
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp tục").click()
    assert "Không tìm thấy hồ sơ" in page.inner_text("main")
    _check(page, "21-kiosk-unknown-code")
    page.get_by_label("Nhập hoặc quét mã hồ sơ").fill(f"MaHoSo={done.code};MaTTHC=1.001193;MauSo=01")
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp tục").click()
    _check(page, "22-kiosk-levels")
    with page.expect_navigation():
        page.get_by_role("button", name="Hài lòng", exact=True).click()
    _check(page, "23-kiosk-aspects")
    page.get_by_role("group", name="Thời gian giải quyết so với quy định").get_by_text("Rất hài lòng").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đánh giá", exact=True).click()
    assert "Cảm ơn bạn đã đánh giá!" in page.inner_text("main")
    # The thank-you screen returns to the start by itself on purpose (a shared counter device); it holds
    # no input and offers the same move as a button, so axe's meta-refresh rule is off for it alone.
    _check(page, "24-kiosk-thanks", skip=("meta-refresh",))
    rating = DossierRating.objects.get(dossier=done)
    assert (rating.level, rating.aspects, rating.channel) == (4, {"time": 5}, "kiosk")
    page.wait_for_url(f"**/diem-danh-gia/{kiosk.token}/", timeout=15000)  # the meta refresh, no JavaScript
