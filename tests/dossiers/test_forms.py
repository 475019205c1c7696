"""Forms 01–06 rendered from dossiers driven through the real actions, checked in the PDF itself.

The PDFs are read back with pypdf: the text (with its Vietnamese diacritics), the embedded font
program, the page size and the position of the QR code's XObject in the page content stream.
Calendar (2026): Mon 09/03 … Fri 13/03 working days; office hours 07:30–11:30, 13:30–17:00.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers import actions
from motcua.dossiers.forms import FormNotAvailable, control_rows, register_number, render_form
from motcua.dossiers.forms import pdf as layout
from motcua.dossiers.forms.register import render_register_pdf, render_register_xlsx
from tests.dossiers.conftest import PDF, birth_intake, unit, vn

A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)


def at(*args):
    return time_machine.travel(vn(*args), tick=False)


def named(staff, key: str, name: str):
    user = staff[key]
    user.full_name = name
    user.save()
    return user


def dump(name: str, data: bytes) -> None:
    """Set MOTCUA_FORMS_DUMP=/some/dir to keep the PDFs for a look (pdftoppm -png -r 80 …)."""
    target = os.environ.get("MOTCUA_FORMS_DUMP")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / name).write_bytes(data)


def text_of(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(data: bytes) -> str:
    """Text with line breaks folded into spaces: wrapped table cells and paragraphs read as one line."""
    return re.sub(r"\s+", " ", text_of(data))


def fonts_embedded(data: bytes) -> set[str]:
    reader = PdfReader(BytesIO(data))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.add(str(font["/BaseFont"]))
    return embedded


def qr_placements(data: bytes) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of every QR XObject drawn on the first page, following q/Q/cm."""
    from pypdf.generic import ContentStream

    reader = PdfReader(BytesIO(data))
    page = reader.pages[0]
    xobjects = page["/Resources"].get("/XObject", {})
    content = ContentStream(page.get_contents(), reader)
    stack, ctm, found = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
    for operands, operator in content.operations:
        if operator == b"q":
            stack.append(list(ctm))
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]
        elif operator == b"Do" and "qr" in str(operands[0]).lower():
            box = [float(v) for v in xobjects[operands[0]].get_object()["/BBox"]]
            found.append((ctm[4] + box[0] * ctm[0], ctm[5] + box[1] * ctm[3], box[2] * ctm[0], box[3] * ctm[3]))
    return found


def page_size(data: bytes) -> tuple[float, float]:
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def assert_official_paper(data: bytes, size=A5) -> None:
    assert data.startswith(b"%PDF-")
    assert page_size(data) == size
    assert any("BeVietnamPro" in name for name in fonts_embedded(data)), "the Vietnamese font must be embedded"
    text = text_of(data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text


def assert_qr_top_left(data: bytes) -> None:
    width, height = page_size(data)
    placements = qr_placements(data)
    assert len(placements) == 1, "one QR code on the first page"
    x, y, w, h = placements[0]
    assert w == pytest.approx(layout.QR_SIZE) and h == pytest.approx(layout.QR_SIZE)
    assert x + w < width / 2 and y > height / 2, "Circular 01/2023: the QR code goes top-left"
    assert x >= 0 and y + h <= height


@pytest.fixture
def received(birth, staff):
    named(staff, "counter", "Trần Thị Tiếp")
    with at(2026, 3, 9, 9, 0):
        return actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])


