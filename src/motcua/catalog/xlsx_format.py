"""motcua's catalogue exchange format as an Excel workbook, for people who edit in a spreadsheet.

The JSON format (docs/catalog-exchange-format.md) is what machines exchange; provincial officers
compile catalogues in Excel. This workbook carries exactly the same data — ``workbook_to_catalog``
returns the dictionary ``import_catalog`` takes, so one importer does all the business checking (codes,
negative fees, steps adding up to the time limit, unknown units, published versions left alone) and the
two formats cannot drift apart. A JSON export written as a workbook and imported back gives the same
JSON again.

Sheets, each with one header row; rows are linked by procedure code (and version number):

* ``Thủ tục`` — one row per procedure;
* ``Phiên bản`` — one row per version (procedure code + number);
* ``Thành phần hồ sơ``, ``Phí lệ phí``, ``Quy trình`` — documents, fees and process steps of a version
  (procedure code + version number), in the order of the rows;
* ``Đơn vị`` — the units that receive / handle a procedure (procedure code + unit code).

Headers are "Vietnamese label [json key]" (``Mức thu (đồng) [amount]``); on reading, the bracketed key is
enough, or the label alone without diacritics, and columns may be in any order. Cell conventions:

* lists (levels, channels, subjects, agencies) — one item per line (levels, channels, subjects may also
  be separated by commas);
* choices are written as the codes of the JSON format (``working_days``, ``counter``); the Vietnamese
  labels ("ngày làm việc", "Trực tiếp") are accepted too;
* yes/no — "có"/"không" (also x, 1/0, true/false);
* dates — date cells, ``YYYY-MM-DD`` or ``DD/MM/YYYY``; ``published_at`` is ISO 8601 text with offset;
* amounts in VND are whole numbers ("1.000.000" with dot separators is read as one million); step times
  are numbers ("0,25" with a decimal comma is accepted);
* legal bases — one per line ``số | tên văn bản | ngày``, result documents ``tên | mã``; anything that
  does not fit that shape is kept as JSON text in the cell, so nothing is lost.

Cell-level problems (text in a number column, a bad date, an unknown choice, a row pointing at a
procedure that is not in ``Thủ tục``) are reported with the sheet name and row number; nothing is
imported then.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db.models import TextChoices
from django.utils import timezone

from motcua.catalog.exchange import FORMAT, FORMAT_VERSION, ImportRejected, ImportReport, import_catalog
from motcua.catalog.models import (
    LIMIT_UNIT_CHOICES,
    Channel,
    CopyType,
    FeeKind,
    Level,
    OnlineLevel,
    StepHandler,
    Subject,
    VersionStatus,
)
from motcua.core.text import fold

Choices = list[tuple[str, str]]


def _choices(enum: type[TextChoices]) -> Choices:
    return [(str(value), str(label)) for value, label in enum.choices]


@dataclass(frozen=True)
class Column:
    """One column: JSON key (dotted inside ``time_limit``/``field``), Vietnamese label and cell kind."""

    key: str
    label: str
    # text, long, optional, int, bool, date, moment, decimal, choice, choice_list, lines, legal, results
    kind: str = "text"
    choices: Choices | None = None
    required: bool = False
    width: int = 18
    nullable: bool = False  # an empty cell is JSON null; otherwise the key is left out (importer default)

    @property
    def header(self) -> str:
        return f"{self.label} [{self.key}]"

    @property
    def noun(self) -> str:
        """The label as it reads inside a sentence ("mức thu", not "Mức thu (đồng)")."""
        label = re.sub(r"\s*\(.*?\)", "", self.label)
        return label[:1].lower() + label[1:]


CODE = Column("code", "Mã thủ tục", required=True, width=14)
NUMBER = Column("number", "Phiên bản", "int", required=True, width=10)

SHEET_PROCEDURES = "Thủ tục"
SHEET_VERSIONS = "Phiên bản"
SHEET_DOCUMENTS = "Thành phần hồ sơ"
SHEET_FEES = "Phí lệ phí"
SHEET_STEPS = "Quy trình"
SHEET_UNITS = "Đơn vị"

SHEETS: dict[str, list[Column]] = {
    SHEET_PROCEDURES: [
        CODE,
        Column("name", "Tên thủ tục", "long", width=60),
        Column("field.code", "Mã lĩnh vực", "optional", width=12, nullable=True),
        Column("field.name", "Lĩnh vực", width=24),
        Column("levels", "Cấp thực hiện", "choice_list", _choices(Level), width=14),
        Column("issuing_agency", "Cơ quan ban hành", width=20),
        Column("implementing_agencies", "Cơ quan thực hiện", "lines", width=36),
        Column("coordinating_agencies", "Cơ quan phối hợp", "lines", width=30),
        Column("subjects", "Đối tượng thực hiện", "choice_list", _choices(Subject), width=16),
    ],
    SHEET_VERSIONS: [
        CODE,
        NUMBER,
        Column("status", "Trạng thái", "choice", _choices(VersionStatus), width=12),
        Column("valid_from", "Hiệu lực từ", "date", width=12, nullable=True),
        Column("valid_to", "Hiệu lực đến", "date", width=12, nullable=True),
        Column("decision_number", "Số quyết định công bố", width=18),
        Column("decision_date", "Ngày quyết định", "date", width=12, nullable=True),
        Column("published_at", "Thời điểm công bố", "moment", width=26, nullable=True),
        Column("time_limit.value", "Thời hạn giải quyết", "int", width=10, nullable=True),
        Column("time_limit.unit", "Đơn vị thời hạn", "choice", list(LIMIT_UNIT_CHOICES), width=14),
        Column("time_limit.note", "Ghi chú thời hạn", width=24),
        Column("channels", "Cách thức thực hiện", "choice_list", _choices(Channel), width=12),
        Column("online_level", "Mức độ trực tuyến", "choice", _choices(OnlineLevel), width=12),
        Column("steps_description", "Trình tự thực hiện", "long", width=50),
        Column("conditions", "Yêu cầu, điều kiện", "long", width=40),
        Column("legal_basis", "Căn cứ pháp lý", "legal", width=50),
        Column("result_documents", "Kết quả thực hiện", "results", width=30),
        Column("notes", "Ghi chú", "long", width=30),
    ],
    SHEET_DOCUMENTS: [
        CODE,
        NUMBER,
        Column("name", "Tên giấy tờ", "long", width=60),
        Column("copy_type", "Loại bản", "choice", _choices(CopyType), width=16),
        Column("copies", "Số lượng", "int", width=9),
        Column("required", "Bắt buộc", "bool", width=9),
        Column("condition", "Trường hợp phải nộp", width=30),
        Column("form_name", "Mẫu đơn, tờ khai", width=30),
        Column("form_template", "Tệp mẫu", width=20),
        Column("must_digitise", "Phải số hóa", "bool", width=9),
        Column("reusable", "Được tái sử dụng", "bool", width=9),
    ],
    SHEET_FEES: [
        CODE,
        NUMBER,
        Column("channel", "Hình thức nộp", "choice", [("", "Mọi hình thức"), *_choices(Channel)], width=12),
        Column("kind", "Loại", "choice", _choices(FeeKind), width=9),
        Column("name", "Tên khoản thu", width=30),
        Column("amount", "Mức thu (đồng)", "int", width=14),
        Column("description", "Mô tả", width=40),
        Column("legal_basis", "Căn cứ", width=30),
    ],
    SHEET_STEPS: [
        CODE,
        NUMBER,
        Column("stage", "Bước", "int", required=True, width=7),
        Column("action", "Công việc", width=40),
        Column("role", "Vai trò", "optional", width=18, nullable=True),
        Column("handler", "Đơn vị thực hiện", "choice", _choices(StepHandler), width=16),
        Column("unit", "Mã đơn vị", "optional", width=16, nullable=True),
        Column("external_agency", "Cơ quan khác", width=24),
        Column("inter_agency", "Liên thông", "bool", width=9),
        Column("allotted", "Thời gian", "decimal", width=10),
    ],
    SHEET_UNITS: [
        CODE,
        Column("agency_code", "Mã đơn vị", required=True, width=16),
        Column("receives", "Tiếp nhận", "bool", width=10),
        Column("handles", "Giải quyết", "bool", width=10),
    ],
}

_TRUE = {"co", "x", "1", "true", "yes", "dung", "c"}
_FALSE = {"khong", "0", "false", "no", "sai", "k"}
_LINES = re.compile(r"[\r\n\u2028\u2029]+")
_LIST_SEPARATORS = re.compile(r"[\r\n\u2028\u2029,;]+")
_THOUSANDS = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_LEGAL_KEYS = ["number", "title", "date"]
_RESULT_KEYS = ["name", "code"]


class CellError(ValueError):
    """A cell that cannot be read; the message is completed with sheet and row by the caller."""


# --- reading cells --------------------------------------------------------------------------------


def _plain_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _read_int(value: Any, column: Column) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"{column.noun} “{value}” không phải số")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"{column.noun} “{value}” không phải số nguyên")
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS.match(text):
        text = text.replace(".", "").replace(",", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CellError(f"{column.noun} “{value}” không phải số")


def _read_decimal(value: Any, column: Column) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"{column.noun} “{value}” không phải số")
    text = str(value).strip().replace(",", ".") if isinstance(value, str) else repr(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"{column.noun} “{value}” không phải số") from None
    if not number.is_finite():
        raise CellError(f"{column.noun} “{value}” không phải số")
    return f"{number.normalize():f}"


def _read_bool(value: Any, column: Column) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    folded = fold(str(value)).replace(" ", "")
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(f"{column.noun} “{value}” phải là “có” hoặc “không”")


def _read_date(value: Any, column: Column) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        match = _DMY.match(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1])).isoformat()
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise CellError(f"{column.noun} “{value}” không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY)") from None


def _read_moment(value: Any, column: Column) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):  # a spreadsheet date-time has no offset: it is Vietnamese local time
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
        return moment.isoformat()
    return str(value).strip()


def _read_choice(value: Any, column: Column) -> str:
    text = _plain_text(value).strip()
    if not text:
        return ""
    choices = column.choices or []
    for code, _label in choices:
        if text == code:
            return code
    folded = fold(text)
    for code, label in choices:
        if folded in (fold(code), fold(label)):
            return code
    allowed = ", ".join(f"{code} ({label})" if code else f"để trống ({label})" for code, label in choices)
    raise CellError(f"{column.noun} “{text}” không hợp lệ (chọn: {allowed})")


def _read_choice_list(value: Any, column: Column) -> list[str]:
    return [_read_choice(part, column) for part in _LIST_SEPARATORS.split(_plain_text(value)) if part.strip()]


def _read_lines(value: Any) -> list[str]:
    return [part.strip() for part in _LINES.split(_plain_text(value)) if part.strip()]


def _read_records(value: Any, column: Column, keys: list[str]) -> list[Any]:
    text = _plain_text(value).strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CellError(f"{column.noun}: JSON không hợp lệ ({exc.msg})") from None
    records = []
    for line in _LINES.split(text):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > len(keys):
            raise CellError(f"{column.noun} “{line}” có quá {len(keys)} phần ngăn bởi “|” ({' | '.join(keys)})")
        parts += [""] * (len(keys) - len(parts))
        records.append(dict(zip(keys, parts, strict=True)))
    return records


def read_cell(value: Any, column: Column) -> Any:
    """The JSON value of a cell; ``None`` for an empty cell whose key should be left to the default."""
    kind = column.kind
    if kind == "int":
        return _read_int(value, column)
    if kind == "decimal":
        return _read_decimal(value, column)
    if kind == "bool":
        return _read_bool(value, column)
    if kind == "date":
        return _read_date(value, column)
    if kind == "moment":
        return _read_moment(value, column)
    if kind == "choice":
        return _read_choice(value, column)
    if kind == "choice_list":
        return _read_choice_list(value, column)
    if kind == "lines":
        return _read_lines(value)
    if kind == "legal":
        return _read_records(value, column, _LEGAL_KEYS)
    if kind == "results":
        return _read_records(value, column, _RESULT_KEYS)
    if kind == "optional":
        return _plain_text(value).strip() or None
    return _plain_text(value)


# --- reading the workbook -------------------------------------------------------------------------


def _header_key(title: Any, columns: list[Column]) -> Column | None:
    text = _plain_text(title).strip()
    bracket = re.search(r"\[([a-z_.]+)\]\s*$", text)
    for column in columns:
        if bracket and bracket[1] == column.key:
            return column
    folded = fold(re.sub(r"\[.*?\]", "", text))
    for column in columns:
        if folded in (fold(column.label), fold(column.key)):
            return column
    return None


def _sheet_rows(sheet: Any, name: str, errors: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a sheet as (row number, {key: JSON value}); problems go to ``errors``."""
    columns = SHEETS[name]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    mapping: dict[int, Column] = {}
    for index, title in enumerate(header):
        if title is None or not _plain_text(title).strip():
            continue
        column = _header_key(title, columns)
        if column is None:
            errors.append(f"Sheet {name}, dòng 1: cột “{title}” không được nhận dạng.")
        elif column in mapping.values():
            errors.append(f"Sheet {name}, dòng 1: cột “{title}” bị lặp.")
        else:
            mapping[index] = column
    missing = [c.header for c in columns if c.required and c not in mapping.values()]
    if missing:
        errors.append(f"Sheet {name}, dòng 1: thiếu cột {', '.join(f'“{m}”' for m in missing)}.")
        return []
    result = []
    for number, values in enumerate(rows, start=2):
        if not any(_plain_text(v).strip() for v in values):
            continue
        record: dict[str, Any] = {}
        for index, column in mapping.items():
            value = values[index] if index < len(values) else None
            try:
                record[column.key] = read_cell(value, column)
            except CellError as exc:
                errors.append(f"Sheet {name}, dòng {number}: {exc}.")
                record[column.key] = None
            if column.key == "code" and isinstance(value, int | float) and not isinstance(value, bool):
                errors.append(
                    f"Sheet {name}, dòng {number}: mã thủ tục {value} đang ở dạng số (có thể đã mất số 0 ở cuối); "
                    "hãy định dạng cột là văn bản."
                )
            if column.required and record[column.key] in (None, ""):
                errors.append(f"Sheet {name}, dòng {number}: thiếu {column.noun}.")
        result.append((number, record))
    return result


