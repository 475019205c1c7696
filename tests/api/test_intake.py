"""Counter intake through the API, with ``Idempotency-Key``."""

from __future__ import annotations

import base64
import threading

import pytest
from django.db import connection

from motcua.api.models import IdempotencyKey
from motcua.dossiers.models import Dossier, Status
from tests.api.conftest import at, client_for, intake_body
from tests.dossiers.conftest import PDF

URL = "/api/v1/dossiers/"


def test_counter_intake_creates_a_received_dossier(birth, clients):
    with at(2026, 3, 9, 9, 0):
        response = clients["counter"].post(URL, intake_body(birth), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "000.01.41.H57-260309-0001"
    assert response["Location"] == f"/api/v1/dossiers/{body['code']}/"
    assert body["status"] == Status.RECEIVED and body["status_label"] == "Được tiếp nhận"
    assert body["due_at"] == "2026-03-12T17:00:00+07:00"
    assert body["handling_unit"]["agency_code"] == "000.00.41.H57"
    assert body["applicant_id_masked"] == "0460****1234", "the intake answer does not repeat the ID number"
    assert len(body["lookup_secret"]) == 8
    assert [a["action"] for a in body["allowed_actions"]] == ["forward", "withdraw"]
    detail = clients["counter"].get(response["Location"]).json()
    assert detail["applicant"]["id_number"] == "046090001234"
    assert detail["due_explanation"], "the due date is explained line by line"
    assert len(detail["steps"]) == 5 and {s["state"] for s in detail["steps"]} == {"pending"}


def test_incomplete_intake_is_400_with_the_missing_documents(birth, clients):
    with at(2026, 3, 9, 9, 0):
        response = clients["counter"].post(URL, intake_body(birth, documents=[]), format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert "Giấy chứng sinh" in problem["detail"] and "mẫu 02" in problem["detail"]
    assert set(problem["errors"]["documents"]) == {"Giấy chứng sinh", "Tờ khai đăng ký khai sinh"}
    assert not Dossier.objects.exists()


def test_refusal_at_the_counter_is_recorded_with_status_3(birth, clients):
    body = intake_body(birth, documents=[], action="refuse", kind="guidance", reason="Thiếu giấy chứng sinh")
    with at(2026, 3, 9, 9, 0):
        response = clients["counter"].post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == Status.NOT_RECEIVED
    with at(2026, 3, 9, 9, 0):
        missing_reason = clients["counter"].post(URL, {**body, "reason": ""}, format="json")
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()["errors"]


def test_field_errors_are_reported_per_field(birth, clients):
    body = intake_body(birth, receiving_unit="000.99.99.H57", channel="fax")
    body["applicant"] = {"id_number": "1"}
    body["documents"] = [{"required_document_id": birth.documents.first().pk, "file": "không phải base64!"}]
    response = clients["counter"].post(URL, body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) >= {"receiving_unit", "channel", "applicant", "documents"}
    assert "full_name" in errors["applicant"]
    assert "base64" in errors["documents"]["0"]["file"][0], "list items are reported by their index"


def test_applicant_rules_come_from_the_action(birth, clients):
    body = intake_body(birth)
    body["applicant"]["id_number"] = "12345"
    with at(2026, 3, 9, 9, 0):
        response = clients["counter"].post(URL, body, format="json")
    assert response.status_code == 400
    assert "12 chữ số" in response.json()["errors"]["id_number"][0]


def test_uploaded_files_are_checked_by_their_bytes(birth, clients):
    body = intake_body(birth)
    body["documents"][0].update(file=base64.b64encode(PDF).decode(), file_name="to-khai.pdf")
    with at(2026, 3, 9, 9, 0):
        ok = clients["counter"].post(URL, body, format="json")
    assert ok.status_code == 201
    document = next(d for d in clients["counter"].get(ok["Location"]).json()["documents"] if d["has_file"])
    assert document["content_type"] == "application/pdf" and document["size"] == len(PDF)
    body["documents"][0].update(file=base64.b64encode(b"MZ\x90\x00 not a pdf").decode(), file_name="virus.pdf")
    with at(2026, 3, 9, 9, 5):
        bad = clients["counter"].post(URL, body, format="json")
    assert bad.status_code == 400 and "không phải PDF" in bad.json()["detail"]


def test_a_role_without_the_receive_permission_is_403(birth, clients):
    with at(2026, 3, 9, 9, 0):
        response = clients["specialist"].post(URL, intake_body(birth), format="json")
    assert response.status_code == 403
    assert "không có quyền" in response.json()["detail"]
    with at(2026, 3, 9, 9, 0):
        other_commune = clients["counter_other"].post(URL, intake_body(birth), format="json")
    assert other_commune.status_code == 403


def test_the_same_idempotency_key_never_creates_two_dossiers(birth, clients):
    client = clients["counter"]
    headers = {"HTTP_IDEMPOTENCY_KEY": "5f0c6a9e-1111-4d1c-9a51-000000000001"}
    with at(2026, 3, 9, 9, 0):
        first = client.post(URL, intake_body(birth), format="json", **headers)
    with at(2026, 3, 9, 9, 1):
        second = client.post(URL, intake_body(birth), format="json", **headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1


def test_the_same_key_with_another_body_is_422(birth, clients):
    client = clients["counter"]
    headers = {"HTTP_IDEMPOTENCY_KEY": "khoa-1"}
    with at(2026, 3, 9, 9, 0):
        client.post(URL, intake_body(birth), format="json", **headers)
        other = client.post(URL, intake_body(birth, sets=2), format="json", **headers)
    assert other.status_code == 422
    assert other["Content-Type"].startswith("application/problem+json")
    assert "Idempotency-Key" in other.json()["detail"]
    assert Dossier.objects.count() == 1


def test_keys_are_per_user_and_expire_after_24_hours(birth, clients, staff):
    headers = {"HTTP_IDEMPOTENCY_KEY": "khoa-chung"}
    with at(2026, 3, 9, 9, 0):
        clients["counter"].post(URL, intake_body(birth), format="json", **headers)
        city = intake_body(birth, receiving_unit="000.01.44.H57")
        assert clients["counter_other"].post(URL, city, format="json", **headers).status_code == 201
    assert Dossier.objects.count() == 2, "another officer's key of the same text is another key"
    with at(2026, 3, 10, 9, 1):  # 24 h and a minute later: the key is forgotten
        again = clients["counter"].post(URL, intake_body(birth), format="json", **headers)
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 3
    assert IdempotencyKey.objects.filter(user=staff["counter"]).count() == 1, "the expired key was dropped"


def test_errors_are_not_remembered(birth, clients):
    headers = {"HTTP_IDEMPOTENCY_KEY": "khoa-loi"}
    with at(2026, 3, 9, 9, 0):
        refused = clients["counter"].post(URL, intake_body(birth, documents=[]), format="json", **headers)
        assert refused.status_code == 400
        assert not IdempotencyKey.objects.exists()
        fixed = clients["counter"].post(URL, intake_body(birth), format="json", **headers)
    assert fixed.status_code == 201


def test_a_twin_that_committed_first_is_replayed(birth, clients):
    """The key row is inserted first: the second request's insert hits the unique constraint (after
    waiting for the first to commit, when they race) and it answers what the first answered."""
    client = clients["counter"]
    headers = {"HTTP_IDEMPOTENCY_KEY": "khoa-dong-thoi"}
    with at(2026, 3, 9, 9, 0):
        first = client.post(URL, intake_body(birth), format="json", **headers)
        twin = client.post(URL, intake_body(birth), format="json", **headers)
    assert twin.status_code == 201 and twin.json() == first.json()
    assert twin["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1


def test_an_invalid_key_is_400(birth, clients):
    response = clients["counter"].post(URL, intake_body(birth), format="json", HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under real concurrency need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_twin_requests_sent_at_once_make_one_dossier_per_key_and_no_gap_in_codes(birth, staff):
    """Four requests at the same moment, two keys: each key gets one dossier, the twin replays its answer,
    and the rolled-back twin leaves no hole in the unit-day code sequence."""
    barrier = threading.Barrier(4)
    answers: list[tuple[str, int, dict, str]] = []

    def send(client, key: str, applicant_id: str) -> None:
        try:
            body = intake_body(birth)
            body["applicant"]["id_number"] = applicant_id
            barrier.wait()
            response = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            answers.append((key, response.status_code, response.json(), response.get("Idempotent-Replayed", "")))
        finally:
            connection.close()

    with at(2026, 3, 9, 9, 0):
        threads = [
            threading.Thread(target=send, args=(client_for(staff["counter"]), key, applicant_id))
            for key, applicant_id in [("a", "046090000001")] * 2 + [("b", "046090000002")] * 2
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(status for _key, status, _body, _replayed in answers) == [201, 201, 201, 201]
    codes = {key: {body["code"] for k, _s, body, _r in answers if k == key} for key in ("a", "b")}
    assert all(len(found) == 1 for found in codes.values()), codes
    assert sorted(r for _k, _s, _b, r in answers) == ["", "", "true", "true"]
    stored = sorted(Dossier.objects.values_list("code", flat=True))
    assert stored == sorted(c for found in codes.values() for c in found)
    assert [int(code.rsplit("-", 1)[1]) for code in stored] == [1, 2]
