"""Shared page layout of the official papers (Circular 01/2018 forms 01–06) drawn with reportlab.

Why one module for all of them: the papers are administrative documents whose look is regulated by
habit as much as by law — the issuing unit opposite the national heading, a bold centred title, a
signature block on the right — and a citizen compares them side by side. Keeping fonts, margins and
those blocks here makes every form look the same and lets each form module speak only about content.

Fonts: the standard PDF fonts have no Vietnamese glyphs, so Be Vietnam Pro (SIL OFL, shipped as a
Python package) is registered and embedded as a TrueType subset; text extracted from the PDF (search,
screen readers, the tests) comes out with its diacritics intact.

QR code: Circular 01/2023 wants it top-left on papers printed by the one-stop system. It is drawn as a
PDF form XObject named ``QR_XOBJECT`` so that its position is visible in the page's content stream
(and checkable without rasterising). It carries only the dossier and procedure codes and the form
number — never personal data, because the paper may be photographed and the QR scanned by anyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

import fontpkg_be_vietnam_pro
from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "BeVietnamPro"
FONT_BOLD = "BeVietnamPro-Bold"
FONT_ITALIC = "BeVietnamPro-Italic"
FONT_BOLD_ITALIC = "BeVietnamPro-BoldItalic"

A5_PORTRAIT = A5  # 419.53 × 595.28 pt — forms 01–05
A4_LANDSCAPE = landscape(A4)  # 841.89 × 595.28 pt — register 06

QR_XOBJECT = "motcua-qr"  # reportlab names the XObject "FormXob.motcua-qr"
QR_SIZE = 17 * mm
MARGIN = 12 * mm

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register Be Vietnam Pro once per process; returns the family name used by the styles."""
    files = fontpkg_be_vietnam_pro.ROOT / "files"
    for name, file in (
        (FONT, "BeVietnamPro-Regular.ttf"),
        (FONT_BOLD, "BeVietnamPro-Bold.ttf"),
        (FONT_ITALIC, "BeVietnamPro-Italic.ttf"),
        (FONT_BOLD_ITALIC, "BeVietnamPro-BoldItalic.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(files / file)))
    # With the family registered, <b> and <i> inside a Paragraph pick the right face.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC)
    return FONT


# --- text helpers -----------------------------------------------------------------------------------


def esc(value: object) -> str:
    """Paragraphs take a small XML markup: user data must be escaped ("<", "&" in addresses, names)."""
    return escape("" if value is None else str(value))


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def vn_datetime(moment: datetime | None, empty: str = "…") -> str:
    """ "17:00, ngày 12 tháng 03 năm 2026" — the wording of the forms, in Vietnamese local time."""
    if moment is None:
        return empty
    m = local(moment)
    return f"{m:%H:%M}, ngày {m:%d} tháng {m:%m} năm {m:%Y}"


def vn_date(moment: datetime | None, empty: str = "…") -> str:
    """ "ngày 12 tháng 03 năm 2026"."""
    if moment is None:
        return empty
    m = local(moment)
    return f"ngày {m:%d} tháng {m:%m} năm {m:%Y}"


def short_datetime(moment: datetime | None, empty: str = "") -> str:
    """ "14:00 ngày 11/03/2026" — for table cells where the long wording does not fit."""
    if moment is None:
        return empty
    m = local(moment)
    return f"{m:%H:%M} ngày {m:%d/%m/%Y}"


PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn ", "Thị xã ", "Quận ", "Huyện ")


def place_name(unit) -> str:
    """The place written before the date ("Thuận Hóa, ngày …"): the nearest area up the unit tree, without its kind."""
    while unit is not None:
        area = getattr(unit, "area", None)
        if area is not None:
            for prefix in PLACE_PREFIXES:
                if area.name.startswith(prefix):
                    return area.name[len(prefix) :]
            return area.name
        unit = unit.parent
    return ""


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() if hasattr(user, "get_full_name") else str(user)


# --- styles -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_justify: ParagraphStyle
    small: ParagraphStyle
    small_center: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    head_cell: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    center: ParagraphStyle
    center_bold: ParagraphStyle
    italic_right: ParagraphStyle
    heading_left: ParagraphStyle
    heading_left_bold: ParagraphStyle
    heading_right: ParagraphStyle
    heading_right_motto: ParagraphStyle


def styles(base: float = 8.5) -> Styles:
    """Paragraph styles scaled from one base size (A5 forms use ~8.5 pt, the A4 register less)."""
    register_fonts()
    lead = base * 1.45

    def style(name: str, **kw: object) -> ParagraphStyle:
        values: dict[str, object] = {"fontName": FONT, "fontSize": base, "leading": lead}
        values.update(kw)
        return ParagraphStyle(name, **values)  # type: ignore[arg-type]

    return Styles(
        body=style("body", spaceAfter=1.5),
        body_justify=style("body_justify", alignment=TA_JUSTIFY, spaceAfter=1.5),
        small=style("small", fontSize=base - 1.5, leading=(base - 1.5) * 1.35),
        small_center=style("small_center", fontSize=base - 1.5, leading=(base - 1.5) * 1.35, alignment=TA_CENTER),
        cell=style("cell", fontSize=base - 1, leading=(base - 1) * 1.3),
        cell_center=style("cell_center", fontSize=base - 1, leading=(base - 1) * 1.3, alignment=TA_CENTER),
        head_cell=style(
            "head_cell", fontName=FONT_BOLD, fontSize=base - 1.5, leading=(base - 1.5) * 1.3, alignment=TA_CENTER
        ),
        title=style("title", fontName=FONT_BOLD, fontSize=base + 2.5, leading=(base + 2.5) * 1.3, alignment=TA_CENTER),
        subtitle=style("subtitle", fontName=FONT_ITALIC, alignment=TA_CENTER),
        center=style("center", alignment=TA_CENTER),
        center_bold=style("center_bold", fontName=FONT_BOLD, alignment=TA_CENTER),
        italic_right=style("italic_right", fontName=FONT_ITALIC, alignment=TA_CENTER),
        heading_left=style("heading_left", fontSize=base - 2, leading=(base - 2) * 1.35, alignment=TA_CENTER),
        heading_left_bold=style(
            "heading_left_bold", fontName=FONT_BOLD, fontSize=base - 2, leading=(base - 2) * 1.35, alignment=TA_CENTER
        ),
        heading_right=style(
            "heading_right", fontName=FONT_BOLD, fontSize=base - 2, leading=(base - 2) * 1.35, alignment=TA_CENTER
        ),
        heading_right_motto=style(
            "heading_right_motto", fontName=FONT_BOLD, fontSize=base - 1, leading=(base - 1) * 1.35, alignment=TA_CENTER
        ),
    )


# --- flowables --------------------------------------------------------------------------------------


class Rule(Flowable):
    """A short centred line, as under the unit name and under the national motto."""

    def __init__(self, width: float, thickness: float = 0.6):
        super().__init__()
        self.rule_width = width
        self.thickness = thickness

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.available_width = available_width
        return available_width, 5

    def draw(self) -> None:
        x = (self.available_width - self.rule_width) / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x, 1.5, x + self.rule_width, 1.5)


def text_width(text: str, font: str, size: float) -> float:
    register_fonts()
    return pdfmetrics.stringWidth(text, font, size)


def national_heading(st: Styles, unit, width: float, *, qr_space: float = 0) -> Table:
    """Issuing unit (with its parent above) on the left, the national heading on the right.

    The right column is just wide enough for "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" on one line (or half
    the width, whichever is more) so long unit names get the rest. ``qr_space`` leaves the top-left
    corner free for the QR code drawn by ``draw_qr``.
    """
    left: list[Flowable] = []
    parent = getattr(unit, "parent", None)
    if parent is not None:
        left.append(Paragraph(esc(parent.name.upper()), st.heading_left))
    left.append(Paragraph(esc(unit.name.upper()), st.heading_left_bold))
    left.append(Rule(min(30 * mm, width * 0.12)))
    right: list[Flowable] = [
        Paragraph(NATIONAL_NAME, st.heading_right),
        Paragraph(NATIONAL_MOTTO, st.heading_right_motto),
        Rule(text_width(NATIONAL_MOTTO, FONT_BOLD, st.heading_right_motto.fontSize)),
    ]
    rest = width - qr_space
    right_width = max(text_width(NATIONAL_NAME, FONT_BOLD, st.heading_right.fontSize) + 8, rest / 2)
    widths = [rest - right_width, right_width]
    row: list[object] = [left, right]
    if qr_space:
        widths.insert(0, qr_space)
        row.insert(0, "")
    table = Table([row], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def place_and_date(st: Styles, unit, moment: datetime | None, width: float, number: str = "") -> Table:
    """ "Số: …" on the left (when the paper has a number), "Thuận Hóa, ngày … tháng … năm …" on the right."""
    place = place_name(unit)
    dated = f"{esc(place)}, {vn_date(moment)}" if place else vn_date(moment).capitalize()
    table = Table(
        [[Paragraph(esc(number), st.center), Paragraph(f"<i>{dated}</i>", st.center)]],
        colWidths=[width * 0.42, width * 0.58],
    )
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def title_block(st: Styles, title: str, *lines: str) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 3 * mm), Paragraph(esc(title.upper()), st.title)]
    out += [Paragraph(line, st.center_bold) for line in lines]
    out.append(Spacer(1, 2.5 * mm))
    return out


