"""Historical import: a CSV of past events (one row per event) replayed through ``actions.py``.

Why a replay and not an ``INSERT``: an imported dossier must behave and count exactly like a native one —
the same due date computed from the same calendar and office hours, the same early/on-time/late marks,
the same one-supplement and one-apology rules, the same steps in the same queues. The only way to be
sure of that is to run the very actions an officer would have run, each with its past moment (``at=``).
The legacy dossier code is kept (``Intake.code``), and the unit-day sequence is moved past it.

All or nothing per file: the structure of every row is checked first (all errors reported together),
then the events are replayed in time order inside one transaction; the first refused action rolls the
whole file back and is reported with its CSV row number and the action's Vietnamese reason.

The format is documented in ``docs/dossier-history-import.md``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.dossiers import actions
from motcua.dossiers.codes import DOSSIER_CODE_RE, normalize_code
from motcua.dossiers.models import ApplicantKind, Dossier, DossierChannel, DossierEvent, ResultDelivery, StepState
from motcua.organizations.models import Unit
from motcua.workcalendar.rules import TZ

# Set while a historical import or the simulator replays past events, so that a ``dossier_changed``
# receiver (SMS, e-mail, national-portal sync) can tell history from live work and stay quiet.
REPLAYING: ContextVar[bool] = ContextVar("motcua_dossier_replaying", default=False)
# Sent after a replay has committed, with ``dossier_ids``: the dossiers it created or changed (the fact tables
# of the reports refresh them at once instead of once per replayed event).
replayed = Signal()


# During a replay on PostgreSQL, the planner's statistics are refreshed after the first ANALYZE_FIRST events (so
# that the planner learns how many rows a page of these tables holds), then every ANALYZE_EVERY events.
ANALYZE_FIRST = 100
ANALYZE_EVERY = 3000


def analyze_due(events: int) -> bool:
    """Whether a replay that has applied ``events`` events should refresh the statistics now."""
    return events == ANALYZE_FIRST or (events > 0 and events % ANALYZE_EVERY == 0)


_REPLAYED_TABLES = (
    "dossiers_applicant",
    "dossiers_dossier",
    "dossiers_dossierdocument",
    "dossiers_dossierevent",
    "dossiers_dossiersequence",
    "dossiers_dossierstep",
)


def refresh_planner_statistics() -> None:
    """``ANALYZE`` the tables a replay fills (PostgreSQL only; a no-op elsewhere).

    Why: a replay writes thousands of dossiers in one transaction, invisible to autovacuum until it commits. If
    a table was last vacuumed when it held only dead rows (``reltuples`` 0 over a few hundred pages), the planner
    multiplies that density — zero rows a page — by the table's current size and believes it empty however
    much the replay adds, and plans "this dossier's steps" as a scan of the whole table, or of a whole partial
    index, for every dossier: each action then costs more than the one before. Seen in the test suite on
    PostgreSQL, where rolled-back tests leave exactly such tables: ``_close_processing``'s step update planned
    as a nested loop of two full scans of ``dossiers_dossierstep``; a 1,045-dossier replay had not finished after
    180 s, and takes 45 s with this. ``ANALYZE`` inside the transaction counts its own new rows, so the plans
    follow the data."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(_REPLAYED_TABLES))


@contextmanager
def replaying() -> Iterator[None]:
    token = REPLAYING.set(True)
    try:
        yield
    finally:
        REPLAYING.reset(token)


