"""The reports API and ``motcua report``: the same numbers as ``compute`` / ``scorecard``, problems on bad input,
only the units an officer may view.

Data: the demo city with the second half of 2025 imported for two wards (historical import, real actions), built
once for the module inside a transaction rolled back at its end; each test runs in its own savepoint."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from rest_framework.test import APIClient

from motcua.api.reports import scorecard_json, statistics_json
from motcua.catalog.demo import load_demo_catalog
from motcua.catalog.models import Field
from motcua.dossiers.history_import import import_history
from motcua.organizations.demo import load_demo
from motcua.organizations.models import UnitKind
from motcua.reports.rules_models import VolumeRule
from motcua.reports.scorecard import by_children, scorecard
from motcua.reports.statistics import compute
from tests.api.conftest import client_for
from tests.dossiers.conftest import officer, unit, vn
from tests.reports import published

START, END = date(2025, 7, 1), date(2025, 12, 31)
WARD = "000.00.41.H57"  # Ủy ban nhân dân phường Thuận Hóa
CITY = "000.00.00.H57"


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """Thuận Hóa: 40 dossiers, 36 resolved (3 late), 4 in progress; Phú Vang: 20 dossiers, all resolved."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            load_demo()
            load_demo_catalog()
            for receiving, handling in ((published.RECEIVING, WARD), ("000.01.44.H57", "000.00.44.H57")):
                published.ensure_staff(receiving, handling)
            import_history(published.events_csv(published.Year(40, 36, late=3)))
            import_history(published.events_csv(published.Year(20, 20), receiving="000.01.44.H57", id_offset=1000))
            yield
            transaction.set_rollback(True)


@pytest.fixture
def clients(city, db):
    return {
        "inspector": client_for(officer("tt.baocao", "inspector", CITY)),  # read-only, whole city (subtree)
        "phu_vang": client_for(officer("tn.phuvang.baocao", "receiving_officer", "000.01.44.H57")),
        "anonymous": APIClient(),
    }


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def period(**extra: str) -> dict[str, str]:
    return {"from": START.isoformat(), "to": END.isoformat(), **extra}


def roundtrip(data: dict) -> dict:
    return json.loads(json.dumps(data))


@pytest.mark.parametrize("group_by", [None, "unit", "procedure", "month"])
def test_api_cli_and_compute_give_the_same_statistics(clients, group_by):
    extra = {"group_by": group_by} if group_by else {}
    api = clients["inspector"].get("/api/v1/reports/statistics/", {"unit": WARD, **period(**extra)})
    assert api.status_code == 200
    args = ["statistics", "--unit", WARD, "--from", START.isoformat(), "--to", END.isoformat()]
    command = json.loads(cli(*args, *(["--group-by", group_by] if group_by else [])))
    direct = roundtrip(statistics_json(compute(unit(WARD), START, END, group_by=group_by)))
    assert api.json() == command == direct
    total = direct["total"]
    assert (total["received"], total["resolved"], total["late"], total["in_progress"]) == (40, 36, 3, 4)
    assert total["late_rate"] == 8.33 and direct["labels"]["late_rate"] == "Tỷ lệ giải quyết quá hạn (%)"


def test_the_city_total_adds_both_wards_and_the_unit_rows_name_them(clients):
    data = clients["inspector"].get("/api/v1/reports/statistics/", {"unit": CITY, **period(group_by="unit")}).json()
    assert data["total"]["received"] == 60 and data["total"]["resolved"] == 56
    assert {row["label"]: row["received"] for row in data["rows"]} == {
        "Ủy ban nhân dân phường Thuận Hóa": 40,
        "Ủy ban nhân dân xã Phú Vang": 20,
    }


def test_the_receiving_perspective_counts_at_the_one_stop_centre(clients):
    response = clients["inspector"].get(
        "/api/v1/reports/statistics/", {"unit": published.RECEIVING, **period(perspective="receiving")}
    )
    assert response.json()["total"]["received"] == 40
    handling = clients["inspector"].get("/api/v1/reports/statistics/", {"unit": published.RECEIVING, **period()})
    assert handling.json()["total"]["received"] == 0, "the centre handles nothing itself"


def test_api_cli_and_scorecard_give_the_same_scorecard(clients):
    api = clients["inspector"].get("/api/v1/reports/scorecard/", {"unit": CITY, **period(children="true")})
    assert api.status_code == 200
    command = json.loads(
        cli("scorecard", "--unit", CITY, "--from", START.isoformat(), "--to", END.isoformat(), "--children")
    )
    city = unit(CITY)
    direct = roundtrip(scorecard_json(scorecard(city, START, END), by_children(city, START, END)))
    assert api.json() == command == direct
    assert {"1.4", "2.1"} <= {i["id"] for g in direct["groups"] for i in g["indicators"]}
    on_time = next(i for g in direct["groups"] for i in g["indicators"] if i["id"] == "2.1")
    assert on_time["numerator"] <= on_time["denominator"] and on_time["denominator"] >= 56
    no_data = next(i for g in direct["groups"] for i in g["indicators"] if i["id"] == "1.4")
    assert no_data["available"] is False and no_data["points"] is None and no_data["status"] == "Không có dữ liệu"
    children = {child["unit"]["agency_code"]: child for child in direct["children"]}
    assert children[WARD]["points"] > 0
    plain = clients["inspector"].get("/api/v1/reports/scorecard/", {"unit": CITY, **period()}).json()
    assert "children" not in plain


