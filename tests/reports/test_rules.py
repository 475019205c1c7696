"""Rules and alerts: units below a minimum volume (from the fact table), dossiers due soon and overdue per unit.

The demo city with a small October 2025 imported through the historical import is built once for the module inside
a transaction rolled back at its end; each test runs in its own savepoint on top of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from motcua.catalog.demo import load_demo_catalog
from motcua.catalog.models import Field, Procedure
from motcua.dossiers import actions
from motcua.dossiers.history_import import import_history
from motcua.organizations.demo import load_demo
from motcua.organizations.models import UnitKind
from motcua.reports import rules, statistics
from motcua.reports.rules_models import RulePeriod, VolumeRule
from tests.dossiers.conftest import officer, unit, vn
from tests.reports import published

OCTOBER = (date(2025, 10, 1), date(2025, 10, 31))
CERTIFICATION = ("2.000815", "2.000884")  # certified copy, certified signature (field "Chứng thực")
User = get_user_model()


def import_month(first: date, last: date, thuan_hoa: int, phu_vang: int) -> None:
    """``thuan_hoa`` certifications received in Thuận Hóa (41); ``phu_vang`` dossiers in Phú Vang (44), the three
    procedures in turn (certified copy, certified signature, birth: one birth in three). Nothing elsewhere."""
    where = {"first": first, "last": last}
    import_history(published.events_csv(published.Year(thuan_hoa, thuan_hoa), procedures=CERTIFICATION, **where))
    import_history(
        published.events_csv(published.Year(phu_vang, phu_vang), receiving="000.01.44.H57", id_offset=1000, **where)
    )


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """The demo city and catalogue, and October 2025: Thuận Hóa 8 certifications; Phú Vang 7 dossiers = 5
    certifications and 2 births. Shared by the module, rolled back after it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            load_demo()
            load_demo_catalog()
            for receiving, handling in (("000.01.41.H57", "000.00.41.H57"), ("000.01.44.H57", "000.00.44.H57")):
                published.ensure_staff(receiving, handling)
            import_month(*OCTOBER, thuan_hoa=8, phu_vang=7)
            yield
            transaction.set_rollback(True)


@pytest.fixture
def october(city, db):
    return city


def certification_rule(minimum: int = 7, **changes) -> VolumeRule:
    values = dict(
        name="Tối thiểu hồ sơ chứng thực mỗi tháng mỗi xã, phường",
        field=Field.objects.get(name="Chứng thực"),
        unit_kind=UnitKind.COMMUNE_COMMITTEE,
        minimum=minimum,
        period=RulePeriod.MONTH,
    )
    values.update(changes)
    rule = VolumeRule(**values)
    rule.full_clean()
    rule.save()
    return rule


def test_wards_below_70_certifications_a_month_are_listed_fewest_first(october):
    november = (date(2025, 11, 1), date(2025, 11, 30))
    import_month(*november, thuan_hoa=75, phu_vang=70)  # Phú Vang: 47 certifications and 23 births
    short = rules.shortfalls(certification_rule(70), *november)
    assert [(s.unit.agency_code, s.count, s.minimum) for s in short] == [
        ("000.00.42.H57", 0, 70),
        ("000.00.43.H57", 0, 70),
        ("000.00.45.H57", 0, 70),
        ("000.00.44.H57", 47, 70),
    ], "Thuận Hóa reached 75; Phú Vang's 23 births are not certifications"
    _ward, count, minimum = short[3]  # a plain (unit, count, minimum) triple
    assert (count, minimum) == (47, 70)


def test_the_count_of_a_unit_is_the_statistics_received_for_that_field(october):
    rule = certification_rule()
    ward = unit("000.00.44.H57")
    by_field = statistics.compute(ward, *OCTOBER, group_by="field")
    certified = next(row for row in by_field.rows if row.label == "Chứng thực")
    assert rules.counts(rule, *OCTOBER, [ward]) == {ward.pk: certified.received} == {ward.pk: 5}
    copies_only = certification_rule(name="Bản sao", field=None, procedure=Procedure.objects.get(code="2.000815"))
    by_procedure = statistics.compute(ward, *OCTOBER, group_by="procedure")
    copies = next(row for row in by_procedure.rows if row.label.startswith("2.000815"))
    assert rules.counts(copies_only, *OCTOBER, [ward]) == {ward.pk: copies.received} == {ward.pk: 3}