REQUIRED_COLUMNS = ("dossier_code", "procedure_code", "receiving_unit_code", "channel", "event", "timestamp", "actor")
OPTIONAL_COLUMNS = (
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_tax_code",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "applicant_date_of_birth",
    "handling_unit_code",
    "result_delivery",
    "delivery_address",
    "documents",
    "reason",
    "kind",
    "step",
    "note",
    "new_due_date",
    "amount",
    "reference",
    "result_note",
    "notify_channel",
    "delivery",
    "postal_tracking",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Events that may open a dossier: counter receipt, online submission, refusal at the counter.
CREATING = ("receive", "submit_online", "refuse_intake")
EVENTS = ("submit_online", *actions.ACTIONS)
NEEDS_REASON = {"refuse_intake", "request_supplement", "apologize", "refuse", "withdraw", "stop"}
NEEDS_AMOUNT = {"request_financial", "record_payment", "collect_fee"}
MAX_REPORTED_ERRORS = 200

_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class ImportFailed(Exception):
    """The file was refused; nothing was written. ``errors`` are "Dòng N: …" lines, ready to print."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    dossiers: int = 0
    events: int = 0
    created: list[str] = field(default_factory=list)
    continued: list[str] = field(default_factory=list)


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, str]
    event: str
    code: str
    at: datetime

    def get(self, column: str) -> str:
        return self.values.get(column, "")


# --- parsing of single values -------------------------------------------------------------------


def parse_timestamp(text: str) -> datetime:
    """ISO 8601 with an offset (``2025-07-01T08:15:00+07:00``, ``…Z``) or Vietnamese local time without one
    (``2025-07-01 08:15``, ``01/07/2025 08:15``): legacy systems export both."""
    value = text.strip()
    if not value:
        raise ValueError("Thiếu thời điểm (cột timestamp).")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for fmt in _TIME_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(
            f"Thời điểm “{value}” không đúng định dạng (ví dụ 2025-07-01T08:15:00+07:00 hoặc 01/07/2025 08:15)."
        )
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=TZ)
    return parsed


def parse_date(text: str, column: str) -> date:
    value = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Ngày “{value}” ở cột {column} không đúng định dạng (ví dụ 2025-07-15 hoặc 15/07/2025).")


def parse_amount(text: str) -> Decimal:
    """Whole đồng; ``8000``, ``8.000`` and ``8 000`` all mean eight thousand."""
    value = text.strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", value):
        value = value.replace(".", "")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"Số tiền “{text.strip()}” không hợp lệ (ghi số đồng, ví dụ 50000 hoặc 50.000).") from None
    if amount != amount.to_integral_value():
        raise ValueError(f"Số tiền “{text.strip()}” phải là số đồng nguyên.")
    return amount


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


# --- reading and structural validation ----------------------------------------------------------


def read_rows(source: str | Path | io.TextIOBase) -> tuple[list[Row], list[str]]:
    """Parse the CSV; return the rows that parsed and every structural error (row-numbered)."""
    if isinstance(source, str | Path):
        text = Path(source).read_text(encoding="utf-8-sig")
    else:
        text = source.read()
        text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], ["Tệp trống."]
    errors = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        errors.append(f"Dòng 1: thiếu cột {', '.join(missing)}.")
    unknown = [c for c in header if c and c not in COLUMNS]
    if unknown:
        errors.append(f"Dòng 1: cột không xác định {', '.join(unknown)} (xem docs/dossier-history-import.md).")
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if duplicated:
        errors.append(f"Dòng 1: cột bị lặp {', '.join(duplicated)}.")
    if errors:
        return [], errors
    rows: list[Row] = []
    now = timezone.now()
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            errors.append(f"Dòng {number}: có {len(record)} ô, nhiều hơn {len(header)} cột của dòng tiêu đề.")
            continue
        values = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)}
        row_errors = []
        code = normalize_code(values["dossier_code"])
        if not code:
            row_errors.append("thiếu mã hồ sơ (cột dossier_code).")
        elif not DOSSIER_CODE_RE.match(code):
            row_errors.append(f"mã hồ sơ “{values['dossier_code']}” không đúng dạng <mã đơn vị>-<YYMMDD>-<số thứ tự>.")
        event = values["event"].strip().lower()
        if event not in EVENTS:
            row_errors.append(f"sự kiện “{values['event']}” không xác định (các sự kiện: {', '.join(EVENTS)}).")
        at = None
        try:
            at = parse_timestamp(values["timestamp"])
        except ValueError as exc:
            row_errors.append(str(exc)[0].lower() + str(exc)[1:])
        if at is not None and at > now:
            row_errors.append(f"thời điểm {timezone.localtime(at):%H:%M %d/%m/%Y} ở tương lai.")
        if event in NEEDS_REASON and not values.get("reason"):
            row_errors.append(f"sự kiện {event} phải có lý do (cột reason).")
        if event in NEEDS_AMOUNT:
            try:
                parse_amount(values.get("amount", ""))
            except ValueError as exc:
                row_errors.append(str(exc)[0].lower() + str(exc)[1:])
        if event == "apologize":
            try:
                parse_date(values.get("new_due_date", ""), "new_due_date")
            except ValueError as exc:
                row_errors.append(str(exc)[0].lower() + str(exc)[1:])
        if values.get("applicant_date_of_birth"):
            try:
                parse_date(values["applicant_date_of_birth"], "applicant_date_of_birth")
            except ValueError as exc:
                row_errors.append(str(exc)[0].lower() + str(exc)[1:])
        if values.get("kind") and values["kind"] not in ("guidance", "refusal"):
            row_errors.append(f"loại phiếu (cột kind) “{values['kind']}” phải là guidance hoặc refusal.")
        for column in ("delivery", "result_delivery"):
            if values.get(column) and values[column] not in ResultDelivery.values:
                row_errors.append(
                    f"hình thức trả kết quả (cột {column}) “{values[column]}” phải là "
                    f"{', '.join(ResultDelivery.values)}."
                )
        if values.get("channel") and values["channel"] not in DossierChannel.values:
            row_errors.append(
                f"kênh nộp (cột channel) “{values['channel']}” phải là {', '.join(DossierChannel.values)}."
            )
        if values.get("applicant_kind") and values["applicant_kind"] not in ApplicantKind.values:
            row_errors.append(
                f"loại chủ hồ sơ (cột applicant_kind) “{values['applicant_kind']}” phải là "
                f"{', '.join(ApplicantKind.values)}."
            )
        if row_errors:
            errors.extend(f"Dòng {number}: {e[0].upper()}{e[1:]}" for e in row_errors)
            continue
        assert at is not None
        rows.append(Row(number=number, values=values, event=event, code=code, at=at))
    if not rows and not errors:
        errors.append("Tệp không có dòng sự kiện nào.")
    return rows, errors


@dataclass
class _Plan:
    """What validation learnt and the replay needs: who acts, which dossiers exist, what each row creates."""

    rows: list[Row]
    users: dict[int, Any]  # row number -> actor (None for an applicant's own online submission)
    units: dict[str, Unit]
    creating_rows: set[int]
    existing: set[str]


def _check_references(rows: list[Row], as_user: str | None) -> tuple[_Plan, list[str]]:
    """Look up users, units, procedures and existing dossiers (reads only) and check each dossier's story."""
    errors: list[str] = []
    User = get_user_model()
    usernames = {r.get("actor") for r in rows if r.get("actor")} | ({as_user} if as_user else set())
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    fallback = None
    if as_user:
        fallback = users.get(as_user)
        if fallback is None or not fallback.is_active:
            errors.append(f"Không có cán bộ (đang hoạt động) có tên đăng nhập “{as_user}” (tham số --as-user).")
    unit_codes = {r.get(c).upper() for r in rows for c in ("receiving_unit_code", "handling_unit_code") if r.get(c)}
    units = {u.agency_code: u for u in Unit.objects.filter(agency_code__in=unit_codes)}
    procedures = set(
        Procedure.objects.filter(code__in={r.get("procedure_code") for r in rows}).values_list("code", flat=True)
    )
    codes = {r.code for r in rows}
    existing = set(Dossier.objects.filter(code__in=codes).values_list("code", flat=True))
    last_event = dict(
        DossierEvent.objects.filter(dossier__code__in=existing)
        .order_by()
        .values("dossier__code")
        .annotate(last=Max("at"))
        .values_list("dossier__code", "last")
    )
    actors: dict[int, Any] = {}
    for row in rows:
        username = row.get("actor")
        user = users.get(username) if username else None
        if user is not None and not user.is_active:
            user = None
        if user is None and (username or row.event != "submit_online"):
            if fallback is not None:
                user = fallback
            elif username:
                errors.append(
                    f"Dòng {row.number}: Không có cán bộ (đang hoạt động) có tên đăng nhập “{username}”; "
                    "tạo tài khoản trước hoặc dùng --as-user."
                )
            else:
                errors.append(f"Dòng {row.number}: Thiếu người thực hiện (cột actor); hoặc dùng --as-user.")
        actors[row.number] = user
        for column in ("receiving_unit_code", "handling_unit_code"):
            value = row.get(column).upper()
            if value and value not in units:
                errors.append(f"Dòng {row.number}: Không có đơn vị mã định danh “{row.get(column)}” (cột {column}).")
        if row.get("procedure_code") and row.get("procedure_code") not in procedures:
            errors.append(f"Dòng {row.number}: Không có thủ tục mã {row.get('procedure_code')}.")

    creating: set[int] = set()
    by_code: dict[str, list[Row]] = {}
    for row in sorted(rows, key=lambda r: (r.at, r.number)):
        by_code.setdefault(row.code, []).append(row)
    for code, story in by_code.items():
        first = story[0]
        if code in existing:
            if last_event.get(code) and first.at < last_event[code]:
                errors.append(
                    f"Dòng {first.number}: Hồ sơ {code} đã có sự kiện lúc "
                    f"{timezone.localtime(last_event[code]):%H:%M %d/%m/%Y}; sự kiện nhập phải sau thời điểm đó "
                    "(tệp đã được nhập rồi?)."
                )
            if first.event == "submit_online":
                errors.append(f"Dòng {first.number}: Mã hồ sơ {code} đã có trong hệ thống.")
            continue
        if first.event not in CREATING:
            errors.append(
                f"Dòng {first.number}: Hồ sơ {code} chưa có trong hệ thống: sự kiện đầu tiên (sớm nhất) của hồ sơ "
                f"phải là {', '.join(CREATING)}, không phải {first.event}."
            )
            continue
        creating.add(first.number)
        for column in ("procedure_code", "receiving_unit_code", "applicant_name"):
            if not first.get(column):
                errors.append(f"Dòng {first.number}: Sự kiện tạo hồ sơ {code} phải có cột {column}.")
        for later in story[1:]:
            for column in ("procedure_code", "receiving_unit_code", "channel"):
                if later.get(column) and first.get(column) and later.get(column).upper() != first.get(column).upper():
                    errors.append(
                        f"Dòng {later.number}: Cột {column} “{later.get(column)}” khác với dòng tạo hồ sơ "
                        f"(dòng {first.number}: “{first.get(column)}”)."
                    )
    return _Plan(rows, actors, units, creating, existing), errors


# --- replay ---------------------------------------------------------------------------------------


class _RowFailed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _documents(version: ProcedureVersion, text: str) -> list[actions.SubmittedDocument]:
    """``all`` = every required component; else names separated by ``|`` (unknown names become extra papers)."""
    lines = list(version.documents.all())
    if text.strip().lower() == "all":
        return [actions.SubmittedDocument(line.pk) for line in lines if line.required]
    by_name = {_fold(line.name): line for line in lines}
    result = []
    for name in (n.strip() for n in text.split("|")):
        if not name:
            continue
        line = by_name.get(_fold(name))
        result.append(actions.SubmittedDocument(line.pk) if line else actions.SubmittedDocument(None, name=name))
    return result


def _intake(row: Row, plan: _Plan) -> actions.Intake:
    local_day = timezone.localtime(row.at).date()
    procedure = Procedure.objects.get(code=row.get("procedure_code"))
    version = procedure.current_version(on=local_day)
    if version is None:
        raise _RowFailed(f"Thủ tục {procedure.code} không có phiên bản đang có hiệu lực ngày {local_day:%d/%m/%Y}.")
    kind = row.get("applicant_kind") or ApplicantKind.INDIVIDUAL
    handling = row.get("handling_unit_code").upper()
    birth = row.get("applicant_date_of_birth")
    return actions.Intake(
        procedure_code=procedure.code,
        receiving_unit=plan.units[row.get("receiving_unit_code").upper()],
        applicant=actions.ApplicantData(
            full_name=row.get("applicant_name"),
            kind=kind,
            id_number=row.get("applicant_id_number"),
            date_of_birth=parse_date(birth, "applicant_date_of_birth") if birth else None,
            tax_code=row.get("applicant_tax_code"),
            phone=row.get("applicant_phone"),
            email=row.get("applicant_email"),
            address=row.get("applicant_address"),
        ),
        channel=row.get("channel") or DossierChannel.COUNTER,
        documents=_documents(version, row.get("documents")),
        handling_unit=plan.units[handling] if handling else None,
        result_delivery=row.get("result_delivery") or ResultDelivery.COUNTER,
        delivery_address=row.get("delivery_address"),
        code=row.code,
    )


def _step_id(code: str, text: str) -> int | None:
    """The active step named by its stage number or its action text; None lets the action choose."""
    if not text:
        return None
    active = list(Dossier.objects.get(code=code).steps.filter(state=StepState.ACTIVE))
    if text.isdigit():
        matching = [s for s in active if s.stage == int(text)]
    else:
        matching = [s for s in active if _fold(s.action) == _fold(text)]
    if len(matching) != 1:
        names = "; ".join(f"{s.stage}. {s.action}" for s in active) or "không có"
        raise _RowFailed(
            f"Không xác định được bước “{text}” trong các bước đang xử lý ({names})."
            if not matching
            else f"Có {len(matching)} bước đang xử lý khớp “{text}”: ghi tên bước thay vì số giai đoạn."
        )
    return matching[0].pk


def _apply(row: Row, plan: _Plan) -> None:
    actor = plan.users.get(row.number)
    at = row.at
    if row.number in plan.creating_rows:
        intake = _intake(row, plan)
        if row.event == "submit_online":
            actions.submit_online(intake, actor=actor, at=at)
        elif row.event == "receive":
            actions.receive_at_counter(intake, actor=actor, at=at)
        else:
            actions.refuse_at_counter(
                intake, actor=actor, at=at, reason=row.get("reason"), kind=row.get("kind") or "guidance"
            )
        return
    kwargs: dict[str, Any] = {}
    event = row.event
    if event in ("refuse_intake", "request_supplement", "apologize", "refuse", "withdraw", "stop"):
        kwargs["reason"] = row.get("reason")
    if event == "refuse_intake":
        kwargs["kind"] = row.get("kind") or "guidance"
    elif event == "complete_step":
        kwargs["step_id"] = _step_id(row.code, row.get("step"))
        kwargs["note"] = row.get("note")
    elif event == "request_supplement":
        kwargs["documents"] = [d.strip() for d in row.get("documents").split("|") if d.strip()]
    elif event == "receive_supplement":
        names = [d.strip() for d in row.get("documents").split("|") if d.strip()]
        kwargs["documents"] = [actions.SubmittedDocument(None, name=name) for name in names]
    elif event in NEEDS_AMOUNT:
        kwargs["amount"] = parse_amount(row.get("amount"))
        if event == "request_financial":
            kwargs["reason"] = row.get("reason")
        else:
            kwargs["reference"] = row.get("reference")
    elif event == "apologize":
        kwargs["new_due_date"] = parse_date(row.get("new_due_date"), "new_due_date")
    elif event == "approve":
        kwargs["result_note"] = row.get("result_note")
    elif event == "notify_early_return":
        kwargs["channel"] = row.get("notify_channel") or "sms"
    elif event == "return_result":
        kwargs["delivery"] = row.get("delivery") or None
        kwargs["postal_tracking"] = row.get("postal_tracking")
    actions.ACTIONS[event](row.code, actor=actor, at=at, **kwargs)


def _action_message(exc: actions.ActionError) -> str:
    message = exc.message.rstrip()
    details = [f"{field}: {'; '.join(str(m) for m in msgs)}" for field, msgs in exc.errors.items() if msgs]
    if details and not any(d.split(": ", 1)[1] in message for d in details):
        message = f"{message} ({'; '.join(details)})"
    return message if message.endswith((".", ")", "”")) else message + "."


def import_history(source: str | Path | io.TextIOBase, *, as_user: str | None = None) -> ImportReport:
    """Validate, then replay the whole file in one transaction; raise :class:`ImportFailed` on any error."""
    rows, errors = read_rows(source)
    if errors:
        raise ImportFailed(errors[:MAX_REPORTED_ERRORS])
    plan, errors = _check_references(rows, as_user)
    if errors:
        raise ImportFailed(errors[:MAX_REPORTED_ERRORS])
    report = ImportReport()
    ordered = sorted(rows, key=lambda r: (r.at, r.number))
    with replaying(), transaction.atomic():
        for row in ordered:
            try:
                _apply(row, plan)
            except actions.ActionError as exc:
                raise ImportFailed([f"Dòng {row.number}: {_action_message(exc)}"]) from None
            except _RowFailed as exc:
                raise ImportFailed([f"Dòng {row.number}: {exc.message}"]) from None
            report.events += 1
            if analyze_due(report.events):
                refresh_planner_statistics()
        report.created = sorted({r.code for r in rows if r.number in plan.creating_rows})
        report.continued = sorted({r.code for r in rows} - set(report.created))
        report.dossiers = len(report.created) + len(report.continued)
    codes = {r.code for r in rows}
    replayed.send(sender=Dossier, dossier_ids=list(Dossier.objects.filter(code__in=codes).values_list("pk", flat=True)))
    return report
