"""The report pages, the drill-down, the exports and the public transparency page, on one simulated province.

The simulation (a few dozen dossiers over three months, played through the real actions) is built once for the
module inside a transaction that is rolled back at the end; each test runs in its own savepoint on top of it."""

from __future__ import annotations

import html
import re
from datetime import date
from io import BytesIO

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers.models import Applicant, Dossier
from motcua.dossiers.simulate import SimConfig, simulate
from motcua.organizations.models import Unit, UnitKind
from motcua.reports import charts, exports, views
from motcua.reports.exports import SECTIONS, fmt_int, fmt_rate, period_label
from motcua.reports.rules_models import VolumeRule
from motcua.reports.scorecard import NO_DATA, scorecard
from motcua.reports.statistics import MEASURES, compute
from tests.dossiers.conftest import officer, unit

START, END = date(2025, 7, 16), date(2025, 8, 6)  # mid-month: dossiers carried in, some still open at the end
PERIOD = {"tu": "16/07/2025", "den": "06/08/2025"}
STATISTICS = "/can-bo/bao-cao/"
DRILL = re.compile(r'<a href="(/can-bo/bao-cao/ho-so/\?[^"]+)"(?: class="zero")?>([\d.]+)</a>')


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    """The demo province with a simulated summer 2025, shared by the module and rolled back after it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            report = simulate(SimConfig(dossiers=90, seed=8, start=date(2025, 6, 2), days=70, late_rate=0.12))
            assert report.dossiers > 30 and not report.failures
            yield Unit.objects.get(parent=None)
            transaction.set_rollback(True)


@pytest.fixture
def inspector(province, db):
    """Read-only over the whole province (the inspector role's default scope is the subtree)."""
    return officer("tt.baocao", "inspector", "000.00.00.H57")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def drill_links(content: str) -> list[tuple[str, int]]:
    return [(html.unescape(url), int(text.replace(".", ""))) for url, text in DRILL.findall(content)]


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    if page.paginator.count <= views.PAGE_SIZE:  # the rows on the page are the whole list
        assert response.content.decode().count('<th scope="row">') == page.paginator.count
    return page.paginator.count


def test_every_count_on_the_statistics_page_links_to_exactly_that_many_dossiers(client, province, inspector):
    client.force_login(inspector)
    response = client.get(STATISTICS, {"unit": province.pk, **PERIOD, "group_by": "unit"})
    assert response.status_code == 200
    content = response.content.decode()
    stats = compute(province, START, END, group_by="unit")
    assert stats.total.resolved and stats.total.carried_over and stats.total.in_progress
    links = drill_links(content)
    counted = sum(1 for section in SECTIONS for column in section.columns if column.linked)
    assert len(links) == counted * (len(stats.rows) + 1), "every count of every row is a link"
    # the total row of the first table, and every fifth link elsewhere
    first = [c.name for c in SECTIONS[0].columns if c.linked]
    totals = {u: n for u, n in links if "group_by" not in u and re.search(r"measure=(\w+)", u)[1] in first}
    assert len(totals) == len(first)
    for url, number in [*totals.items(), *links[::5]]:
        assert listed(client, url) == number, url
    assert any(n > 0 for _, n in links[::5])


def test_a_unit_row_drills_down_to_that_units_report_and_months_drill_too(client, province, inspector):
    client.force_login(inspector)
    content = client.get(STATISTICS, {"unit": province.pk, **PERIOD, "group_by": "unit"}).content.decode()
    ward = unit("000.00.41.H57")  # Thuận Hóa, the busiest ward of the simulation
    assert f"?unit={ward.pk}&amp;tu=" in content, "the ward's name links to the ward's own report"
    response = client.get(STATISTICS, {"unit": ward.pk, **PERIOD, "group_by": "unit", "perspective": "handling"})
    assert response.status_code == 200
    assert ward.name in response.content.decode().split("</h1>")[0]
    ward_stats = compute(ward, START, END, group_by="unit")
    assert response.context["stats"].total.received == ward_stats.total.received
    by_month = client.get(STATISTICS, {"unit": province.pk, **PERIOD, "group_by": "month"}).content.decode()
    monthly = [(u, n) for u, n in drill_links(by_month) if "key=2025-07" in u]
    assert monthly
    for url, number in monthly[::3]:
        assert listed(client, url) == number, url
    assert "<svg" in by_month and "<title id=" in by_month and "<desc id=" in by_month


def test_the_drill_down_list_shows_no_personal_data_and_links_codes_to_the_desk(client, province, inspector):
    client.force_login(inspector)
    response = client.get("/can-bo/bao-cao/ho-so/", {"unit": province.pk, **PERIOD, "measure": "received"})
    assert response.status_code == 200
    content = response.content.decode()
    first = response.context["rows"][0]["dossier"]
    assert f'href="/can-bo/ho-so/{first.code}/"' in content
    for applicant in Applicant.objects.filter(dossiers__in=[r["dossier"] for r in response.context["rows"]]):
        assert applicant.id_number not in content and (not applicant.phone or applicant.phone not in content)
    assert client.get("/can-bo/bao-cao/ho-so/", {"unit": province.pk, "measure": "nope"}).status_code == 404
    bad_key = {"unit": province.pk, "measure": "received", "group_by": "unit", "key": "x"}
    assert client.get("/can-bo/bao-cao/ho-so/", bad_key).status_code == 404


def test_an_officer_of_one_ward_sees_only_their_unit(client, province, db):
    counter = officer("tn.baocao", "receiving_officer", "000.01.41.H57")  # Thuận Hóa's centre, this unit only
    own, other = unit("000.01.41.H57"), unit("000.01.44.H57")
    client.force_login(counter)
    response = client.get(STATISTICS)
    assert response.status_code == 200
    assert response.context["unit"] == own and [pk for pk, _ in response.context["unit_options"]] == [own.pk]
    for path in ("", "ho-so/", "bang-diem/", "thong-tu-01/", "canh-bao/"):
        query = {"unit": other.pk, "measure": "received"}
        assert client.get(STATISTICS + path, query).status_code == 403, path
        assert client.get(STATISTICS + path, {**query, "unit": 99999999}).status_code == 404, path
    assert client.get(STATISTICS, {"unit": other.pk, "format": "xlsx"}).status_code == 403
    client.logout()
    assert client.get(STATISTICS).status_code == 302, "signed out: to the login page"


def test_the_highest_visible_unit_is_the_default(client, province, db):
    leader = officer("ld.baocao", "agency_leader", "000.00.41.H57")  # the ward committee and its subtree
    client.force_login(leader)
    response = client.get(STATISTICS)
    committee = unit("000.00.41.H57")
    assert response.context["unit"] == committee
    assert {pk for pk, _ in response.context["unit_options"]} == set(
        Unit.objects.subtree_of(committee).values_list("pk", flat=True)
    )
    assert 'aria-current="page">Báo cáo, thống kê' in response.content.decode()


def test_the_scorecard_circular_and_alert_pages_show_their_working(client, province, inspector):
    client.force_login(inspector)
    card = scorecard(province, START, END)
    response = client.get(STATISTICS + "bang-diem/", {"unit": province.pk, **PERIOD})
    assert response.status_code == 200
    content = response.content.decode()
    assert NO_DATA in content and "<details>" in content
    assert fmt_rate(card.points, "") in content.split('id="score-total"')[1].split("</p>")[0]
    on_time = card.indicator("2.1")
    assert on_time.source in html.unescape(content)
    children = response.context["children"]
    assert children and all(child["url"] for child in children), "each child links to its own scorecard"
    assert client.get(children[0]["url"]).status_code == 200
    circular = client.get(STATISTICS + "thong-tu-01/", {"unit": province.pk, "nam": "2025", "quy": "3"})
    assert circular.status_code == 200
    assert "Xếp loại" in circular.content.decode() or "xếp loại" in circular.content.decode()
    assert circular.context["evaluation"].quarter == 3
    VolumeRule.objects.create(name="Tối thiểu 70 hồ sơ mỗi tháng", unit_kind=UnitKind.COMMUNE_COMMITTEE, minimum=70)
    alerts = client.get(STATISTICS + "canh-bao/", {"unit": province.pk})
    assert alerts.status_code == 200 and "Hồ sơ sắp đến hạn, quá hạn" in alerts.content.decode()
    (rule,) = alerts.context["rules"]
    short = {item["unit"] for item in rule["shortfalls"]}
    assert unit("000.00.41.H57") in short and all(item["url"] for item in rule["shortfalls"])


def _sheet_rows(sheet, columns: int) -> list[list[object]]:
    rows = []
    for row in sheet.iter_rows(min_row=exports.FIRST_DATA_ROW, max_col=exports.FIRST_VALUE_COLUMN - 1 + columns):
        rows.append([cell.value for cell in row])
    return rows


def test_the_spreadsheet_holds_the_same_numbers_as_compute(client, province, inspector):
    stats = compute(province, START, END, group_by="unit")
    client.force_login(inspector)
    response = client.get(STATISTICS, {"unit": province.pk, **PERIOD, "group_by": "unit", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [section.sheet for section in SECTIONS]
    for section in SECTIONS:
        sheet = book[section.sheet]
        titles = " ".join(str(sheet.cell(r, 1).value) for r in range(1, exports.TITLE_ROWS + 2))
        assert province.name in titles and "16/07/2025" in titles
        rows = _sheet_rows(sheet, len(section.columns))
        expected = [*stats.rows, stats.total]
        assert len(rows) == len(expected)
        for values, figures in zip(rows, expected, strict=True):
            assert values[1] == exports.row_label(stats, figures)
            for column, value in zip(section.columns, values[exports.FIRST_VALUE_COLUMN - 1 :], strict=True):
                wanted = figures.value(column.name)
                if column.kind == "rate" and wanted is not None:
                    assert round(value * 100, 2) == wanted, column.name
                    cell_format = sheet.cell(exports.FIRST_DATA_ROW, exports.FIRST_VALUE_COLUMN).number_format
                    assert cell_format  # formats are per cell; checked below for a rate cell
                else:
                    assert value == wanted, (section.slug, figures.label, column.name)
        rate_columns = [i for i, c in enumerate(section.columns) if c.kind == "rate"]
        if rate_columns:
            cell = sheet.cell(exports.FIRST_DATA_ROW, exports.FIRST_VALUE_COLUMN + rate_columns[0])
            assert cell.number_format == "0.00%"


def test_the_pdf_names_the_unit_and_period_and_carries_the_totals(province):
    stats = compute(province, START, END, group_by="unit")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(exports.statistics_pdf(stats))).pages)
    text = " ".join(text.split())
    assert province.name.upper() in text or province.name in text
    assert "16/07/2025" in text and "06/08/2025" in text
    for name in ("received", "resolved", "late", "in_progress_overdue"):
        assert fmt_int(stats.total.value(name)) in text
    assert "Tổng cộng" in text and fmt_rate(stats.total.on_time_rate) in text


def test_the_scorecard_exports_show_each_indicator_with_its_numbers(province):
    card = scorecard(province, START, END)
    book = load_workbook(BytesIO(exports.scorecard_xlsx(card)))
    sheet = book.active
    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows(min_row=exports.HEADER_ROW + 1)}
    on_time = card.indicator("2.1")
    assert rows["2.1"][2:5] == [on_time.numerator, on_time.denominator, float(on_time.rate / 100)]
    assert rows["2.1"][6] == float(on_time.points)
    assert rows["1.1"][8] == NO_DATA and rows["1.1"][6] is None, "no data: no points, never a made-up number"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(exports.scorecard_pdf(card))).pages).split())
    assert province.name in text and NO_DATA in text and fmt_rate(card.points, "") in text


