"""The journey both end-to-end tests take (tests/api/test_whole_way_two_departments.py through the API,
tests/browser/test_whole_way_in_browser.py through the pages): its people and reasons, and what the
control sheet (form 05) must say afterwards — one expectation, so the two tests cannot drift apart."""

from __future__ import annotations

import re
from io import BytesIO

from pypdf import PdfReader

CENTER = "Trung tâm Phục vụ hành chính công thành phố Huế"
NAMES = {
    "city_counter": "Trần Thị Tiếp",
    "justice_specialist": "Lê Văn Thẩm",
    "construction_specialist": "Phạm Văn Dựng",
    "justice_leader": "Võ Thị Lan",
}
SUPPLEMENT_REASON = "Đơn đề nghị chưa có chữ ký của người đại diện theo pháp luật"
SUPPLEMENT_DOCUMENT = "Đơn đề nghị (có chữ ký, đóng dấu)"
APOLOGY_REASON = "Sở Xây dựng gửi ý kiến chậm"


def flat(data: bytes) -> str:
    """The PDF's text with line breaks folded into spaces (wrapped cells read as one line)."""
    assert data.startswith(b"%PDF-")
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages))


def in_order(text: str, *parts: str) -> None:
    """Each part appears after the previous one."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"“{part}” missing after position {position}: …{text[position : position + 300]}…"
        position = found + len(part)


def control_sheet(code: str) -> tuple[str, ...]:
    """Form 05 of the journey, in order: every hand-over with who gave it, when, and the mark."""
    return (
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {code}",
        "Cơ quan giải quyết hồ sơ: Sở Tư pháp",
        "Cơ quan phối hợp giải quyết hồ sơ: Sở Xây dựng",
        "Nhận hồ sơ: 08:30 ngày 09/03/2026; hẹn trả: 17:00 ngày 20/03/2026",
        # every hand-over, in order, with who gave it, when, and the mark
        f"Giao: {CENTER} Nhận: Phòng Hành chính tư pháp",
        f"Giao: 09:00 ngày 09/03/2026 ({NAMES['city_counter']})",
        "Đúng hạn",
        "Yêu cầu bổ sung (mẫu 02) Giao: Sở Tư pháp Nhận: Tổ chức, cá nhân nộp hồ sơ",
        "Giao: 09:00 ngày 10/03/2026",
        SUPPLEMENT_REASON,
        f"Nhận hồ sơ bổ sung Giao: Tổ chức, cá nhân nộp hồ sơ Nhận: {CENTER}",
        "Nhận: 09:00 ngày 11/03/2026",
        "Hẹn trả mới: 17:00 ngày 18/03/2026",
        "Giao: Phòng Hành chính tư pháp Nhận: Sở Xây dựng",
        f"Giao: 10:00 ngày 12/03/2026 ({NAMES['justice_specialist']})",
        "Trước hạn",
        "Giao: Sở Xây dựng Nhận: Sở Tư pháp",
        f"Giao: 15:00 ngày 16/03/2026 ({NAMES['construction_specialist']})",
        "Quá hạn",
        "Liên thông",
        "Xin lỗi, hẹn lại (mẫu 04) Sở Tư pháp",
        "Lập phiếu: 09:00 ngày 17/03/2026",
        f"Hẹn lại: 17:00 ngày 20/03/2026; lý do: {APOLOGY_REASON}",
        f"Giao: Sở Tư pháp Nhận: {CENTER}",
        f"Giao: 10:00 ngày 19/03/2026 ({NAMES['justice_leader']})",
        "Kết thúc khi ký duyệt kết quả",
        f"Giao: {CENTER} Nhận: Tổ chức, cá nhân nộp hồ sơ (trả kết quả)",
        f"Giao: 14:00 ngày 19/03/2026 ({NAMES['city_counter']})",
        "Trước hạn",
        "Có kết quả: 10:00 ngày 19/03/2026 — Trước hạn; trả kết quả: 14:00 ngày 19/03/2026",
    )
