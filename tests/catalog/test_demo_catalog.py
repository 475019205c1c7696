"""The demo catalogue data (``catalog/fixtures/demo_catalog.json``): shape, facts and process plans.

These tests check the DATA, not the importer: that every published version would pass the same
rules as ``motcua.catalog.lifecycle.validation_problems``, that the procedures a demo must show are
there under their real national codes, and that every unit the file names exists in the demo province.
"""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

import motcua.catalog
from motcua.catalog.models import PROCEDURE_CODE_RE, Channel, CopyType, Level, OnlineLevel, StepHandler, Subject
from motcua.organizations.models import Unit
from motcua.organizations.roles import DEFAULT_ROLES

CATALOG = Path(motcua.catalog.__file__).parent / "fixtures" / "demo_catalog.json"
SUM_CHECKED_UNITS = {"working_days", "working_hours", "calendar_days"}

REQUIRED = {
    "1.001193": "Thủ tục đăng ký khai sinh",
    "1.000656": "Thủ tục đăng ký khai tử",
    "1.000894": "Thủ tục đăng ký kết hôn",
    "1.004222": "Đăng ký thường trú",
    "1.004194": "Đăng ký tạm trú",
    "2.000884": "Chứng thực chữ ký trong các giấy tờ, văn bản",
    "2.000815": "Chứng thực bản sao từ bản chính",
    # 1.001612, not 2.000720: public data checked against the national portal gives 2.000720 to
    # "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh" (the change, not the founding, of a household business).
    "1.001612": "Đăng ký thành lập hộ kinh doanh",
    "1.001776": "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng",
    "1.013225": "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV",
    "1.012753": "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu",
}


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def procedures(data) -> list[dict]:
    return data["procedures"]


def versions(procedures):
    for procedure in procedures:
        for version in procedure["versions"]:
            yield procedure["code"], version


def plan_length(steps: list[dict]) -> Decimal:
    longest: dict[int, Decimal] = {}
    for step in steps:
        longest[step["stage"]] = max(longest.get(step["stage"], Decimal(0)), Decimal(step["allotted"]))
    return sum(longest.values(), Decimal(0))


def all_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from all_strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from all_strings(item)


def test_file_is_the_exchange_format_with_at_least_40_procedures(data, procedures):
    assert data["format"] == "motcua-catalog"
    assert data["format_version"] == 1
    assert len(procedures) >= 40


def test_codes_are_unique_well_formed_and_sorted(procedures):
    codes = [p["code"] for p in procedures]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)
    assert all(PROCEDURE_CODE_RE.match(code) for code in codes), [c for c in codes if not PROCEDURE_CODE_RE.match(c)]


def test_text_is_nfc_vietnamese(data):
    for text in all_strings(data):
        assert unicodedata.normalize("NFC", text) == text, text


@pytest.mark.parametrize(("code", "name"), sorted(REQUIRED.items()))
def test_required_procedures_are_present_with_their_real_names(procedures, code, name):
    by_code = {p["code"]: p for p in procedures}
    assert code in by_code
    assert by_code[code]["name"].startswith(name)


def test_procedure_level_values(procedures):
    for p in procedures:
        assert p["levels"] and set(p["levels"]) <= set(Level.values), p["code"]
        assert p["subjects"] and set(p["subjects"]) <= set(Subject.values), p["code"]
        assert p["field"]["name"], p["code"]
        assert p["units"], p["code"]
        assert any(u["receives"] for u in p["units"]), p["code"]


def test_each_procedure_has_exactly_one_published_version(procedures):
    for p in procedures:
        assert [v["number"] for v in p["versions"]] == [1], p["code"]
        version = p["versions"][0]
        assert version["status"] == "published"
        assert version["valid_from"] == "2025-07-01"
        assert version["decision_number"].strip(), p["code"]
        assert version["notes"].startswith("Nguồn:"), p["code"]