def _fields(
    record: dict[str, Any], columns: list[Column], skip: tuple[str, ...] = ("code", "number")
) -> dict[str, Any]:
    """The JSON object of a row, keys in the sheet's column order (the order of the format).

    An empty cell is ``null`` where the format allows it (dates, optional codes); otherwise the key is
    left out so the importer applies its default (1 copy, required, amount 0, …).
    """
    result: dict[str, Any] = {}
    for column in columns:
        if column.key in skip or column.key not in record:
            continue
        value = record[column.key]
        if value is None and not column.nullable:
            continue
        if "." in column.key:
            outer, inner = column.key.split(".", 1)
            result.setdefault(outer, {})[inner] = value
        else:
            result[column.key] = value
    return result


def workbook_to_catalog(path: Path | str) -> dict[str, Any]:
    """Read a catalogue workbook into the exchange-format dictionary; raise ``ImportRejected`` on cell problems."""
    from motcua.catalog.portal_import import open_workbook

    workbook = open_workbook(Path(path))
    errors: list[str] = []
    try:
        if SHEET_PROCEDURES not in workbook.sheetnames:
            report = ImportReport()
            report.errors.append(
                f"Tệp không có sheet “{SHEET_PROCEDURES}”: không phải bảng tính danh mục motcua (cần các sheet "
                f"{', '.join(SHEETS)}). Nếu đây là danh sách tải từ Cổng Dịch vụ công quốc gia, hãy chọn định "
                "dạng portal-xlsx."
            )
            raise ImportRejected(report)
        sheets = {
            name: _sheet_rows(workbook[name], name, errors) if name in workbook.sheetnames else [] for name in SHEETS
        }
    finally:
        workbook.close()

    procedures: dict[str, dict[str, Any]] = {}
    procedure_rows: dict[str, int] = {}
    for number, record in sheets[SHEET_PROCEDURES]:
        code = record.get("code")
        if not code:
            continue
        if code in procedures:
            errors.append(f"Sheet {SHEET_PROCEDURES}, dòng {number}: mã {code} trùng với dòng {procedure_rows[code]}.")
            continue
        procedure = {"code": code, **_fields(record, SHEETS[SHEET_PROCEDURES], ("code",))}
        procedure.update(units=[], versions=[])
        procedures[code] = procedure
        procedure_rows[code] = number

    versions: dict[tuple[str, int], dict[str, Any]] = {}
    version_rows: dict[tuple[str, int], int] = {}
    for number, record in sheets[SHEET_VERSIONS]:
        code, version_number = record.get("code"), record.get("number")
        if not code or version_number is None:
            continue
        if code not in procedures:
            errors.append(f"Sheet {SHEET_VERSIONS}, dòng {number}: không có thủ tục mã “{code}” ở sheet Thủ tục.")
            continue
        key = (code, version_number)
        if key in versions:
            errors.append(
                f"Sheet {SHEET_VERSIONS}, dòng {number}: phiên bản {version_number} của thủ tục {code} trùng với "
                f"dòng {version_rows[key]}."
            )
            continue
        version = {"number": version_number, **_fields(record, SHEETS[SHEET_VERSIONS])}
        version.update(documents=[], fees=[], steps=[])
        versions[key] = version
        version_rows[key] = number
        procedures[code]["versions"].append(version)

    for sheet, target in ((SHEET_DOCUMENTS, "documents"), (SHEET_FEES, "fees"), (SHEET_STEPS, "steps")):
        for number, record in sheets[sheet]:
            code, version_number = record.get("code"), record.get("number")
            if not code or version_number is None:
                continue
            if (code, version_number) not in versions:
                errors.append(
                    f"Sheet {sheet}, dòng {number}: không có phiên bản {version_number} của thủ tục “{code}” ở sheet "
                    f"{SHEET_VERSIONS}."
                )
                continue
            versions[(code, version_number)][target].append(_fields(record, SHEETS[sheet]))

    for number, record in sheets[SHEET_UNITS]:
        code = record.get("code")
        if not code or not record.get("agency_code"):
            continue
        if code not in procedures:
            errors.append(f"Sheet {SHEET_UNITS}, dòng {number}: không có thủ tục mã “{code}” ở sheet Thủ tục.")
            continue
        procedures[code]["units"].append(_fields(record, SHEETS[SHEET_UNITS], ("code",)))

    if errors:
        report = ImportReport()
        report.errors.extend(errors)
        raise ImportRejected(report)
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "procedures": list(procedures.values())}


