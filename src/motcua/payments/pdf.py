"""The receipt as a printable A5 page, drawn with the shared paper layout of ``dossiers/forms/pdf.py``
(Be Vietnam Pro embedded, QR top-left). Every mandatory field of Decree 254/2026 Art. 23.2 is printed;
the digital signature itself is added afterwards by ``signing.sign_pdf``."""

from __future__ import annotations

from types import SimpleNamespace

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from motcua.dossiers.forms import pdf as paper
from motcua.payments.models import Receipt


def money(amount) -> str:
    return f"{int(amount):,}".replace(",", ".")


def qr_payload(receipt: Receipt) -> str:
    """Identifiers only: never the payer's name."""
    issuer = receipt.issuer
    return f"MST={issuer.tax_code};KHBLai={receipt.series};SBLai={receipt.number_label};MaHoSo={receipt.dossier_code}"


def render_receipt(receipt: Receipt) -> bytes:
    st = paper.styles(8.5)
    width = paper.frame_width()
    issuer = receipt.issuer
    heading_unit = SimpleNamespace(name=issuer.name, parent=getattr(issuer.unit, "parent", None))
    story = [
        paper.national_heading(st, heading_unit, width, qr_space=paper.QR_SIZE + 2 * mm),
        *paper.title_block(st, "Biên lai thu phí, lệ phí", "(Biên lai điện tử)"),
        Paragraph(
            f"Mẫu số: <b>{paper.esc(receipt.template_symbol)}</b> &nbsp; Ký hiệu: <b>{paper.esc(receipt.series)}</b>"
            f" &nbsp; Số: <b>{receipt.number_label}</b>",
            st.center,
        ),
        Paragraph(f"<i>{paper.vn_date(receipt.issued_at).capitalize()}</i>", st.center),
        Spacer(1, 2 * mm),
        paper.para(st.body, "Tên tổ chức thu:", issuer.name, bold_value=True),
        paper.para(st.body, "Mã số thuế:", issuer.tax_code, bold_value=True),
        paper.para(st.body, "Địa chỉ:", issuer.address),
        Spacer(1, 1.5 * mm),
        paper.para(st.body, "Tên người nộp:", receipt.payer_name),
    ]
    if receipt.payer_address:
        story.append(paper.para(st.body, "Địa chỉ:", receipt.payer_address))
    story += [
        paper.para(st.body, "Mã hồ sơ:", receipt.dossier_code),
        paper.para(st.body, "Hình thức nộp:", receipt.get_method_display()),
    ]
    if receipt.reference:
        story.append(paper.para(st.body, "Mã giao dịch:", receipt.reference))
    story.append(Spacer(1, 2 * mm))
    rows: list[list[object]] = [
        [Paragraph(h, st.head_cell) for h in ("STT", "Loại phí, lệ phí", "Nội dung khoản thu", "Số tiền (đồng)")]
    ]
    for index, line in enumerate(receipt.lines, start=1):
        rows.append(
            [
                Paragraph(str(index), st.cell_center),
                Paragraph(paper.esc(line["kind"]), st.cell),
                Paragraph(paper.esc(line["name"]), st.cell),
                Paragraph(money(line["amount"]), st.cell_center),
            ]
        )
    rows.append(
        ["", "", Paragraph("<b>Tổng cộng</b>", st.cell), Paragraph(f"<b>{money(receipt.total)}</b>", st.cell_center)]
    )
    story += [
        paper.grid_table(rows, [10 * mm, 28 * mm, width - 10 * mm - 28 * mm - 28 * mm, 28 * mm]),
        Spacer(1, 2 * mm),
        paper.para(st.body, "Số tiền bằng chữ:", receipt.total_in_words, bold_value=True),
        Spacer(1, 3 * mm),
        Paragraph("<b>TỔ CHỨC THU PHÍ, LỆ PHÍ</b>", st.center_bold),
        Paragraph("<i>(Chữ ký số)</i>", st.small_center),
        Paragraph(f"Ký bởi: {paper.esc(issuer.name)}", st.small_center),
        Paragraph(f"Ký ngày: {paper.short_datetime(receipt.issued_at)}", st.small_center),
        Spacer(1, 3 * mm),
        Paragraph(
            "Biên lai điện tử có chữ ký số của tổ chức thu; bản PDF và bản XML có cùng nội dung.", st.small_center
        ),
    ]
    return paper.build_pdf(
        story,
        title=f"Biên lai {receipt.series} số {receipt.number_label}",
        qr=qr_payload(receipt),
    )