def grid_table(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    extra_style: Iterable[tuple] = (),
) -> Table:
    """A bordered table with a bold, repeated header (the way every form and the register show lists)."""
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.93, 0.93, 0.93)),
                ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                *extra_style,
            ]
        )
    )
    return table


@dataclass
class Signature:
    """One signature block: role in bold capitals, the usual parenthesised hint, the printed name."""

    role: str
    name: str = ""
    hint: str = "(Ký và ghi rõ họ tên)"


def signature_row(st: Styles, width: float, left: Signature | None, right: Signature | None) -> Flowable:
    """Signatures side by side; space left for the hand signature (or the digital signature's stamp)."""

    def block(sig: Signature | None) -> list[Flowable]:
        if sig is None:
            return []
        return [
            Paragraph(esc(sig.role.upper()), st.center_bold),
            Paragraph(f"<i>{esc(sig.hint)}</i>", st.small_center),
            Spacer(1, 15 * mm),
            Paragraph(f"<b>{esc(sig.name)}</b>", st.center),
        ]

    table = Table([[block(left), block(right)]], colWidths=[width / 2, width / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 3 * mm), table])


def para(st: ParagraphStyle, label: str, value: object = None, *, bold_value: bool = False) -> Paragraph:
    """ "Label: value" — the label is our own (trusted markup), the value is escaped data."""
    if value is None:
        return Paragraph(label, st)
    shown = esc(value) if str(value) else "…"
    return Paragraph(f"{label} {'<b>' + shown + '</b>' if bold_value else shown}", st)


