"""Drive a running ``make run`` server through the citizen's journey in Debian's Chromium.

The browser tests run against Django's test server with test fixtures; this checks the real thing a
province would start: the demo data, gunicorn, the task worker, the console e-mail of the sign-up code.

    make run > var/run.log 2>&1 &          # in one terminal (or with its log redirected)
    .venv/bin/python scripts/smoke_make_run.py --url http://127.0.0.1:8000 --log var/run.log

It searches the procedure 1.001193, signs up (the 6-digit code is read from the e-mail the task worker
printed in the log), submits online with a PDF or PNG for each required document, pays the fee on the
sandbox gateway, has the demo officer ``motcua.thuanhoa`` receive the dossier on the desk, and checks
that the citizen sees "Được tiếp nhận" and downloads a signed e-receipt. Prints one line per step;
exits 1 on the first failure.
"""

from __future__ import annotations

import argparse
import base64
import quopri
import re
import sys
import time
import uuid
from io import BytesIO
from pathlib import Path

from playwright.sync_api import sync_playwright
from pypdf import PdfReader

PDF = b"%PDF-1.4\n% smoke\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
OFFICER, DEMO_PASSWORD = "motcua.thuanhoa", "motcua-demo-2026"


def step(text: str) -> None:
    print(f"✔ {text}", flush=True)


def code_from_log(log: Path, email: str, timeout: float = 60) -> str:
    """The newest 6-digit code in an e-mail to ``email`` printed by the console e-mail backend."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        text = log.read_text(errors="replace")
        for message in reversed(text.split("Content-Type: text/plain")):
            if f"To: {email}" in message or email in message.split("\n\n", 1)[0]:
                body = quopri.decodestring(message.encode()).decode("utf-8", "replace")
                found = re.search(r"\b(\d{6})\b", body)
                if found:
                    return found.group(1)
        time.sleep(1)
    raise SystemExit(f"no sign-up code for {email} in {log} after {timeout:.0f} s (is the task worker running?)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--log", type=Path, required=True, help="the make run output (console e-mail)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    email = f"smoke-{uuid.uuid4().hex[:8]}@example.org"
    id_number = f"0461{uuid.uuid4().int % 10**8:08d}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        page = browser.new_context(locale="vi-VN", base_url=args.url, viewport={"width": 390, "height": 844}).new_page()
        page.set_default_timeout(20000)
        page.goto("/thu-tuc/?q=dang+ky+khai+sinh")
        with page.expect_navigation():
            page.locator("a[href='/thu-tuc/1.001193/']").first.click()
        step("catalogue search without diacritics finds 1.001193")
        with page.expect_navigation():
            page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
        with page.expect_navigation():
            page.get_by_role("link", name="Đăng ký tài khoản").click()
        page.get_by_label("Họ và tên").fill("Người Thử Nghiệm")
        page.get_by_label("Số định danh cá nhân").fill(id_number)
        page.get_by_label("Thư điện tử").fill(email)
        page.get_by_label(re.compile(r"^Mật khẩu")).fill("mat-khau-thu-nghiem-2026")
        page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-thu-nghiem-2026")
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng ký").click()
        code = code_from_log(args.log, email)
        step("sign-up code e-mailed by the task worker (console backend)")
        page.get_by_label("Mã xác minh (6 chữ số)").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Xác minh").click()
        page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(
            label="Trung tâm Phục vụ hành chính công phường Thuận Hóa"
        )
        # The demo procedure's real document list: one file for each required line, PDFs and PNGs.
        required = page.locator("input[type=file][required], input[type=file][aria-required=true]")
        inputs = required if required.count() else page.locator("input[type=file]")
        uploads = inputs.count()
        for index in range(uploads):
            upload = {"name": f"giay-to-{index}.pdf", "mimeType": "application/pdf", "buffer": PDF}
            if index % 2:
                upload = {"name": f"giay-to-{index}.png", "mimeType": "image/png", "buffer": PNG}
            inputs.nth(index).set_input_files(upload)
        with page.expect_navigation():
            page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
        if "xem-lai" not in page.url:
            raise SystemExit("the draft was not accepted:\n" + page.inner_text("main")[:1500])
        with page.expect_navigation():
            page.get_by_role("button", name="Nộp hồ sơ").click()
        dossier = page.locator("#dossier-code").inner_text().strip()
        step(f"submitted online with {uploads} uploads (PDF and PNG): {dossier}")
        page.goto(f"/tra-cuu/?ma={dossier}")
        with page.expect_navigation():
            page.get_by_role("link", name="Nộp phí trực tuyến").click()
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile(r"^Thanh toán")).first.click()
        with page.expect_navigation(url=re.compile("/thanh-toan/ket-qua/")):
            page.get_by_role("button", name="Thanh toán", exact=True).click()
        step("fee paid on the sandbox gateway: " + page.inner_text("main").split("\n")[0][:80])

        officer = browser.new_context(locale="vi-VN", base_url=args.url).new_page()
        officer.goto("/tai-khoan/dang-nhap/")
        officer.get_by_label(re.compile("Tên đăng nhập")).fill(OFFICER)
        officer.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        with officer.expect_navigation():
            officer.keyboard.press("Enter")
        officer.goto(f"/can-bo/ho-so/{dossier}/")
        with officer.expect_navigation():
            officer.get_by_role("button", name="Tiếp nhận hồ sơ").click()
        step(f"officer {OFFICER} received it on the desk")

        page.goto("/cong-dan/ho-so-cua-toi/")
        with page.expect_navigation():
            page.get_by_role("link", name=dossier).click()
        status = page.locator("#dossier-status").inner_text()
        if status != "Được tiếp nhận":
            raise SystemExit(f"the citizen sees “{status}”, expected “Được tiếp nhận”")
        step("the citizen sees “Được tiếp nhận” and the timeline")
        pdf = page.request.get(page.get_by_role("link", name="Tải biên lai (PDF)").first.get_attribute("href"))
        text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body())).pages)
        if not (pdf.ok and "BIÊN LAI" in text and dossier in text and b"/ByteRange" in pdf.body()):
            raise SystemExit("the e-receipt PDF is missing its title, the dossier code or its signature")
        step("e-receipt PDF downloaded: title, dossier code and a PAdES signature present")
        browser.close()
    print("smoke OK")


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # noqa: BLE001 - a smoke check reports and fails
        print(f"✘ {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
