"""Every action of ``actions.ACTIONS`` through the API, with the problem answers: 400 per field, 403, 409."""

from __future__ import annotations

import base64

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, Status
from tests.api.conftest import at, intake_body
from tests.dossiers.conftest import PDF, birth_intake

URL = "/api/v1/dossiers/"


def act(client, code: str, action: str, **body):
    return client.post(f"{URL}{code}/actions/{action}/", body, format="json")


def ok(response) -> dict:
    assert response.status_code == 200, response.json()
    return response.json()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["detail"]
    return body


@pytest.fixture
def received(birth, clients):
    with at(2026, 3, 9, 9, 0):
        return clients["counter"].post(URL, intake_body(birth), format="json").json()["code"]


def test_the_whole_way_through_the_api(received, clients, birth):
    code, counter, specialist, leader = received, clients["counter"], clients["specialist"], clients["leader"]
    with at(2026, 3, 9, 9, 30):
        assert ok(act(counter, code, "forward"))["status"] == Status.PROCESSING
    with at(2026, 3, 10, 8, 0):
        body = ok(act(specialist, code, "request_supplement", reason="Giấy chứng sinh mờ", documents=["Bản rõ"]))
    assert body["status"] == Status.SUPPLEMENT and body["due_at"] is None
    with at(2026, 3, 10, 8, 5):
        illegal = problem(act(specialist, code, "request_supplement", reason="lần hai"), 409)
    assert "khi hồ sơ đang ở trạng thái" in illegal["detail"], "an illegal transition says why"

    document = {"name": "Giấy chứng sinh (bản rõ)", "file": base64.b64encode(PDF).decode(), "file_name": "gcs.pdf"}
    with at(2026, 3, 11, 10, 0):
        body = ok(act(counter, code, "receive_supplement", documents=[document]))
    assert body["status"] == Status.PROCESSING and body["due_at"] == "2026-03-16T17:00:00+07:00"
    assert [d["supplement"] for d in body["documents"]].count(True) == 1

    with at(2026, 3, 11, 14, 0):
        parallel = problem(act(specialist, code, "complete_step"), 400)
        assert "song song" in parallel["detail"]
        steps = {s["action"]: s["id"] for s in body["steps"]}
        ok(act(specialist, code, "complete_step", step_id=steps["Thẩm định hồ sơ"], note="Hợp lệ"))
        body = ok(act(specialist, code, "complete_step", step_id=steps["Xác minh thông tin cư trú"]))
    assert [s["action"] for s in body["steps"] if s["state"] == "active"] == ["Lãnh đạo ký Giấy khai sinh"]

    with at(2026, 3, 11, 15, 0):
        assert ok(act(specialist, code, "request_financial", amount="50000"))["status"] == Status.FINANCIAL
        zero = problem(act(counter, code, "record_payment", amount="0"), 400)
        assert zero["errors"] == {"amount": ["Phải lớn hơn 0."]}, "the action's own field errors pass through"
        body = ok(act(counter, code, "record_payment", amount="50000", reference="BL-01"))
    assert body["status"] == Status.PROCESSING and body["fees_paid"] == "50000"

    with at(2026, 3, 13, 16, 0):
        problem(act(specialist, code, "apologize", reason="Chờ", new_due_date="2026-03-18"), 403)
        bad_date = problem(act(leader, code, "apologize", reason="Chờ", new_due_date="18/03/2026"), 400)
        assert "new_due_date" in bad_date["errors"]
        body = ok(act(leader, code, "apologize", reason="Chờ xác minh", new_due_date="2026-03-18"))
    assert body["due_at"] == "2026-03-18T17:00:00+07:00" and body["apology_count"] == 1

    revision = body["revision"]
    with at(2026, 3, 16, 9, 0):
        stale = problem(act(leader, code, "approve", expected_revision=revision - 1), 409)
        assert "cán bộ khác" in stale["detail"]
        body = ok(act(leader, code, "approve", expected_revision=revision, result_note="Giấy khai sinh số 123"))
    assert body["status"] == Status.DONE and body["revision"] == revision + 1
    with at(2026, 3, 16, 10, 0):
        assert "thông báo trước" in problem(act(counter, code, "return_result"), 409)["detail"]
        ok(act(counter, code, "notify_early_return", channel="sms"))
        body = ok(act(counter, code, "return_result"))
    assert body["status"] == Status.RETURNED and body["allowed_actions"] == []
    events = clients["counter"].get(f"{URL}{code}/events/").json()
    assert [e["action"] for e in events] == [
        "receive",
        "forward",
        "request_supplement",
        "receive_supplement",
        "complete_step",
        "complete_step",
        "request_financial",
        "record_payment",
        "apologize",
        "approve",
        "notify_early_return",
        "return_result",
    ]