@pytest.fixture
def whole_way(birth, staff):
    """Counter intake, forward, supplement, parallel steps incl. the inter-agency one, apology, approve, return."""
    named(staff, "counter", "Trần Thị Tiếp")
    named(staff, "specialist", "Lê Văn Thẩm")
    named(staff, "leader", "Phạm Minh Lãnh")
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    with at(2026, 3, 9, 9, 30):
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 10, 8, 0):
        d = actions.request_supplement(
            d, actor=staff["specialist"], reason="Giấy chứng sinh mờ, không đọc được", documents=["Giấy chứng sinh"]
        )
    with at(2026, 3, 11, 10, 0):
        d = actions.receive_supplement(
            d,
            actor=staff["counter"],
            documents=[actions.SubmittedDocument(None, "Giấy chứng sinh (bản rõ)", file_name="gcs.pdf", content=PDF)],
        )
    with at(2026, 3, 11, 14, 0):
        appraisal = d.steps.get(action="Thẩm định hồ sơ")
        d = actions.complete_step(d, actor=staff["specialist"], step_id=appraisal.pk, note="Hồ sơ hợp lệ")
    with at(2026, 3, 12, 9, 0):
        police = d.steps.get(action="Xác minh thông tin cư trú")
        d = actions.complete_step(d, actor=staff["specialist"], step_id=police.pk, note="Công an phường xác nhận")
    with at(2026, 3, 13, 16, 0):
        d = actions.apologize(
            d, actor=staff["leader"], reason="Chờ xác minh bổ sung về cư trú", new_due_date=date(2026, 3, 18)
        )
    with at(2026, 3, 16, 9, 0):
        d = actions.approve(d, actor=staff["leader"], result_note="Giấy khai sinh số 123")
    with at(2026, 3, 16, 10, 5):
        d = actions.notify_early_return(d, actor=staff["counter"])
    with at(2026, 3, 17, 8, 0):
        d = actions.return_result(d, actor=staff["counter"])
    return d


# --- 01 ---------------------------------------------------------------------------------------------


def test_form_01_receipt_and_appointment(received):
    data = render_form(received, "01")
    dump("01.pdf", data)
    assert_official_paper(data)
    assert_qr_top_left(data)
    text = flat(data)
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: 000.01.41.H57-260309-0001",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG THUẬN HÓA",
        "ỦY BAN NHÂN DÂN PHƯỜNG THUẬN HÓA",
        "Nguyễn Văn An",
        "12 Lê Lợi, phường Thuận Hóa",
        "0912345678",
        "Thủ tục đăng ký khai sinh",
        "1.001193",
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "3 ngày làm việc",
        "09:00, ngày 09 tháng 03 năm 2026",
        "17:00, ngày 12 tháng 03 năm 2026",
        "Bộ phận Một cửa",
        received.lookup_secret,
        "Quyển số: 2026, Số thứ tự: 01",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Thị Tiếp",
        "Thuận Hóa, ngày 09 tháng 03 năm 2026",
    ):
        assert expected in text, expected


def test_qr_carries_codes_only(received):
    payload = layout.qr_payload(received, "01")
    assert payload == "http://localhost:8000/tra-cuu/?ma=000.01.41.H57-260309-0001&tthc=1.001193&mau=01"
    assert "Nguyễn" not in payload and "046090001234" not in payload


def test_form_01_after_the_whole_way_shows_the_new_appointment(whole_way):
    text = flat(render_form(whole_way, "01"))
    assert "17:00, ngày 18 tháng 03 năm 2026" in text, "the rescheduled appointment"
    assert "hẹn ban đầu" in text
    assert "Giấy chứng sinh (bản rõ) (nộp bổ sung)" in text


def test_form_01_by_post_shows_the_delivery_address(birth, staff):
    intake = birth_intake(birth, result_delivery="post", delivery_address="45 Hùng Vương, phường Phú Xuân")
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(intake, actor=staff["counter"])
    text = flat(render_form(d, "01"))
    assert "dịch vụ bưu chính" in text and "45 Hùng Vương, phường Phú Xuân" in text


def test_register_number_runs_through_the_year(birth, staff):
    with at(2026, 1, 5, 9, 0):
        actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    assert register_number(d) == (2026, 2), "the second dossier of the year, though 0001 of its day"
    assert "Quyển số: 2026, Số thứ tự: 02" in flat(render_form(d, "01"))


