"""Done means (dossier lifecycle), in the real pages only: the provincial procedure 1.009999 from the counter
of the city service center through the Justice division's appraisal and the Construction department's
inter-agency opinion, a supplement and an apology, to the returned result — each officer signing in and
out in turn — then every form downloaded from the desk's links and the register 06 from its page.

Time is frozen at realistic moments (2026: Mon 09/03 … Fri 20/03 are working days; office hours
07:30–11:30, 13:30–17:00). Received Mon 09/03 → due Mon 16/03; the supplement (asked Tue 10/03,
received Wed 11/03) restarts the 5 days → Wed 18/03; the apology (Tue 17/03) moves it to Fri 20/03;
approved Thu 19/03, so the counter must announce the early return before handing the result over.
Set MOTCUA_SCREENSHOTS=<dir> to keep a full-page screenshot after each step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from motcua.dossiers.models import Dossier, Status
from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.conftest import vn
from tests.dossiers.whole_way import (
    APOLOGY_REASON,
    CENTER,
    NAMES,
    SUPPLEMENT_DOCUMENT,
    SUPPLEMENT_REASON,
    control_sheet,
    flat,
    in_order,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

hue = dossier_fixtures.hue
provincial = dossier_fixtures.provincial
staff = dossier_fixtures.staff

COMPANY = "Công ty TNHH Sông Hương"
REFUSAL_REASON = "Dự án không thuộc địa bàn thành phố Huế"


def _shot(page, name: str) -> None:
    folder = os.environ.get("MOTCUA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"whole-way-{name}.png"), full_page=True)


class Desk:
    """What the dossier desk shows, read the way an officer reads it."""

    def __init__(self, page):
        self.page = page

    @property
    def status(self) -> str:
        return self.page.locator(".desk-status .status").inner_text()

    @property
    def due(self) -> str | None:
        due = self.page.locator("#due-at")
        return due.inner_text() if due.count() else None

    @property
    def mark(self) -> str:
        return self.page.locator(".desk-status .mark").inner_text()

    def steps(self) -> list[tuple[str, str, str]]:
        """(step, finished at, state and mark) of each row of "Quá trình giải quyết"."""
        rows = []
        for row in self.page.locator(".steps-table tbody tr").all():
            cells = row.locator("td, th")
            rows.append(
                (
                    cells.nth(1).inner_text().split("\n")[0],
                    cells.nth(5).inner_text(),
                    " ".join(cells.nth(6).inner_text().split()),
                )
            )
        return rows

    def fact(self, term: str) -> str:
        return self.page.locator(f"dl.facts dt:text-is('{term}') + dd").inner_text()

    def done(self, label: str) -> None:
        assert f"Đã thực hiện: {label}." in self.page.get_by_role("status").first.inner_text()

    def act(self, action: str, label: str, **fields: str) -> None:
        """Fill one action form of the desk's side panel and press its button."""
        form = self.page.locator(f"#action-{action}")
        for name, value in fields.items():
            field = form.get_by_label(name, exact=True)
            if field.evaluate("element => element.tagName") == "SELECT":
                field.select_option(label=value)
            else:
                field.fill(value)
        with self.page.expect_navigation():
            form.get_by_role("button", name=label).click()
        self.done(label)

    def timeline(self) -> list[tuple[str, str, str, str]]:
        """(moment, action, officer, unit) of each row of "Lịch sử xử lý"."""
        rows = []
        for row in self.page.locator("table.timeline tbody tr").all():
            cells = [" ".join(c.split()) for c in row.locator("td, th").all_inner_texts()]
            rows.append((cells[0], cells[1], cells[2], cells[3]))
        return rows

    def offered(self) -> list[str]:
        return [b.inner_text() for b in self.page.locator("#thao-tac form button[type=submit]").all()]


