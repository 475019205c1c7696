"""Import of the national portal's "DANH SÁCH THỦ TỤC HÀNH CHÍNH" spreadsheet.

The National Public Service Portal (dichvucong.gov.vn) lets anyone export a ministry's procedures as an
``.xlsx`` file: a banner ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM … DANH SÁCH THỦ TỤC HÀNH CHÍNH") in a merged
first row, then the header ``Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực`` and one
procedure per row. That list is the quickest way to seed a province's catalogue with the official codes
and names; the details (documents, fees, time limits, process) are completed by officers afterwards.

What the import does, and why:

* The header row is looked for in the first 10 rows, because people re-save the file, delete the banner
  or add a title of their own. Headers are matched without diacritics, case or punctuation ("Ma so",
  "MÃ SỐ", "Mã thủ tục" all work), and the columns may come in any order.
* Each row gives a ``Procedure``: the code (must match ``PROCEDURE_CODE_RE``), the name, the issuing
  ministry, the implementing agencies and the field. "Cơ quan thực hiện" holds several agencies separated
  by line breaks, sometimes repeated, sometimes blank lines: they are trimmed, blank ones dropped and
  repeats removed, keeping the portal's order. The field (lĩnh vực) is found by name — also without
  regard to diacritics or case, so "Hộ Tịch" does not create a twin of "Hộ tịch" — and created if missing.
* A new procedure also gets an empty draft version 1, so it shows up in the officers' work list ready
  to be completed. Existing versions are never touched: the portal list carries no version content.
* Re-importing the same file changes nothing: every row is compared with what is stored and only real
  differences are written (no ``updated_at`` churn, no audit noise). Each created or updated procedure
  gets a ``CatalogEvent`` with action ``imported_portal``.
* Problems are reported in Vietnamese with the spreadsheet row number ("Dòng 17: mã thủ tục “1.00119”
  không đúng định dạng …"); a code seen twice is reported on its second row. Empty rows are skipped.
  Like every motcua import it is all or nothing: one bad row and nothing is written — unless
  ``partial=True``, which imports the good rows and reports the bad ones.
* The work is done with a handful of bulk queries whatever the file size (one to read the stored
  procedures, one ``bulk_create`` per table, one ``bulk_update``), so a ministry's list of a few hundred
  procedures imports in well under a second.

**Implementation levels (cấp thực hiện).** The portal list has no level column, so ``levels`` is
derived from the implementing agencies, one agency at a time (first rule that matches wins, on the
lower-cased text with diacritics, after removing the phrases "xã hội" and "trực thuộc trung ương" that
would otherwise mislead):

1. an explicit "cấp xã" / "cấp huyện" / "cấp tỉnh" / "cấp trung ương" / "cấp bộ" decides;
2. the words "xã", "phường" or "đặc khu" → ``commune`` ("Ủy ban nhân dân cấp xã", "Công an cấp Xã");
3. "huyện" or "quận" → ``district`` (only in lists from before 1 July 2025);
4. "tỉnh" or "Sở" (not "cơ sở") → ``province`` ("Sở Tư pháp", "Chủ tịch ủy ban nhân dân cấp tỉnh",
   "Bảo hiểm xã hội tỉnh");
5. "Bộ" (not "bộ phận"), "Cục", "Tổng cục", "Cơ quan đại diện", "Chính phủ", "Trung ương" → ``ministry``.

Agencies that match no rule ("Tổ chức hành nghề công chứng", "Phòng quản lý xuất nhập cảnh") add no
level; a procedure whose agencies are all unknown or blank gets no level, for an officer to set. On
re-import the levels are re-derived only when the implementing agencies changed (or none are stored), so
a level an officer corrected by hand survives re-importing the same list.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.exchange import ImportRejected, ImportReport
from motcua.catalog.models import (
    PROCEDURE_CODE_RE,
    CatalogEvent,
    Field,
    Level,
    Procedure,
    ProcedureVersion,
    VersionStatus,
)
from motcua.core.text import clean_text, fold

ACTION = "imported_portal"
HEADER_SCAN_ROWS = 10
# what Procedure.fill_derived_fields() computes, written by bulk_update
DERIVED_FIELDS = [
    f.name
    for f in Procedure._meta.concrete_fields
    if not f.editable and f.name not in ("id", "created_at", "updated_at")
]
# checked per row, so that PostgreSQL never meets a value too long for its column
MAX_LENGTHS = {
    "code": Procedure._meta.get_field("code").max_length,
    "name": Procedure._meta.get_field("name").max_length,
    "issuing_agency": Procedure._meta.get_field("issuing_agency").max_length,
    "field": Field._meta.get_field("name").max_length,
}
EXPECTED_HEADERS = ("Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực")

# column key -> accepted headers, folded (no diacritics, lower case, spaces removed)
HEADER_ALIASES: dict[str, set[str]] = {
    "code": {"maso", "mathutuc", "matthc", "ma"},
    "name": {"ten", "tenthutuc", "tenthutuchanhchinh", "tentthc"},
    "issuing_agency": {"coquanbanhanh"},
    "implementing_agencies": {"coquanthuchien"},
    "field": {"linhvuc", "tenlinhvuc"},
}
_BREAKS = re.compile(r"[\r\n\u2028\u2029\v]+")


def _header_key(value: Any) -> str | None:
    folded = fold(str(value)).replace(" ", "") if value is not None else ""
    for key, aliases in HEADER_ALIASES.items():
        if folded in aliases:
            return key
    return None


# --- levels ---------------------------------------------------------------------------------------

_NOISE = re.compile(r"xã hội|trực thuộc trung ương")
_LEVEL_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bcấp xã\b"), Level.COMMUNE),
    (re.compile(r"\bcấp huyện\b"), Level.DISTRICT),
    (re.compile(r"\bcấp tỉnh\b"), Level.PROVINCE),
    (re.compile(r"\bcấp (trung ương|bộ)\b"), Level.MINISTRY),
    (re.compile(r"\b(xã|phường|đặc khu)\b"), Level.COMMUNE),
    (re.compile(r"\b(huyện|quận)\b"), Level.DISTRICT),
    (re.compile(r"\b(tỉnh|(?<!cơ )sở)\b"), Level.PROVINCE),  # "Sở Tư pháp", not "cơ sở dữ liệu"
    (re.compile(r"\b(bộ(?! phận)|cục|tổng cục|cơ quan đại diện|chính phủ|trung ương)\b"), Level.MINISTRY),
]


def agency_level(agency: str) -> str | None:
    """The level of one implementing agency by the rules in the module docstring, or None if unknown."""
    text = _NOISE.sub(" ", clean_text(agency).lower())
    for pattern, level in _LEVEL_RULES:
        if pattern.search(text):
            return str(level)
    return None


def derive_levels(agencies: Iterable[str]) -> list[str]:
    """Levels of a procedure from its implementing agencies, in the canonical order of ``Level``."""
    found = {agency_level(a) for a in agencies}
    return [level for level in Level.values if level in found]


def split_agencies(value: Any) -> list[str]:
    """One agency per line: trimmed, blank lines dropped, repeats removed, the portal's order kept."""
    if value is None:
        return []
    agencies: list[str] = []
    for part in _BREAKS.split(str(value)):
        name = clean_text(part)
        if name and name not in agencies:
            agencies.append(name)
    return agencies


