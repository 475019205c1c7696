"""The statistics and the Decision 766 scorecard as XLSX and PDF files, in the shape of a periodic report.

Why the layout lives here and the pages import it: a leader compares the downloaded file with the screen, line
by line. ``SECTIONS`` says once which figure goes in which column under which Vietnamese heading; the dashboard
table, the spreadsheet and the PDF are all drawn from it and from the same ``Statistics`` object, so the three
cannot disagree. The command line (``motcua report … --format xlsx|pdf``) calls the four public functions below
with the object it computed: keep their signatures.

Numbers stay numbers in the spreadsheet (a rate of 93.75 % is the number 0.9375 shown with the ``0.00%`` format)
so that it can be summed and charted; "no rate" (nothing to divide by) is an empty cell, never 0. The PDF uses the
official papers' font and blocks from ``dossiers.forms.pdf`` (Be Vietnam Pro, embedded: the text extracts with its
diacritics).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from motcua.dossiers.forms import pdf
from motcua.reports.scorecard import Indicator, Scorecard
from motcua.reports.statistics import Figures, Statistics

REPORT_TITLE = "Báo cáo tình hình, kết quả giải quyết thủ tục hành chính"
SCORECARD_TITLE = "Bảng điểm Bộ chỉ số phục vụ người dân, doanh nghiệp"
SCORECARD_BASIS = "Theo Quyết định số 766/QĐ-TTg ngày 23/06/2022 của Thủ tướng Chính phủ"
GROUP_LABELS = {
    None: "Đơn vị",
    "unit": "Đơn vị",
    "field": "Lĩnh vực",
    "procedure": "Thủ tục hành chính",
    "channel": "Kênh tiếp nhận",
    "month": "Tháng",
}
PERSPECTIVE_LABELS = {"handling": "cơ quan giải quyết", "receiving": "nơi tiếp nhận hồ sơ"}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
NO_RATE = "–"


# --- the layout: which figure in which column ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column: a ``Figures`` attribute and its short heading. ``kind``: ``count`` (a number of dossiers,
    linked to the list behind it), ``rate`` (a percentage) or ``days`` (an average in working days)."""

    name: str
    header: str
    kind: str = "count"

    @property
    def linked(self) -> bool:
        return self.kind == "count"


@dataclass(frozen=True)
class Band:
    """Columns under one heading ("Đã giải quyết": trước hạn, đúng hạn, quá hạn)."""

    header: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Section:
    """One table of the report (one sheet of the spreadsheet)."""

    slug: str
    title: str
    sheet: str  # ≤ 31 characters (Excel)
    bands: tuple[Band, ...]

    @property
    def columns(self) -> list[Column]:
        return [column for band in self.bands for column in band.columns]


def _c(name: str, header: str, kind: str = "count") -> Column:
    return Column(name, header, kind)