# --- writing --------------------------------------------------------------------------------------


def _records_cell(items: list[Any], keys: list[str]) -> str:
    """``số | tên | ngày`` lines when every item has exactly that shape; JSON text otherwise (lossless)."""
    if not items:
        return ""
    simple = all(
        isinstance(item, dict)
        and list(item) == keys
        and all(isinstance(v, str) and "|" not in v and "\n" not in v and v == v.strip() for v in item.values())
        and any(item.values())
        for item in items
    )
    text = "\n".join(" | ".join(item[k] for k in keys).rstrip(" |") for item in items) if simple else ""
    if simple and not text.startswith("["):
        return text
    return json.dumps(items, ensure_ascii=False)


def _write_value(value: Any, column: Column) -> Any:
    kind = column.kind
    if value is None:
        return None
    if kind == "bool":
        return "có" if value else "không"
    if kind in ("choice_list", "lines"):
        return "\n".join(value) or None
    if kind == "legal":
        return _records_cell(value, _LEGAL_KEYS) or None
    if kind == "results":
        return _records_cell(value, _RESULT_KEYS) or None
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "decimal":
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value) or None
    return value


def _get(source: dict[str, Any], key: str) -> Any:
    if "." in key:
        outer, inner = key.split(".", 1)
        return (source.get(outer) or {}).get(inner)
    return source.get(key)