# --- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalRow:
    row: int
    code: str
    name: str
    issuing_agency: str
    implementing_agencies: list[str]
    field_name: str


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value))


def open_workbook(path: Path) -> Any:
    """Open an .xlsx read-only; a missing or unreadable file becomes an ``ImportRejected`` with one message."""
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise _rejected(f"Không tìm thấy tệp {path}.") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _rejected(f"Tệp không phải bảng tính Excel (.xlsx) đọc được ({exc}).") from None


def find_header(workbook: Any) -> tuple[int, dict[str, int], Iterator[tuple[Any, ...]]] | str:
    """Find the header row in the first rows of each sheet.

    Returns (header row number, column map, the rows after it), or the error message to report.
    """
    best: tuple[int, str, int, dict[str, int]] | None = None  # (matched columns, sheet, row, map)
    for sheet in workbook.worksheets:
        for number, values in enumerate(sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True), start=1):
            columns: dict[str, int] = {}
            for index, value in enumerate(values):
                key = _header_key(value)
                if key and key not in columns:
                    columns[key] = index
            if len(columns) == len(HEADER_ALIASES):
                rows = sheet.iter_rows(min_row=number + 1, values_only=True)
                return number, columns, rows
            if columns and (best is None or len(columns) > best[0]):
                best = (len(columns), sheet.title, number, columns)
    expected = " | ".join(EXPECTED_HEADERS)
    if best is not None and best[0] >= 2:
        missing = [EXPECTED_HEADERS[i] for i, key in enumerate(HEADER_ALIASES) if key not in best[3]]
        return (
            f"Sheet {best[1]}, dòng {best[2]}: dòng tiêu đề thiếu cột {', '.join(f'“{m}”' for m in missing)}. "
            f"Cần đủ các cột: {expected}."
        )
    return (
        f"Không tìm thấy dòng tiêu đề trong {HEADER_SCAN_ROWS} dòng đầu. Tệp danh sách thủ tục của Cổng "
        f"Dịch vụ công quốc gia phải có các cột: {expected}."
    )