SECTIONS: tuple[Section, ...] = (
    Section(
        "ket-qua",
        "Tình hình, kết quả giải quyết hồ sơ",
        "Kết quả giải quyết",
        (
            Band(
                "Số hồ sơ phải giải quyết",
                (
                    _c("carried_over", "Kỳ trước chuyển qua"),
                    _c("received", "Tiếp nhận mới"),
                    _c("online", "Trong đó trực tuyến"),
                    _c("total", "Tổng số"),
                ),
            ),
            Band(
                "Đã giải quyết",
                (_c("resolved", "Tổng số"), _c("early", "Trước hạn"), _c("on_time", "Đúng hạn"), _c("late", "Quá hạn")),
            ),
            Band(
                "Đang giải quyết",
                (
                    _c("in_progress", "Tổng số"),
                    _c("in_progress_in_time", "Còn hạn"),
                    _c("in_progress_overdue", "Quá hạn"),
                ),
            ),
            Band("Không tiếp tục giải quyết", (_c("withdrawn", "Công dân rút hồ sơ"), _c("stopped", "Dừng xử lý"))),
            Band(
                "Tỷ lệ, thời gian",
                (
                    _c("on_time_rate", "Tỷ lệ đúng hạn (%)", "rate"),
                    _c("late_rate", "Tỷ lệ quá hạn (%)", "rate"),
                    _c("average_processing_days", "Thời gian bình quân (ngày làm việc)", "days"),
                ),
            ),
        ),
    ),
    Section(
        "qua-han",
        "Quá hạn, xin lỗi, bổ sung, từ chối",
        "Quá hạn, xin lỗi",
        (
            Band(
                "Giải quyết quá hạn",
                (
                    _c("late", "Tổng số"),
                    _c("late_apologised", "Có văn bản xin lỗi"),
                    _c("late_unapologised", "Không có văn bản xin lỗi"),
                ),
            ),
            Band(
                "Phát sinh trong kỳ",
                (
                    _c("apologised", "Văn bản xin lỗi, hẹn lại"),
                    _c("supplement_requested", "Yêu cầu bổ sung"),
                    _c("refused", "Từ chối giải quyết"),
                    _c("not_received", "Không tiếp nhận"),
                    _c("returned", "Đã trả kết quả"),
                ),
            ),
        ),
    ),
    Section(
        "truc-tuyen",
        "Dịch vụ công trực tuyến, thanh toán trực tuyến",
        "Trực tuyến, thanh toán",
        (
            Band(
                "Hồ sơ tiếp nhận",
                (_c("received", "Tổng số"), _c("online", "Trực tuyến"), _c("full_online", "Trực tuyến toàn trình")),
            ),
            Band("Thanh toán", (_c("fee_bearing", "Có phí, lệ phí"), _c("paid_online", "Thanh toán trực tuyến"))),
            Band(
                "Tỷ lệ",
                (
                    _c("online_rate", "Trực tuyến (%)", "rate"),
                    _c("full_online_rate", "Toàn trình (%)", "rate"),
                    _c("paid_online_rate", "Thanh toán trực tuyến (%)", "rate"),
                ),
            ),
        ),
    ),
    Section(
        "so-hoa",
        "Số hóa hồ sơ, kết quả; mức độ hài lòng",
        "Số hóa, hài lòng",
        (
            Band(
                "Hồ sơ tiếp nhận",
                (
                    _c("received", "Tổng số"),
                    _c("input_digitised", "Thành phần đã số hóa"),
                    _c("reused", "Tái sử dụng dữ liệu"),
                    _c("from_store", "Lấy từ kho dữ liệu"),
                ),
            ),
            Band(
                "Hồ sơ đã giải quyết",
                (
                    _c("resolved", "Tổng số"),
                    _c("e_result", "Có kết quả điện tử"),
                    _c("fully_digitised", "Số hóa đầy đủ"),
                ),
            ),
            Band(
                "Tỷ lệ số hóa",
                (
                    _c("input_digitised_rate", "Thành phần (%)", "rate"),
                    _c("reused_rate", "Tái sử dụng (%)", "rate"),
                    _c("from_store_rate", "Từ kho (%)", "rate"),
                    _c("e_result_rate", "Kết quả điện tử (%)", "rate"),
                ),
            ),
            Band(
                "Đánh giá",
                (
                    _c("ratings", "Lượt đánh giá"),
                    _c("satisfied", "Hài lòng, rất hài lòng"),
                    _c("satisfaction_rate", "Tỷ lệ hài lòng (%)", "rate"),
                ),
            ),
        ),
    ),
)

# Spreadsheet rows: the title block, a blank row, two heading rows, then the figures.
TITLE_ROWS = 4
HEADER_ROW = TITLE_ROWS + 2
FIRST_DATA_ROW = HEADER_ROW + 2
FIRST_VALUE_COLUMN = 3  # A: STT, B: the row's label


# --- words and numbers as shown --------------------------------------------------------------------------------


def period_label(start: date, end: date) -> str:
    """ "Tháng 7/2025", "Quý III/2025", "Năm 2025" for a whole month, quarter or year, else the two dates."""
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if whole_months and months == 1:
        return f"Tháng {start.month}/{start.year}"
    if whole_months and months == 3 and start.month % 3 == 1:
        return f"Quý {ROMAN[(start.month + 2) // 3]}/{start.year}"
    if whole_months and months == 12 and start.month == 1:
        return f"Năm {start.year}"
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def period_text(start: date, end: date) -> str:
    """The label with its dates: "Tháng 7/2025 (từ ngày 01/07/2025 đến ngày 31/07/2025)"."""
    label = period_label(start, end)
    if label.startswith("Từ ngày"):
        return label
    return f"{label} (từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y})"