# --- QR ---------------------------------------------------------------------------------------------


def qr_payload(dossier, form_number: str) -> str:
    """What the QR says: the tracking page's address carrying the dossier code, the procedure code and the
    form number — a phone camera opens the dossier's status; identifiers only (no name, ID number or
    address of the applicant: the paper may be photographed and scanned by anyone)."""
    from urllib.parse import urlencode

    from django.conf import settings

    procedure_code = dossier.procedure.code if dossier.procedure_id else ""
    site = getattr(settings, "MOTCUA_SITE_URL", "").rstrip("/")
    query = urlencode({"ma": dossier.code, "tthc": procedure_code, "mau": form_number})
    return f"{site}/tra-cuu/?{query}"


def qr_origin(page_size: tuple[float, float]) -> tuple[float, float]:
    """Lower-left corner of the QR code: the top-left corner of the text frame."""
    return MARGIN, page_size[1] - MARGIN - QR_SIZE


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float = QR_SIZE) -> None:
    """Draw the QR as a reusable form XObject placed at (x, y), ``size`` points square."""
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    canvas.beginForm(QR_XOBJECT, 0, 0, size, size)
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.endForm()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(QR_XOBJECT)
    canvas.restoreState()


# --- document ---------------------------------------------------------------------------------------

PageCallback = Callable[[Canvas, SimpleDocTemplate], None]


def build_pdf(
    story: list[Flowable],
    *,
    page_size: tuple[float, float] = A5_PORTRAIT,
    title: str,
    qr: str | None = None,
    footer: Callable[[Canvas, SimpleDocTemplate], None] | None = None,
    margin: float = MARGIN,
) -> bytes:
    """Lay the story out on pages of ``page_size``; the QR (if any) goes top-left on the first page."""
    register_fonts()
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author="motcua — Hệ thống thông tin giải quyết thủ tục hành chính",
        subject=title,
        creator="motcua",
    )

    def first(canvas: Canvas, document: SimpleDocTemplate) -> None:
        if qr:
            draw_qr(canvas, qr, *qr_origin(page_size))
        if footer:
            footer(canvas, document)

    def later(canvas: Canvas, document: SimpleDocTemplate) -> None:
        if footer:
            footer(canvas, document)

    doc.build(story, onFirstPage=first, onLaterPages=later)
    return buffer.getvalue()


def frame_width(page_size: tuple[float, float] = A5_PORTRAIT, margin: float = MARGIN) -> float:
    return page_size[0] - 2 * margin
