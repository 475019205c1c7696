"""Queues through the API: filters, scoping (404 vs 403 as for units), detail and history."""

from __future__ import annotations

import pytest

from motcua.dossiers import actions
from motcua.dossiers.models import Status
from tests.api.conftest import at, client_for
from tests.dossiers.conftest import birth_intake, unit
from tests.factories import UserFactory

URL = "/api/v1/dossiers/"


@pytest.fixture
def dossiers(birth, staff):
    """Two received in Thuận Hóa (one forwarded), one in Phú Vang."""
    with at(2026, 3, 9, 9, 0):
        first = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        forwarded = actions.forward(
            actions.receive_at_counter(birth_intake(birth), actor=staff["counter"]), actor=staff["counter"]
        )
    with at(2026, 3, 11, 9, 0):
        other = actions.receive_at_counter(
            birth_intake(birth, receiving_unit=unit("000.01.44.H57")), actor=staff["counter_other"]
        )
    return {"first": first, "forwarded": forwarded, "other": other}


def codes(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["code"] for row in response.json()["results"]]


def test_lists_are_limited_to_visible_units(dossiers, clients):
    assert set(codes(clients["counter"].get(URL))) == {dossiers["first"].code, dossiers["forwarded"].code}
    assert codes(clients["counter_other"].get(URL)) == [dossiers["other"].code]
    assert codes(clients["counter_other"].get(URL, {"unit": "000.01.41.H57"})) == [], "no peeking by filter"
    assert len(codes(clients["inspector"].get(URL))) == 3, "the city inspector sees the whole subtree"
    outsider = client_for(UserFactory(username="khong.vai.tro"))
    assert codes(outsider.get(URL)) == []


def test_filters(dossiers, clients):
    inspector = clients["inspector"]
    first, forwarded, other = dossiers["first"].code, dossiers["forwarded"].code, dossiers["other"].code
    assert codes(inspector.get(URL, {"status": "4"})) == [forwarded]
    assert set(codes(inspector.get(URL, {"status": "2,4"}))) == {first, forwarded, other}
    assert set(codes(inspector.get(URL, {"unit": "000.00.41.H57"}))) == {first, forwarded}, "handling unit"
    assert codes(inspector.get(URL, {"unit": "000.01.44.h57"})) == [other], "receiving unit, any case"
    assert codes(inspector.get(URL, {"unit": "000.99.99.H57"})) == []
    assert len(codes(inspector.get(URL, {"procedure": "1.001193"}))) == 3
    assert codes(inspector.get(URL, {"procedure": "9.999999"})) == []
    assert codes(inspector.get(URL, {"received_after": "2026-03-10"})) == [other]
    assert set(codes(inspector.get(URL, {"received_before": "2026-03-09"}))) == {first, forwarded}
    assert set(codes(inspector.get(URL, {"due_before": "2026-03-12"}))) == {first, forwarded}, "inclusive"
    with at(2026, 3, 13, 9, 0):
        late = inspector.get(URL, {"overdue": "true"})
        assert set(codes(late)) == {first, forwarded}
        assert all(row["overdue"] for row in late.json()["results"])
        assert codes(inspector.get(URL, {"overdue": "false"})) == [other]
    bad = inspector.get(URL, {"received_after": "13/13/2026"})
    assert bad.status_code == 400 and "received_after" in bad.json()["errors"]


def test_pagination(dossiers, clients):
    page = clients["inspector"].get(URL, {"page_size": 1}).json()
    assert page["count"] == 3 and len(page["results"]) == 3, "PAGE_SIZE 50; no client page size on staff lists"
    assert clients["inspector"].get(URL, {"page": 9}).status_code == 404


def test_detail_404_vs_403(dossiers, clients):
    code = dossiers["first"].code
    assert clients["counter"].get(f"{URL}{code}/").status_code == 200
    foreign = clients["counter_other"].get(f"{URL}{code}/")
    assert foreign.status_code == 403 and foreign.json()["detail"] == "Bạn không có quyền xem hồ sơ này."
    missing = clients["counter"].get(f"{URL}000.01.41.H57-260309-9999/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/problem+json")
    assert clients["counter"].get(f"{URL}khong-phai-ma/").status_code == 404
    assert clients["counter_other"].get(f"{URL}{code}/events/").status_code == 403


def test_detail_shows_steps_due_moments_marks_and_the_caller_s_actions(dossiers, clients):
    code = dossiers["forwarded"].code
    with at(2026, 3, 10, 10, 0):
        body = clients["specialist"].get(f"{URL}{code}/").json()
    active = {s["action"]: s for s in body["steps"] if s["state"] == "active"}
    assert active["Thẩm định hồ sơ"]["due_at"] == "2026-03-10T14:45:00+07:00"
    assert active["Thẩm định hồ sơ"]["mark"] == "due_soon" and active["Thẩm định hồ sơ"]["mark_label"] == "Sắp đến hạn"
    assert active["Xác minh thông tin cư trú"]["mark"] == "overdue"
    done = next(s for s in body["steps"] if s["state"] == "done")
    assert done["mark"] in {"early", "on_time"}
    assert [a["action"] for a in body["allowed_actions"]] == [
        "complete_step",
        "request_supplement",
        "request_financial",
    ], "a specialist may not sign, stop or hand back"
    leader = clients["leader"].get(f"{URL}{code}/").json()
    assert {"approve", "refuse", "stop", "apologize"} <= {a["action"] for a in leader["allowed_actions"]}
    assert clients["inspector"].get(f"{URL}{code}/").json()["allowed_actions"] == [], "inspectors only look"
    assert any("ngày làm việc" in line for line in body["due_explanation"])


def test_a_code_with_a_seven_digit_sequence_finds_the_dossier(dossiers, clients):
    code = dossiers["first"].code.replace("-0001", "-0000001")
    response = clients["counter"].get(f"{URL}{code}/")
    assert response.status_code == 200 and response.json()["code"] == dossiers["first"].code


def test_events(dossiers, clients, staff):
    events = clients["counter"].get(f"{URL}{dossiers['forwarded'].code}/events/").json()
    assert [e["action"] for e in events] == ["receive", "forward"]
    assert events[1]["action_label"] == "Chuyển cơ quan giải quyết"
    assert events[1]["from_status"] == Status.RECEIVED and events[1]["to_status_label"] == "Đang xử lý"
    assert events[0]["actor"]["username"] == staff["counter"].username
