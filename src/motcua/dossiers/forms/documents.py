"""Forms 01–05 of Circular 01/2018, filled from a dossier and its events.

Every value printed comes from what the system recorded — the receive event's officer signs form 01,
the supplement request's reason and documents fill form 02, the apology's old and new dates fill form
04, and form 05 is rebuilt from the steps and events — so a reprint years later shows exactly what
happened then, not what someone would type today. A form that has nothing to show (04 without an
apology) raises ``FormNotAvailable`` instead of printing an empty paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from motcua.catalog.models import CopyType
from motcua.dossiers.deadlines import calendar_of
from motcua.dossiers.forms import pdf
from motcua.dossiers.forms.register import register_number
from motcua.dossiers.models import (
    ApplicantKind,
    Dossier,
    DossierEvent,
    DossierStep,
    ResultDelivery,
    ResultKind,
    StepState,
)
from motcua.workcalendar.deadlines import classify_finished

MARKS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}

TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "05": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
TITLE_03_AFTER_REVIEW = "Phiếu từ chối giải quyết hồ sơ"


class FormNotAvailable(Exception):
    """The dossier has no such paper (yet); ``message`` is Vietnamese, ready to show to the officer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- shared pieces ----------------------------------------------------------------------------------


def _latest(dossier: Dossier, actions: Iterable[str], *, kind: str | None = None) -> DossierEvent | None:
    events = dossier.events.filter(action__in=list(actions)).select_related("actor", "unit__parent", "unit__area")
    if kind is not None:
        events = events.filter(payload__kind=kind)
    return events.order_by("-at", "-id").first()


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) and value else None


def _honorific(dossier: Dossier) -> str:
    return "Tổ chức" if dossier.applicant.kind == ApplicantKind.ORGANIZATION else "Ông/Bà"


def _copy_label(value: str) -> str:
    return CopyType(value).label if value in CopyType.values else value


def _procedure(dossier: Dossier) -> str:
    return f"{dossier.procedure.name} (mã thủ tục {dossier.procedure.code})"


def _applicant_lines(st: pdf.Styles, dossier: Dossier, intro: str) -> list[Flowable]:
    """Who the paper is for — the applicant's own paper, so personal contact data belongs on it."""
    a = dossier.applicant
    lines: list[Flowable] = [pdf.para(st.body, f"{intro} {_honorific(dossier)}:", a.full_name, bold_value=True)]
    submitter = dossier.submitter or {}
    submitter_name = submitter.get("full_name") or submitter.get("name")
    if submitter_name:
        lines.append(pdf.para(st.body, "Người nộp thay:", submitter_name))
    lines.append(pdf.para(st.body, "Địa chỉ:", a.address))
    lines.append(
        Paragraph(
            f"Số điện thoại: {pdf.esc(a.phone or '…')}&nbsp;&nbsp;&nbsp; Thư điện tử: {pdf.esc(a.email or '…')}",
            st.body,
        )
    )
    return lines


def _documents_table(st: pdf.Styles, width: float, rows: list[tuple[str, str, str]]) -> Flowable:
    """No. | document | original / copy | quantity — the list layout of forms 01 and 02."""
    header = [Paragraph(h, st.head_cell) for h in ("STT", "Tên giấy tờ", "Bản chính / bản sao", "Số lượng")]
    body = [
        [
            Paragraph(str(i), st.cell_center),
            Paragraph(pdf.esc(name), st.cell),
            Paragraph(pdf.esc(copy), st.cell_center),
            Paragraph(pdf.esc(count), st.cell_center),
        ]
        for i, (name, copy, count) in enumerate(rows, start=1)
    ]
    if not body:
        body = [["", Paragraph("<i>(không có)</i>", st.cell), "", ""]]
    return pdf.grid_table([header, *body], [width * 0.08, width * 0.58, width * 0.2, width * 0.14])


def _issuer(event: DossierEvent | None, fallback):
    return event.unit if event is not None and event.unit_id else fallback


def _build(dossier: Dossier, number: str, title: str, story: list[Flowable]) -> bytes:
    return pdf.build_pdf(story, title=f"{title} — {dossier.code}", qr=pdf.qr_payload(dossier, number))


