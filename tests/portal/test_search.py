"""The one catalogue search: diacritics-insensitive matching, ranking in SQL, filters, in-force rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from motcua.catalog.lifecycle import retire
from motcua.catalog.search import (
    RANK_CODE,
    RANK_NAME_EQUALS,
    InvalidSearch,
    SearchFilters,
    attach_current_versions,
    search_procedures,
)
from tests.catalog_factories import ProcedureFactory, ProcedureVersionFactory, published_procedure

pytestmark = pytest.mark.django_db


def codes(queryset) -> list[str]:
    return list(queryset.values_list("code", flat=True))


def test_the_general_procedure_comes_first_among_longer_names(birth_procedures):
    assert codes(search_procedures("dang ky khai sinh")) == [
        "1.001193",  # "Thủ tục đăng ký khai sinh": the name without "thủ tục" is the query
        "1.003583",  # starts with the query, shorter
        "2.000528",  # starts with the query, longer
        "2.000986",  # contains the phrase
        "1.004884",  # "Đăng ký lại khai sinh": every word, not the phrase
    ]


@pytest.mark.parametrize(
    "query",
    [
        "dang ky khai sinh",
        "Đăng ký khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "  đăng   ky  khai-sinh ",
        "thu tuc dang ky khai sinh",
    ],
)
def test_search_ignores_diacritics_case_spacing_and_the_word_thu_tuc(birth_procedures, query):
    results = search_procedures(query)
    assert results[0].code == "1.001193"
    assert results[0].rank == RANK_NAME_EQUALS


def test_words_may_come_in_any_order_but_all_must_match(birth_procedures):
    assert set(codes(search_procedures("khai sinh luu dong"))) == {"1.003583"}
    assert set(codes(search_procedures("luu dong khai sinh"))) == {"1.003583"}
    assert codes(search_procedures("khai sinh ket hon")) == []


def test_the_field_name_is_searched_too(birth_procedures, chung_thuc):
    published_procedure(code="2.000815", name="Chứng thực bản sao từ bản chính", field=chung_thuc)
    assert set(codes(search_procedures("ho tich"))) == {"1.001193", "1.003583", "2.000528", "2.000986", "1.004884"}


def test_an_exact_code_comes_first(birth_procedures):
    results = search_procedures("1.004884")
    assert results[0].code == "1.004884"
    assert results[0].rank == RANK_CODE


def test_only_procedures_with_a_version_in_force_today_are_listed(birth_procedures, ho_tich):
    ProcedureVersionFactory(procedure=ProcedureFactory(code="1.000656", name="Thủ tục đăng ký khai tử", field=ho_tich))
    future = published_procedure(
        code="1.000689",
        name="Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
        field=ho_tich,
        valid_from=timezone.localdate() + timedelta(days=10),
    )
    retired = published_procedure(
        code="1.000110", name="Thủ tục đăng ký khai sinh tại khu vực biên giới", field=ho_tich
    )
    retire(retired.versions.get(), on=timezone.localdate() - timedelta(days=1))
    listed = codes(search_procedures(""))
    assert "1.000656" not in listed  # draft only
    assert future.code not in listed  # not yet in force
    assert retired.code not in listed  # no longer in force
    assert "1.001193" in listed
    assert future.code in codes(search_procedures("", day=timezone.localdate() + timedelta(days=10)))


def test_empty_query_lists_everything_in_force_by_name(birth_procedures):
    names = list(search_procedures("").values_list("name", flat=True))
    assert len(names) == 5
    assert names[0] == "Đăng ký khai sinh có yếu tố nước ngoài"


def test_filter_by_field_code_or_id(birth_procedures, chung_thuc):
    published_procedure(code="2.000815", name="Chứng thực bản sao từ bản chính", field=chung_thuc)
    assert codes(search_procedures(field="G15-TP02")) == ["2.000815"]
    assert codes(search_procedures(field=str(chung_thuc.pk))) == ["2.000815"]
    assert codes(search_procedures(field=chung_thuc.pk)) == ["2.000815"]
    assert len(codes(search_procedures(field="G15-TP01"))) == 5


def test_filter_by_level(ho_tich):
    published_procedure(code="1.000001", name="Cấp phiếu lý lịch tư pháp", field=ho_tich, levels=["province"])
    published_procedure(code="1.000002", name="Đăng ký giám hộ", field=ho_tich, levels=["commune"])
    published_procedure(code="1.000003", name="Cấp quốc tịch", field=ho_tich, levels=["ministry", "province"])
    assert codes(search_procedures(level="province")) == ["1.000001", "1.000003"]
    assert codes(search_procedures(level="commune")) == ["1.000002"]
    assert codes(search_procedures(level="ministry")) == ["1.000003"]


def test_filter_by_implementing_agency_ignores_diacritics(ho_tich):
    published_procedure(
        code="1.000004",
        name="Cấp phiếu lý lịch tư pháp",
        field=ho_tich,
        implementing_agencies=["Sở Tư pháp", "Trung tâm Lý lịch tư pháp quốc gia"],
    )
    published_procedure(code="1.000005", name="Đăng ký giám hộ", field=ho_tich)
    assert codes(search_procedures(agency="so tu phap")) == ["1.000004"]
    assert codes(search_procedures(agency="Ủy ban nhân dân cấp xã")) == ["1.000005"]
    assert codes(search_procedures(agency="uy ban nhan dan")) == ["1.000005"]


def test_filter_by_online_level(birth_procedures, ho_tich):
    published_procedure(
        code="1.000006",
        name="Đăng ký khai sinh thử nghiệm một phần",
        field=ho_tich,
        version={"channels": ["counter", "online"], "online_level": "partial"},
    )
    assert codes(search_procedures(online="full")) == ["1.001193"]
    assert codes(search_procedures(online="partial")) == ["1.000006"]
    assert set(codes(search_procedures(online="any"))) == {"1.001193", "1.000006"}
    assert len(codes(search_procedures(online="none"))) == 4


def test_filters_combine_with_the_query(birth_procedures):
    assert codes(search_procedures("khai sinh", field="G15-TP01", level="commune", online="full", agency="cap xa")) == [
        "1.001193"
    ]


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"level": "galaxy"}, "level"),
        ({"online": "maybe"}, "online"),
        ({"field": "KHONG-CO"}, "field"),
    ],
)
def test_invalid_filters_are_refused_with_a_vietnamese_message(db, params, bad):
    with pytest.raises(InvalidSearch) as caught:
        search_procedures(**params)
    assert set(caught.value.errors) == {bad}
    assert "không" in caught.value.errors[bad].lower()


def test_filters_from_a_query_string_report_every_bad_parameter_at_once(db):
    with pytest.raises(InvalidSearch) as caught:
        SearchFilters.from_query({"q": "x", "level": "galaxy", "online": "maybe"})
    assert set(caught.value.errors) == {"level", "online"}
    filters = SearchFilters.from_query({"q": "  Đăng  ký ", "level": "", "online": "any"})
    assert filters == SearchFilters(q="Đăng ký", online="any")
    assert filters.folded_query == "dang ky"


def test_current_versions_are_attached_in_one_query(birth_procedures, django_assert_num_queries):
    page = list(search_procedures("dang ky khai sinh")[:20])
    with django_assert_num_queries(1):
        attach_current_versions(page)
    assert page[0].current.online_level == "full"
    assert page[0].current.valid_from == date(2025, 7, 1)


def test_one_page_of_results_costs_two_queries(birth_procedures, django_assert_num_queries):
    from django.core.paginator import Paginator

    with django_assert_num_queries(2):  # COUNT and the page itself (field joined in)
        page = Paginator(search_procedures("dang ky khai sinh"), 2).page(2)
        assert [p.field.name for p in page.object_list] == ["Hộ tịch", "Hộ tịch"]
