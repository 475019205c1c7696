"""Citizen catalogue and procedure pages: search form, filters, pagination, eRegulations sections, 404s."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.catalog.lifecycle import retire
from motcua.catalog.models import ProcedureUnit
from motcua.organizations.models import UnitKind
from tests.catalog_factories import ProcedureFactory, ProcedureVersionFactory, published_procedure
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

CATALOGUE = "/thu-tuc/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def result_codes(response) -> list[str]:
    return [p.code for p in response.context["results"]]


def test_catalogue_form_is_labelled_and_works_without_javascript(client, birth_procedures):
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    html = text_of(response)
    assert '<html lang="vi">' in html
    assert 'method="get"' in html
    for field_id, label in [
        ("id_q", "Tên hoặc mã thủ tục"),
        ("id_field", "Lĩnh vực"),
        ("id_level", "Cấp thực hiện"),
        ("id_agency", "Cơ quan thực hiện"),
        ("id_online", "Nộp trực tuyến"),
    ]:
        assert f'<label for="{field_id}">{label}</label>' in html
    assert "<script" not in html
    assert "Có 5 thủ tục" in html


def test_search_lists_the_general_procedure_first_and_echoes_the_folded_query(client, birth_procedures):
    response = client.get(CATALOGUE, {"q": "Đăng ký khai sinh"})
    assert result_codes(response)[0] == "1.001193"
    html = text_of(response)
    assert "phù hợp với “Đăng ký khai sinh”" in html
    assert "tìm không phân biệt dấu: “dang ky khai sinh”" in html
    first = html.index("Thủ tục đăng ký khai sinh</a>")
    assert first < html.index("Đăng ký khai sinh lưu động</a>")
    assert 'href="/thu-tuc/1.001193/"' in html


def test_each_result_shows_code_field_level_time_limit_and_online_badge(client, birth_procedures):
    html = text_of(client.get(CATALOGUE, {"q": "1.001193"}))
    assert "<code>1.001193</code>" in html
    assert "<dd>Hộ tịch</dd>" in html
    assert "<dd>Cấp xã</dd>" in html
    assert "1 ngày làm việc" in html
    assert 'class="badge badge-full">Trực tuyến toàn trình' in html


def test_filters_from_the_form(client, birth_procedures, chung_thuc):
    published_procedure(
        code="2.000815",
        name="Chứng thực bản sao từ bản chính",
        field=chung_thuc,
        levels=["province", "commune"],
        implementing_agencies=["Phòng Tư pháp", "Ủy ban nhân dân cấp xã"],
        version={"channels": ["counter", "online"], "online_level": "partial"},
    )
    assert result_codes(client.get(CATALOGUE, {"field": "G15-TP02"})) == ["2.000815"]
    assert result_codes(client.get(CATALOGUE, {"field": chung_thuc.pk})) == ["2.000815"]
    assert result_codes(client.get(CATALOGUE, {"level": "province"})) == ["2.000815"]
    assert result_codes(client.get(CATALOGUE, {"agency": "phong tu phap"})) == ["2.000815"]
    assert result_codes(client.get(CATALOGUE, {"online": "partial"})) == ["2.000815"]
    assert set(result_codes(client.get(CATALOGUE, {"online": "any"}))) == {"2.000815", "1.001193"}
    html = text_of(client.get(CATALOGUE, {"field": "G15-TP02"}))
    assert '<option value="G15-TP02" selected>Chứng thực</option>' in html


def test_an_invalid_filter_is_explained_and_ignored(client, birth_procedures):
    response = client.get(CATALOGUE, {"q": "khai sinh", "level": "galaxy"})
    assert response.status_code == 200
    html = text_of(response)
    assert 'role="alert"' in html
    assert "Cấp thực hiện “galaxy” không hợp lệ" in html
    assert len(result_codes(response)) == 5


def test_no_results_message_with_suggestions(client, birth_procedures):
    html = text_of(client.get(CATALOGUE, {"q": "xyzzy", "online": "partial"}))
    assert "Không tìm thấy thủ tục nào phù hợp." in html
    assert "Tìm lại mà không dùng điều kiện lọc" in html
    assert 'href="/thu-tuc/?q=khai%20sinh"' in html


def test_results_are_paginated_twenty_per_page(client, ho_tich):
    for n in range(45):
        published_procedure(code=f"1.{n:06d}", name=f"Đăng ký thử nghiệm {n:02d}", field=ho_tich)
    first = client.get(CATALOGUE, {"q": "dang ky"})
    assert len(result_codes(first)) == 20
    html = text_of(first)
    assert "Có 45 thủ tục" in html
    assert 'href="?q=dang+ky&amp;page=2" rel="next"' in html
    third = client.get(CATALOGUE, {"q": "dang ky", "page": 3})
    assert len(result_codes(third)) == 5
    assert 'start="41"' in text_of(third)
    assert len(result_codes(client.get(CATALOGUE, {"q": "dang ky", "page": "abc"}))) == 20  # first page


@pytest.fixture
def full_procedure(ho_tich, province, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the uploaded form must not land in the project's var/
    center = UnitFactory(
        name="Trung tâm Phục vụ hành chính công xã An Bình",
        kind=UnitKind.COMMUNE_COMMITTEE,
        parent=province,
        agency_code="000.00.51.H99",
        address="12 Đường Lê Lợi, xã An Bình",
        phone="0210 3812 345",
    )
    police = UnitFactory(
        name="Công an xã An Bình", kind=UnitKind.EXTERNAL_AGENCY, parent=None, agency_code="000.00.52.H99"
    )
    procedure = published_procedure(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=ho_tich,
        subjects=["citizen", "overseas"],
        version={
            "channels": ["counter", "post", "online"],
            "online_level": "full",
            "time_limit_value": 3,
            "time_limit_note": "Trường hợp cần xác minh thì không quá 5 ngày làm việc",
            "conditions": "Người đi đăng ký phải xuất trình giấy tờ tùy thân.",
            "legal_basis": [
                {"number": "123/2015/NĐ-CP", "title": "Nghị định quy định chi tiết Luật Hộ tịch", "date": "2015-11-15"}
            ],
            "result_documents": [{"name": "Giấy khai sinh", "code": "KQ.G15.000031"}],
        },
        documents=[
            {
                "name": "Tờ khai đăng ký khai sinh",
                "form_name": "Mẫu tờ khai đăng ký khai sinh",
                "form_template": SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 mau"),
            },
            {"name": "Giấy chứng sinh", "copy_type": "original_or_copy", "copies": 2},
            {"name": "Văn bản ủy quyền", "required": False, "condition": "Khi ủy quyền đi đăng ký"},
        ],
        fees=[
            {"channel": "counter", "name": "Lệ phí đăng ký khai sinh", "amount": Decimal(8000)},
            {"channel": "online", "name": "Lệ phí đăng ký khai sinh", "amount": Decimal(0)},
        ],
        steps=[
            {"stage": 1, "action": "Tiếp nhận hồ sơ", "handler": "receiving_unit", "allotted": Decimal("0.5")},
            {
                "stage": 2,
                "action": "Xác minh nơi cư trú",
                "handler": "external_agency",
                "unit": police,
                "inter_agency": True,
                "allotted": 1,
            },
            {"stage": 2, "action": "Kiểm tra hồ sơ", "allotted": Decimal("1.5")},
            {"stage": 3, "action": "Ký, trả kết quả", "allotted": 1},
        ],
    )
    ProcedureUnit.objects.create(procedure=procedure, unit=center, receives=True)
    return procedure


def section(html: str, heading: str) -> str:
    start = html.index(f">{heading}</h2>")
    end = html.find("<h2", start)
    return html[start : end if end != -1 else None]


def test_procedure_page_has_the_eregulations_sections_in_order(client, full_procedure):
    response = client.get("/thu-tuc/1.001193/")
    assert response.status_code == 200
    html = text_of(response)
    assert '<html lang="vi">' in html
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Thủ tục đăng ký khai sinh"]
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings == [
        "Nộp hồ sơ ở đâu",
        "Cần chuẩn bị giấy tờ gì",
        "Yêu cầu, điều kiện",
        "Mất bao lâu",
        "Tốn bao nhiêu",
        "Các bước thực hiện",
        "Kết quả nhận được",
        "Căn cứ pháp lý",
    ]
    assert re.findall(r"<h3[^>]*>(.*?)</h3>", html) == ["Quy trình giải quyết hồ sơ"]

    where = section(html, "Nộp hồ sơ ở đâu")
    assert "Trung tâm Phục vụ hành chính công xã An Bình" in where
    assert "12 Đường Lê Lợi, xã An Bình" in where
    assert "0210 3812 345" in where
    assert "Trực tiếp, Dịch vụ bưu chính, Trực tuyến" in where

    bring = section(html, "Cần chuẩn bị giấy tờ gì")
    assert "<caption>Thành phần hồ sơ</caption>" in bring
    assert '<th scope="col">Giấy tờ</th>' in bring
    assert '<th scope="row">Giấy chứng sinh</th> <td>Bản chính hoặc bản sao</td> <td>2</td> <td>Bắt buộc</td>' in bring
    assert "Chỉ khi: Khi ủy quyền đi đăng ký" in bring
    assert re.search(r'<a href="/media/catalog/forms/\d{4}/to-khai[^"]*\.pdf" download>Tải mẫu Mẫu tờ khai', bring)

    how_long = section(html, "Mất bao lâu")
    assert "3 ngày làm việc — Trường hợp cần xác minh thì không quá 5 ngày làm việc" in how_long
    assert "không tính thứ Bảy, Chủ nhật và các ngày nghỉ lễ, Tết" in how_long

    how_much = section(html, "Tốn bao nhiêu")
    assert "<caption>Phí, lệ phí</caption>" in how_much
    assert "8.000 đồng" in how_much
    assert '<th scope="row">Trực tuyến</th> <td>Lệ phí đăng ký khai sinh</td> <td>Miễn phí</td>' in how_much

    steps = section(html, "Các bước thực hiện")
    assert (
        steps.index("Tiếp nhận hồ sơ")
        < steps.index("Các việc sau được thực hiện đồng thời")
        < steps.index("Ký, trả kết quả")
    )
    parallel = steps[steps.index("đồng thời") : steps.index("Ký, trả kết quả")]
    assert "Xác minh nơi cư trú</strong> — Công an xã An Bình, 1 ngày làm việc" in parallel
    assert "liên thông" in parallel and "Kiểm tra hồ sơ" in parallel
    assert "0,5 ngày làm việc" in steps

    assert "Giấy khai sinh" in section(html, "Kết quả nhận được")
    legal = section(html, "Căn cứ pháp lý")
    assert '<th scope="row">123/2015/NĐ-CP</th>' in legal and "15/11/2015" in legal
    assert "Công dân Việt Nam, Người Việt Nam định cư ở nước ngoài" in html


def test_online_button_only_when_the_online_level_allows_it(client, full_procedure, ho_tich):
    html = text_of(client.get("/thu-tuc/1.001193/"))
    assert '<a class="btn" href="/nop-ho-so/1.001193/">Nộp hồ sơ trực tuyến</a>' in html
    published_procedure(code="1.000656", name="Thủ tục đăng ký khai tử", field=ho_tich)
    assert "Nộp hồ sơ trực tuyến" not in text_of(client.get("/thu-tuc/1.000656/"))
    published_procedure(
        code="1.000657",
        name="Thủ tục thử nghiệm một phần",
        field=ho_tich,
        version={"channels": ["counter", "online"], "online_level": "partial"},
    )
    assert 'href="/nop-ho-so/1.000657/">Nộp hồ sơ trực tuyến' in text_of(client.get("/thu-tuc/1.000657/"))


def test_free_procedure_says_mien_phi(client, ho_tich):
    published_procedure(code="1.000656", name="Thủ tục đăng ký khai tử", field=ho_tich)
    assert "Miễn phí" in section(text_of(client.get("/thu-tuc/1.000656/")), "Tốn bao nhiêu")


def test_page_is_printable_without_navigation(client, full_procedure):
    html = text_of(client.get("/thu-tuc/1.001193/"))
    assert "motcua/portal.css" in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("motcua/portal.css"), encoding="utf-8").read()
    assert "@media print" in css and ".actions" in css
    base_css = open(finders.find("motcua/motcua.css"), encoding="utf-8").read()
    assert re.search(r"@media print \{ \.site-header", base_css)


def test_unknown_code_is_a_vietnamese_404(client, db):
    response = client.get("/thu-tuc/9.999999/")
    assert response.status_code == 404
    html = text_of(response)
    assert "Không tìm thấy thủ tục" in html
    assert "“9.999999”" in html
    assert '<html lang="vi">' in html


def test_procedure_without_a_version_in_force_is_404(client, ho_tich):
    ProcedureVersionFactory(procedure=ProcedureFactory(code="1.000001", name="Thủ tục dự thảo", field=ho_tich))
    assert client.get("/thu-tuc/1.000001/").status_code == 404
    retired = published_procedure(code="1.000002", name="Thủ tục đã bãi bỏ", field=ho_tich)
    retire(retired.versions.get(), on=timezone.localdate() - timedelta(days=1))
    assert client.get("/thu-tuc/1.000002/").status_code == 404
    published_procedure(
        code="1.000003", name="Thủ tục sắp áp dụng", field=ho_tich, valid_from=timezone.localdate() + timedelta(days=3)
    )
    assert client.get("/thu-tuc/1.000003/").status_code == 404


def test_catalogue_is_linked_from_the_main_navigation(client, db):
    assert 'href="/thu-tuc/">Thủ tục hành chính</a>' in text_of(client.get("/"))
