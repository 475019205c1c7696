"""``POST /api/v1/dossiers/{code}/documents/{id}/digitise/``: pages merged into one PDF, or a document of the
applicant's store, through the write path; refusals as RFC 7807 problems."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageDraw
from rest_framework.test import APIClient

from motcua.dossiers import actions
from motcua.dossiers.models import DocumentOrigin, Dossier
from tests.api.conftest import at
from tests.dossiers.conftest import birth_intake
from tests.sample_files import pdf_bytes


def png(text: str) -> str:
    image = Image.new("RGB", (200, 280), "white")
    ImageDraw.Draw(image).text((10, 10), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def receive(birth, staff, *contents: bytes | None, when=(2026, 3, 9, 9, 0), **changes) -> Dossier:
    intake = birth_intake(birth, **changes)
    for document, content in zip(intake.documents, contents, strict=False):
        if content is not None:
            document.content, document.file_name = content, "scan.pdf"
    with at(*when):
        return actions.receive_at_counter(intake, actor=staff["counter"])


def url(dossier: Dossier, document_id: int) -> str:
    return f"/api/v1/dossiers/{dossier.code}/documents/{document_id}/digitise/"


@pytest.fixture
def paper(birth, staff):
    """A dossier whose first component was scanned at intake and whose second is on paper only."""
    dossier = receive(birth, staff, pdf_bytes("to khai"), None)
    return dossier, dossier.documents.get(sha256="")


def test_pages_are_merged_and_attached(paper, clients):
    dossier, row = paper
    body = {"pages": [{"file_name": "1.png", "file": png("1")}, {"file_name": "2.png", "file": png("2")}]}
    with at(2026, 3, 9, 10, 0):
        response = clients["counter"].post(url(dossier, row.pk), {**body, "expected_revision": 1}, format="json")
    assert response.status_code == 200, response.json()
    document = next(d for d in response.json()["documents"] if d["id"] == row.pk)
    assert document["has_file"] and document["content_type"] == "application/pdf"
    assert document["origin"] == "scan" and document["pages"] == 2
    assert document["original_name"] == "giay-chung-sinh.pdf"
    assert Dossier.objects.get(pk=dossier.pk).input_digitised


def test_an_attached_file_is_not_replaced_409(paper, clients):
    dossier, row = paper
    body = {"pages": [{"file_name": "1.png", "file": png("1")}]}
    with at(2026, 3, 9, 10, 0):
        clients["counter"].post(url(dossier, row.pk), body, format="json")
        again = clients["counter"].post(url(dossier, row.pk), body, format="json")
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")
    assert "không thay thế được" in again.json()["detail"]


def test_a_corrupt_page_is_400_naming_the_page(paper, clients):
    dossier, row = paper
    broken = base64.b64encode(base64.b64decode(png("x"))[:80]).decode()
    body = {"pages": [{"file_name": "1.png", "file": png("1")}, {"file_name": "trang-2.png", "file": broken}]}
    with at(2026, 3, 9, 10, 0):
        response = clients["counter"].post(url(dossier, row.pk), body, format="json")
    assert response.status_code == 400
    problem = response.json()
    assert problem["status"] == 400 and "“trang-2.png”" in problem["detail"] and problem["errors"]["pages"]
    row.refresh_from_db()
    assert not row.digitised


def test_reuse_from_the_applicants_store_and_not_from_another_applicants(birth, staff, clients):
    earlier = receive(birth, staff, pdf_bytes("a"), pdf_bytes("b", pages=2))
    stranger = receive(
        birth,
        staff,
        pdf_bytes("c"),
        pdf_bytes("d"),
        when=(2026, 3, 9, 9, 30),
        applicant=actions.ApplicantData(full_name="Trần Thị Bình", id_number="046090009999"),
    )
    dossier = receive(birth, staff, pdf_bytes("e"), None, when=(2026, 3, 10, 9, 0))
    row = dossier.documents.get(sha256="")
    with at(2026, 3, 10, 10, 0):
        refused = clients["counter"].post(
            url(dossier, row.pk), {"reuse_of": stranger.documents.last().pk}, format="json"
        )
        source = earlier.documents.get(required_document__position=2)
        ok = clients["counter"].post(url(dossier, row.pk), {"reuse_of": source.pk}, format="json")
    assert refused.status_code == 400 and "không thuộc kho của chủ hồ sơ" in refused.json()["detail"]
    assert ok.status_code == 200
    document = next(d for d in ok.json()["documents"] if d["id"] == row.pk)
    assert document["origin"] == DocumentOrigin.REUSE and document["reused_from"] == source.pk
    assert Dossier.objects.get(pk=dossier.pk).reused_components == 1


def test_pages_or_reuse_is_required_and_not_both(paper, clients):
    dossier, row = paper
    with at(2026, 3, 9, 10, 0):
        empty = clients["counter"].post(url(dossier, row.pk), {}, format="json")
        both = clients["counter"].post(
            url(dossier, row.pk), {"pages": [{"file": png("1")}], "reuse_of": 1}, format="json"
        )
        not_base64 = clients["counter"].post(url(dossier, row.pk), {"pages": [{"file": "%%%"}]}, format="json")
    assert empty.status_code == both.status_code == not_base64.status_code == 400
    assert "pages" in empty.json()["errors"] and "pages" in both.json()["errors"]


def test_permissions_and_unknown_documents(paper, clients, birth):
    dossier, row = paper
    body = {"pages": [{"file": png("1")}]}
    with at(2026, 3, 9, 10, 0):
        other_ward = clients["counter_other"].post(url(dossier, row.pk), body, format="json")
        specialist = clients["specialist"].post(url(dossier, row.pk), body, format="json")
        anonymous = APIClient().post(url(dossier, row.pk), body, format="json")
        unknown = clients["counter"].post(url(dossier, 999999), body, format="json")
    assert other_ward.status_code == 403 and specialist.status_code == 403
    assert anonymous.status_code in (401, 403)
    assert unknown.status_code == 404 and unknown["Content-Type"].startswith("application/problem+json")


def test_a_new_component_is_added_digitised(paper, clients):
    dossier, _row = paper
    body = {"name": "Bản sao sổ hộ khẩu", "pages": [{"file_name": "a.png", "file": png("a")}]}
    with at(2026, 3, 9, 10, 0):
        response = clients["counter"].post(f"/api/v1/dossiers/{dossier.code}/documents/digitise/", body, format="json")
        nameless = clients["counter"].post(
            f"/api/v1/dossiers/{dossier.code}/documents/digitise/", {"pages": body["pages"]}, format="json"
        )
    assert response.status_code == 200
    assert any(d["name"] == "Bản sao sổ hộ khẩu" and d["pages"] == 1 for d in response.json()["documents"])
    assert nameless.status_code == 400 and "name" in nameless.json()["errors"]


def test_the_endpoint_is_in_the_openapi_schema(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    operation = paths["/api/v1/dossiers/{code}/documents/{document_id}/digitise/"]["post"]
    assert operation["operationId"] == "dossier_document_digitise"
    assert {"400", "403", "404", "409"} <= set(operation["responses"])
    assert "/api/v1/dossiers/{code}/documents/digitise/" in paths