def test_a_monthly_minimum_over_a_quarter_is_three_times_the_minimum(october):
    rule = certification_rule()
    short = rules.shortfalls(rule, date(2025, 10, 1), date(2025, 12, 31))
    thuan_hoa = next(s for s in short if s.unit.agency_code == "000.00.41.H57")
    assert (thuan_hoa.count, thuan_hoa.minimum) == (8, 21)
    with pytest.raises(ValueError, match="trọn các tháng"):
        rules.shortfalls(rule, date(2025, 10, 1), date(2025, 10, 15))
    yearly = certification_rule(name="Năm", period=RulePeriod.YEAR, minimum=80)
    with pytest.raises(ValueError, match="trọn các năm"):
        rules.shortfalls(yearly, *OCTOBER)


def test_a_rule_on_one_unit_counts_its_whole_subtree_in_the_rules_perspective(october):
    centre = certification_rule(
        8, name="Trung tâm phường Phú Vang", unit_kind="", unit=unit("000.01.44.H57"), field=None
    )
    assert [(s.unit.agency_code, s.count) for s in rules.shortfalls(centre, *OCTOBER)] == [("000.01.44.H57", 0)], (
        "the centre receives but handles nothing: 0 in the handling perspective"
    )
    centre.perspective = "receiving"
    assert [(s.unit.agency_code, s.count) for s in rules.shortfalls(centre, *OCTOBER)] == [("000.01.44.H57", 7)]
    centre.minimum = 7
    assert rules.shortfalls(centre, *OCTOBER) == []
    city = certification_rule(20, name="Cả thành phố", unit_kind="", unit=unit("000.00.00.H57"))
    assert [(s.unit.agency_code, s.count, s.minimum) for s in rules.shortfalls(city, *OCTOBER)] == [
        ("000.00.00.H57", 13, 20)
    ]


def test_shortfalls_can_be_limited_to_a_subtree(october):
    rule = certification_rule()
    assert [s.unit.agency_code for s in rules.shortfalls(rule, *OCTOBER, within=unit("000.00.44.H57"))] == [
        "000.00.44.H57"
    ]


def test_a_rule_needs_a_unit_kind_or_a_unit_and_a_consistent_procedure(october):
    with pytest.raises(ValidationError) as missing:
        VolumeRule(name="x", minimum=70).full_clean()
    assert "unit_kind" in missing.value.message_dict
    birth_registration = Procedure.objects.get(code="1.001193")
    with pytest.raises(ValidationError) as mismatch:
        VolumeRule(
            name="x",
            minimum=70,
            unit_kind=UnitKind.COMMUNE_COMMITTEE,
            procedure=birth_registration,
            field=Field.objects.get(name="Chứng thực"),
        ).full_clean()
    assert "field" in mismatch.value.message_dict