def _rejected(message: str) -> ImportRejected:
    report = ImportReport()
    report.errors.append(message)
    return ImportRejected(report)


def read_portal_rows(path: Path, report: ImportReport) -> list[PortalRow]:
    """Read and check every row; bad rows go to ``report`` (counted as rejected), good ones are returned."""
    workbook = open_workbook(Path(path))
    try:
        found = find_header(workbook)
        if isinstance(found, str):
            raise _rejected(found)
        return _check_rows(*found, report)
    finally:
        workbook.close()


def _check_rows(
    header_row: int, columns: dict[str, int], rows: Iterator[tuple[Any, ...]], report: ImportReport
) -> list[PortalRow]:
    def cell(values: tuple[Any, ...], key: str) -> Any:
        index = columns[key]
        return values[index] if index < len(values) else None

    good: list[PortalRow] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=header_row + 1):
        if not any(_cell_text(v) for v in values):
            continue
        raw_code = cell(values, "code")
        code = _cell_text(raw_code)
        name = _cell_text(cell(values, "name"))
        field_name = _cell_text(cell(values, "field"))
        problems: list[str] = []
        if not code:
            problems.append("thiếu mã thủ tục")
        elif not PROCEDURE_CODE_RE.match(code):
            hint = (
                " (ô đang ở dạng số nên mất số 0 ở cuối — hãy định dạng cột là văn bản)"
                if isinstance(raw_code, int | float)
                else ""
            )
            problems.append(f"mã thủ tục “{code}” không đúng định dạng (ví dụ 1.001193){hint}")
        elif code in seen:
            problems.append(f"mã {code} trùng với dòng {seen[code]}")
        if not name:
            problems.append("thiếu tên thủ tục")
        if not field_name:
            problems.append("thiếu lĩnh vực")
        issuing_agency = _cell_text(cell(values, "issuing_agency"))
        for label, value, limit in (
            ("mã thủ tục", code, MAX_LENGTHS["code"]),
            ("tên thủ tục", name, MAX_LENGTHS["name"]),
            ("cơ quan ban hành", issuing_agency, MAX_LENGTHS["issuing_agency"]),
            ("lĩnh vực", field_name, MAX_LENGTHS["field"]),
        ):
            if len(value) > limit:
                problems.append(f"{label} dài {len(value)} ký tự, vượt quá {limit} ký tự cho phép")
        if problems:
            report.rejected += 1
            report.errors.append(f"Dòng {number}: {'; '.join(problems)}.")
            continue
        seen[code] = number
        good.append(
            PortalRow(
                row=number,
                code=code,
                name=name,
                issuing_agency=issuing_agency,
                implementing_agencies=split_agencies(cell(values, "implementing_agencies")),
                field_name=field_name,
            )
        )
    return good


# --- writing --------------------------------------------------------------------------------------


def _field_lookup(names: Iterable[str]) -> dict[str, Field]:
    """Fields by the names used in the file: exact name first, then the same name without diacritics/case."""
    fields = list(Field.objects.all())
    exact = {f.name: f for f in fields}
    folded: dict[str, Field] = {}
    for f in fields:
        folded.setdefault(fold(f.name), f)
    lookup: dict[str, Field] = {}
    for name in names:
        found = exact.get(name) or folded.get(fold(name))
        if found is None:
            found = Field.objects.create(name=name)
            folded[fold(name)] = found
        lookup[name] = found
    return lookup


