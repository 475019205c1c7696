"""The citizen's document store in a real browser: a dossier received at the counter (two scanned components,
a signed e-result) is added to the account with the receipt's lookup secret; the store shows both kinds and
downloads a file under its own name; a new online submission takes a component from the store instead of an
upload, and the tracking page says so. axe-core checks the store, the draft with store choices and the review.

The officers' part (counter receipt with scans, forwarding, approval with the e-result) goes through
``dossiers.actions``, as in the other portal browser tests."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from motcua.dossiers import actions
from motcua.dossiers.models import DocumentOrigin, Dossier, DossierChannel, ResultDelivery
from motcua.portal.models import CitizenProfile
from tests import sample_files
from tests.browser.test_citizen_portal_in_browser import _check
from tests.dossiers import conftest as dossier_fixtures
from tests.portal.conftest import CITIZEN_PASSWORD
from tests.portal.test_result_signing import issuer as issuer  # noqa: F401 (fixture)
from tests.portal.test_result_signing import result_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

hue = dossier_fixtures.hue
birth = dossier_fixtures.birth
staff = dossier_fixtures.staff

TO_KHAI, CHUNG_SINH = "Tờ khai đăng ký khai sinh", "Giấy chứng sinh"
SCAN = sample_files.pdf_bytes("to khai dang ky khai sinh - ban quet tai quay")


@pytest.fixture
def counter_dossier(birth, staff, issuer, settings, tmp_path):  # noqa: F811
    """Received at the counter with both required components scanned, then approved with a signed e-result."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    docs = {doc.name: doc for doc in birth.documents.all()}
    intake = dossier_fixtures.birth_intake(
        birth,
        applicant=actions.ApplicantData(full_name="Trần Thị Bình", id_number="046190001111", phone="0912345678"),
        documents=[
            actions.SubmittedDocument(docs[TO_KHAI].pk, file_name="to-khai-ban-quet.pdf", content=SCAN),
            actions.SubmittedDocument(
                docs[CHUNG_SINH].pk, file_name="chung-sinh-ban-quet.pdf", content=sample_files.pdf_bytes("chung sinh")
            ),
        ],
        result_delivery=ResultDelivery.ONLINE,
    )
    with time_machine.travel(dossier_fixtures.vn(2026, 3, 9, 9, 0), tick=False):
        dossier = actions.receive_at_counter(intake, actor=staff["counter"])
        dossier = actions.forward(dossier, actor=staff["counter"])
    result = actions.SubmittedDocument(None, "Giấy khai sinh", file_name="giay-khai-sinh.pdf", content=result_pdf())

    def approve() -> Dossier:
        try:
            with time_machine.travel(dossier_fixtures.vn(2026, 3, 10, 9, 0), tick=False):
                return actions.approve(dossier, actor=staff["leader"], result_documents=[result])
        finally:
            connection.close()

    # pyHanko signs with asyncio.run(), which refuses to start inside the event loop Playwright's sync API
    # keeps running in this thread: the approval (which signs the result) runs in a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        dossier = pool.submit(approve).result()
    assert dossier.documents.get(result=True).signed
    return dossier


@pytest.fixture
def citizen_account(django_user_model, hue):
    user = django_user_model.objects.create_user(
        "cd-binh", password=CITIZEN_PASSWORD, email="binh@example.org", phone="0912345678", full_name="Trần Thị Bình"
    )
    CitizenProfile.objects.create(user=user, id_number="046190001111", verified_at=timezone.now())
    return user