def test_the_public_page_equals_compute_and_shows_no_personal_data(client, province):
    stats = compute(province, date(2025, 7, 1), date(2025, 9, 30), group_by="unit")
    response = client.get("/cong-khai/", {"ky": "quy", "quy": "3", "nam": "2025"})
    assert response.status_code == 200
    content = response.content.decode()
    assert len(response.content) < 200_000
    assert response.context["unit"] == province and response.context["period"].label == "Quý III/2025"
    values = dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', content))
    total = stats.total
    assert int(values["received"]) == total.received and int(values["resolved"]) == total.resolved
    assert int(values["on_time"]) == total.early + total.on_time
    assert int(values["late_apologised"]) == total.late_apologised
    assert int(values["late_unapologised"]) == total.late_unapologised
    assert int(values["in_progress_overdue"]) == total.in_progress_overdue
    assert (float(values["online_rate"]) if values["online_rate"] else None) == total.online_rate
    assert fmt_rate(total.on_time_rate) in content
    for applicant in Applicant.objects.all():
        assert applicant.full_name not in content and applicant.id_number not in content
    for code in Dossier.objects.values_list("code", flat=True):
        assert code not in content
    assert "/can-bo/" not in content.replace('href="/can-bo/"', "")


def test_the_public_page_is_cached_and_refuses_unknown_units(client, province):
    query = {"ky": "thang", "thang": "7", "nam": "2025"}
    assert client.get("/cong-khai/", query).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cong-khai/", query).status_code == 200
    assert not [q for q in queries.captured_queries if "dailyfact" in q["sql"].lower()], "figures come from the cache"
    division = Unit.objects.filter(kind="division").first()
    assert client.get("/cong-khai/", {"unit": division.pk}).status_code == 404, "divisions count in their agency"
    assert client.get("/cong-khai/", {"unit": "x"}).status_code == 404