def is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("path", ["/api/v1/reports/statistics/", "/api/v1/reports/scorecard/"])
def test_bad_parameters_are_problems_naming_each_parameter(clients, path):
    client = clients["inspector"]
    assert set(is_problem(client.get(path), 400)["errors"]) == {"unit", "from", "to"}
    errors = is_problem(client.get(path, {"unit": WARD, "from": "31/12/2025", "to": "2025-13-01"}), 400)["errors"]
    assert set(errors) == {"from", "to"}
    backwards = is_problem(client.get(path, {"unit": WARD, "from": "2025-12-31", "to": "2025-01-01"}), 400)
    assert backwards["errors"] == {"from": ["Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."]}
    assert "Không có đơn vị" in is_problem(client.get(path, {"unit": "000.00.99.H57", **period()}), 404)["detail"]


def test_an_unknown_grouping_is_a_problem(clients):
    response = clients["inspector"].get("/api/v1/reports/statistics/", {"unit": WARD, **period(group_by="huyen")})
    assert set(is_problem(response, 400)["errors"]) == {"group_by"}


@pytest.mark.parametrize("path", ["statistics", "scorecard", "alerts"])
def test_an_officer_may_only_ask_for_units_whose_dossiers_they_may_view(clients, path):
    url = f"/api/v1/reports/{path}/"
    # DRF answers 403 (not 401) when session authentication comes first; the problem type says why
    anonymous = is_problem(clients["anonymous"].get(url, {"unit": WARD, **period()}), 403)
    assert anonymous["type"].endswith("/not_authenticated")
    assert is_problem(clients["phu_vang"].get(url, {"unit": WARD, **period()}), 403)
    assert clients["phu_vang"].get(url, {"unit": "000.01.44.H57", **period()}).status_code == 200
    assert clients["inspector"].get(url, {"unit": WARD, **period()}).status_code == 200


def test_alerts_list_overdue_dossiers_per_unit_and_wards_below_a_rule(clients):
    VolumeRule.objects.create(
        name="Tối thiểu 10 hồ sơ chứng thực mỗi tháng",
        field=Field.objects.get(name="Chứng thực"),
        unit_kind=UnitKind.COMMUNE_COMMITTEE,
        minimum=10,
    )
    with time_machine.travel(vn(2026, 1, 5, 9, 0), tick=False):  # the last complete month: December 2025
        data = clients["inspector"].get("/api/v1/reports/alerts/", {"unit": CITY}).json()
        assert json.loads(cli("alerts", "--unit", CITY)) == data
    ward = next(row for row in data["due"] if row["unit"]["agency_code"] == WARD)
    assert (ward["due_soon"], ward["overdue"]) == (0, 4), "the 4 dossiers still in progress are past their due date"
    assert data["overdue"] == 4 and not any(row["own"] for row in data["due"])
    [rule] = data["rules"]
    assert (rule["from"], rule["to"], rule["minimum"]) == ("2025-12-01", "2025-12-31", 10)
    short = {s["unit"]["agency_code"]: s["count"] for s in rule["shortfalls"]}
    assert set(short) == {f"000.00.{n}.H57" for n in (41, 42, 43, 44, 45)}, "a handful of dossiers a month each"
    assert 0 < short[WARD] < 10 and short["000.00.42.H57"] == 0


def test_the_cli_writes_the_exports_of_the_dashboards(city, db, tmp_path):
    base = ["--unit", WARD, "--from", START.isoformat(), "--to", END.isoformat()]
    for kind, magic in (("statistics", b"PK"), ("scorecard", b"PK")):
        target = tmp_path / f"{kind}.xlsx"
        cli(kind, *base, "--format", "xlsx", "--output", str(target))
        assert target.read_bytes().startswith(magic)
    target = tmp_path / "statistics.pdf"
    cli("statistics", *base, "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="--output"):
        cli("statistics", *base, "--format", "pdf")
    with pytest.raises(CommandError, match="Không có đơn vị"):
        cli("statistics", "--unit", "000.00.99.H57", "--from", "2025-01-01", "--to", "2025-01-31")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        cli("statistics", "--unit", WARD, "--from", "01/01/2025", "--to", "2025-01-31")


def test_the_rebuild_command_gives_the_same_numbers(city, db):
    before = statistics_json(compute(unit(CITY), START, END, group_by="month"))
    assert "Đã tính lại bảng số liệu: 60 hồ sơ" in cli("rebuild")
    assert statistics_json(compute(unit(CITY), START, END, group_by="month")) == before


def test_the_schema_lists_the_report_paths_and_their_parameters(db):
    spec = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for name in ("statistics", "scorecard", "alerts"):
        operation = spec["paths"][f"/api/v1/reports/{name}/"]["get"]
        parameters = {p["name"]: p.get("required", False) for p in operation["parameters"]}
        assert parameters["unit"] is True
        assert {"200", "400", "403", "404"} <= set(operation["responses"])
    statistics_parameters = {p["name"] for p in spec["paths"]["/api/v1/reports/statistics/"]["get"]["parameters"]}
    assert statistics_parameters == {"unit", "from", "to", "group_by", "perspective"}
    figures = spec["components"]["schemas"]["StatisticsFigures"]["properties"]
    assert {"received", "resolved", "in_progress", "late_rate"} <= set(figures)