def test_versions_pass_the_publication_rules(procedures):
    """The same rules as ``lifecycle.validation_problems``, applied to the raw data."""
    for code, v in versions(procedures):
        limit = v["time_limit"]
        assert limit["unit"] in SUM_CHECKED_UNITS | {"same_day"}, code
        if limit["unit"] == "same_day":
            assert limit["value"] == 1, code
        else:
            assert isinstance(limit["value"], int) and limit["value"] > 0, code
        assert v["channels"] and set(v["channels"]) <= set(Channel.values), code
        online = "online" in v["channels"]
        assert v["online_level"] in OnlineLevel.values, code
        assert (v["online_level"] != "none") == online, code
        assert v["documents"], code
        for doc in v["documents"]:
            assert doc["name"].strip() and doc["copy_type"] in CopyType.values, code
            assert isinstance(doc["copies"], int) and doc["copies"] >= 0, code
            assert doc["required"] or doc["condition"].strip(), (code, doc["name"])
        for fee in v["fees"]:
            assert isinstance(fee["amount"], int) and not isinstance(fee["amount"], bool), code
            assert fee["amount"] >= 0, code
            assert fee["kind"] in ("charge", "fee"), code
            assert fee["channel"] == "" or fee["channel"] in v["channels"], code
        assert v["steps"], code
        for step in v["steps"]:
            assert step["handler"] in StepHandler.values, code
            assert Decimal(step["allotted"]) >= 0, code
            assert Decimal(step["allotted"]).as_tuple().exponent >= -2, (code, step["allotted"])  # 2 decimal places
            if step["handler"] == StepHandler.SPECIFIC_UNIT:
                assert step["unit"], code
            if step["handler"] == StepHandler.EXTERNAL_AGENCY:
                assert step["external_agency"] or step["unit"], code
        total = plan_length(v["steps"])
        if limit["unit"] in SUM_CHECKED_UNITS:
            assert total == Decimal(limit["value"]), (code, total, limit["value"])
        else:
            assert 0 < total <= 1, (code, total)
        assert v["legal_basis"] and all(b["number"] and b["title"] for b in v["legal_basis"]), code
        assert v["result_documents"] and all(r["name"] for r in v["result_documents"]), code


def test_step_roles_are_default_roles(procedures):
    roles = {r.code for r in DEFAULT_ROLES}
    for code, v in versions(procedures):
        for step in v["steps"]:
            assert step["role"] is None or step["role"] in roles, (code, step["role"])


def test_at_least_three_have_inter_agency_steps_running_in_parallel_or_outside(procedures):
    inter = [code for code, v in versions(procedures) if any(s["inter_agency"] for s in v["steps"])]
    assert len(inter) >= 3, inter
    for code, v in versions(procedures):
        for step in v["steps"]:
            if step["inter_agency"]:
                assert step["handler"] in (StepHandler.EXTERNAL_AGENCY, StepHandler.SPECIFIC_UNIT), code
    parallel = [
        code
        for code, v in versions(procedures)
        if any(sum(1 for s in v["steps"] if s["stage"] == stage) > 1 for stage in {s["stage"] for s in v["steps"]})
    ]
    assert "2.000986" in parallel  # khai sinh – thường trú – thẻ BHYT: Công an and BHXH work side by side
    assert {"1.001612", "1.012753"} <= set(parallel) & set(inter)  # the tax authority works beside the registrar


def test_at_least_three_full_process_online(procedures):
    full = [code for code, v in versions(procedures) if v["online_level"] == "full" and "online" in v["channels"]]
    assert len(full) >= 3
    assert {"1.001193", "1.000656", "1.000894"} <= set(full)


def test_fees_are_real_amounts(procedures):
    by_code = {p["code"]: p["versions"][0] for p in procedures}
    assert [f["amount"] for f in by_code["2.000815"]["fees"]] == [2000]  # 2.000 đ/trang
    assert [f["amount"] for f in by_code["2.000884"]["fees"]] == [10000]  # 10.000 đ/trường hợp
    assert {f["channel"]: f["amount"] for f in by_code["1.004222"]["fees"]} == {"counter": 20000, "online": 10000}
    assert by_code["1.001193"]["fees"][0]["amount"] == 0  # khai sinh đúng hạn: miễn lệ phí


def test_reusable_identity_documents(procedures):
    by_code = {p["code"]: p["versions"][0] for p in procedures}
    assert any(d["reusable"] and "căn cước" in d["name"] for d in by_code["1.001193"]["documents"])
    assert any(d["must_digitise"] for d in by_code["1.001193"]["documents"])


@pytest.mark.django_db
def test_every_unit_code_exists_in_the_demo_province(procedures):
    from motcua.organizations.demo import load_demo

    load_demo()
    known = set(Unit.objects.exclude(agency_code__isnull=True).values_list("agency_code", flat=True))
    for p in procedures:
        for link in p["units"]:
            assert link["agency_code"] in known, (p["code"], link["agency_code"])
        for code, v in versions([p]):
            for step in v["steps"]:
                assert step["unit"] is None or step["unit"] in known, (code, step["unit"])


@pytest.mark.django_db
def test_the_catalogue_imports_and_every_version_is_publishable(procedures):
    exchange = pytest.importorskip("motcua.catalog.exchange")
    from motcua.catalog.lifecycle import validation_problems
    from motcua.catalog.models import ProcedureVersion, VersionStatus
    from motcua.organizations.demo import load_demo

    load_demo()
    report = exchange.import_catalog(CATALOG)
    assert not report.errors, report.errors
    published = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
    assert published.count() == len(procedures)
    for version in published:
        assert validation_problems(version) == [], (version, validation_problems(version))