def _sheet_records(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Flatten the exchange dictionary into one list of records per sheet."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SHEETS}
    for procedure in data.get("procedures", []):
        code = procedure["code"]
        out[SHEET_PROCEDURES].append(procedure)
        for unit in procedure.get("units", []):
            out[SHEET_UNITS].append({"code": code, **unit})
        for version in procedure.get("versions", []):
            out[SHEET_VERSIONS].append({"code": code, **version})
            link = {"code": code, "number": version["number"]}
            for sheet, key in ((SHEET_DOCUMENTS, "documents"), (SHEET_FEES, "fees"), (SHEET_STEPS, "steps")):
                out[sheet].extend({**link, **item} for item in version.get(key, []))
    return out


def catalog_to_workbook(data: dict[str, Any], path: Path | str) -> int:
    """Write an exchange-format dictionary (``export_catalog()``) as a workbook; returns the procedure count."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    records = _sheet_records(data)
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append([c.header for c in columns])
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
        for record in records[name]:
            sheet.append([_write_value(_get(record, c.key), c) for c in columns])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # text such as "=…" is data, never a formula
                    cell.data_type = "s"
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if column.kind == "date":
                    cell.number_format = "DD/MM/YYYY"
                elif column.kind in ("text", "optional", "long", "lines", "legal", "results", "moment"):
                    cell.number_format = "@"  # codes such as 1.001190 must stay text, not become numbers
                if column.kind in ("long", "lines", "legal", "results", "choice_list"):
                    cell.alignment = wrap
        sheet.freeze_panes = "A2"
    workbook.save(path)
    return len(records[SHEET_PROCEDURES])


# --- choosing a reader ----------------------------------------------------------------------------

IMPORT_FORMATS = ("portal-xlsx", "xlsx", "json")
EXPORT_FORMATS = ("json", "xlsx")


def detect_format(path: Path | str) -> str | None:
    """The import format of ``path``, or None when it cannot be told reliably.

    ``.json`` is the JSON format. An ``.xlsx`` is motcua's workbook when it has a sheet named "Thủ tục",
    and the portal's list when the portal header (Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện |
    Lĩnh vực) is found in its first 10 rows. Anything else needs an explicit format.
    """
    from motcua.catalog.portal_import import find_header, open_workbook

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix not in (".xlsx", ".xlsm"):
        return None
    try:
        workbook = open_workbook(path)
    except ImportRejected:
        return None
    try:
        if SHEET_PROCEDURES in workbook.sheetnames:
            return "xlsx"
        if not isinstance(find_header(workbook), str):
            return "portal-xlsx"
        return None
    finally:
        workbook.close()


def import_file(path: Path | str, fmt: str, *, partial: bool = False, actor=None) -> ImportReport:
    """Import ``path`` in format ``fmt`` (see ``IMPORT_FORMATS``); raises ``ImportRejected`` like the importers."""
    from motcua.catalog.portal_import import import_portal_xlsx

    if fmt == "portal-xlsx":
        return import_portal_xlsx(path, partial=partial, actor=actor)
    if fmt == "xlsx":
        return import_catalog(workbook_to_catalog(path), partial=partial, actor=actor)
    if fmt == "json":
        return import_catalog(Path(path), partial=partial, actor=actor)
    report = ImportReport()
    report.errors.append(f"Định dạng “{fmt}” không được hỗ trợ (chọn: {', '.join(IMPORT_FORMATS)}).")
    raise ImportRejected(report)