# --- 02 / 03 ----------------------------------------------------------------------------------------


def test_form_02_after_a_supplement_request(whole_way):
    data = render_form(whole_way, "02")
    dump("02.pdf", data)
    assert_official_paper(data)
    assert_qr_top_left(data)
    text = flat(data)
    for expected in (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "000.01.41.H57-260309-0001",
        "Nguyễn Văn An",
        "Giấy chứng sinh",
        "Lý do: Giấy chứng sinh mờ, không đọc được",
        "Lê Văn Thẩm",
        "NGƯỜI HƯỚNG DẪN",
        "ỦY BAN NHÂN DÂN PHƯỜNG THUẬN HÓA",  # the specialist's unit issued it
        "ngày 10 tháng 03 năm 2026",
    ):
        assert expected in text, expected


def test_counter_guidance_gives_form_02_not_01(birth, staff):
    named(staff, "counter", "Trần Thị Tiếp")
    with at(2026, 3, 9, 9, 5):
        d = actions.refuse_at_counter(
            birth_intake(birth, documents=[]), actor=staff["counter"], reason="Thiếu giấy chứng sinh và tờ khai"
        )
    text = flat(render_form(d, "02"))
    assert "Tờ khai đăng ký khai sinh" in text and "Giấy chứng sinh" in text and "Bản chính" in text
    assert "Thiếu giấy chứng sinh và tờ khai" in text and "Trần Thị Tiếp" in text
    for number in ("01", "03", "04", "05"):
        with pytest.raises(FormNotAvailable):
            render_form(d, number)


def test_form_03_refused_at_the_counter(birth, staff):
    named(staff, "counter", "Trần Thị Tiếp")
    with at(2026, 3, 9, 9, 5):
        d = actions.refuse_at_counter(
            birth_intake(birth),
            actor=staff["counter"],
            kind="refusal",
            reason="Trẻ đã được đăng ký khai sinh tại phường Vỹ Dạ",
        )
    data = render_form(d, "03")
    dump("03.pdf", data)
    assert_official_paper(data)
    assert_qr_top_left(data)
    text = flat(data)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Trẻ đã được đăng ký khai sinh tại phường Vỹ Dạ" in text
    assert "Trần Thị Tiếp" in text and "Nguyễn Văn An" in text
    with pytest.raises(FormNotAvailable):
        render_form(d, "02")


def test_form_03_after_review_is_a_refusal_to_settle(birth, staff):
    named(staff, "leader", "Phạm Minh Lãnh")
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 10, 9, 0):
        d = actions.refuse(d, actor=staff["leader"], reason="Không thuộc thẩm quyền giải quyết")
    text = flat(render_form(d, "03"))
    assert "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ" in text and "TIẾP NHẬN GIẢI QUYẾT" not in text
    assert "Không thuộc thẩm quyền giải quyết" in text and "Phạm Minh Lãnh" in text


# --- 04 ---------------------------------------------------------------------------------------------


def test_form_04_not_available_without_an_apology(received):
    with pytest.raises(FormNotAvailable, match="xin lỗi"):
        render_form(received, "04")


def test_form_04_apology_and_new_date(whole_way):
    data = render_form(whole_way, "04")
    dump("04.pdf", data)
    assert_official_paper(data)
    assert_qr_top_left(data)
    text = flat(data)
    for expected in (
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Ông/Bà Nguyễn Văn An",
        "000.01.41.H57-260309-0001",
        "Ngày 09 tháng 03 năm 2026",
        "17:00, ngày 16 tháng 03 năm 2026",  # the appointment after the supplement restarted the clock
        "Chờ xác minh bổ sung về cư trú",
        "xin lỗi",
        "17:00, ngày 18 tháng 03 năm 2026",
        "Phạm Minh Lãnh",
        "Nơi nhận",
    ):
        assert expected in text, expected