def _heading(st: pdf.Styles, unit, width: float, moment: datetime | None, number_line: str = "") -> list[Flowable]:
    return [
        pdf.national_heading(st, unit, width, qr_space=pdf.QR_SIZE + 2 * mm),
        Spacer(1, 2 * mm),
        pdf.place_and_date(st, unit, moment, width, number_line),
    ]


# --- 01 ---------------------------------------------------------------------------------------------


def form_01(dossier: Dossier) -> bytes:
    """Receipt and appointment: proof for the applicant of what was handed in and when the result is due."""
    receipt = _latest(dossier, ["receive"])
    if receipt is None or dossier.received_at is None:
        raise FormNotAvailable("Hồ sơ chưa được tiếp nhận nên chưa có Giấy tiếp nhận hồ sơ và hẹn trả kết quả.")
    st = pdf.styles()
    width = pdf.frame_width()
    unit = dossier.receiving_unit
    version = dossier.procedure_version
    due = dossier.effective_due_at
    story = _heading(st, unit, width, dossier.received_at)
    story += pdf.title_block(st, TITLES["01"], f"Mã hồ sơ: {pdf.esc(dossier.code)}")
    story.append(Paragraph(f"{pdf.esc(unit.name)} tiếp nhận hồ sơ của:", st.body))
    story += _applicant_lines(st, dossier, "")
    story.append(pdf.para(st.body_justify, "Nội dung yêu cầu giải quyết:", _procedure(dossier)))
    story.append(Paragraph("1. Thành phần hồ sơ nộp gồm:", st.body))
    documents = [
        (
            doc.name + (" (nộp bổ sung)" if doc.supplement else ""),
            _copy_label(doc.copy_type),
            f"{doc.count:02d}",
        )
        for doc in dossier.documents.all()
    ]
    story += [_documents_table(st, width, documents), Spacer(1, 1.5 * mm)]
    story.append(Paragraph(f"2. Số lượng hồ sơ: <b>{dossier.sets:02d}</b> (bộ)", st.body))
    story.append(
        Paragraph(f"3. Thời gian giải quyết hồ sơ theo quy định: <b>{pdf.esc(version.time_limit_label())}</b>", st.body)
    )
    story.append(Paragraph(f"4. Thời gian nhận hồ sơ: <b>{pdf.vn_datetime(dossier.received_at)}</b>", st.body))
    appointment = pdf.vn_datetime(due, "sẽ thông báo sau khi nhận đủ hồ sơ bổ sung")
    story.append(Paragraph(f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{appointment}</b>", st.body))
    if dossier.rescheduled_due_at and dossier.original_due_at:
        story.append(
            Paragraph(
                f"<i>(Hẹn lại theo Phiếu xin lỗi và hẹn lại ngày trả kết quả; hẹn ban đầu: "
                f"{pdf.vn_datetime(dossier.original_due_at)})</i>",
                st.small,
            )
        )
    story.append(Paragraph(f"6. Đăng ký nhận kết quả tại: {_delivery(dossier)}", st.body_justify))
    story.append(
        Paragraph(
            f"Mã tra cứu hồ sơ: <b>{pdf.esc(dossier.lookup_secret)}</b> — dùng cùng mã hồ sơ để theo dõi tình trạng "
            "giải quyết trên Cổng dịch vụ công.",
            st.body_justify,
        )
    )
    book = register_number(dossier)
    if book is not None:
        story.append(
            Paragraph(f"Vào Sổ theo dõi hồ sơ, Quyển số: <b>{book[0]}</b>, Số thứ tự: <b>{book[1]:02d}</b>", st.body)
        )
    submitter = (dossier.submitter or {}).get("full_name") or dossier.applicant.full_name
    story.append(
        pdf.signature_row(
            st,
            width,
            pdf.Signature("Người nộp hồ sơ", submitter),
            pdf.Signature("Người tiếp nhận hồ sơ", pdf.person_name(receipt.actor)),
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        Paragraph(
            "<i>Ghi chú: Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 liên; 01 liên chuyển kèm Phiếu "
            "kiểm soát quá trình giải quyết hồ sơ và được lưu tại Bộ phận Một cửa; 01 liên giao cho cá nhân, tổ chức "
            "nộp hồ sơ. Cá nhân, tổ chức có thể đăng ký nhận kết quả tại nhà qua dịch vụ bưu chính.</i>",
            st.small,
        )
    )
    return _build(dossier, "01", TITLES["01"], story)


def _delivery(dossier: Dossier) -> str:
    unit = dossier.receiving_unit
    if dossier.result_delivery == ResultDelivery.POST:
        return (
            f"địa chỉ qua dịch vụ bưu chính — <b>{pdf.esc(dossier.delivery_address or dossier.applicant.address)}</b>"
        )
    if dossier.result_delivery == ResultDelivery.ONLINE:
        return "<b>nhận kết quả điện tử</b> trên Cổng dịch vụ công (tài khoản của người nộp)"
    where = f"{unit.name}" + (f", {unit.address}" if unit.address else "")
    return f"<b>Bộ phận Một cửa</b> — {pdf.esc(where)}"


# --- 02 ---------------------------------------------------------------------------------------------


def form_02(dossier: Dossier) -> bytes:
    """What to add or correct, with the reason — asked once, in writing (Decree 61 Art. 15, 19)."""
    event = _latest_supplement(dossier)
    if event is None:
        raise FormNotAvailable("Hồ sơ không có yêu cầu bổ sung, hoàn thiện nên không có Phiếu yêu cầu bổ sung.")
    st = pdf.styles()
    width = pdf.frame_width()
    unit = _issuer(event, dossier.receiving_unit)
    names = event.payload.get("documents") or event.payload.get("missing") or []
    story = _heading(st, unit, width, event.at)
    story += pdf.title_block(st, TITLES["02"], f"Mã hồ sơ: {pdf.esc(dossier.code)}")
    story += _applicant_lines(st, dossier, "Hồ sơ của")
    story.append(pdf.para(st.body_justify, "Nội dung yêu cầu giải quyết:", _procedure(dossier)))
    if dossier.received_at:
        story.append(Paragraph(f"Ngày tiếp nhận hồ sơ: {pdf.vn_datetime(dossier.received_at)}", st.body))
    story.append(
        Paragraph(
            f"Sau khi xem xét, hồ sơ chưa đầy đủ, hợp lệ. Đề nghị {_honorific(dossier)} bổ sung, hoàn thiện hồ sơ "
            "gồm những nội dung sau:",
            st.body_justify,
        )
    )
    story += [_documents_table(st, width, _supplement_rows(dossier, names)), Spacer(1, 1.5 * mm)]
    story.append(pdf.para(st.body_justify, "<b>Lý do:</b>", event.reason))
    contact = pdf.person_name(event.actor)
    phone = unit.phone or dossier.receiving_unit.phone
    story.append(
        Paragraph(
            f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, {_honorific(dossier)} liên hệ với "
            f"<b>{pdf.esc(contact or '…')}</b>, {pdf.esc(unit.name)}"
            + (f", số điện thoại {pdf.esc(phone)}" if phone else "")
            + " để được hướng dẫn.",
            st.body_justify,
        )
    )
    story.append(pdf.signature_row(st, width, None, pdf.Signature("Người hướng dẫn", contact)))
    return _build(dossier, "02", TITLES["02"], story)


def _latest_supplement(dossier: Dossier) -> DossierEvent | None:
    candidates = [
        _latest(dossier, ["request_supplement"]),
        _latest(dossier, ["refuse_intake"], kind="guidance"),
    ]
    found = [e for e in candidates if e is not None]
    return max(found, key=lambda e: (e.at, e.pk)) if found else None


def _supplement_rows(dossier: Dossier, names: list[str]) -> list[tuple[str, str, str]]:
    """Look the names up in the procedure's document list to print the kind of copy and the quantity."""
    lines = {line.name: line for line in dossier.procedure_version.documents.all()}
    rows = []
    for name in names:
        line = lines.get(name)
        rows.append((name, _copy_label(line.copy_type) if line else "", f"{line.copies:02d}" if line else "01"))
    return rows


# --- 03 ---------------------------------------------------------------------------------------------


def form_03(dossier: Dossier) -> bytes:
    """Refusal with the specific reasons: at intake (not received) or after review (a written answer)."""
    intake = _latest(dossier, ["refuse_intake"], kind="refusal")
    review = _latest(dossier, ["refuse"]) if dossier.result_kind == ResultKind.REFUSAL else None
    found = [e for e in (intake, review) if e is not None]
    if not found:
        raise FormNotAvailable("Hồ sơ không bị từ chối tiếp nhận hay từ chối giải quyết nên không có Phiếu từ chối.")
    event = max(found, key=lambda e: (e.at, e.pk))
    after_review = event.action == "refuse"
    title = TITLE_03_AFTER_REVIEW if after_review else TITLES["03"]
    st = pdf.styles()
    width = pdf.frame_width()
    unit = _issuer(event, dossier.handling_unit if after_review else dossier.receiving_unit)
    story = _heading(st, unit, width, event.at)
    story += pdf.title_block(st, title, f"Mã hồ sơ: {pdf.esc(dossier.code)}")
    if after_review:
        story.append(
            Paragraph(
                f"{pdf.vn_date(dossier.received_at).capitalize()}, {pdf.esc(dossier.receiving_unit.name)} "
                "tiếp nhận hồ sơ của:",
                st.body,
            )
        )
    else:
        story.append(Paragraph(f"{pdf.esc(dossier.receiving_unit.name)} nhận được hồ sơ của:", st.body))
    story += _applicant_lines(st, dossier, "")
    story.append(pdf.para(st.body_justify, "Nội dung yêu cầu giải quyết:", _procedure(dossier)))
    verb = "không giải quyết" if after_review else "không tiếp nhận, giải quyết"
    story.append(
        Paragraph(
            f"Qua xem xét, {pdf.esc(unit.name)} thông báo {verb} hồ sơ này với lý do cụ thể như sau:", st.body_justify
        )
    )
    story.append(Paragraph(f"<b>{pdf.esc(event.reason)}</b>", st.body_justify))
    story.append(Paragraph(f"Xin thông báo để {_honorific(dossier)} được biết và thực hiện./.", st.body_justify))
    signer = (
        pdf.Signature("Thủ trưởng cơ quan giải quyết", pdf.person_name(event.actor), "(Ký, ghi rõ họ tên và đóng dấu)")
        if after_review
        else pdf.Signature("Người tiếp nhận hồ sơ", pdf.person_name(event.actor))
    )
    story.append(pdf.signature_row(st, width, None, signer))
    return _build(dossier, "03", title, story)


# --- 04 ---------------------------------------------------------------------------------------------


def form_04(dossier: Dossier) -> bytes:
    """The apology with the one new appointment, signed by the head of the late agency (Decree 61 Art. 19.7)."""
    event = _latest(dossier, ["apologize"])
    if event is None:
        raise FormNotAvailable("Hồ sơ chưa có lần xin lỗi và hẹn lại ngày trả kết quả nào nên không có mẫu 04.")
    st = pdf.styles()
    width = pdf.frame_width()
    unit = _issuer(event, dossier.handling_unit)
    you = _honorific(dossier)
    old_due = _moment(event.payload.get("old_due_at"))
    new_due = _moment(event.payload.get("new_due_at"))
    story = _heading(st, unit, width, event.at, "Số: …… /PXL")
    story += pdf.title_block(st, TITLES["04"])
    story.append(Paragraph(f"Kính gửi: {you} <b>{pdf.esc(dossier.applicant.full_name)}</b>", st.center))
    story.append(Spacer(1, 1.5 * mm))
    story.append(
        Paragraph(
            f"{pdf.vn_date(dossier.received_at).capitalize()}, {pdf.esc(dossier.receiving_unit.name)} tiếp nhận hồ sơ "
            f"đề nghị giải quyết thủ tục hành chính của {you}; mã hồ sơ <b>{pdf.esc(dossier.code)}</b>.",
            st.body_justify,
        )
    )
    story.append(pdf.para(st.body_justify, "Nội dung yêu cầu giải quyết:", _procedure(dossier)))
    story.append(Paragraph(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: <b>{pdf.vn_datetime(old_due)}</b>", st.body))
    story.append(
        Paragraph(
            f"Tuy nhiên đến nay, {pdf.esc(unit.name)} chưa trả kết quả giải quyết hồ sơ cho {you}.", st.body_justify
        )
    )
    story.append(pdf.para(st.body_justify, "<b>Lý do:</b>", event.reason))
    story.append(
        Paragraph(
            f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của {you}. {pdf.esc(unit.name)} "
            f"xin lỗi {you} và sẽ trả kết quả giải quyết hồ sơ cho {you} vào thời gian: "
            f"<b>{pdf.vn_datetime(new_due)}</b>.",
            st.body_justify,
        )
    )
    story.append(Paragraph(f"Xin trân trọng cảm ơn sự hợp tác của {you}./.", st.body_justify))
    recipients = [
        Paragraph("<b><i>Nơi nhận:</i></b>", st.small),
        Paragraph("- Như trên;", st.small),
        Paragraph(f"- {pdf.esc(dossier.receiving_unit.name)} (Bộ phận Một cửa);", st.small),
        Paragraph("- Lưu: VT.", st.small),
    ]
    signature = pdf.signature_row(
        st,
        width,
        None,
        pdf.Signature("Thủ trưởng cơ quan, đơn vị", pdf.person_name(event.actor), "(Ký, ghi rõ họ tên và đóng dấu)"),
    )
    story += [signature, *recipients]
    return _build(dossier, "04", TITLES["04"], story)


# --- 05 ---------------------------------------------------------------------------------------------


@dataclass
class ControlRow:
    """One line of the control sheet: a hand-over (giver → receiver) or a recorded interruption."""

    at: datetime
    order: int
    agencies: str
    times: str
    result: str
    note: str


def _stage_started(steps: list[DossierStep], after_stage: int) -> list[DossierStep]:
    """The steps that received the dossier next: the lowest later stage that actually started."""
    later = [s for s in steps if s.stage > after_stage and s.started_at is not None]
    if not later:
        return []
    stage = min(s.stage for s in later)
    return [s for s in later if s.stage == stage]


def control_rows(dossier: Dossier) -> list[ControlRow]:
    """Rebuild the control sheet from the steps (who held the dossier, when) and the events (what else happened)."""
    calendar = calendar_of(dossier)
    steps = list(dossier.steps.select_related("unit", "assignee").order_by("stage", "id"))
    events = list(dossier.events.select_related("unit", "actor").order_by("at", "id"))
    step_marks = {e.step_id: e.payload.get("mark", "") for e in events if e.action == "complete_step" and e.step_id}
    applicant = "Tổ chức, cá nhân nộp hồ sơ"
    rows: list[ControlRow] = []

    def mark_of(step: DossierStep) -> str:
        if step.pk in step_marks:
            return step_marks[step.pk]
        if step.finished_at and step.due_at:
            return classify_finished(calendar, step.finished_at, step.due_at)
        return ""

    def label(step: DossierStep) -> str:
        return pdf.esc(step.agency_name or dossier.handling_unit.name)

    # Steps closed by another action (forward, approve, refuse, return) have no assignee: the actor of
    # that action is the one who handed the dossier over.
    closers = {e.at: e for e in events if e.action in ("forward", "approve", "refuse", "return_result")}
    returned_by_step = False
    forwarded_by_step = False
    forward = next((e for e in events if e.action == "forward"), None)
    for step in steps:
        parallel = [s for s in steps if s.stage == step.stage and s.pk != step.pk]
        notes = []
        if step.inter_agency:
            notes.append("Liên thông")
        if parallel:
            notes.append("Song song với: " + "; ".join(f"{s.action} ({s.agency_name})" for s in parallel))
        if step.note:
            notes.append(step.note)
        action = f"<br/><i>Bước {step.stage}: {pdf.esc(step.action)}</i>"
        if step.state == StepState.SKIPPED:
            rows.append(
                ControlRow(
                    step.finished_at or dossier.updated_at,
                    1,
                    f"{label(step)}{action}",
                    f"Không thực hiện (bỏ qua lúc {pdf.short_datetime(step.finished_at, '…')})",
                    "—",
                    "; ".join(["Bước bị bỏ qua", *notes]),
                )
            )
            continue
        if step.started_at is None:
            continue  # not reached yet: nothing happened to print
        if step.state == StepState.ACTIVE:
            rows.append(
                ControlRow(
                    step.started_at,
                    1,
                    f"<b>Đang xử lý:</b> {label(step)}{action}",
                    f"Nhận: {pdf.short_datetime(step.started_at)}<br/>Hạn: {pdf.short_datetime(step.due_at)}",
                    "",
                    "; ".join(notes),
                )
            )
            continue
        receivers = _stage_started(steps, step.stage)
        is_final_return = (
            not receivers and step.unit_id == dossier.receiving_unit_id and dossier.returned_at is not None
        )
        if is_final_return:
            returned_by_step = True
            receiver_names = f"{applicant} (trả kết quả)"
            received_at = dossier.returned_at
            mark = (
                classify_finished(calendar, dossier.returned_at, dossier.effective_due_at)
                if dossier.effective_due_at
                else mark_of(step)
            )
            notes.append(f"Hẹn trả: {pdf.short_datetime(dossier.effective_due_at)}")
        else:
            receiver_names = (
                "; ".join(dict.fromkeys(label(s) for s in receivers))
                if receivers
                else pdf.esc(dossier.handling_unit.name)
            )
            received_at = min((s.started_at for s in receivers), default=step.finished_at)
            mark = mark_of(step)
        if forward is not None and step.finished_at == forward.at and step.unit_id == dossier.receiving_unit_id:
            forwarded_by_step = True
        closing = closers.get(step.finished_at) if step.assignee_id is None else None
        giver = pdf.person_name(step.assignee) or (pdf.person_name(closing.actor) if closing else "")
        if closing is not None and closing.action in ("approve", "refuse"):
            notes.append("Kết thúc khi ký duyệt kết quả" if closing.action == "approve" else "Từ chối giải quyết")
        rows.append(
            ControlRow(
                step.finished_at or step.started_at,
                2,
                f"<b>Giao:</b> {label(step)}<br/><b>Nhận:</b> {receiver_names}{action}",
                f"Giao: {pdf.short_datetime(step.finished_at)}"
                + (f" ({pdf.esc(giver)})" if giver else "")
                + f"<br/>Nhận: {pdf.short_datetime(received_at)}",
                MARKS.get(mark, ""),
                pdf.esc("; ".join(notes)),
            )
        )
    rows += _event_rows(dossier, events, applicant, forward if not forwarded_by_step else None, returned_by_step)
    rows.sort(key=lambda r: (r.at, r.order))
    return rows


def _event_rows(
    dossier: Dossier, events: list[DossierEvent], applicant: str, forward: DossierEvent | None, returned: bool
) -> list[ControlRow]:
    """Interruptions and hand-overs the plan's steps do not show (supplement, apology, stop, …)."""
    rows = []
    for e in events:
        unit = pdf.esc(e.unit.name if e.unit_id else dossier.handling_unit.name)
        when = pdf.short_datetime(e.at)
        if e.action == "forward" and e is forward:
            rows.append(
                ControlRow(
                    e.at,
                    0,
                    f"<b>Giao:</b> {pdf.esc(dossier.receiving_unit.name)}<br/><b>Nhận:</b> "
                    f"{pdf.esc(dossier.handling_unit.name)}",
                    f"Giao: {when}<br/>Nhận: {when}",
                    "",
                    "",
                )
            )
        elif e.action == "request_supplement":
            rows.append(
                ControlRow(
                    e.at,
                    3,
                    f"<b>Yêu cầu bổ sung</b> (mẫu 02)<br/><b>Giao:</b> {unit}<br/><b>Nhận:</b> {applicant}",
                    f"Giao: {when}",
                    "Tạm dừng tính thời hạn",
                    pdf.esc(e.reason),
                )
            )
        elif e.action in ("receive_supplement", "refuse_intake"):
            if e.action == "receive_supplement":
                due = _moment(e.payload.get("due_at"))
                rows.append(
                    ControlRow(
                        e.at,
                        3,
                        f"<b>Nhận hồ sơ bổ sung</b><br/><b>Giao:</b> {applicant}<br/><b>Nhận:</b> {unit}",
                        f"Nhận: {when}",
                        "Tính lại thời hạn",
                        f"Hẹn trả mới: {pdf.short_datetime(due)}" if due else "",
                    )
                )
        elif e.action == "apologize":
            new_due = _moment(e.payload.get("new_due_at"))
            rows.append(
                ControlRow(
                    e.at,
                    3,
                    f"<b>Xin lỗi, hẹn lại</b> (mẫu 04)<br/>{unit}",
                    f"Lập phiếu: {when}",
                    "",
                    f"Hẹn lại: {pdf.short_datetime(new_due)}; lý do: {pdf.esc(e.reason)}",
                )
            )
        elif e.action in ("withdraw", "stop"):
            what = "Rút hồ sơ" if e.action == "withdraw" else "Dừng xử lý"
            rows.append(ControlRow(e.at, 3, f"<b>{what}</b><br/>{unit}", when, "", pdf.esc(e.reason)))
        elif e.action == "refuse":
            rows.append(
                ControlRow(
                    e.at, 3, f"<b>Từ chối giải quyết</b> (văn bản nêu lý do)<br/>{unit}", when, "", pdf.esc(e.reason)
                )
            )
        elif e.action == "return_result" and not returned:
            rows.append(
                ControlRow(
                    e.at,
                    4,
                    f"<b>Giao:</b> {pdf.esc(dossier.receiving_unit.name)}<br/><b>Nhận:</b> {applicant} (trả kết quả)",
                    f"Giao: {when}",
                    MARKS.get(
                        classify_finished(calendar_of(dossier), e.at, dossier.effective_due_at)
                        if dossier.effective_due_at
                        else "",
                        "",
                    ),
                    "",
                )
            )
    return rows


def form_05(dossier: Dossier) -> bytes:
    """Who held the dossier when, and whether each handled it in time — the accountability sheet."""
    if dossier.received_at is None:
        raise FormNotAvailable("Hồ sơ chưa được tiếp nhận nên chưa có Phiếu kiểm soát quá trình giải quyết hồ sơ.")
    st = pdf.styles()
    width = pdf.frame_width()
    unit = dossier.receiving_unit
    story = _heading(st, unit, width, dossier.received_at)
    story += pdf.title_block(st, TITLES["05"], f"Mã hồ sơ: {pdf.esc(dossier.code)}")
    story.append(Paragraph("<i>(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)</i>", st.subtitle))
    story.append(Spacer(1, 1.5 * mm))
    story.append(pdf.para(st.body, "Thủ tục:", _procedure(dossier)))
    story.append(pdf.para(st.body, "Cơ quan giải quyết hồ sơ:", dossier.handling_unit.name))
    partners = sorted({s.agency_name for s in dossier.steps.select_related("unit") if s.inter_agency and s.agency_name})
    story.append(pdf.para(st.body, "Cơ quan phối hợp giải quyết hồ sơ:", "; ".join(partners) or "không"))
    story.append(
        Paragraph(
            f"Nhận hồ sơ: {pdf.short_datetime(dossier.received_at)}; hẹn trả: "
            f"{pdf.short_datetime(dossier.effective_due_at, 'chưa xác định')}",
            st.body,
        )
    )
    header = [
        Paragraph(h, st.head_cell)
        for h in (
            "TÊN CƠ QUAN",
            "THỜI GIAN GIAO, NHẬN HỒ SƠ",
            "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)",
            "GHI CHÚ",
        )
    ]
    body = [
        [
            Paragraph(row.agencies, st.cell),
            Paragraph(row.times, st.cell),
            Paragraph(f"<b>{row.result}</b>" if row.result else "", st.cell_center),
            Paragraph(row.note, st.cell),
        ]
        for row in control_rows(dossier)
    ]
    story.append(pdf.grid_table([header, *body], [width * 0.34, width * 0.27, width * 0.16, width * 0.23]))
    finish = _latest(dossier, ["approve", "refuse"])
    if finish is not None:
        mark = MARKS.get(finish.payload.get("mark", ""), "")
        story.append(Spacer(1, 1.5 * mm))
        story.append(
            Paragraph(
                f"Có kết quả: {pdf.short_datetime(finish.at)}"
                + (f" — <b>{mark}</b>" if mark else "")
                + (f"; trả kết quả: {pdf.short_datetime(dossier.returned_at)}" if dossier.returned_at else ""),
                st.body,
            )
        )
    story.append(
        Paragraph(
            "<i>Thời gian giao, nhận và người giao ghi theo nhật ký của hệ thống; kết quả trước hạn, đúng hạn, "
            "quá hạn tính theo thời hạn của từng bước.</i>",
            st.small,
        )
    )
    return _build(dossier, "05", TITLES["05"], story)


RENDERERS = {"01": form_01, "02": form_02, "03": form_03, "04": form_04, "05": form_05}