def _existing(codes: list[str]) -> dict[str, Procedure]:
    found: dict[str, Procedure] = {}
    for start in range(0, len(codes), 500):  # stay under SQLite's limit on query parameters
        chunk = codes[start : start + 500]
        found.update({p.code: p for p in Procedure.objects.filter(code__in=chunk).select_related("field")})
    return found


def import_portal_rows(rows: list[PortalRow], report: ImportReport, *, actor=None, source: str = "") -> None:
    """Create or update procedures for checked rows (inside the caller's transaction)."""
    fields = _field_lookup(dict.fromkeys(r.field_name for r in rows))
    existing = _existing([r.code for r in rows])
    now = timezone.now()
    actor_obj = actor if getattr(actor, "pk", None) else None
    to_create: list[Procedure] = []
    created_rows: list[PortalRow] = []
    to_update: list[Procedure] = []
    update_events: list[CatalogEvent] = []
    for row in rows:
        field = fields[row.field_name]
        procedure = existing.get(row.code)
        if procedure is None:
            procedure = Procedure(
                code=row.code,
                name=row.name,
                field=field,
                levels=derive_levels(row.implementing_agencies),
                issuing_agency=row.issuing_agency,
                implementing_agencies=row.implementing_agencies,
            )
            procedure.fill_derived_fields()  # bulk_create does not call save()
            to_create.append(procedure)
            created_rows.append(row)
            continue
        wanted: dict[str, Any] = {
            "name": row.name,
            "field_id": field.pk,
            "issuing_agency": row.issuing_agency,
            "implementing_agencies": row.implementing_agencies,
        }
        if row.implementing_agencies != procedure.implementing_agencies or not procedure.levels:
            wanted["levels"] = derive_levels(row.implementing_agencies)
        changed = [key for key, value in wanted.items() if getattr(procedure, key) != value]
        if not changed:
            report.unchanged += 1
            continue
        before = {key.removesuffix("_id"): _plain(procedure, key) for key in changed}
        for key in changed:
            setattr(procedure, key, wanted[key])
        procedure.field = field
        procedure.fill_derived_fields()  # bulk_update does not call save()
        procedure.updated_at = now
        to_update.append(procedure)
        update_events.append(
            CatalogEvent(
                procedure=procedure,
                action=ACTION,
                actor=actor_obj,
                at=now,
                detail={
                    "source": source,
                    "row": row.row,
                    "changed": {key: [before[key], _plain(procedure, key)] for key in before},
                },
            )
        )
        report.updated += 1
    if to_update:
        Procedure.objects.bulk_update(
            to_update,
            [
                "name",
                "field",
                "issuing_agency",
                "implementing_agencies",
                "levels",
                *DERIVED_FIELDS,
                "updated_at",
            ],
            batch_size=500,
        )
    created = Procedure.objects.bulk_create(to_create, batch_size=500)
    versions = ProcedureVersion.objects.bulk_create(
        [ProcedureVersion(procedure=p, number=1, status=VersionStatus.DRAFT) for p in created], batch_size=500
    )
    events = [
        CatalogEvent(
            procedure=p,
            version=v,
            action=ACTION,
            actor=actor_obj,
            at=now,
            detail={"source": source, "row": row.row, "created": True},
        )
        for p, v, row in zip(created, versions, created_rows, strict=True)
    ]
    CatalogEvent.objects.bulk_create(events + update_events, batch_size=500)
    report.created += len(created)


def _plain(procedure: Procedure, key: str) -> Any:
    """A JSON-friendly value for the audit detail (the field's name rather than its id)."""
    if key == "field_id":
        return procedure.field.name
    value = getattr(procedure, key)
    return list(value) if isinstance(value, list) else value


def import_portal_xlsx(path: Path | str, *, partial: bool = False, actor=None) -> ImportReport:
    """Import a portal "DANH SÁCH THỦ TỤC HÀNH CHÍNH" workbook; raise ``ImportRejected`` on problems.

    All or nothing: with any bad row nothing is written and the report lists every problem. With
    ``partial=True`` the good rows are imported and the report (returned, not raised) lists the rest.
    """
    path = Path(path)
    report = ImportReport()
    rows = read_portal_rows(path, report)
    if report.rejected and not partial:
        raise ImportRejected(report)
    with transaction.atomic():
        import_portal_rows(rows, report, actor=actor, source=path.name)
    return report
