"""Form 06 — Sổ theo dõi hồ sơ (the tracking register) of one receiving unit, as PDF and as XLSX.

Circular 01/2018 Art. 10: the register is kept per year and its numbering runs continuously from 01
for the whole year (a new book opened mid-year continues the numbers). A printout for a period
(a week, a month) is therefore a slice of the year's register: its rows carry their number *in the
year*, not their position in the slice. The same number is printed on form 01 ("Vào Sổ theo dõi hồ
sơ, Quyển số … Số thứ tự …"), which is why ``register_number`` lives here and is shared.

Only dossiers that were actually received (``received_at`` set) are entered in the register; papers
refused at the counter never entered it. Rows are ordered by the moment of receipt, then by code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from motcua.dossiers.forms import pdf
from motcua.dossiers.models import Dossier, DossierEvent, ResultDelivery, ResultKind

MARKS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}

# (header, PDF width in pt, XLSX width in characters) — the same 14 columns in both outputs.
COLUMNS: list[tuple[str, float, float]] = [
    ("STT", 20, 6),
    ("Mã hồ sơ", 108, 26),
    ("Tên thủ tục hành chính", 92, 40),
    ("Số lượng hồ sơ (bộ)", 24, 9),
    ("Tên cá nhân, tổ chức", 66, 24),
    ("Địa chỉ, số điện thoại", 80, 32),
    ("Cơ quan chủ trì giải quyết", 66, 28),
    ("Nhận hồ sơ", 49, 17),
    ("Hẹn trả kết quả", 49, 17),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 49, 17),
    ("Nhận kết quả từ cơ quan giải quyết", 49, 17),
    ("Trả kết quả cho cá nhân, tổ chức", 49, 17),
    ("Chữ ký cá nhân, tổ chức nhận kết quả", 42, 14),
    ("Ghi chú", 42, 36),
]
DATE_COLUMNS = range(7, 12)
XLSX_DATE_PREFIX = "Ngày "  # flat XLSX headers: "Ngày nhận hồ sơ" instead of a merged "Ngày, tháng, năm" band


@dataclass
class RegisterRow:
    number: int
    dossier: Dossier
    received_at: datetime
    due_at: datetime | None
    transferred_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    notes: list[str] = field(default_factory=list)

    @property
    def contact(self) -> str:
        applicant = self.dossier.applicant
        return "; ".join(part for part in (applicant.address, applicant.phone) if part)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _received_between(unit, start: datetime, end: datetime):
    return (
        Dossier.objects.filter(receiving_unit=unit, received_at__gte=start, received_at__lt=end)
        .select_related("procedure", "applicant", "handling_unit")
        .order_by("received_at", "code")
    )


def register_number(dossier: Dossier) -> tuple[int, int] | None:
    """(book year, number in that year's register) of a received dossier; None if it was never received."""
    if dossier.received_at is None:
        return None
    year = timezone.localtime(dossier.received_at).year
    before = Dossier.objects.filter(
        receiving_unit_id=dossier.receiving_unit_id,
        received_at__gte=_day_start(date(year, 1, 1)),
        received_at__lte=dossier.received_at,
    ).exclude(received_at=dossier.received_at, code__gt=dossier.code)
    return year, before.count()


def register_rows(unit, start: date, end: date) -> list[RegisterRow]:
    """Rows received by ``unit`` from ``start`` to ``end`` (local dates, both included), numbered in their year."""
    if end < start:
        raise ValueError("Ngày kết thúc phải sau ngày bắt đầu.")
    counted = list(_received_between(unit, _day_start(date(start.year, 1, 1)), _day_start(end + timedelta(days=1))))
    numbered: list[tuple[int, Dossier]] = []
    year, number = start.year, 0
    for dossier in counted:
        received_year = timezone.localtime(dossier.received_at).year
        if received_year != year:
            year, number = received_year, 0
        number += 1
        if dossier.received_at >= _day_start(start):
            numbered.append((number, dossier))
    events = _events_by_dossier(d.pk for _, d in numbered)
    return [_row(number, dossier, events.get(dossier.pk, [])) for number, dossier in numbered]


def _events_by_dossier(ids: Iterable[int]) -> dict[int, list[DossierEvent]]:
    grouped: dict[int, list[DossierEvent]] = {}
    actions = ["forward", "approve", "refuse", "apologize", "withdraw", "stop"]
    for event in DossierEvent.objects.filter(dossier_id__in=list(ids), action__in=actions).order_by("at", "id"):
        grouped.setdefault(event.dossier_id, []).append(event)
    return grouped


def _row(number: int, dossier: Dossier, events: list[DossierEvent]) -> RegisterRow:
    first = {}
    for event in events:
        first.setdefault(event.action, event)
    notes: list[str] = []
    if dossier.rescheduled_due_at and dossier.original_due_at:
        notes.append(f"Hẹn lại (Phiếu 04), hẹn ban đầu {pdf.short_datetime(dossier.original_due_at)}")
    if dossier.supplement_requested_at:
        notes.append(f"Yêu cầu bổ sung {pdf.short_datetime(dossier.supplement_requested_at)}")
    if dossier.result_kind == ResultKind.REFUSAL:
        notes.append("Từ chối giải quyết (có văn bản nêu lý do)")
    if dossier.withdrawn_at:
        notes.append(f"Rút hồ sơ {pdf.short_datetime(dossier.withdrawn_at)}")
    if dossier.stopped_at:
        notes.append(f"Dừng xử lý {pdf.short_datetime(dossier.stopped_at)}")
    finished = first.get("approve") or first.get("refuse")
    mark = finished.payload.get("mark") if finished else ""
    if mark in MARKS:
        notes.append(f"Giải quyết {MARKS[mark].lower()}")
    if dossier.returned_at and dossier.result_delivery == ResultDelivery.POST and dossier.postal_tracking:
        notes.append(f"Trả qua bưu chính, mã vận đơn {dossier.postal_tracking}")
    elif dossier.returned_at and dossier.result_delivery == ResultDelivery.ONLINE:
        notes.append("Trả kết quả điện tử")
    transferred = first.get("forward")
    return RegisterRow(
        number=number,
        dossier=dossier,
        received_at=dossier.received_at,
        due_at=dossier.effective_due_at,
        transferred_at=transferred.at if transferred else None,
        result_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        notes=notes,
    )


def _values(row: RegisterRow) -> list[object]:
    d = row.dossier
    return [
        row.number,
        d.code,
        d.procedure.name,
        d.sets,
        d.applicant.full_name,
        row.contact,
        d.handling_unit.name,
        row.received_at,
        row.due_at,
        row.transferred_at,
        row.result_at,
        row.returned_at,
        "",
        "; ".join(row.notes),
    ]


def _period_label(start: date, end: date) -> str:
    return f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


# --- PDF --------------------------------------------------------------------------------------------


def render_register_pdf(unit, start: date, end: date) -> bytes:
    """The register for a period on A4 landscape, header rows repeated on every page."""
    rows = register_rows(unit, start, end)
    page = pdf.A4_LANDSCAPE
    margin = 10 * mm
    width = pdf.frame_width(page, margin)
    st = pdf.styles(7.5)
    scale = width / sum(w for _, w, _ in COLUMNS)
    widths = [w * scale for _, w, _ in COLUMNS]

    def head(text: str) -> Paragraph:
        return Paragraph(pdf.esc(text), st.head_cell)

    top = [head(name) if i not in DATE_COLUMNS else "" for i, (name, _, _) in enumerate(COLUMNS)]
    top[7] = head("Ngày, tháng, năm")
    second = [head(name) if i in DATE_COLUMNS else "" for i, (name, _, _) in enumerate(COLUMNS)]
    numbers = [Paragraph(f"({i})", st.small_center) for i in range(1, len(COLUMNS) + 1)]
    body: list[list[object]] = []
    for row in rows:
        cells: list[object] = []
        for i, value in enumerate(_values(row)):
            if i in DATE_COLUMNS:
                text = "" if value is None else f"{timezone.localtime(value):%H:%M<br/>%d/%m/%Y}"
                cells.append(Paragraph(text, st.cell_center))
            elif i in (0, 3):
                cells.append(Paragraph(f"{value:02d}" if isinstance(value, int) else "", st.cell_center))
            else:
                cells.append(Paragraph(pdf.esc(value), st.cell))
        body.append(cells)
    if not body:
        body.append(
            [Paragraph("<i>Không có hồ sơ tiếp nhận trong kỳ.</i>", st.cell_center)] + [""] * (len(COLUMNS) - 1)
        )
    spans = [("SPAN", (i, 0), (i, 1)) for i in range(len(COLUMNS)) if i not in DATE_COLUMNS]
    spans.append(("SPAN", (7, 0), (11, 0)))
    if not rows:
        spans.append(("SPAN", (0, 3), (-1, 3)))
    table = pdf.grid_table(
        [top, second, numbers, *body],
        widths,
        header_rows=3,
        extra_style=[*spans, ("VALIGN", (0, 0), (-1, 2), "MIDDLE"), ("BACKGROUND", (0, 2), (-1, 2), colors.white)],
    )
    years = sorted({timezone.localtime(r.received_at).year for r in rows} or {start.year})
    story: list[Flowable] = [
        pdf.national_heading(st, unit, width),
        *pdf.title_block(
            st,
            "Sổ theo dõi hồ sơ",
            f"Quyển số: {', '.join(str(y) for y in years)}",
        ),
        Paragraph(f"<i>{_period_label(start, end)}</i>", st.center),
        Spacer(1, 3 * mm),
        table,
        pdf.signature_row(st, width, pdf.Signature("Người lập sổ"), pdf.Signature("Trưởng Bộ phận Một cửa")),
    ]

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(pdf.FONT_ITALIC, 7)
        canvas.drawString(margin, margin / 2, f"Sổ theo dõi hồ sơ — {unit.name} — {_period_label(start, end)}")
        canvas.drawRightString(page[0] - margin, margin / 2, f"Trang {doc.page}")
        canvas.restoreState()

    return pdf.build_pdf(story, page_size=page, title="Sổ theo dõi hồ sơ", footer=footer, margin=margin)


# --- XLSX -------------------------------------------------------------------------------------------


def _xlsx_header(name: str, index: int) -> str:
    return XLSX_DATE_PREFIX + name[0].lower() + name[1:] if index in DATE_COLUMNS else name


def render_register_xlsx(unit, start: date, end: date) -> bytes:
    """The same register as a spreadsheet: one flat header row (filterable), real Excel dates in local time."""
    rows = register_rows(unit, start, end)
    book = Workbook()
    sheet = book.active
    sheet.title = "Sổ theo dõi hồ sơ"
    last = get_column_letter(len(COLUMNS))
    for line, (text, bold) in enumerate(
        [(unit.name.upper(), True), ("SỔ THEO DÕI HỒ SƠ", True), (_period_label(start, end), False)], start=1
    ):
        sheet.merge_cells(f"A{line}:{last}{line}")
        cell = sheet.cell(line, 1, text)
        cell.font = Font(bold=bold, size=13 if line == 2 else 11)
        cell.alignment = Alignment(horizontal="center")
    header_row = 5
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, (name, _, width) in enumerate(COLUMNS):
        cell = sheet.cell(header_row, index + 1, _xlsx_header(name, index))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.border = border
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.row_dimensions[header_row].height = 45
    for offset, row in enumerate(rows, start=1):
        for index, value in enumerate(_values(row)):
            if isinstance(value, datetime):
                # Excel has no time zones: write the Vietnamese wall-clock time the paper register shows.
                value = timezone.localtime(value).replace(tzinfo=None)
            cell = sheet.cell(header_row + offset, index + 1, value)
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=index not in DATE_COLUMNS)
            if index in DATE_COLUMNS:
                cell.number_format = "dd/mm/yyyy hh:mm"
    sheet.freeze_panes = sheet.cell(header_row + 1, 3)
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(len(rows), 1)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