# --- 05 ---------------------------------------------------------------------------------------------


def test_form_05_lists_every_hand_over_with_its_mark(whole_way):
    rows = control_rows(whole_way)
    handovers = [r for r in rows if r.agencies.startswith("<b>Giao:</b>") and "Bước" in r.agencies]
    assert [re.search(r"Bước \d+: ([^<]+)", r.agencies).group(1) for r in handovers] == [
        "Tiếp nhận, kiểm tra hồ sơ",
        "Thẩm định hồ sơ",
        "Xác minh thông tin cư trú",
        "Lãnh đạo ký Giấy khai sinh",
        "Trả kết quả",
    ]
    marks = {re.search(r"Bước \d+: ([^<]+)", r.agencies).group(1): r.result for r in handovers}
    events = {e.step.action: e.payload["mark"] for e in whole_way.events.filter(action="complete_step")}
    assert (
        marks["Thẩm định hồ sơ"]
        == {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}[events["Thẩm định hồ sơ"]]
    ), "the mark recorded when the step was completed"
    assert all(m in ("Trước hạn", "Đúng hạn", "Quá hạn") for m in marks.values())
    assert marks["Trả kết quả"] == "Trước hạn", "returned on 17/03, before the new appointment on 18/03"

    data = render_form(whole_way, "05")
    dump("05.pdf", data)
    assert_official_paper(data)
    assert_qr_top_left(data)
    text = flat(data)
    for expected in (
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Mã hồ sơ: 000.01.41.H57-260309-0001",
        "Công an phường",
        "Liên thông",
        "Song song với",
        "Giao: 09:30 ngày 09/03/2026",
        "Giao: 14:00 ngày 11/03/2026",
        "Nhận: 09:00 ngày 12/03/2026",  # the signing step started when the last parallel branch finished
        "Yêu cầu bổ sung",
        "Nhận hồ sơ bổ sung",
        "Xin lỗi, hẹn lại",
        "Trước hạn",
        "Giao: 08:00 ngày 17/03/2026",
    ):
        assert expected in text, expected


def test_form_05_shows_skipped_steps(birth, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 9, 14, 0):
        appraisal = d.steps.get(action="Thẩm định hồ sơ")
        d = actions.complete_step(d, actor=staff["specialist"], step_id=appraisal.pk)
    with at(2026, 3, 10, 9, 0):  # the leader signs straight away: the signing step of the plan is skipped
        d = actions.approve(d, actor=staff["leader"])
    rows = control_rows(d)
    skipped = [r for r in rows if "bỏ qua" in r.times]
    assert len(skipped) == 1 and "Lãnh đạo ký Giấy khai sinh" in skipped[0].agencies
    text = flat(render_form(d, "05"))
    assert "Bước bị bỏ qua" in text and "Lãnh đạo ký Giấy khai sinh" in text
    active = [r for r in rows if "Đang xử lý" in r.agencies]
    assert len(active) == 1 and "Trả kết quả" in active[0].agencies, "the return step is now open"


def test_unknown_form_number(received):
    with pytest.raises(FormNotAvailable):
        render_form(received, "07")
    with pytest.raises(FormNotAvailable, match="Sổ theo dõi"):
        render_form(received, "06")
    assert render_form(received, "1")[:5] == b"%PDF-"


# --- 06 ---------------------------------------------------------------------------------------------


