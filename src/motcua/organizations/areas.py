"""Import of the official list of administrative divisions (provinces, communes; districts for history).

Two sources are read:

* ``gso-csv`` — the CSV export of the national statistics office's list of administrative units
  ("Danh mục đơn vị hành chính", danhmuchanhchinh.gso.gov.vn: "Xuất Excel", saved as CSV UTF-8). The
  columns are recognised by their Vietnamese headers, with or without diacritics: province code and
  name (``Mã TP``, ``Tỉnh / Thành Phố``), optional district code and name (``Mã QH``, ``Quận Huyện``),
  commune code and name (``Mã PX``, ``Phường Xã``) and the division type (``Cấp``).
* ``vietnam-provinces-json`` — the ``nested-divisions.json`` file of the ``vietnam-provinces`` PyPI
  package (the same statistics-office codes after the July 2025 reform: 34 provinces, 3,321 communes).
  motcua does not depend on that package; point the command at its file if you have it.

The import is all or nothing: every row is checked first, errors name the row, and nothing is
written unless the whole file is valid.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from motcua.core.text import fold
from motcua.organizations.models import AdministrativeArea, AreaLevel

FORMATS = ("gso-csv", "vietnam-provinces-json")


class AreaImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: str
    division_type: str
    parent_code: str | None
    source_row: int


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _fold(text: str) -> str:
    """Header matching must survive re-typed spreadsheets: no diacritics, no spaces or punctuation."""
    return fold(text).replace(" ", "")


HEADER_ALIASES = {
    "province_code": {"matp", "matinh", "matinhtp", "matinhthanhpho"},
    "province_name": {"tinhthanhpho", "tinhtp", "tentinh", "tinh", "tentinhthanhpho"},
    "district_code": {"maqh", "mahuyen", "maquanhuyen"},
    "district_name": {"quanhuyen", "tenhuyen", "huyen", "tenquanhuyen"},
    "commune_code": {"mapx", "maxa", "maphuongxa"},
    "commune_name": {"phuongxa", "tenxa", "xa", "tenphuongxa"},
    "division_type": {"cap", "loai"},
}


def _digits(value: str, row: int, column: str, errors: list[str]) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        errors.append(f"Dòng {row}: cột “{column}” phải là mã số, nhận được “{value}”.")
        return None
    return value


def _province_type(name: str) -> str:
    return "thành phố trung ương" if name.lower().startswith("thành phố") else "tỉnh"


def read_gso_csv(path: Path) -> list[AreaRow]:
    errors: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise AreaImportError(["Tệp rỗng: không có dòng tiêu đề."]) from None
        columns: dict[str, int] = {}
        for index, title in enumerate(header):
            folded = _fold(title)
            for key, aliases in HEADER_ALIASES.items():
                if folded in aliases and key not in columns:
                    columns[key] = index
        missing = [k for k in ("province_code", "province_name", "commune_code", "commune_name") if k not in columns]
        if missing:
            raise AreaImportError([f"Dòng 1: thiếu cột bắt buộc: {', '.join(missing)} (tiêu đề đọc được: {header})."])
        rows: dict[str, AreaRow] = {}

        def cell(record: list[str], key: str) -> str:
            index = columns.get(key)
            return record[index].strip() if index is not None and index < len(record) else ""

        for line_no, record in enumerate(reader, start=2):
            if not any(c.strip() for c in record):
                continue
            p_code = _digits(cell(record, "province_code"), line_no, "Mã tỉnh", errors)
            d_code = _digits(cell(record, "district_code"), line_no, "Mã huyện", errors)
            c_code = _digits(cell(record, "commune_code"), line_no, "Mã xã", errors)
            p_name, c_name = cell(record, "province_name"), cell(record, "commune_name")
            if not p_code or not c_code:
                errors.append(f"Dòng {line_no}: thiếu mã tỉnh hoặc mã xã.")
                continue
            if not p_name or not c_name:
                errors.append(f"Dòng {line_no}: thiếu tên tỉnh hoặc tên xã.")
                continue
            rows.setdefault(p_code, AreaRow(p_code, p_name, AreaLevel.PROVINCE, _province_type(p_name), None, line_no))
            parent = p_code
            if d_code:
                d_name = cell(record, "district_name") or d_code
                rows.setdefault(d_code, AreaRow(d_code, d_name, AreaLevel.DISTRICT, "", p_code, line_no))
                parent = d_code
            if c_code in rows and rows[c_code].level == AreaLevel.COMMUNE:
                errors.append(f"Dòng {line_no}: mã xã {c_code} bị trùng với dòng {rows[c_code].source_row}.")
                continue
            division_type = cell(record, "division_type") or c_name.split(" ")[0].lower()
            rows[c_code] = AreaRow(c_code, c_name, AreaLevel.COMMUNE, division_type.lower(), parent, line_no)
    if errors:
        raise AreaImportError(errors)
    return list(rows.values())


def read_vietnam_provinces_json(path: Path) -> list[AreaRow]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AreaImportError([f"Tệp JSON không đọc được: {exc}"]) from None
    if not isinstance(data, list):
        raise AreaImportError(["Tệp JSON phải là danh sách các tỉnh (nested-divisions.json)."])
    rows: list[AreaRow] = []
    errors: list[str] = []
    seen: set[str] = set()
    for p_index, province in enumerate(data, start=1):
        try:
            p_code = str(province["code"]).zfill(2)
            rows.append(
                AreaRow(
                    p_code,
                    province["name"],
                    AreaLevel.PROVINCE,
                    province.get("division_type", ""),
                    None,
                    p_index,
                )
            )
            for ward in province.get("wards", []):
                w_code = str(ward["code"]).zfill(5)
                if w_code in seen:
                    errors.append(f"Tỉnh thứ {p_index}: mã xã {w_code} bị trùng.")
                seen.add(w_code)
                rows.append(
                    AreaRow(
                        w_code,
                        ward["name"],
                        AreaLevel.COMMUNE,
                        ward.get("division_type", ""),
                        p_code,
                        p_index,
                    )
                )
        except (KeyError, TypeError):
            errors.append(f"Tỉnh thứ {p_index}: thiếu trường code/name.")
    if errors:
        raise AreaImportError(errors)
    return rows


def import_areas(path: Path, fmt: str = "gso-csv") -> ImportResult:
    """Create or update areas from ``path``; raise AreaImportError and write nothing on any error."""
    if fmt not in FORMATS:
        raise AreaImportError([f"Định dạng “{fmt}” không được hỗ trợ (chọn: {', '.join(FORMATS)})."])
    if not path.exists():
        raise AreaImportError([f"Không tìm thấy tệp {path}."])
    rows = read_gso_csv(path) if fmt == "gso-csv" else read_vietnam_provinces_json(path)
    created = updated = unchanged = 0
    level_order = {AreaLevel.PROVINCE: 0, AreaLevel.DISTRICT: 1, AreaLevel.COMMUNE: 2}
    with transaction.atomic():
        existing = {a.code: a for a in AdministrativeArea.objects.all()}
        for row in sorted(rows, key=lambda r: level_order[r.level]):
            parent = existing.get(row.parent_code) if row.parent_code else None
            area = existing.get(row.code)
            if area is None:
                area = AdministrativeArea.objects.create(
                    code=row.code,
                    name=row.name,
                    level=row.level,
                    division_type=row.division_type,
                    parent=parent,
                )
                existing[row.code] = area
                created += 1
                continue
            changes = {
                "name": row.name,
                "level": row.level,
                "division_type": row.division_type,
                "parent_id": parent.pk if parent else None,
                "active": True,
            }
            if any(getattr(area, key) != value for key, value in changes.items()):
                for key, value in changes.items():
                    setattr(area, key, value)
                area.save()
                updated += 1
            else:
                unchanged += 1
    return ImportResult(created, updated, unchanged)