def test_a_citizen_adds_a_counter_dossier_and_reuses_its_scan_online(page, counter_dossier, citizen_account):
    page.goto("/cong-dan/dang-nhap/")
    page.get_by_label("Số điện thoại, thư điện tử hoặc tên đăng nhập").fill("binh@example.org")
    page.get_by_label("Mật khẩu").fill(CITIZEN_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()

    # An empty store says how documents get there; the counter dossier is added with the receipt's two codes.
    page.goto("/cong-dan/ho-so-cua-toi/")
    with page.expect_navigation():
        page.get_by_role("link", name="Kho dữ liệu điện tử").click()
    assert "Kho dữ liệu của bạn chưa có giấy tờ nào." in page.inner_text("main")
    _check(page, "30-store-empty")
    page.get_by_label("Mã hồ sơ").fill(counter_dossier.code)
    page.get_by_label("Mã tra cứu").fill("SAIMA123")
    with page.expect_navigation():
        page.get_by_role("button", name="Thêm vào tài khoản").click()
    assert "Mã hồ sơ hoặc mã tra cứu không đúng" in page.inner_text("main")
    _check(page, "31-store-wrong-secret")
    page.get_by_label("Mã tra cứu").fill(counter_dossier.lookup_secret.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="Thêm vào tài khoản").click()
    main = page.inner_text("main")
    assert f"Đã thêm hồ sơ {counter_dossier.code} vào tài khoản của bạn." in main
    counter_dossier.refresh_from_db()
    assert counter_dossier.account == citizen_account

    # Both kinds are shown: the signed result (with its verification page) and the scans.
    results = page.locator("section", has=page.get_by_role("heading", name="Kết quả giải quyết"))
    assert "Giấy khai sinh" in results.inner_text() and "đã ký số" in results.inner_text()
    inputs = page.locator("section", has=page.get_by_role("heading", name="Giấy tờ đã số hóa"))
    assert TO_KHAI in inputs.inner_text() and CHUNG_SINH in inputs.inner_text()
    assert (
        results.get_by_role("link", name=re.compile("Xác thực chữ ký số"))
        .get_attribute("href")
        .startswith("/xac-thuc-ket-qua/")
    )
    _check(page, "32-store")
    with page.expect_download() as download_info:
        inputs.get_by_role("link", name="Tải về “to-khai-ban-quet.pdf”").click()
    download = download_info.value
    assert download.suggested_filename == "to-khai-ban-quet.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == SCAN

    # A new online submission takes the declaration from the store and uploads the birth certificate.
    page.goto("/nop-ho-so/1.001193/")
    assert "/nop-ho-so/ban-nhap/" in page.url
    page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(label=dossier_fixtures.unit("000.01.41.H57").name)
    choice = page.get_by_label(f"Hoặc lấy từ kho dữ liệu cho “{TO_KHAI}”")
    suggested = choice.locator("optgroup[label='Phù hợp với giấy tờ này'] option").first
    assert TO_KHAI in suggested.inner_text() and counter_dossier.code in suggested.inner_text()
    choice.select_option(value=suggested.get_attribute("value"))
    page.get_by_label(f"2. {CHUNG_SINH}").set_input_files(
        {"name": "chung-sinh-moi.pdf", "mimeType": "application/pdf", "buffer": sample_files.PDF}
    )
    _check(page, "33-draft-with-store")
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    assert f"Lấy từ kho dữ liệu: {TO_KHAI} (hồ sơ {counter_dossier.code})" in page.inner_text("main")
    _check(page, "34-review-with-store")
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp hồ sơ").click()
    dossier = Dossier.objects.get(channel=DossierChannel.ONLINE)
    assert page.locator("#dossier-code").inner_text() == dossier.code
    reused = dossier.documents.get(name=TO_KHAI)
    assert reused.origin == DocumentOrigin.STORE and reused.reused_from.dossier_id == counter_dossier.pk
    assert dossier.from_citizen_store and dossier.reused_components == 1

    # The owner's tracking page says where each component came from.
    page.goto(f"/tra-cuu/?ma={dossier.code}")
    components = page.locator("ul.components").inner_text()
    assert f"{TO_KHAI} — Lấy từ kho dữ liệu" in components and f"{CHUNG_SINH} — Tải lên" in components
    _check(page, "35-tracking-origins")
