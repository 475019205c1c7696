"""motcua's own catalogue exchange format: lossless export and all-or-nothing import.

The format is documented in docs/catalog-exchange-format.md. ``export_catalog()`` produces the
canonical dictionary (sorted, every key present); ``import_catalog()`` checks every procedure first,
reports problems with the procedure's position and code, and writes nothing when anything is wrong
(unless ``partial=True``, which imports the good procedures and reports the rest). Importing what was
exported gives the same database, and exporting again gives the same file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.lifecycle import log, validation_problems
from motcua.catalog.models import (
    PROCEDURE_CODE_RE,
    Channel,
    CopyType,
    Fee,
    FeeKind,
    Field,
    Level,
    OnlineLevel,
    Procedure,
    ProcedureUnit,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    StepHandler,
    Subject,
    VersionStatus,
)
from motcua.core.text import clean_text, nfc
from motcua.organizations.models import Role, Unit
from motcua.workcalendar.rules import LimitUnit

FORMAT = "motcua-catalog"
FORMAT_VERSION = 1


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.created} tạo mới, {self.updated} cập nhật, {self.unchanged} không đổi, {self.rejected} bị từ chối"
        )


class ImportRejected(Exception):
    """Raised when an all-or-nothing import finds any problem; the report lists them all."""

    def __init__(self, report: ImportReport):
        super().__init__("\n".join(report.errors))
        self.report = report


# --- export ---------------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _decimal_text(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def serialize_version(version: ProcedureVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "status": version.status,
        "valid_from": _iso(version.valid_from),
        "valid_to": _iso(version.valid_to),
        "decision_number": version.decision_number,
        "decision_date": _iso(version.decision_date),
        "published_at": _iso(version.published_at),
        "time_limit": {
            "value": version.time_limit_value,
            "unit": version.time_limit_unit,
            "note": version.time_limit_note,
        },
        "channels": list(version.channels),
        "online_level": version.online_level,
        "steps_description": version.steps_description,
        "conditions": version.conditions,
        "legal_basis": list(version.legal_basis),
        "result_documents": list(version.result_documents),
        "notes": version.notes,
        "documents": [
            {
                "name": d.name,
                "copy_type": d.copy_type,
                "copies": d.copies,
                "required": d.required,
                "condition": d.condition,
                "form_name": d.form_name,
                "form_template": d.form_template.name if d.form_template else "",
                "must_digitise": d.must_digitise,
                "reusable": d.reusable,
            }
            for d in version.documents.all().order_by("position", "id")
        ],
        "fees": [
            {
                "channel": f.channel,
                "kind": f.kind,
                "name": f.name,
                "amount": int(f.amount),
                "description": f.description,
                "legal_basis": f.legal_basis,
            }
            for f in version.fees.all().order_by("id")
        ],
        "steps": [
            {
                "stage": s.stage,
                "action": s.action,
                "role": s.role.code if s.role_id else None,
                "handler": s.handler,
                "unit": s.unit.agency_code if s.unit_id else None,
                "external_agency": s.external_agency,
                "inter_agency": s.inter_agency,
                "allotted": _decimal_text(s.allotted),
            }
            for s in version.steps.select_related("role", "unit").order_by("stage", "id")
        ],
    }


def serialize_procedure(procedure: Procedure) -> dict[str, Any]:
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": {"code": procedure.field.code, "name": procedure.field.name},
        "levels": list(procedure.levels),
        "issuing_agency": procedure.issuing_agency,
        "implementing_agencies": list(procedure.implementing_agencies),
        "coordinating_agencies": list(procedure.coordinating_agencies),
        "subjects": list(procedure.subjects),
        "units": [
            {"agency_code": link.unit.agency_code, "receives": link.receives, "handles": link.handles}
            for link in procedure.unit_links.select_related("unit").order_by("unit__agency_code", "unit_id")
        ],
        "versions": [serialize_version(v) for v in procedure.versions.order_by("number")],
    }


def export_catalog(procedures=None) -> dict[str, Any]:
    queryset = procedures if procedures is not None else Procedure.objects.all()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "procedures": [serialize_procedure(p) for p in queryset.select_related("field").order_by("code")],
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_json(path: Path) -> int:
    data = export_catalog()
    path.write_text(dumps(data), encoding="utf-8")
    return len(data["procedures"])


# --- import: normalising one procedure ------------------------------------------------------------


class _Problems(list):
    def need(self, condition: bool, message: str) -> bool:
        if not condition:
            self.append(message)
        return condition


def _text(value: Any) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def _long_text(value: Any) -> str:
    return nfc(value).strip() if isinstance(value, str) else ""


def _str_list(value: Any, name: str, allowed: list[str] | None, problems: _Problems) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"“{name}” phải là danh sách chuỗi.")
        return []
    items = [clean_text(v) for v in value]
    if allowed is not None:
        bad = [v for v in items if v not in allowed]
        problems.need(not bad, f"“{name}” có giá trị không hợp lệ: {', '.join(bad)} (cho phép: {', '.join(allowed)}).")
    return items


def _int(value: Any, name: str, problems: _Problems, *, minimum: int = 0, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"“{name}” phải là số nguyên, nhận được {value!r}.")
        return None
    if value < minimum:
        problems.append(f"“{name}” phải ≥ {minimum}, nhận được {value}.")
        return None
    return value


def _date(value: Any, name: str, problems: _Problems) -> str | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        problems.append(f"“{name}” không phải ngày dạng YYYY-MM-DD: {value!r}.")
        return None


def _moment(value: Any, name: str, problems: _Problems) -> str | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        problems.append(f"“{name}” không phải thời điểm ISO 8601: {value!r}.")
        return None
    if moment.tzinfo is None:
        problems.append(f"“{name}” phải có múi giờ (ví dụ +07:00): {value!r}.")
        return None
    return timezone.localtime(moment).isoformat()


def _bool(value: Any, name: str, problems: _Problems, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        problems.append(f"“{name}” phải là true/false, nhận được {value!r}.")
        return default
    return value


def _choice(value: Any, name: str, allowed: list[str], problems: _Problems, default: str) -> str:
    if value in (None, ""):
        return default
    if value not in allowed:
        problems.append(f"“{name}” không hợp lệ: {value!r} (cho phép: {', '.join(allowed)}).")
        return default
    return value


def _normalise_version(
    raw: Any, where: str, known_units: set[str], known_roles: set[str], problems: _Problems
) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: phiên bản phải là một đối tượng JSON.")
        return None
    p = _Problems()
    limit = raw.get("time_limit") or {}
    unit = _choice(limit.get("unit"), "time_limit.unit", [u.value for u in LimitUnit], p, LimitUnit.WORKING_DAYS.value)
    limit_value = _int(limit.get("value"), "time_limit.value", p, minimum=1, allow_none=True)
    documents = []
    for i, doc in enumerate(raw.get("documents") or [], start=1):
        if not isinstance(doc, dict) or not _text(doc.get("name")):
            p.append(f"giấy tờ thứ {i}: thiếu tên.")
            continue
        documents.append(
            {
                "name": _long_text(doc.get("name")),
                "copy_type": _choice(
                    doc.get("copy_type"), f"giấy tờ {i}.copy_type", CopyType.values, p, CopyType.ORIGINAL
                ),
                "copies": _int(doc.get("copies", 1), f"giấy tờ {i}.copies", p, minimum=0) or 0,
                "required": _bool(doc.get("required"), f"giấy tờ {i}.required", p, True),
                "condition": _text(doc.get("condition")),
                "form_name": _text(doc.get("form_name")),
                "form_template": _text(doc.get("form_template")),
                "must_digitise": _bool(doc.get("must_digitise"), f"giấy tờ {i}.must_digitise", p, False),
                "reusable": _bool(doc.get("reusable"), f"giấy tờ {i}.reusable", p, False),
            }
        )
    fees = []
    for i, fee in enumerate(raw.get("fees") or [], start=1):
        if not isinstance(fee, dict):
            p.append(f"khoản thu thứ {i}: phải là một đối tượng JSON.")
            continue
        amount = fee.get("amount", 0)
        if isinstance(amount, bool) or not isinstance(amount, int):
            p.append(f"khoản thu thứ {i}: mức thu phải là số nguyên (đồng), nhận được {amount!r}.")
            amount = 0
        elif amount < 0:
            p.append(f"khoản thu thứ {i}: mức thu không được âm ({amount}).")
        fees.append(
            {
                "channel": _choice(fee.get("channel"), f"khoản thu {i}.channel", Channel.values, p, ""),
                "kind": _choice(fee.get("kind"), f"khoản thu {i}.kind", FeeKind.values, p, FeeKind.CHARGE),
                "name": _text(fee.get("name")),
                "amount": amount,
                "description": _text(fee.get("description")),
                "legal_basis": _text(fee.get("legal_basis")),
            }
        )
    steps = []
    for i, step in enumerate(raw.get("steps") or [], start=1):
        if not isinstance(step, dict) or not _text(step.get("action")):
            p.append(f"bước thứ {i}: thiếu nội dung công việc.")
            continue
        try:
            allotted = Decimal(str(step.get("allotted")))
            if not allotted.is_finite() or allotted < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            p.append(f"bước thứ {i}: thời gian “{step.get('allotted')}” không phải số không âm.")
            allotted = Decimal(0)
        role = step.get("role")
        p.need(role is None or role in known_roles, f"bước thứ {i}: không có vai trò “{role}”.")
        unit_code = step.get("unit")
        p.need(unit_code is None or unit_code in known_units, f"bước thứ {i}: không có đơn vị mã “{unit_code}”.")
        steps.append(
            {
                "stage": _int(step.get("stage"), f"bước {i}.stage", p, minimum=1) or 1,
                "action": _text(step.get("action")),
                "role": role,
                "handler": _choice(
                    step.get("handler"), f"bước {i}.handler", StepHandler.values, p, StepHandler.COMPETENT_UNIT
                ),
                "unit": unit_code,
                "external_agency": _text(step.get("external_agency")),
                "inter_agency": _bool(step.get("inter_agency"), f"bước {i}.inter_agency", p, False),
                "allotted": f"{allotted.normalize():f}",
            }
        )
    version = {
        "number": _int(raw.get("number"), "number", p, minimum=1),
        "status": _choice(raw.get("status"), "status", VersionStatus.values, p, VersionStatus.DRAFT),
        "valid_from": _date(raw.get("valid_from"), "valid_from", p),
        "valid_to": _date(raw.get("valid_to"), "valid_to", p),
        "decision_number": _text(raw.get("decision_number")),
        "decision_date": _date(raw.get("decision_date"), "decision_date", p),
        "published_at": _moment(raw.get("published_at"), "published_at", p),
        "time_limit": {"value": limit_value, "unit": unit, "note": _text(limit.get("note"))},
        "channels": _str_list(raw.get("channels"), "channels", Channel.values, p),
        "online_level": _choice(raw.get("online_level"), "online_level", OnlineLevel.values, p, OnlineLevel.NONE),
        "steps_description": _long_text(raw.get("steps_description")),
        "conditions": _long_text(raw.get("conditions")),
        "legal_basis": raw.get("legal_basis") or [],
        "result_documents": raw.get("result_documents") or [],
        "notes": _long_text(raw.get("notes")),
        "documents": documents,
        "fees": fees,
        "steps": steps,
    }
    for key in ("legal_basis", "result_documents"):
        p.need(
            isinstance(version[key], list) and all(isinstance(x, dict) for x in version[key]),
            f"“{key}” phải là danh sách đối tượng.",
        )
    if version["status"] != VersionStatus.DRAFT and not version["valid_from"]:
        p.append("phiên bản đã công bố phải có “valid_from”.")
    problems.extend(f"{where}: {message}" for message in p)
    return version if not p else None


def normalise_procedure(
    raw: Any, position: int, known_units: set[str], known_roles: set[str]
) -> tuple[dict[str, Any] | None, list[str]]:
    """Check one procedure of an import file; return its canonical form (as the exporter writes it)."""
    problems = _Problems()
    if not isinstance(raw, dict):
        return None, [f"Thủ tục thứ {position}: phải là một đối tượng JSON."]
    code = _text(raw.get("code"))
    where = f"Thủ tục thứ {position} ({code or 'không có mã'})"
    p = _Problems()
    p.need(bool(PROCEDURE_CODE_RE.match(code)), f"mã thủ tục “{code}” không đúng định dạng (ví dụ 1.001193).")
    p.need(bool(_text(raw.get("name"))), "thiếu tên thủ tục.")
    field_raw = raw.get("field") or {}
    field_name = _text(field_raw.get("name")) if isinstance(field_raw, dict) else ""
    p.need(bool(field_name), "thiếu lĩnh vực.")
    units = []
    for i, link in enumerate(raw.get("units") or [], start=1):
        agency_code = link.get("agency_code") if isinstance(link, dict) else None
        if p.need(agency_code in known_units, f"đơn vị thứ {i}: không có đơn vị mã “{agency_code}”."):
            units.append(
                {
                    "agency_code": agency_code,
                    "receives": _bool(link.get("receives"), "receives", p, True),
                    "handles": _bool(link.get("handles"), "handles", p, False),
                }
            )
    versions = []
    numbers = set()
    for i, raw_version in enumerate(raw.get("versions") or [], start=1):
        version = _normalise_version(raw_version, f"phiên bản thứ {i}", known_units, known_roles, p)
        if version is not None:
            p.need(version["number"] not in numbers, f"phiên bản số {version['number']} bị trùng.")
            numbers.add(version["number"])
            versions.append(version)
    published = [v for v in versions if v["status"] == VersionStatus.PUBLISHED]
    p.need(len(published) <= 1, "có nhiều hơn một phiên bản đang công bố.")
    procedure = {
        "code": code,
        "name": _text(raw.get("name")),
        "field": {
            "code": _text(field_raw.get("code")) or None if isinstance(field_raw, dict) else None,
            "name": field_name,
        },
        "levels": _str_list(raw.get("levels"), "levels", Level.values, p),
        "issuing_agency": _text(raw.get("issuing_agency")),
        "implementing_agencies": _str_list(raw.get("implementing_agencies"), "implementing_agencies", None, p),
        "coordinating_agencies": _str_list(raw.get("coordinating_agencies"), "coordinating_agencies", None, p),
        "subjects": _str_list(raw.get("subjects"), "subjects", Subject.values, p),
        "units": sorted(units, key=lambda u: u["agency_code"]),
        "versions": sorted(versions, key=lambda v: v["number"]),
    }
    problems.extend(f"{where}: {message}" for message in p)
    return (procedure if not problems else None), list(problems)


# --- import: writing ------------------------------------------------------------------------------


def _write_version(
    procedure: Procedure,
    data: dict[str, Any],
    units: dict[str, Unit],
    roles: dict[str, Role],
    existing: ProcedureVersion | None,
) -> ProcedureVersion:
    if existing is not None:
        existing.documents.all().delete()
        existing.fees.all().delete()
        existing.steps.all().delete()
        version = existing
    else:
        version = ProcedureVersion(procedure=procedure, number=data["number"])
    limit = data["time_limit"]
    version.status = VersionStatus.DRAFT
    version.valid_from = date.fromisoformat(data["valid_from"]) if data["valid_from"] else None
    version.valid_to = date.fromisoformat(data["valid_to"]) if data["valid_to"] else None
    version.decision_number = data["decision_number"]
    version.decision_date = date.fromisoformat(data["decision_date"]) if data["decision_date"] else None
    version.published_at = None
    version.time_limit_value = limit["value"]
    version.time_limit_unit = limit["unit"]
    version.time_limit_note = limit["note"]
    for key in (
        "channels",
        "online_level",
        "steps_description",
        "conditions",
        "legal_basis",
        "result_documents",
        "notes",
    ):
        setattr(version, key, data[key])
    version.save()
    for position, doc in enumerate(data["documents"], start=1):
        RequiredDocument.objects.create(version=version, position=position, **doc)
    for fee in data["fees"]:
        Fee.objects.create(version=version, **fee)
    for step in data["steps"]:
        ProcessStep.objects.create(
            version=version,
            stage=step["stage"],
            action=step["action"],
            role=roles[step["role"]] if step["role"] else None,
            handler=step["handler"],
            unit=units[step["unit"]] if step["unit"] else None,
            external_agency=step["external_agency"],
            inter_agency=step["inter_agency"],
            allotted=Decimal(step["allotted"]),
        )
    return version


def _apply(data: dict[str, Any], units: dict[str, Unit], roles: dict[str, Role], actor) -> list[str]:
    """Write one checked procedure; returns problems found against the database (then the caller rolls back)."""
    field_data = data["field"]
    field_obj = Field.objects.filter(name=field_data["name"]).first()
    if field_obj is None:
        field_obj = Field.objects.create(name=field_data["name"], code=field_data["code"])
    elif field_data["code"] and field_obj.code != field_data["code"]:
        field_obj.code = field_data["code"]
        field_obj.save()
    procedure = Procedure.objects.filter(code=data["code"]).first() or Procedure(code=data["code"])
    procedure.name = data["name"]
    procedure.field = field_obj
    for key in ("levels", "issuing_agency", "implementing_agencies", "coordinating_agencies", "subjects"):
        setattr(procedure, key, data[key])
    procedure.save()
    ProcedureUnit.objects.filter(procedure=procedure).delete()
    for link in data["units"]:
        ProcedureUnit.objects.create(
            procedure=procedure, unit=units[link["agency_code"]], receives=link["receives"], handles=link["handles"]
        )
    problems: list[str] = []
    for version_data in data["versions"]:
        existing = procedure.versions.filter(number=version_data["number"]).first()
        if existing is not None and existing.status != VersionStatus.DRAFT:
            if serialize_version(existing) != version_data:
                problems.append(
                    f"Thủ tục {data['code']}: phiên bản {existing.number} đã công bố, không được sửa bằng nhập "
                    "dữ liệu (hãy tạo phiên bản mới)."
                )
            continue
        version = _write_version(procedure, version_data, units, roles, existing)
        if version_data["status"] != VersionStatus.DRAFT:
            blocking = validation_problems(version)
            if blocking:
                problems.extend(f"Thủ tục {data['code']}, phiên bản {version.number}: {p}" for p in blocking)
                continue
            version.status = version_data["status"]
            version.published_at = (
                datetime.fromisoformat(version_data["published_at"]) if version_data["published_at"] else None
            )
            version._allow_lifecycle_change = True
            version.save()
        log(version, "imported", actor, status=version.status)
    return problems


def import_catalog(source: Path | dict[str, Any], *, partial: bool = False, actor=None) -> ImportReport:
    """Import a catalogue in motcua's exchange format (a path to a JSON file, or the parsed dictionary)."""
    report = ImportReport()
    if isinstance(source, dict):
        data = source
    else:
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except FileNotFoundError:
            report.errors.append(f"Không tìm thấy tệp {source}.")
            raise ImportRejected(report) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            report.errors.append(f"Tệp không phải JSON UTF-8 hợp lệ: {exc}.")
            raise ImportRejected(report) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        report.errors.append(f'Tệp không phải định dạng “{FORMAT}” (thiếu khóa "format": "{FORMAT}").')
        raise ImportRejected(report)
    if data.get("format_version") != FORMAT_VERSION:
        report.errors.append(f"Phiên bản định dạng {data.get('format_version')!r} không được hỗ trợ (cần 1).")
        raise ImportRejected(report)
    raw_procedures = data.get("procedures")
    if not isinstance(raw_procedures, list):
        report.errors.append("Khóa “procedures” phải là một danh sách.")
        raise ImportRejected(report)

    units = {u.agency_code: u for u in Unit.objects.exclude(agency_code__isnull=True)}
    roles = {r.code: r for r in Role.objects.all()}
    checked: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(raw_procedures, start=1):
        normalised, problems = normalise_procedure(raw, position, set(units), set(roles))
        if normalised is not None and normalised["code"] in seen:
            problems.append(
                f"Thủ tục thứ {position} ({normalised['code']}): mã bị trùng với thủ tục thứ "
                f"{seen[normalised['code']]} trong cùng tệp."
            )
            normalised = None
        if normalised is None:
            report.rejected += 1
            report.errors.extend(problems)
            continue
        seen[normalised["code"]] = position
        checked.append(normalised)
    if report.rejected and not partial:
        raise ImportRejected(report)

    with transaction.atomic():
        for item in checked:
            existing = Procedure.objects.filter(code=item["code"]).select_related("field").first()
            if existing is not None and serialize_procedure(existing) == item:
                report.unchanged += 1
                continue
            savepoint = transaction.savepoint()
            problems = _apply(item, units, roles, actor)
            if problems:
                transaction.savepoint_rollback(savepoint)
                report.rejected += 1
                report.errors.extend(problems)
                continue
            transaction.savepoint_commit(savepoint)
            if existing is None:
                report.created += 1
            else:
                report.updated += 1
        if report.rejected and not partial:
            transaction.set_rollback(True)
    if report.rejected and not partial:
        report.created = report.updated = report.unchanged = 0
        raise ImportRejected(report)
    return report