def fmt_int(value: int | None) -> str:
    """14488 → "14.488" (Vietnamese thousands separator)."""
    if value is None:
        return NO_RATE
    return f"{value:,}".replace(",", ".")


def fmt_rate(value: float | Decimal | None, suffix: str = "%") -> str:
    """93.75 → "93,75%", 8.4 → "8,4%", 100.0 → "100%"; None (nothing to divide by) → "–"."""
    if value is None:
        return NO_RATE
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") + suffix


def fmt_value(figures: Figures, column: Column) -> str:
    value = figures.value(column.name)
    if column.kind == "rate":
        return fmt_rate(value)
    if column.kind == "days":
        return fmt_rate(value, "")
    return fmt_int(None if value is None else int(value))


def heading_lines(stats: Statistics) -> list[str]:
    """What the report is about, under its title: unit, period, grouping and perspective."""
    grouping = GROUP_LABELS.get(stats.group_by, "") if stats.group_by else "không nhóm (chỉ dòng tổng)"
    return [
        f"Đơn vị: {stats.unit.name} (gồm các đơn vị trực thuộc)",
        f"Kỳ báo cáo: {period_text(stats.start, stats.end)}",
        f"Nhóm theo: {grouping.lower()}; hồ sơ tính cho {PERSPECTIVE_LABELS.get(stats.perspective, stats.perspective)}",
    ]


def table_rows(stats: Statistics) -> list[Figures]:
    """The rows of the report: the groups then the total; without grouping, the total alone."""
    return [*stats.rows, stats.total] if stats.group_by else [stats.total]


def row_label(stats: Statistics, figures: Figures) -> str:
    if figures is stats.total:
        return "Tổng cộng" if stats.group_by else stats.unit.name
    return figures.label or "(không rõ)"


# --- XLSX -------------------------------------------------------------------------------------------------------

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E9EEF5")
RATE_FORMAT = "0.00%"
DAYS_FORMAT = "0.00"


def _title_block(sheet: Worksheet, lines: Sequence[str], width: int) -> None:
    last = get_column_letter(width)
    for row, text in enumerate(lines, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row, 1, text)
        cell.font = Font(bold=row == 1, size=13 if row == 1 else 11)
        cell.alignment = Alignment(horizontal="center")