# --- pure helpers ----------------------------------------------------------------------------------------------


def test_periods_are_read_from_the_form_and_from_links():
    today = date(2026, 5, 20)

    def dates(params: dict[str, str]) -> tuple[date, date]:
        period, errors = views.parse_period(params, today)
        assert not errors
        return period.start, period.end

    assert dates({}) == (date(2026, 5, 1), date(2026, 5, 31)), "by default this month"
    assert dates({"ky": "quy", "quy": "3", "nam": "2025"}) == (date(2025, 7, 1), date(2025, 9, 30))
    assert dates({"ky": "nam", "nam": "2024"}) == (date(2024, 1, 1), date(2024, 12, 31))
    period, errors = views.parse_period({"tu": "16/07/2025", "den": "06/08/2025"}, today)
    assert (period.kind, period.start, period.end, errors) == ("khoang", START, END, [])
    period, errors = views.parse_period({"tu": "31/02/2025"}, today)
    assert errors and period.start == date(2026, 5, 1), "a wrong date falls back to this month, with a message"
    assert views.parse_period({"tu": "06/08/2025", "den": "01/08/2025"}, today)[1]
    assert views.parse_period({"ky": "thang", "thang": "13"}, today)[1]


def test_periods_and_numbers_are_written_the_vietnamese_way():
    assert period_label(date(2025, 7, 1), date(2025, 7, 31)) == "Tháng 7/2025"
    assert period_label(date(2025, 7, 1), date(2025, 9, 30)) == "Quý III/2025"
    assert period_label(date(2025, 1, 1), date(2025, 12, 31)) == "Năm 2025"
    assert period_label(START, END) == "Từ ngày 16/07/2025 đến ngày 06/08/2025"
    assert fmt_int(14488) == "14.488" and fmt_rate(8.4) == "8,4%" and fmt_rate(100.0) == "100%"
    assert fmt_rate(93.75) == "93,75%" and fmt_rate(None) == "–" and fmt_rate(1234.5, "") == "1.234,5"


def test_charts_are_labelled_images_with_escaped_text():
    svg = charts.stacked_bars(
        [charts.BarRow("<script>alert(1)</script>", 3, 2, 1), charts.BarRow("Xã B", 0, 0, 0)], title="Biểu đồ"
    )
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "3 trước hạn, 2 đúng hạn, 1 quá hạn" in svg
    lines = charts.month_lines(
        [charts.MonthPoint("Tháng 6/2025", "6/2025", 10, 8), charts.MonthPoint("Tháng 7/2025", "7/2025", 12, 11)],
        title="Theo tháng",
    )
    assert lines.count("<polyline") == 2 and "Tháng 7/2025: tiếp nhận 12, đã giải quyết 11" in lines


def test_every_measure_shown_has_a_known_name():
    for section in SECTIONS:
        for column in section.columns:
            assert column.name in MEASURES or column.kind != "count"
