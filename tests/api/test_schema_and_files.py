"""OpenAPI lists every dossier path; printed forms and the register."""

from __future__ import annotations

import importlib.util

import pytest
from rest_framework.test import APIClient

from motcua.dossiers import actions
from tests.api.conftest import at
from tests.dossiers.conftest import birth_intake


def test_schema_lists_the_dossier_paths(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    spec = response.json()
    paths = spec["paths"]
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/dossiers/",
        "/api/v1/dossiers/{code}/",
        "/api/v1/dossiers/{code}/events/",
        "/api/v1/dossiers/{code}/forms/{form}.pdf",
        "/api/v1/units/{agency_code}/register.pdf",
        "/api/v1/units/{agency_code}/register.xlsx",
        "/api/v1/public/dossiers/{code}/",
    ]:
        assert path in paths, path
    for name in actions.ACTIONS:
        operation = paths[f"/api/v1/dossiers/{{code}}/actions/{name}/"]["post"]
        assert operation["operationId"] == f"dossier_action_{name}"
        assert {"400", "403", "404", "409"} <= set(operation["responses"])
    intake = paths["/api/v1/dossiers/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in intake["parameters"])
    assert "422" in intake["responses"]
    list_parameters = {p["name"] for p in paths["/api/v1/dossiers/"]["get"]["parameters"]}
    assert {
        "status",
        "unit",
        "procedure",
        "overdue",
        "due_before",
        "received_after",
        "received_before",
    } <= list_parameters


@pytest.fixture
def received(birth, staff):
    with at(2026, 3, 9, 9, 0):
        return actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])


@pytest.mark.skipif(
    importlib.util.find_spec("motcua.dossiers.forms") is None,
    reason="motcua.dossiers.forms (render_form) not built yet",
)
def test_form_01_as_pdf(received, clients):
    response = clients["counter"].get(f"/api/v1/dossiers/{received.code}/forms/01.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_forms_are_scoped_and_numbered(received, clients):
    assert clients["counter_other"].get(f"/api/v1/dossiers/{received.code}/forms/01.pdf").status_code == 403
    assert clients["counter"].get(f"/api/v1/dossiers/{received.code}/forms/09.pdf").status_code == 404
    assert clients["counter"].get("/api/v1/dossiers/000.01.41.H57-260309-0077/forms/01.pdf").status_code == 404


@pytest.mark.skipif(
    importlib.util.find_spec("motcua.dossiers.forms") is None,
    reason="motcua.dossiers.forms (render_form) not built yet",
)
def test_a_form_the_dossier_does_not_have_is_409(received, clients):
    response = clients["counter"].get(f"/api/v1/dossiers/{received.code}/forms/04.pdf")
    assert response.status_code == 409 and response["Content-Type"].startswith("application/problem+json")


@pytest.mark.skipif(
    importlib.util.find_spec("motcua.dossiers.forms") is None, reason="motcua.dossiers.forms.register not built yet"
)
def test_register_xlsx(received, clients):
    from io import BytesIO

    from openpyxl import load_workbook

    url = "/api/v1/units/000.01.41.H57/register.xlsx"
    response = clients["counter"].get(url, {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200, response.content[:300]
    sheet = load_workbook(BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert received.code in values
    assert clients["counter_other"].get(url).status_code == 403
    assert clients["counter"].get("/api/v1/units/000.99.99.H57/register.xlsx").status_code == 404
    backwards = clients["counter"].get(url, {"from": "2026-03-31", "to": "2026-03-01"})
    assert backwards.status_code == 400 and "from" in backwards.json()["errors"]


@pytest.mark.skipif(
    importlib.util.find_spec("motcua.dossiers.forms") is None, reason="motcua.dossiers.forms.register not built yet"
)
def test_register_pdf(received, clients):
    response = clients["counter"].get(
        "/api/v1/units/000.01.41.H57/register.pdf", {"from": "2026-03-09", "to": "2026-03-09"}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
