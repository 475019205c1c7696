"""Public tracking (Circular 01/2018 Art. 16): no login, nothing personal, timeline only with the secret."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from motcua.dossiers import actions
from tests.api.conftest import at
from tests.dossiers.conftest import birth_intake

URL = "/api/v1/public/dossiers/{}/"
PERSONAL = ["Nguyễn Văn An", "046090001234", "0912345678", "12 Lê Lợi", "1990-05-01"]


@pytest.fixture
def dossier(birth, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(
            birth_intake(birth, submitter={"full_name": "Trần Thị Bình", "phone": "0987654321"}), actor=staff["counter"]
        )
    with at(2026, 3, 9, 9, 30):
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 10, 8, 0):
        d = actions.request_supplement(d, actor=staff["specialist"], reason="Ông Nguyễn Văn An bổ sung giấy chứng sinh")
    return d


def assert_nothing_personal(response, staff) -> None:
    text = json.dumps(response.json(), ensure_ascii=False)
    for value in [*PERSONAL, "Trần Thị Bình", "0987654321", "Bổ sung giấy chứng sinh".lower()]:
        assert value not in text, value
    for user in staff.values():
        assert user.username not in text and user.full_name not in text


def test_without_secret_only_the_status_and_dates(dossier, staff):
    response = APIClient().get(URL.format(dossier.code))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "code": dossier.code,
        "status": {"code": 5, "label": "Yêu cầu bổ sung giấy tờ"},
        "procedure": {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh"},
        "receiving_unit": "Trung tâm Phục vụ hành chính công phường Thuận Hóa",
        "received_on": "2026-03-09",
        "due_on": None,
        "returned_on": None,
        "timeline": None,
    }
    assert_nothing_personal(response, staff)


def test_with_the_secret_the_timeline_too_still_nothing_personal(dossier, staff):
    response = APIClient().get(URL.format(dossier.code), {"secret": dossier.lookup_secret.lower()})
    timeline = response.json()["timeline"]
    assert [e["label"] for e in timeline] == ["Tiếp nhận hồ sơ", "Chuyển cơ quan giải quyết", "Yêu cầu bổ sung hồ sơ"]
    assert timeline[0]["unit"] == "Trung tâm Phục vụ hành chính công phường Thuận Hóa"
    assert timeline[2]["status"] == {"code": 5, "label": "Yêu cầu bổ sung giấy tờ"}
    assert set(timeline[0]) == {"at", "action", "label", "step", "unit", "status"}
    assert_nothing_personal(response, staff)


def test_a_wrong_secret_gets_the_answer_without_one(dossier):
    without = APIClient().get(URL.format(dossier.code)).json()
    wrong = APIClient().get(URL.format(dossier.code), {"secret": "AAAAAAAA"}).json()
    assert wrong == without


def test_code_forms(dossier):
    client = APIClient()
    padded = dossier.code.replace("-0001", "-0000001")
    assert client.get(URL.format(padded)).json()["code"] == dossier.code, "7-digit sequence"
    assert client.get(URL.format(dossier.code.lower())).status_code == 200
    assert client.get(URL.format("000.01.41.H57-260309-0002")).status_code == 404
    bad = client.get(URL.format("abc"))
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")


def test_a_logged_in_officer_gets_the_same_public_answer(dossier, clients):
    assert clients["counter"].get(URL.format(dossier.code)).json()["timeline"] is None


def test_lookups_are_rate_limited_with_a_problem_answer(dossier):
    client = APIClient()
    statuses = [client.get(URL.format(dossier.code)).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    response = client.get(URL.format(dossier.code))
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/problem+json")
    assert "Retry-After" in response
    body = response.json()
    assert body["title"] == "Quá nhiều yêu cầu" and "tra cứu quá nhiều lần" in body["detail"]
    other_ip = client.get(URL.format(dossier.code), REMOTE_ADDR="10.0.0.2")
    assert other_ip.status_code == 200, "the limit is per client address"