@contextmanager
def signed_in(browser, live_server, officer, *moment: int) -> Iterator:
    """At ``moment`` (Vietnamese time), ``officer`` signs in on a browser of their own, works, and signs out."""
    with time_machine.travel(vn(*moment), tick=False):
        context = browser.new_context(locale="vi-VN", base_url=live_server.url, viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("dialog", lambda dialog: dialog.accept())  # "Từ chối …?" confirmations
        page.goto("/tai-khoan/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(officer.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()
        try:
            yield page
        finally:
            page.goto("/can-bo/")
            with page.expect_navigation():
                page.get_by_role("button", name="Đăng xuất").click()
            context.close()


def open_desk(page, code: str) -> Desk:
    page.goto(f"/can-bo/ho-so/{code}/")
    assert page.get_by_role("heading", level=1).inner_text() == code
    return Desk(page)


def fill_intake(page, company: str, tax_code: str) -> None:
    page.get_by_role("link", name="Tiếp nhận hồ sơ mới").click()
    page.get_by_role("searchbox", name="Tên hoặc mã thủ tục").fill("lien thong thu nghiem")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.get_by_role("link", name="1.009999 Thủ tục liên thông thử nghiệm").click()
    page.get_by_label("Tổ chức", exact=True).check()
    page.get_by_role("textbox", name="Tên tổ chức (bắt buộc)").fill(company)
    page.get_by_role("textbox", name="Mã số thuế (bắt buộc)").fill(tax_code)
    page.get_by_role("textbox", name="Số điện thoại", exact=True).fill("02343822123")
    page.get_by_role("textbox", name="Địa chỉ", exact=True).fill("5 Hùng Vương, phường Phú Hội, Huế")


def download(page, link_name: str) -> bytes:
    """Follow a link of the page with the browser's own cookies (the officer's session)."""
    href = page.get_by_role("link", name=link_name, exact=True).get_attribute("href")
    response = page.context.request.get(href)
    assert response.ok, f"{href}: {response.status}"
    return response.body()


def test_a_dossier_the_whole_way_through_two_departments_in_the_pages(browser, live_server, provincial, staff):
    for key, name in NAMES.items():
        staff[key].full_name = name
        staff[key].save(update_fields=["full_name"])
    counter, justice, construction, leader = (staff[key] for key in NAMES)

    # Mon 09/03 08:30 — counter intake at the city service center, then forward to the Justice department.
    with signed_in(browser, live_server, counter, 2026, 3, 9, 8, 30) as page:
        page.goto("/can-bo/")
        fill_intake(page, COMPANY, "3300123456")
        page.get_by_label("Đã nhận: Đơn đề nghị").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Tiếp nhận", exact=True).click()
        code = page.get_by_role("heading", level=1).inner_text()
        assert code == "000.00.01.H57-260309-0001"
        desk = Desk(page)
        assert desk.status == "Được tiếp nhận" and desk.due == "17:00 16/03/2026"
        assert desk.fact("Cơ quan giải quyết") == "Sở Tư pháp"
        assert page.get_by_role("link", name="In Giấy tiếp nhận (mẫu 01)").is_visible()
        _shot(page, "01-received")
    with signed_in(browser, live_server, counter, 2026, 3, 9, 9, 0) as page:
        desk = open_desk(page, code)
        desk.act("forward", "Chuyển cơ quan giải quyết")
        assert desk.status == "Đang xử lý" and desk.due == "17:00 16/03/2026" and desk.mark == "Trong hạn"
        assert desk.steps() == [
            ("Tiếp nhận hồ sơ", "09:00 09/03/2026", "Đã xong Đúng hạn"),
            ("Phòng Hành chính tư pháp thẩm định", "—", "Đang xử lý Trong hạn"),
            ("Sở Xây dựng cho ý kiến", "—", "Chưa đến"),
            ("Lãnh đạo Sở Tư pháp ký", "—", "Chưa đến"),
            ("Trả kết quả", "—", "Chưa đến"),
        ]
        _shot(page, "02-forwarded")

    # Tue 10/03 — the Justice department (handling side) asks once for a supplement: the clock stops.
    with signed_in(browser, live_server, leader, 2026, 3, 10, 9, 0) as page:
        desk = open_desk(page, code)
        desk.act(
            "request_supplement",
            "Yêu cầu bổ sung hồ sơ",
            **{"Lý do yêu cầu bổ sung": SUPPLEMENT_REASON, "Giấy tờ cần bổ sung": SUPPLEMENT_DOCUMENT},
        )
        assert desk.status == "Yêu cầu bổ sung giấy tờ" and desk.due is None
        assert desk.fact("Hạn trả kết quả").startswith("Tạm dừng: chờ bổ sung")
        assert "Yêu cầu bổ sung hồ sơ" not in desk.offered(), "only one supplement request"
        _shot(page, "03-supplement-requested")

    # Wed 11/03 — the applicant brings the signed application to the counter: 5 working days again.
    with signed_in(browser, live_server, counter, 2026, 3, 11, 9, 0) as page:
        desk = open_desk(page, code)
        desk.act("receive_supplement", "Nhận hồ sơ bổ sung", **{"Giấy tờ đã nhận bổ sung": SUPPLEMENT_DOCUMENT})
        assert desk.status == "Đang xử lý" and desk.due == "17:00 18/03/2026"
        supplied = page.get_by_role("rowheader", name=SUPPLEMENT_DOCUMENT)
        assert " ".join(supplied.inner_text().split()) == f"{SUPPLEMENT_DOCUMENT} bổ sung"
        _shot(page, "04-supplement-received")

    # Thu 12/03 — the Justice division finishes its appraisal early; Construction's opinion starts.
    with signed_in(browser, live_server, construction, 2026, 3, 12, 9, 30) as page:
        desk = open_desk(page, code)
        assert "Hoàn thành bước, chuyển bước tiếp" not in desk.offered(), "not Construction's turn yet"
    with signed_in(browser, live_server, justice, 2026, 3, 12, 10, 0) as page:
        desk = open_desk(page, code)
        desk.act(
            "complete_step",
            "Hoàn thành bước, chuyển bước tiếp",
            **{"Ý kiến, kết quả bước": "Hồ sơ hợp lệ, đề nghị lấy ý kiến Sở Xây dựng"},
        )
        assert desk.steps()[1:3] == [
            ("Phòng Hành chính tư pháp thẩm định", "10:00 12/03/2026", "Đã xong Trước hạn"),
            ("Sở Xây dựng cho ý kiến", "—", "Đang xử lý Sắp đến hạn"),
        ]
        _shot(page, "05-justice-done")

    # Mon 16/03 — the Construction department (inter-agency) answers, after its 1.5 days.
    with signed_in(browser, live_server, construction, 2026, 3, 16, 15, 0) as page:
        desk = open_desk(page, code)
        assert "liên thông" in page.locator(".steps-table tbody tr").nth(2).inner_text()
        desk.act("complete_step", "Hoàn thành bước, chuyển bước tiếp", **{"Ý kiến, kết quả bước": "Thống nhất"})
        assert desk.steps()[2][1:] == ("15:00 16/03/2026", "Đã xong Trễ hạn")
        assert desk.steps()[3][2].startswith("Đang xử lý")
        _shot(page, "06-construction-done")

    # Tue 17/03 — more than a working day before the due date, the leader apologizes with a new date.
    with signed_in(browser, live_server, leader, 2026, 3, 17, 9, 0) as page:
        desk = open_desk(page, code)
        assert desk.due == "17:00 18/03/2026" and desk.mark == "Sắp đến hạn"
        desk.act(
            "apologize",
            "Xin lỗi và hẹn lại ngày trả kết quả",
            **{"Lý do chậm trễ": APOLOGY_REASON, "Ngày hẹn trả mới": "20/03/2026"},
        )
        assert desk.due == "17:00 20/03/2026" and desk.status == "Đang xử lý"
        assert desk.fact("Hẹn lại").startswith("17:00 20/03/2026")
        assert "Xin lỗi và hẹn lại ngày trả kết quả" not in desk.offered(), "only one new appointment"
        _shot(page, "07-apology")

    # Thu 19/03 — approval, a day before the new appointment.
    with signed_in(browser, live_server, leader, 2026, 3, 19, 10, 0) as page:
        desk = open_desk(page, code)
        desk.act("approve", "Phê duyệt, ký kết quả", **{"Số, ký hiệu văn bản kết quả (nếu có)": "125/STP-HCTP"})
        assert desk.status == "Đã xử lý xong" and desk.mark == "Trước hạn"
        assert desk.fact("Xử lý xong").startswith("10:00 19/03/2026")
        _shot(page, "08-approved")

    # Thu 19/03 14:00 — the counter returns the result early, so it tells the applicant first.
    with signed_in(browser, live_server, counter, 2026, 3, 19, 14, 0) as page:
        desk = open_desk(page, code)
        assert desk.offered() == ["Thông báo trả kết quả trước hạn", "Trả kết quả"]
        with page.expect_navigation():
            page.locator("#action-return_result").get_by_role("button", name="Trả kết quả").click()
        assert "thông báo trước" in page.get_by_role("alert").first.inner_text()
        desk.act("notify_early_return", "Thông báo trả kết quả trước hạn", **{"Thông báo qua": "Tin nhắn"})
        desk.act("return_result", "Trả kết quả")
        assert desk.status == "Đã trả kết quả" and desk.due == "17:00 20/03/2026" and desk.mark == "Trước hạn"
        assert desk.fact("Đã trả kết quả").startswith("14:00 19/03/2026")
        assert [state for _, _, state in desk.steps()] == [
            "Đã xong Đúng hạn",
            "Đã xong Trước hạn",
            "Đã xong Trễ hạn",
            "Đã xong Trễ hạn",
            "Đã xong Đúng hạn",
        ]
        assert desk.offered() == []
        tiep, tham, dung, lan = NAMES.values()
        assert desk.timeline() == [
            ("08:30 09/03/2026", "Tiếp nhận hồ sơ", tiep, CENTER),
            ("09:00 09/03/2026", "Chuyển cơ quan giải quyết", tiep, CENTER),
            ("09:00 10/03/2026", "Yêu cầu bổ sung hồ sơ", lan, "Sở Tư pháp"),
            ("09:00 11/03/2026", "Nhận hồ sơ bổ sung", tiep, CENTER),
            ("10:00 12/03/2026", "Hoàn thành bước, chuyển bước tiếp", tham, "Phòng Hành chính tư pháp"),
            ("15:00 16/03/2026", "Hoàn thành bước, chuyển bước tiếp", dung, "Sở Xây dựng"),
            ("09:00 17/03/2026", "Xin lỗi và hẹn lại ngày trả kết quả", lan, "Sở Tư pháp"),
            ("10:00 19/03/2026", "Phê duyệt, ký kết quả", lan, "Sở Tư pháp"),
            ("14:00 19/03/2026", "Thông báo trả kết quả trước hạn", tiep, CENTER),
            ("14:00 19/03/2026", "Trả kết quả", tiep, CENTER),
        ]
        assert "Qua: Tin nhắn" in " ".join(page.locator("table.timeline tbody tr").nth(8).inner_text().split())
        _shot(page, "09-returned")

        receipt = flat(download(page, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)"))
        supplement = flat(download(page, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)"))
        apology = flat(download(page, "Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)"))
        control = flat(download(page, "Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu 05)"))
        assert page.get_by_role("link", name=re.compile("mẫu 03")).count() == 0

    # The same afternoon, a second company is refused at the counter: its paper is form 03.
    with signed_in(browser, live_server, counter, 2026, 3, 19, 15, 0) as page:
        page.goto("/can-bo/")
        fill_intake(page, "Công ty CP Hương Giang", "3301234567")
        page.get_by_label("Nội dung cần bổ sung / lý do từ chối").fill(REFUSAL_REASON)
        with page.expect_navigation():
            page.get_by_role("button", name="Từ chối (mẫu 03)").click()
        refused_code = page.get_by_role("heading", level=1).inner_text()
        assert Desk(page).status == "Không được tiếp nhận"
        refusal = flat(download(page, "Phiếu từ chối tiếp nhận, giải quyết hồ sơ (mẫu 03)"))
        _shot(page, "10-refused-at-counter")

        page.goto("/can-bo/so-theo-doi/")
        page.get_by_label("Từ ngày").fill("01/03/2026")
        page.get_by_label("Đến ngày").fill("31/03/2026")
        page.get_by_label("Excel (.xlsx)").check()
        with page.expect_download() as download_info:  # an attachment
            page.get_by_role("button", name="Tạo sổ").click()
        workbook = Path(download_info.value.path()).read_bytes()
        page.get_by_label("PDF (in, ký)").check()
        with page.expect_navigation():  # shown inline, in the browser's PDF viewer, to print
            page.get_by_role("button", name="Tạo sổ").click()
        assert "format=pdf" in page.url and "from=01%2F03%2F2026" in page.url
        shown = page.context.request.get(page.url)
        assert shown.ok and shown.headers["content-type"] == "application/pdf"
        register_pdf = shown.body()

    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.RETURNED

    in_order(
        receipt,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {code}",
        f"{CENTER} tiếp nhận hồ sơ của",
        f"Tổ chức: {COMPANY}",
        "Thủ tục liên thông thử nghiệm (mã thủ tục 1.009999)",
        "Đơn đề nghị Bản chính 01",
        f"{SUPPLEMENT_DOCUMENT} (nộp bổ sung)",
        "5 ngày làm việc",
        "Thời gian nhận hồ sơ: 08:30, ngày 09 tháng 03 năm 2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 17:00, ngày 20 tháng 03 năm 2026",
        "hẹn ban đầu: 17:00, ngày 18 tháng 03 năm 2026",
        "Quyển số: 2026, Số thứ tự: 01",
        NAMES["city_counter"],
    )
    in_order(
        supplement,
        "SỞ TƯ PHÁP",
        "Huế, ngày 10 tháng 03 năm 2026",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Mã hồ sơ: {code}",
        COMPANY,
        "Ngày tiếp nhận hồ sơ: 08:30, ngày 09 tháng 03 năm 2026",
        SUPPLEMENT_DOCUMENT,
        f"Lý do: {SUPPLEMENT_REASON}",
        NAMES["justice_leader"],
    )
    in_order(
        refusal,
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {refused_code}",
        "Công ty CP Hương Giang",
        REFUSAL_REASON,
        NAMES["city_counter"],
    )
    in_order(
        apology,
        "SỞ TƯ PHÁP",
        "Huế, ngày 17 tháng 03 năm 2026",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        f"Kính gửi: Tổ chức {COMPANY}",
        f"mã hồ sơ {code}",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17:00, ngày 18 tháng 03 năm 2026",
        f"Lý do: {APOLOGY_REASON}",
        "vào thời gian: 17:00, ngày 20 tháng 03 năm 2026",
        NAMES["justice_leader"],
    )
    in_order(control, *control_sheet(code))

    register_text = flat(register_pdf)
    in_order(
        register_text,
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/03/2026 đến ngày 31/03/2026",
        f"01 {code} Thủ tục liên thông thử nghiệm 01 {COMPANY}",
        "Sở Tư pháp 08:30 09/03/2026 17:00 20/03/2026 09:00 09/03/2026 10:00 19/03/2026 14:00 19/03/2026",
        "Hẹn lại (Phiếu 04)",
        "Giải quyết trước hạn",
    )
    assert refused_code not in register_text, "a dossier refused at the counter was never received"
    rows = list(load_workbook(BytesIO(workbook)).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    entries = [dict(zip(rows[header], r, strict=True)) for r in rows[header + 1 :]]
    assert [e["Mã hồ sơ"] for e in entries] == [code]
    row = entries[0]
    events = {e.action: e.at for e in dossier.events.all()}

    def wall(moment) -> str:
        return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}"

    assert row["STT"] == 1 and row["Tên cá nhân, tổ chức"] == COMPANY
    assert row["Cơ quan chủ trì giải quyết"] == "Sở Tư pháp"
    dates = {
        "Ngày nhận hồ sơ": ("08:30 09/03/2026", dossier.received_at, events["receive"]),
        "Ngày hẹn trả kết quả": ("17:00 20/03/2026", dossier.effective_due_at, dossier.rescheduled_due_at),
        "Ngày chuyển hồ sơ đến cơ quan giải quyết": ("09:00 09/03/2026", events["forward"], events["forward"]),
        "Ngày nhận kết quả từ cơ quan giải quyết": ("10:00 19/03/2026", dossier.finished_at, events["approve"]),
        "Ngày trả kết quả cho cá nhân, tổ chức": ("14:00 19/03/2026", dossier.returned_at, events["return_result"]),
    }
    for column, (shown, recorded, event_at) in dates.items():
        assert row[column].strftime("%H:%M %d/%m/%Y") == shown == wall(recorded) == wall(event_at), column
    assert "hẹn ban đầu 17:00 ngày 18/03/2026" in row["Ghi chú"]
    assert "Yêu cầu bổ sung 09:00 ngày 10/03/2026" in row["Ghi chú"] and "Giải quyết trước hạn" in row["Ghi chú"]
