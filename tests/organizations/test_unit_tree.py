"""Rules of the unit tree: kinds, cycles, agency codes. Bad input gets a Vietnamese message and changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from motcua.organizations.codes import agency_code_level, validate_agency_code
from motcua.organizations.models import Unit, UnitKind
from tests.factories import UnitFactory


@pytest.mark.parametrize("code", ["000.00.12.H12", "000.00.00.H38", "001.02.03.G15", "000.05.41.H57"])
def test_well_formed_agency_codes_are_accepted(code):
    validate_agency_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "H12",
        "000.00.12.h12",
        "00.00.12.H12",
        "000.00.12.H1",
        "000.00.12.12H",
        "000-00-12-H12",
        "000.00.12.H12.1",
        "000.0A.12.H12",
        " 000.00.12.H12x",
    ],
)
def test_malformed_agency_codes_are_refused_in_vietnamese(code):
    with pytest.raises(ValidationError) as info:
        validate_agency_code(code)
    assert "không đúng định dạng QCVN 102:2016" in info.value.messages[0]


def test_agency_code_level_is_the_deepest_non_zero_group():
    assert agency_code_level("000.00.00.H38") == 1
    assert agency_code_level("000.00.12.H12") == 2
    assert agency_code_level("000.03.12.H12") == 3
    assert agency_code_level("004.03.12.H12") == 4


def test_agency_code_typed_in_lower_case_with_spaces_is_stored_canonically(province):
    unit = Unit(name="Sở Tư pháp", kind=UnitKind.DEPARTMENT, parent=province, agency_code=" 000.00.10.h99 ")
    unit.save()
    assert Unit.objects.get(pk=unit.pk).agency_code == "000.00.10.H99"


def test_duplicate_agency_code_is_refused_and_nothing_is_saved(province, commune_a):
    before = Unit.objects.count()
    with pytest.raises(ValidationError) as info:
        Unit(name="Xã trùng mã", kind=UnitKind.COMMUNE_COMMITTEE, parent=province, agency_code="000.00.41.H99").save()
    assert "đã được dùng" in str(info.value)
    assert Unit.objects.count() == before


def test_malformed_agency_code_on_save_is_refused_and_nothing_is_saved(province):
    before = Unit.objects.count()
    with pytest.raises(ValidationError) as info:
        Unit(name="Sở X", kind=UnitKind.DEPARTMENT, parent=province, agency_code="SO-TU-PHAP").save()
    assert "agency_code" in info.value.message_dict
    assert Unit.objects.count() == before


def test_unit_without_code_is_allowed_and_many_may_lack_one(province):
    UnitFactory(kind=UnitKind.DEPARTMENT, parent=province, agency_code=None)
    UnitFactory(kind=UnitKind.DEPARTMENT, parent=province, agency_code="")
    assert Unit.objects.filter(agency_code__isnull=True).count() == 2


@pytest.mark.parametrize(
    "kind, parent_kind",
    [
        (UnitKind.DEPARTMENT, UnitKind.COMMUNE_COMMITTEE),
        (UnitKind.COMMUNE_CENTER, UnitKind.PROVINCE_COMMITTEE),
        (UnitKind.PROVINCIAL_CENTER, UnitKind.COMMUNE_COMMITTEE),
        (UnitKind.PROVINCE_COMMITTEE, UnitKind.PROVINCE_COMMITTEE),
    ],
)
def test_unit_under_a_parent_of_the_wrong_kind_is_refused(province, kind, parent_kind):
    parent = province if parent_kind == UnitKind.PROVINCE_COMMITTEE else UnitFactory(kind=parent_kind, parent=province)
    with pytest.raises(ValidationError) as info:
        Unit(name="Đơn vị sai chỗ", kind=kind, parent=parent).save()
    assert "không thể đặt dưới" in " ".join(info.value.message_dict["parent"])


def test_non_root_kind_without_parent_is_refused(db):
    with pytest.raises(ValidationError) as info:
        Unit(name="Sở mồ côi", kind=UnitKind.DEPARTMENT).save()
    assert "phải thuộc một đơn vị cấp trên" in " ".join(info.value.message_dict["parent"])


def test_moving_a_unit_under_its_own_descendant_is_refused_and_tree_is_unchanged(province):
    department = UnitFactory(kind=UnitKind.DEPARTMENT, parent=province)
    division = UnitFactory(kind=UnitKind.DIVISION, parent=department)
    team = UnitFactory(kind=UnitKind.DIVISION, parent=division)
    division.parent = team
    with pytest.raises(ValidationError) as info:
        division.save()
    assert "vòng lặp" in " ".join(info.value.message_dict["parent"])
    division.refresh_from_db()
    assert division.parent_id == department.pk
    assert Unit.objects.get(pk=team.pk).path == f"{province.path}{department.pk}/{division.pk}/{team.pk}/"


def test_unit_cannot_be_its_own_parent(province):
    department = UnitFactory(kind=UnitKind.DIVISION, parent=UnitFactory(kind=UnitKind.DEPARTMENT, parent=province))
    department.parent = department
    with pytest.raises(ValidationError):
        department.save()


def test_moving_a_unit_moves_its_whole_subtree(province):
    dept_1 = UnitFactory(kind=UnitKind.DEPARTMENT, parent=province)
    dept_2 = UnitFactory(kind=UnitKind.DEPARTMENT, parent=province)
    division = UnitFactory(kind=UnitKind.DIVISION, parent=dept_1)
    team = UnitFactory(kind=UnitKind.DIVISION, parent=division)
    division.parent = dept_2
    division.save()
    team.refresh_from_db()
    assert team.path == f"{province.path}{dept_2.pk}/{division.pk}/{team.pk}/"
    assert set(Unit.objects.subtree_of(dept_2)) == {dept_2, division, team}
    assert set(Unit.objects.subtree_of(dept_1)) == {dept_1}
    assert [u.pk for u in team.ancestors()] == [province.pk, dept_2.pk, division.pk]


def test_district_level_is_kept_for_historical_data(province):
    district = UnitFactory(kind=UnitKind.DISTRICT_COMMITTEE, parent=province)
    commune = UnitFactory(kind=UnitKind.COMMUNE_COMMITTEE, parent=district)
    assert commune.is_within(province)


def test_admin_form_shows_tree_errors_and_saves_nothing(admin_client, province):
    before = Unit.objects.count()
    response = admin_client.post(
        "/quan-tri/organizations/unit/add/",
        {"name": "Sở sai", "kind": UnitKind.DEPARTMENT, "agency_code": "ABC", "active": "on", "parent": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "không đúng định dạng QCVN 102:2016" in body
    assert "phải thuộc một đơn vị cấp trên" in body
    assert Unit.objects.count() == before


def test_lineage_paths_run_from_the_root_to_the_unit(province, commune_a):
    assert province.lineage_paths() == [province.path]
    assert commune_a.lineage_paths()[0] == province.path and commune_a.lineage_paths()[-1] == commune_a.path
    assert all(commune_a.path.startswith(path) for path in commune_a.lineage_paths())