def test_periods_are_whole_months_quarters_and_years():
    assert rules.period_containing("quarter", date(2025, 11, 5)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert rules.last_complete_period("month", date(2026, 1, 10)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert rules.last_complete_period("quarter", date(2026, 1, 10)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert rules.last_complete_period("year", date(2026, 1, 10)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert rules.periods_in("month", date(2025, 1, 1), date(2025, 12, 31)) == 12
    assert rules.periods_in("quarter", date(2025, 1, 1), date(2025, 12, 31)) == 4


# --- due soon and overdue ------------------------------------------------------------------------------------------


@pytest.fixture
def open_dossiers(october):
    """Three marriage-status certificates of Thuận Hóa (1.004873, 3 working days), received Monday 9 March 2026:
    one being processed, one waiting for the applicant's supplement (clock stopped), one already signed."""
    counter, leader = (User.objects.get(username=name) for name in ("tn.000.01.41.H57", "ld.000.00.41.H57"))
    specialist = officer("cv.thuanhoa", "specialist", "000.00.41.H57")
    version = Procedure.objects.get(code="1.004873").current_version(on=date(2026, 3, 9))
    made = []
    for n in range(3):
        intake = actions.Intake(
            procedure_code="1.004873",
            receiving_unit=unit("000.01.41.H57"),
            applicant=actions.ApplicantData(full_name="Lê Thị Hoa", id_number=f"04619000567{n}"),
            documents=[actions.SubmittedDocument(line.pk) for line in version.documents.filter(required=True)],
        )
        d = actions.receive_at_counter(intake, actor=counter, at=vn(2026, 3, 9, 8, n))
        made.append(actions.forward(d, actor=counter, at=vn(2026, 3, 9, 9, n)))
    actions.request_supplement(made[1], actor=specialist, reason="Thiếu giấy", at=vn(2026, 3, 9, 10, 0))
    actions.approve(made[2], actor=leader, at=vn(2026, 3, 9, 11, 0))
    made[0].refresh_from_db()
    return {"dossiers": made, "leader": leader}


def counts_by_code(rows) -> dict[str, tuple[int, int]]:
    return {row.unit.agency_code: (row.due_soon, row.overdue) for row in rows if row.due_soon or row.overdue}


def test_an_open_dossier_is_in_time_then_due_soon_then_overdue(open_dossiers):
    due = open_dossiers["dossiers"][0].due_at
    province = unit("000.00.00.H57")
    assert counts_by_code(rules.due_soon_and_overdue(province, now=vn(2026, 3, 9, 12, 0))) == {}
    assert counts_by_code(rules.due_soon_and_overdue(province, now=due - timedelta(hours=1))) == {
        "000.00.41.H57": (1, 0)
    }
    rows = rules.due_soon_and_overdue(province, now=due + timedelta(minutes=1))
    assert counts_by_code(rows) == {"000.00.41.H57": (0, 1)}, "waiting for a supplement or signed: not counted"
    assert {row.unit.agency_code for row in rows} >= {"000.00.41.H57", "000.00.42.H57", "000.00.10.H57"}, (
        "every direct child has its row, zeros included"
    )
    assert not any(row.own for row in rows), "the province committee handles none of them itself"


def test_the_due_soon_window_is_one_working_day(open_dossiers):
    due = open_dossiers["dossiers"][0].due_at  # Thursday 12 March
    assert due.weekday() == 3
    ward = unit("000.00.41.H57")
    tuesday = vn(2026, 3, 10, 16, 0)
    assert counts_by_code(rules.due_soon_and_overdue(ward, now=tuesday)) == {}, "two working days left"
    wednesday = vn(2026, 3, 11, 8, 0)
    rows = rules.due_soon_and_overdue(ward, now=wednesday)
    assert counts_by_code(rows) == {"000.00.41.H57": (1, 0)}
    assert rows[0].own and rows[0].unit == ward, "the ward's own dossiers come first"


def test_a_rescheduled_due_date_replaces_the_original(open_dossiers):
    d = actions.apologize(
        open_dossiers["dossiers"][0],
        actor=open_dossiers["leader"],
        reason="Chờ xác minh",
        new_due_date=date(2026, 3, 18),
        at=vn(2026, 3, 10, 9, 0),
    )
    after_first_due = d.due_at + timedelta(hours=1)
    assert counts_by_code(rules.due_soon_and_overdue(unit("000.00.41.H57"), now=after_first_due)) == {}


def test_rules_are_kept_in_the_admin_with_what_they_count_and_where(october, admin_client):
    rule = certification_rule(70, unit=unit("000.00.00.H57"))
    page = admin_client.get("/quan-tri/reports/volumerule/").content.decode()
    assert rule.name in page and "hồ sơ lĩnh vực Chứng thực" in page and "mỗi UBND xã / phường / đặc khu thuộc" in page
    assert admin_client.get(f"/quan-tri/reports/volumerule/{rule.pk}/change/").status_code == 200
    response = admin_client.post(
        "/quan-tri/reports/volumerule/add/",
        {"name": "Thiếu phạm vi", "minimum": 5, "period": "month", "perspective": "handling"},
    )
    assert response.status_code == 200 and "Chọn loại đơn vị" in response.content.decode()
    assert VolumeRule.objects.count() == 1