def test_online_submission_received_or_refused_through_the_api(birth, clients):
    with at(2026, 3, 7, 20, 0):
        one = actions.submit_online(birth_intake(birth))
        two = actions.submit_online(birth_intake(birth))
    with at(2026, 3, 9, 8, 0):
        body = ok(act(clients["counter"], one.code, "receive"))
        assert body["status"] == Status.RECEIVED and body["due_at"] == "2026-03-12T17:00:00+07:00"
        missing = problem(act(clients["counter"], two.code, "refuse_intake", kind="refusal"), 400)
        assert "reason" in missing["errors"], "400 lists the missing field"
        blank = problem(act(clients["counter"], two.code, "refuse_intake", reason="  "), 400)
        assert blank["errors"]["reason"] == ["Trường này không được bỏ trống."], "DRF's messages are in Vietnamese"
        body = ok(act(clients["counter"], two.code, "refuse_intake", reason="Không thuộc thẩm quyền", kind="refusal"))
    assert body["status"] == Status.NOT_RECEIVED


def test_post_return_needs_a_tracking_number(birth, clients, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(
            birth_intake(birth, result_delivery="post", delivery_address="Huế"), actor=staff["counter"]
        )
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 12, 9, 0):
        d = actions.approve(d, actor=staff["leader"])
        assert "postal_tracking" in problem(act(clients["counter"], d.code, "return_result"), 400)["errors"]
        body = ok(act(clients["counter"], d.code, "return_result", postal_tracking="EE123456789VN"))
    assert body["postal_tracking"] == "EE123456789VN"


def test_refuse_withdraw_and_stop(birth, clients, staff):
    with at(2026, 3, 9, 9, 0):
        refused, withdrawn, stopped = (
            actions.forward(
                actions.receive_at_counter(birth_intake(birth), actor=staff["counter"]), actor=staff["counter"]
            )
            for _ in range(3)
        )
    with at(2026, 3, 10, 9, 0):
        body = ok(act(clients["leader"], refused.code, "refuse", reason="Không đủ điều kiện"))
        assert body["status"] == Status.DONE and body["result_kind"] == "refusal"
        problem(act(clients["counter"], withdrawn.code, "withdraw"), 400)
        assert ok(act(clients["counter"], withdrawn.code, "withdraw", reason="Đơn rút hồ sơ"))["status"] == 7
        problem(act(clients["counter"], stopped.code, "stop", reason="x"), 403)
        assert ok(act(clients["leader"], stopped.code, "stop", reason="Quyết định dừng"))["status"] == 8
        assert (
            "khi hồ sơ đang ở trạng thái"
            in problem(act(clients["leader"], stopped.code, "stop", reason="x"), 409)["detail"]
        )


def test_permission_and_visibility(received, clients):
    with at(2026, 3, 9, 9, 30):
        forbidden = problem(act(clients["specialist"], received, "forward"), 403)
        assert "Bạn không có quyền" in forbidden["detail"]
        assert problem(act(clients["counter_other"], received, "forward"), 403)["detail"] == (
            "Bạn không có quyền xem hồ sơ này."
        )
        problem(act(clients["counter"], "000.01.41.H57-260309-0999", "forward"), 404)
    assert Dossier.objects.get(code=received).status == Status.RECEIVED


def test_an_unknown_action_is_404_problem(received, clients):
    body = problem(act(clients["counter"], received, "teleport"), 404)
    assert "teleport" in body["detail"] and "forward" in body["detail"]


def test_an_action_with_an_idempotency_key_is_done_once(received, clients):
    headers = {"HTTP_IDEMPOTENCY_KEY": "chuyen-1"}
    with at(2026, 3, 9, 9, 30):
        first = clients["counter"].post(f"{URL}{received}/actions/forward/", {}, format="json", **headers)
        again = clients["counter"].post(f"{URL}{received}/actions/forward/", {}, format="json", **headers)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert Dossier.objects.get(code=received).events.filter(action="forward").count() == 1