def _head(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = sheet.cell(row, column, text)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.fill = HEAD_FILL
    cell.border = BORDER


def _page_setup(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def xlsx_value(figures: Figures, column: Column) -> int | float | None:
    """The cell's value: counts as they are, rates as fractions (shown as percentages), None left empty."""
    value = figures.value(column.name)
    if value is None:
        return None
    if column.kind == "rate":
        return float(Decimal(str(value)) / 100)
    return value


def _statistics_sheet(sheet: Worksheet, stats: Statistics, section: Section) -> None:
    columns = section.columns
    width = FIRST_VALUE_COLUMN - 1 + len(columns)
    _title_block(sheet, [REPORT_TITLE.upper(), *heading_lines(stats)[:2], section.title], width)
    sheet.cell(TITLE_ROWS + 1, 1, heading_lines(stats)[2]).font = Font(italic=True)
    for position, text in ((1, "STT"), (2, GROUP_LABELS.get(stats.group_by, "Đơn vị"))):
        _head(sheet, HEADER_ROW, position, text)
        _head(sheet, HEADER_ROW + 1, position, "")
        sheet.merge_cells(start_row=HEADER_ROW, start_column=position, end_row=HEADER_ROW + 1, end_column=position)
    at = FIRST_VALUE_COLUMN
    for band in section.bands:
        for offset, column in enumerate(band.columns):
            _head(sheet, HEADER_ROW, at + offset, band.header if offset == 0 else "")
            _head(sheet, HEADER_ROW + 1, at + offset, column.header)
        if len(band.columns) > 1:
            sheet.merge_cells(
                start_row=HEADER_ROW, start_column=at, end_row=HEADER_ROW, end_column=at + len(band.columns) - 1
            )
        at += len(band.columns)
    sheet.row_dimensions[HEADER_ROW + 1].height = 48
    rows = table_rows(stats)
    for index, figures in enumerate(rows):
        row = FIRST_DATA_ROW + index
        total = figures is stats.total
        cells: list[object] = [None if total else index + 1, row_label(stats, figures)]
        cells += [xlsx_value(figures, column) for column in columns]
        for position, value in enumerate(cells, start=1):
            cell = sheet.cell(row, position, value)
            cell.border = BORDER
            if total:
                cell.font = Font(bold=True)
            if position >= FIRST_VALUE_COLUMN:
                kind = columns[position - FIRST_VALUE_COLUMN].kind
                cell.number_format = {"rate": RATE_FORMAT, "days": DAYS_FORMAT}.get(kind, "#,##0")
            elif position == 2:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 42
    for position in range(FIRST_VALUE_COLUMN, width + 1):
        sheet.column_dimensions[get_column_letter(position)].width = 13
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, FIRST_VALUE_COLUMN)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    _page_setup(sheet)


def statistics_xlsx(stats: Statistics) -> bytes:
    """The statistics as a workbook: one sheet per section of the report (``SECTIONS``), same rows as the page."""
    book = Workbook()
    book.remove(book.active)
    for section in SECTIONS:
        _statistics_sheet(book.create_sheet(section.sheet), stats, section)
    return _save(book)


SCORECARD_COLUMNS = (
    ("Mã", 7),
    ("Chỉ số", 46),
    ("Tử số", 10),
    ("Mẫu số", 10),
    ("Tỷ lệ / giá trị", 12),
    ("Cách cho điểm", 40),
    ("Điểm", 9),
    ("Điểm tối đa", 9),
    ("Ghi chú", 22),
    ("Cách tính", 80),
)


def _indicator_cells(indicator: Indicator) -> list[object]:
    if indicator.value is not None:
        shown: object = float(indicator.value)
    elif indicator.rate is not None:
        shown = float(indicator.rate / 100)
    else:
        shown = None
    return [
        indicator.id,
        indicator.name,
        indicator.numerator,
        indicator.denominator,
        shown,
        indicator.rule,
        None if indicator.points is None else float(indicator.points),
        float(indicator.max_points) if indicator.scored else None,
        indicator.status,
        indicator.source,
    ]


def scorecard_xlsx(card: Scorecard) -> bytes:
    """The scorecard as a sheet: per group a heading row with its points, then each indicator with its working."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Bảng điểm 766"
    width = len(SCORECARD_COLUMNS)
    _title_block(
        sheet,
        [
            SCORECARD_TITLE.upper(),
            SCORECARD_BASIS,
            f"Đơn vị: {card.unit.name} (gồm các đơn vị trực thuộc)",
            f"Kỳ đánh giá: {period_text(card.start, card.end)}",
        ],
        width,
    )
    for position, (header, column_width) in enumerate(SCORECARD_COLUMNS, start=1):
        _head(sheet, HEADER_ROW, position, header)
        sheet.column_dimensions[get_column_letter(position)].width = column_width
    row = HEADER_ROW + 1
    for group in card.groups:
        heading: list[object] = [
            f"Nhóm {group.number}",
            group.name,
            None,
            None,
            None,
            f"Tối đa {group.max_points} điểm; các chỉ số có dữ liệu: {group.max_with_data} điểm",
            float(group.points),
            float(group.max_points),
        ]
        for position, value in enumerate(heading, start=1):
            cell = sheet.cell(row, position, value)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F3F5F8")
            cell.border = BORDER
        row += 1
        for indicator in group.indicators:
            for position, value in enumerate(_indicator_cells(indicator), start=1):
                cell = sheet.cell(row, position, value)
                cell.border = BORDER
                cell.alignment = Alignment(wrap_text=position in (2, 6, 9, 10), vertical="top")
                if position == 5:
                    cell.number_format = DAYS_FORMAT + '" ngày"' if indicator.value is not None else RATE_FORMAT
                elif position in (7, 8):
                    cell.number_format = "0.00"
            row += 1
    for position, value in enumerate(
        ["", "Tổng điểm", None, None, None, card.summary, float(card.points), float(card.max_points)], start=1
    ):
        cell = sheet.cell(row, position, value)
        cell.font = Font(bold=True)
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _page_setup(sheet)
    return _save(book)


def _save(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- PDF --------------------------------------------------------------------------------------------------------

PAGE = pdf.A4_LANDSCAPE
PAGE_MARGIN = 10 * mm


def _footer(title: str):
    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(pdf.FONT_ITALIC, 7)
        made = timezone.localtime()
        canvas.drawString(PAGE_MARGIN, PAGE_MARGIN / 2, f"{title} — lập bằng motcua lúc {made:%H:%M %d/%m/%Y}")
        canvas.drawRightString(PAGE[0] - PAGE_MARGIN, PAGE_MARGIN / 2, f"Trang {doc.page}")
        canvas.restoreState()

    return draw


def _statistics_table(stats: Statistics, section: Section, st: pdf.Styles, width: float) -> Flowable:
    columns = section.columns
    label_width = 46 * mm
    number_width = (width - 8 * mm - label_width) / len(columns)
    widths = [8 * mm, label_width, *[number_width] * len(columns)]

    def head(text: str) -> Paragraph:
        return Paragraph(pdf.esc(text), st.head_cell)

    top: list[object] = [head("STT"), head(GROUP_LABELS.get(stats.group_by, "Đơn vị"))]
    second: list[object] = ["", ""]
    spans: list[tuple] = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1))]
    at = 2
    for band in section.bands:
        top += [head(band.header)] + [""] * (len(band.columns) - 1)
        second += [head(column.header) for column in band.columns]
        if len(band.columns) > 1:
            spans.append(("SPAN", (at, 0), (at + len(band.columns) - 1, 0)))
        at += len(band.columns)
    body: list[list[object]] = []
    rows = table_rows(stats)
    for index, figures in enumerate(rows):
        total = figures is stats.total
        label = pdf.esc(row_label(stats, figures))
        cells: list[object] = [
            Paragraph("" if total else str(index + 1), st.cell_center),
            Paragraph(f"<b>{label}</b>" if total else label, st.cell),
        ]
        for column in columns:
            text = fmt_value(figures, column)
            cells.append(Paragraph(f"<b>{text}</b>" if total else text, st.cell_center))
        body.append(cells)
    return pdf.grid_table(
        [top, second, *body],
        widths,
        header_rows=2,
        extra_style=[*spans, ("VALIGN", (0, 0), (-1, 1), "MIDDLE")],
    )


def statistics_pdf(stats: Statistics) -> bytes:
    """The statistics on A4 landscape: the unit's heading, the title and period, then one table per section."""
    width = pdf.frame_width(PAGE, PAGE_MARGIN)
    st = pdf.styles(8)
    lines = heading_lines(stats)
    story: list[Flowable] = [
        pdf.national_heading(st, stats.unit, width),
        *pdf.title_block(st, REPORT_TITLE, pdf.esc(lines[1])),
        Paragraph(f"<i>{pdf.esc(lines[0])}. {pdf.esc(lines[2])}.</i>", st.center),
    ]
    heading = ParagraphStyle("section", parent=st.body, keepWithNext=1, spaceBefore=4 * mm, spaceAfter=1.5 * mm)
    for number, section in enumerate(SECTIONS, start=1):
        story += [
            Paragraph(f"<b>{ROMAN.get(number, number)}. {pdf.esc(section.title)}</b>", heading),
            _statistics_table(stats, section, st, width),
        ]
    story.append(
        Paragraph(
            "<i>Tỷ lệ tính trên số hồ sơ của chính chỉ tiêu (công thức: docs/reports.md); “–”: không có hồ sơ để "
            "tính.</i>",
            st.small,
        )
    )
    title = f"{REPORT_TITLE} — {stats.unit.name} — {period_label(stats.start, stats.end)}"
    return pdf.build_pdf(story, page_size=PAGE, title=title, footer=_footer(title), margin=PAGE_MARGIN)


def _indicator_row(indicator: Indicator, st: pdf.Styles) -> list[object]:
    if indicator.value is not None:
        shown = f"{fmt_rate(indicator.value, '')} {indicator.value_label}"
    else:
        shown = fmt_rate(indicator.rate) if indicator.available else ""
    points = "" if indicator.points is None else fmt_rate(indicator.points, "")
    maximum = fmt_rate(indicator.max_points, "") if indicator.scored else "–"
    name = f"<b>{pdf.esc(indicator.name)}</b><br/><font size='6.5'>{pdf.esc(indicator.source)}</font>"
    return [
        Paragraph(pdf.esc(indicator.id), st.cell_center),
        Paragraph(name, st.cell),
        Paragraph(fmt_int(indicator.numerator) if indicator.numerator is not None else "", st.cell_center),
        Paragraph(fmt_int(indicator.denominator) if indicator.denominator is not None else "", st.cell_center),
        Paragraph(pdf.esc(shown), st.cell_center),
        Paragraph(pdf.esc(indicator.rule), st.cell),
        Paragraph(f"<b>{points}</b>" if points else pdf.esc(indicator.status), st.cell_center),
        Paragraph(maximum, st.cell_center),
    ]


def scorecard_pdf(card: Scorecard) -> bytes:
    """The scorecard on A4 landscape: every indicator with numerator, denominator, rate, rule, points and the
    sentence saying how motcua computed it (or why it has no data); group and overall totals."""
    width = pdf.frame_width(PAGE, PAGE_MARGIN)
    st = pdf.styles(8)

    def head(text: str) -> Paragraph:
        return Paragraph(pdf.esc(text), st.head_cell)

    headers = ["Mã", "Chỉ số và cách tính", "Tử số", "Mẫu số", "Tỷ lệ", "Cách cho điểm", "Điểm", "Tối đa"]
    widths_mm = [12, 118, 16, 16, 22, 62, 18, 14]
    scale = width / sum(w * mm for w in widths_mm)
    widths = [w * mm * scale for w in widths_mm]
    rows: list[list[object]] = [[head(h) for h in headers]]
    styles: list[tuple] = []
    for group in card.groups:
        styles += [
            ("SPAN", (0, len(rows)), (5, len(rows))),
            ("BACKGROUND", (0, len(rows)), (-1, len(rows)), colors.Color(0.95, 0.96, 0.97)),
        ]
        rows.append(
            [
                Paragraph(
                    f"<b>Nhóm {group.number}. {pdf.esc(group.name)}</b> — các chỉ số có dữ liệu: tối đa "
                    f"{fmt_rate(group.max_with_data, '')} điểm",
                    st.cell,
                ),
                "",
                "",
                "",
                "",
                "",
                Paragraph(f"<b>{fmt_rate(group.points, '')}</b>", st.cell_center),
                Paragraph(f"<b>{fmt_rate(group.max_points, '')}</b>", st.cell_center),
            ]
        )
        rows += [_indicator_row(indicator, st) for indicator in group.indicators]
    styles.append(("SPAN", (0, len(rows)), (5, len(rows))))
    rows.append(
        [
            Paragraph(f"<b>Tổng điểm.</b> {pdf.esc(card.summary)}", st.cell),
            "",
            "",
            "",
            "",
            "",
            Paragraph(f"<b>{fmt_rate(card.points, '')}</b>", st.cell_center),
            Paragraph(f"<b>{fmt_rate(card.max_points, '')}</b>", st.cell_center),
        ]
    )
    story: list[Flowable] = [
        pdf.national_heading(st, card.unit, width),
        *pdf.title_block(st, SCORECARD_TITLE, pdf.esc(f"Kỳ đánh giá: {period_text(card.start, card.end)}")),
        Paragraph(
            f"<i>{pdf.esc(SCORECARD_BASIS)}. Đơn vị: {pdf.esc(card.unit.name)} (gồm các đơn vị trực thuộc).</i>",
            st.center,
        ),
        Spacer(1, 3 * mm),
        pdf.grid_table(rows, widths, header_rows=1, extra_style=styles),
        Spacer(1, 2 * mm),
        Paragraph(
            "<i>“Không có dữ liệu”: motcua không có dữ liệu để tính chỉ số này, chỉ số không được cho điểm (không "
            "phải 0 điểm). “Không phát sinh”: không có hồ sơ để tính trong kỳ.</i>",
            st.small,
        ),
    ]
    title = f"{SCORECARD_TITLE} — {card.unit.name} — {period_label(card.start, card.end)}"
    return pdf.build_pdf(story, page_size=PAGE, title=title, footer=_footer(title), margin=PAGE_MARGIN)


def content_disposition(kind: str, unit_code: str, start: date, end: date, extension: str) -> str:
    """ "attachment; filename=thong-ke_000.00.41.H57_2025-07-01_2025-07-31.xlsx" (ASCII only)."""
    code = "".join(ch for ch in unit_code if ch.isalnum() or ch in ".-") or "don-vi"
    return f'attachment; filename="{kind}_{code}_{start:%Y-%m-%d}_{end:%Y-%m-%d}.{extension}"'


MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
