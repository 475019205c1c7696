"""Public catalogue API: no login, the same search as the pages, RFC 7807 errors, documented in OpenAPI."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from rest_framework.test import APIClient

from motcua.catalog.models import ProcedureUnit
from tests.catalog_factories import ProcedureFactory, ProcedureVersionFactory, published_procedure
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/public/procedures/"


@pytest.fixture
def api():
    # enforce_csrf_checks: a browser's session cookie must not matter to the public API.
    return APIClient(enforce_csrf_checks=True)


def test_list_needs_no_login_and_ranks_like_the_pages(api, birth_procedures):
    response = api.get(LIST, {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert [item["code"] for item in body["results"]] == ["1.001193", "1.003583", "2.000528", "2.000986", "1.004884"]
    first = body["results"][0]
    assert first["name"] == "Thủ tục đăng ký khai sinh"
    assert first["field"] == {"id": first["field"]["id"], "code": "G15-TP01", "name": "Hộ tịch"}
    assert first["level_labels"] == ["Cấp xã"]
    assert first["current_version"]["online_level"] == "full"
    assert first["current_version"]["time_limit_label"] == "1 ngày làm việc"
    assert first["url"] == "http://testserver/api/v1/public/procedures/1.001193/"


def test_list_filters_and_pagination(api, ho_tich, chung_thuc):
    for n in range(25):
        published_procedure(code=f"1.{n:06d}", name=f"Chứng thực thử nghiệm {n:02d}", field=chung_thuc)
    published_procedure(
        code="2.000001",
        name="Đăng ký giám hộ",
        field=ho_tich,
        levels=["province"],
        implementing_agencies=["Sở Tư pháp"],
        version={"channels": ["counter", "online"], "online_level": "partial"},
    )
    page1 = api.get(LIST, {"q": "chung thuc"}).json()
    assert page1["count"] == 25 and len(page1["results"]) == 20
    assert page1["next"].endswith("page=2&q=chung+thuc")
    page2 = api.get(LIST, {"q": "chung thuc", "page": 2}).json()
    assert len(page2["results"]) == 5
    assert [i["code"] for i in api.get(LIST, {"field": "G15-TP01"}).json()["results"]] == ["2.000001"]
    assert [i["code"] for i in api.get(LIST, {"level": "province"}).json()["results"]] == ["2.000001"]
    assert [i["code"] for i in api.get(LIST, {"online": "any"}).json()["results"]] == ["2.000001"]
    assert [i["code"] for i in api.get(LIST, {"agency": "so tu phap"}).json()["results"]] == ["2.000001"]
    assert api.get(LIST, {"online": "none"}).json()["count"] == 25


@pytest.mark.parametrize(
    ("params", "field", "text"),
    [
        ({"level": "galaxy"}, "level", "Cấp thực hiện “galaxy” không hợp lệ"),
        ({"online": "maybe"}, "online", "Mức độ trực tuyến “maybe” không hợp lệ"),
        ({"field": "KHONG-CO"}, "field", "Không có lĩnh vực"),
        ({"q": "x" * 201}, "q", "quá dài"),
    ],
)
def test_invalid_filters_are_400_problems_per_parameter(api, db, params, field, text):
    response = api.get(LIST, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"] == "Dữ liệu không hợp lệ"
    assert list(body["errors"]) == [field]
    assert text in body["errors"][field][0]


def test_several_invalid_filters_are_reported_together(api, db):
    body = api.get(LIST, {"level": "galaxy", "online": "maybe"}).json()
    assert set(body["errors"]) == {"level", "online"}


def test_a_page_past_the_end_is_a_404_problem(api, birth_procedures):
    response = api.get(LIST, {"page": 9})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_detail_has_the_full_current_version(api, birth_procedures, province):
    unit = UnitFactory(
        name="Ủy ban nhân dân xã An Bình",
        parent=province,
        agency_code="000.00.41.H99",
        address="1 Đường Trần Phú",
        phone="0210 3800 000",
    )
    ProcedureUnit.objects.create(procedure=birth_procedures[0], unit=unit, receives=True)
    response = api.get(f"{LIST}1.001193/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "1.001193"
    assert body["receiving_units"] == [
        {
            "name": "Ủy ban nhân dân xã An Bình",
            "agency_code": "000.00.41.H99",
            "address": "1 Đường Trần Phú",
            "phone": "0210 3800 000",
            "email": "",
        }
    ]
    version = body["current_version"]
    assert version["decision_number"] == "163/QĐ-BTP"
    assert version["channel_labels"] == ["Trực tiếp", "Dịch vụ bưu chính", "Trực tuyến"]
    assert version["documents"][0]["name"] == "Tờ khai theo mẫu"
    assert version["documents"][0]["form_url"] is None
    assert version["steps"] == [
        {
            "stage": 1,
            "action": "Xem xét, giải quyết",
            "handler": "competent_unit",
            "handler_label": "Cơ quan có thẩm quyền giải quyết",
            "unit": None,
            "role": None,
            "external_agency": "",
            "inter_agency": False,
            "allotted": 1.0,
        }
    ]
    for key in ("fees", "legal_basis", "result_documents"):
        assert key in version


def test_detail_fees_and_legal_basis(api, ho_tich):
    published_procedure(
        code="1.000656",
        name="Thủ tục đăng ký khai tử",
        field=ho_tich,
        version={
            "legal_basis": [{"number": "60/2014/QH13", "title": "Luật Hộ tịch", "date": "2014-11-20"}],
            "result_documents": [{"name": "Trích lục khai tử", "code": "KQ.G15.000032"}],
        },
        fees=[{"channel": "counter", "name": "Lệ phí", "amount": Decimal(0)}],
    )
    version = api.get(f"{LIST}1.000656/").json()["current_version"]
    assert version["fees"][0]["amount"] == 0 and version["fees"][0]["amount_label"] == "Miễn phí"
    assert version["legal_basis"] == [{"number": "60/2014/QH13", "title": "Luật Hộ tịch", "date": "2014-11-20"}]
    assert version["result_documents"] == [{"name": "Trích lục khai tử", "code": "KQ.G15.000032"}]


def test_unknown_code_or_no_version_in_force_is_a_404_problem(api, ho_tich):
    ProcedureVersionFactory(procedure=ProcedureFactory(code="1.000001", field=ho_tich))
    for code in ("9.999999", "1.000001"):
        response = api.get(f"{LIST}{code}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == f"Không có thủ tục mã “{code}” đang được áp dụng."


def test_a_session_cookie_changes_nothing(api, birth_procedures, officer_a):
    api.force_login(officer_a)
    assert api.get(LIST, {"q": "khai sinh"}).status_code == 200


def test_endpoints_are_documented_in_the_openapi_schema(api, db):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    listing = paths["/api/v1/public/procedures/"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert {"q", "field", "level", "online", "agency", "page", "page_size"} <= set(params)
    assert set(params["level"]["schema"]["enum"]) == {"ministry", "province", "commune"}
    assert set(params["online"]["schema"]["enum"]) == {"any", "full", "partial", "none"}
    assert "không dấu" in params["q"]["description"]
    assert listing["security"] == [{}]  # no authentication required
    detail = paths["/api/v1/public/procedures/{code}/"]["get"]
    assert detail["parameters"][0]["name"] == "code"
    assert "404" in detail["responses"]
    assert "ProcedureDetail" in schema["components"]["schemas"]
