"""motcua's JSON exchange format: lossless round trip, all-or-nothing import, readable error reports."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from motcua.catalog.exchange import ImportRejected, dumps, export_catalog, import_catalog
from motcua.catalog.models import CatalogEvent, Field, Procedure, ProcedureVersion, VersionStatus
from motcua.organizations.demo import load_demo

pytestmark = pytest.mark.django_db


def _doc(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "copy_type": "original",
        "copies": 1,
        "required": True,
        "condition": "",
        "form_name": "",
        "form_template": "",
        "must_digitise": False,
        "reusable": False,
        **extra,
    }


def _step(stage: int, action: str, allotted: str, **extra: Any) -> dict[str, Any]:
    return {
        "stage": stage,
        "action": action,
        "role": None,
        "handler": "competent_unit",
        "unit": None,
        "external_agency": "",
        "inter_agency": False,
        "allotted": allotted,
        **extra,
    }


def _version(number: int, status: str = "draft", **extra: Any) -> dict[str, Any]:
    version: dict[str, Any] = {
        "number": number,
        "status": status,
        "valid_from": None,
        "valid_to": None,
        "decision_number": "",
        "decision_date": None,
        "published_at": None,
        "time_limit": {"value": 1, "unit": "working_days", "note": ""},
        "channels": ["counter"],
        "online_level": "none",
        "steps_description": "",
        "conditions": "",
        "legal_basis": [],
        "result_documents": [],
        "notes": "",
        "documents": [],
        "fees": [],
        "steps": [],
    }
    version.update(extra)
    return version


def rich_catalog() -> dict[str, Any]:
    """Three procedures with everything the format carries; units and roles from the demo province (Huế)."""
    birth_published = _version(
        1,
        "published",
        valid_from="2025-07-01",
        decision_number="1234/QĐ-UBND",
        decision_date="2025-06-30",
        published_at="2025-06-30T10:00:00+07:00",
        channels=["counter", "post", "online"],
        online_level="full",
        steps_description="Bước 1: nộp hồ sơ.\nBước 2: nhận kết quả.",
        conditions="Trẻ em sinh ra còn sống.",
        legal_basis=[
            {"number": "60/2014/QH13", "title": "Luật Hộ tịch", "date": "2014-11-20"},
            {"number": "123/2015/NĐ-CP", "title": "Nghị định quy định chi tiết Luật Hộ tịch", "date": "2015-11-15"},
        ],
        result_documents=[{"name": "Giấy khai sinh", "code": "KQ.G15.000031"}],
        notes="Đăng ký đúng hạn được miễn lệ phí.",
        documents=[
            _doc("Tờ khai đăng ký khai sinh", form_name="Tờ khai (Thông tư 04/2024/TT-BTP)", must_digitise=True),
            _doc("Giấy chứng sinh", copy_type="original_or_copy", reusable=True),
            _doc("Văn bản ủy quyền", required=False, condition="Khi nộp thay", copy_type="certified_copy", copies=2),
        ],
        fees=[
            {
                "channel": "",
                "kind": "charge",
                "name": "Lệ phí đăng ký khai sinh",
                "amount": 0,
                "description": "Miễn lệ phí đăng ký khai sinh đúng hạn",
                "legal_basis": "Luật Hộ tịch, Điều 11",
            },
            {
                "channel": "post",
                "kind": "fee",
                "name": "Cước bưu chính",
                "amount": 25000,
                "description": "",
                "legal_basis": "",
            },
        ],
        steps=[
            _step(1, "Tiếp nhận, kiểm tra hồ sơ", "0.25", role="receiving_officer", handler="receiving_unit"),
            _step(2, "Thẩm định, trình ký", "0.5", role="specialist"),
            _step(3, "Ký giấy khai sinh", "0.25", role="agency_leader"),
        ],
    )
    birth_draft = _version(
        2,
        time_limit={"value": 1, "unit": "working_days", "note": "Trong ngày nếu nộp trước 15h"},
        documents=[_doc("Tờ khai đăng ký khai sinh")],
    )
    land = _version(
        1,
        "published",
        valid_from="2025-07-01",
        decision_number="15/QĐ-UBND",
        decision_date="2025-06-25",
        published_at="2025-06-25T08:30:00+07:00",
        time_limit={"value": 10, "unit": "working_days", "note": ""},
        channels=["counter", "online"],
        online_level="partial",
        documents=[_doc("Đơn đăng ký biến động"), _doc("Giấy chứng nhận đã cấp", copies=1)],
        fees=[
            {
                "channel": "",
                "kind": "charge",
                "name": "Lệ phí cấp giấy chứng nhận",
                "amount": 1000000,
                "description": "Theo nghị quyết HĐND",
                "legal_basis": "Nghị quyết 25/2025/NQ-HĐND",
            }
        ],
        steps=[
            _step(1, "Tiếp nhận hồ sơ", "0.5", role="receiving_officer", handler="receiving_unit"),
            # stage 2: two parallel inter-agency branches; the longest (6) counts
            _step(2, "Thẩm định hồ sơ", "6", role="specialist", handler="specific_unit", unit="000.01.13.H57"),
            _step(
                2,
                "Xác định nghĩa vụ tài chính",
                "5",
                handler="external_agency",
                external_agency="Thuế cơ sở 1",
                inter_agency=True,
            ),
            _step(3, "Trình lãnh đạo ký", "2.5", role="division_head"),
            _step(4, "Ký, trả kết quả", "1", role="agency_leader"),
        ],
    )
    retired = _version(
        1,
        "retired",
        valid_from="2024-01-01",
        valid_to="2025-06-30",
        decision_number="1/QĐ",
        decision_date="2023-12-20",
        published_at="2023-12-20T09:00:00+07:00",
        time_limit={"value": 4, "unit": "working_hours", "note": ""},
        documents=[_doc("Tờ khai")],
        steps=[_step(1, "Giải quyết", "4")],
    )
    same_day = _version(
        2,
        "published",
        valid_from="2025-07-01",
        decision_number="2/QĐ",
        decision_date="2025-06-30",
        published_at="2025-06-30T16:45:12.500000+07:00",
        time_limit={"value": 1, "unit": "same_day", "note": "Nộp trước 10 giờ"},
        documents=[_doc("Tờ khai")],
        steps=[_step(1, "Giải quyết", "1")],
    )
    return {
        "format": "motcua-catalog",
        "format_version": 1,
        "procedures": [
            {
                "code": "1.001193",
                "name": "Thủ tục đăng ký khai sinh",
                "field": {"code": "G15", "name": "Hộ tịch"},
                "levels": ["commune"],
                "issuing_agency": "Bộ Tư pháp",
                "implementing_agencies": ["Ủy ban nhân dân cấp xã"],
                "coordinating_agencies": [],
                "subjects": ["citizen", "overseas"],
                "units": [
                    {"agency_code": "000.00.41.H57", "receives": False, "handles": True},
                    {"agency_code": "000.01.41.H57", "receives": True, "handles": False},
                ],
                "versions": [birth_published, birth_draft],
            },
            {
                "code": "1.012345.H57",
                "name": "Đăng ký biến động đất đai",
                "field": {"code": None, "name": "Đất đai"},
                "levels": ["province", "commune"],
                "issuing_agency": "Bộ Nông nghiệp và Môi trường",
                "implementing_agencies": ["Văn phòng đăng ký đất đai", "Ủy ban nhân dân cấp xã"],
                "coordinating_agencies": ["Cơ quan thuế"],
                "subjects": ["citizen", "organization"],
                "units": [{"agency_code": "000.00.13.H57", "receives": True, "handles": True}],
                "versions": [land],
            },
            {
                "code": "2.000001",
                "name": "Chứng thực bản sao từ bản chính",
                "field": {"code": None, "name": "Chứng thực"},
                "levels": ["commune"],
                "issuing_agency": "Bộ Tư pháp",
                "implementing_agencies": [],
                "coordinating_agencies": [],
                "subjects": ["citizen", "foreigner"],
                "units": [],
                "versions": [retired, same_day],
            },
        ],
    }


def wipe_catalog() -> None:
    Procedure.objects.all().delete()
    Field.objects.all().delete()


@pytest.fixture
def demo(db):
    load_demo()


def test_rich_catalog_round_trips_through_an_empty_database(demo):
    report = import_catalog(rich_catalog())
    assert (report.created, report.updated, report.rejected) == (3, 0, 0)
    first = export_catalog()
    assert first["procedures"][0]["versions"][0]["steps"][0]["role"] == "receiving_officer"
    assert [v["status"] for v in first["procedures"][2]["versions"]] == ["retired", "published"]
    wipe_catalog()
    assert not ProcedureVersion.objects.exists()
    import_catalog(json.loads(dumps(first)))
    assert dumps(export_catalog()) == dumps(first)


def test_export_is_what_was_imported(demo):
    sample = rich_catalog()
    import_catalog(sample)
    exported = export_catalog()
    by_code = {p["code"]: p for p in exported["procedures"]}
    assert by_code["1.001193"] == sample["procedures"][0]
    land = by_code["1.012345.H57"]["versions"][0]
    assert [s["stage"] for s in land["steps"]] == [1, 2, 2, 3, 4]
    assert land["steps"][2]["inter_agency"] is True


def test_reimporting_the_export_changes_nothing(demo):
    import_catalog(rich_catalog())
    exported = export_catalog()
    events = CatalogEvent.objects.count()
    report = import_catalog(exported)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert CatalogEvent.objects.count() == events


def reject(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        import_catalog(data)
    return info.value.report.errors


def one(procedure_changes: dict[str, Any] | None = None, version_changes: dict[str, Any] | None = None):
    data = rich_catalog()
    data["procedures"] = [data["procedures"][0]]
    data["procedures"][0].update(procedure_changes or {})
    data["procedures"][0]["versions"][0].update(version_changes or {})
    return data


def test_malformed_code_is_reported_with_position_and_code(demo):
    errors = reject(one({"code": "1.00119"}))
    assert any(e.startswith("Thủ tục thứ 1 (1.00119)") and "không đúng định dạng" in e for e in errors)


def test_negative_fee_and_text_amount_are_reported(demo):
    data = one()
    fees = data["procedures"][0]["versions"][0]["fees"]
    fees[0]["amount"] = -5000
    fees[1]["amount"] = "abc"
    errors = reject(data)
    assert any("khoản thu thứ 1: mức thu không được âm (-5000)" in e for e in errors)
    assert any("khoản thu thứ 2: mức thu phải là số nguyên" in e and "'abc'" in e for e in errors)


def test_text_in_other_number_fields_is_reported(demo):
    data = one()
    version = data["procedures"][0]["versions"][0]
    version["documents"][0]["copies"] = "hai"
    version["steps"][0]["allotted"] = "nửa ngày"
    errors = reject(data)
    assert any("copies" in e and "'hai'" in e for e in errors)
    assert any("bước thứ 1: thời gian “nửa ngày” không phải số không âm" in e for e in errors)


def test_steps_not_adding_up_refuse_a_published_version_and_nothing_is_written(demo):
    data = rich_catalog()
    data["procedures"][1]["versions"][0]["time_limit"]["value"] = 12  # the plan adds up to 10
    errors = reject(data)
    assert any(e.startswith("Thủ tục 1.012345.H57, phiên bản 1: Tổng thời gian các bước") for e in errors)
    assert not Procedure.objects.exists() and not Field.objects.exists()


def test_duplicate_codes_are_reported(demo):
    data = rich_catalog()
    data["procedures"][2]["code"] = "1.001193"
    errors = reject(data)
    assert any("Thủ tục thứ 3 (1.001193): mã bị trùng với thủ tục thứ 1" in e for e in errors)


def test_unknown_unit_codes_are_reported(demo):
    data = one({"units": [{"agency_code": "000.00.99.X00", "receives": True, "handles": False}]})
    data["procedures"][0]["versions"][0]["steps"][1]["unit"] = "000.00.98.X00"
    errors = reject(data)
    assert any("đơn vị thứ 1: không có đơn vị mã “000.00.99.X00”" in e for e in errors)
    assert any("bước thứ 2: không có đơn vị mã “000.00.98.X00”" in e for e in errors)


def test_one_bad_procedure_means_nothing_is_imported(demo):
    data = rich_catalog()
    data["procedures"][2]["versions"][0]["fees"] = [{"amount": -1}]
    errors = reject(data)
    assert len(errors) == 1 and errors[0].startswith("Thủ tục thứ 3 (2.000001)")
    assert Procedure.objects.count() == 0 and ProcedureVersion.objects.count() == 0


def test_partial_import_keeps_the_good_procedures(demo):
    data = rich_catalog()
    data["procedures"][2]["versions"][0]["fees"] = [{"amount": -1}]
    report = import_catalog(data, partial=True)
    assert (report.created, report.rejected) == (2, 1)
    assert sorted(Procedure.objects.values_list("code", flat=True)) == ["1.001193", "1.012345.H57"]


def test_a_published_version_cannot_be_changed_by_import(demo):
    import_catalog(rich_catalog())
    before = dumps(export_catalog())
    changed = json.loads(before)
    changed["procedures"][0]["versions"][0]["fees"][0]["amount"] = 50000
    changed["procedures"][0]["name"] = "Tên đã sửa"
    errors = reject(changed)
    assert any("phiên bản 1 đã công bố, không được sửa" in e for e in errors)
    assert dumps(export_catalog()) == before


def test_drafts_may_be_replaced_by_import(demo):
    import_catalog(rich_catalog())
    changed = export_catalog()
    draft = changed["procedures"][0]["versions"][1]
    draft["documents"].append(_doc("Giấy tờ bổ sung"))
    report = import_catalog(copy.deepcopy(changed))
    assert (report.updated, report.unchanged) == (1, 2)
    version = ProcedureVersion.objects.get(procedure__code="1.001193", number=2)
    assert version.status == VersionStatus.DRAFT
    assert list(version.documents.values_list("name", flat=True)) == ["Tờ khai đăng ký khai sinh", "Giấy tờ bổ sung"]