@pytest.fixture
def period_dossiers(birth, staff):
    """Jan 05 (#1), Mar 09 ×2 (#2, #3), Mar 10 (#4), Mar 16 (#5); plus a refusal and another unit's dossier."""
    codes = []
    for moment in ((2026, 1, 5, 9, 0), (2026, 3, 9, 9, 0), (2026, 3, 9, 10, 0), (2026, 3, 10, 8, 0)):
        with at(*moment):
            codes.append(actions.receive_at_counter(birth_intake(birth), actor=staff["counter"]).code)
    with at(2026, 3, 10, 8, 30):
        d = actions.forward(codes[3], actor=staff["counter"])
    with at(2026, 3, 10, 9, 0):
        actions.refuse_at_counter(birth_intake(birth, documents=[]), actor=staff["counter"], reason="Thiếu giấy tờ")
        actions.receive_at_counter(
            birth_intake(birth, receiving_unit=unit("000.01.44.H57")), actor=staff["counter_other"]
        )
    with at(2026, 3, 16, 8, 0):
        codes.append(actions.receive_at_counter(birth_intake(birth), actor=staff["counter"]).code)
    return codes, d


def test_register_pdf_has_the_period_numbered_in_the_year(period_dossiers):
    codes, forwarded = period_dossiers
    data = render_register_pdf(unit("000.01.41.H57"), date(2026, 3, 9), date(2026, 3, 13))
    dump("06.pdf", data)
    assert_official_paper(data, A4_LANDSCAPE)
    text = flat(data)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 09/03/2026 đến ngày 13/03/2026" in text
    assert codes[0] not in text and codes[4] not in text, "outside the period"
    assert "-260310-0002" not in text, "the refusal at the counter never entered the register"
    assert "000.01.44.H57" not in text, "another unit's dossier"
    rows = re.findall(r"(\d{2}) (000\.01\.41\.H57-\d{6}-\d{4})", text)
    assert rows == [("02", codes[1]), ("03", codes[2]), ("04", codes[3])], "numbered from the first of the year"
    assert "Nhận hồ sơ" in text and "Hẹn trả kết quả" in text and "Cơ quan chủ trì giải quyết" in text
    assert "08:30 10/03/2026" in text, "transferred to the handling agency"


def test_register_pdf_repeats_the_header_on_every_page(birth, staff):
    for minute in range(0, 60, 2):
        with at(2026, 3, 9, 9, minute):
            actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    data = render_register_pdf(unit("000.01.41.H57"), date(2026, 3, 9), date(2026, 3, 9))
    dump("06-long.pdf", data)
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert "Mã hồ sơ" in page.extract_text() and "Cơ quan chủ trì" in page.extract_text()
    assert "30 000.01.41.H57-260309-0030" in flat(data)


def test_register_xlsx_same_rows_real_dates(period_dossiers):
    codes, forwarded = period_dossiers
    data = render_register_xlsx(unit("000.01.41.H57"), date(2026, 3, 9), date(2026, 3, 13))
    sheet = load_workbook(BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(values) if row[0] == "STT")
    header = values[header_index]
    assert header[1] == "Mã hồ sơ" and header[2] == "Tên thủ tục hành chính" and header[7] == "Ngày nhận hồ sơ"
    rows = [row for row in values[header_index + 1 :] if row[0] is not None]
    assert [(r[0], r[1]) for r in rows] == [(2, codes[1]), (3, codes[2]), (4, codes[3])]
    first = rows[0]
    assert first[2] == "Thủ tục đăng ký khai sinh" and first[4] == "Nguyễn Văn An" and first[3] == 1
    assert isinstance(first[7], datetime) and first[7] == datetime(2026, 3, 9, 9, 0), "local wall-clock time"
    assert first[8] == datetime(2026, 3, 12, 17, 0)
    assert rows[2][9] == datetime(2026, 3, 10, 8, 30)
    date_cell = sheet.cell(header_index + 2, 8)
    assert date_cell.is_date and "dd/mm/yyyy" in date_cell.number_format


def test_empty_register_still_renders(hue):
    data = render_register_pdf(unit("000.01.41.H57"), date(2026, 3, 9), date(2026, 3, 9))
    assert "Không có hồ sơ tiếp nhận trong kỳ" in flat(data)
    with pytest.raises(ValueError):
        render_register_pdf(unit("000.01.41.H57"), date(2026, 3, 9), date(2026, 3, 1))
