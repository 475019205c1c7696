"""Role scoping: an officer of unit A is refused unit B's pages and API; scopes and superusers."""

from __future__ import annotations

import pytest

from motcua.organizations.models import Role, RoleScope, UnitKind
from motcua.organizations.scoping import has_unit_perm, units_visible_to
from tests.factories import PASSWORD, UnitFactory, UserFactory, assign

VIEW = "organizations.view_unit_data"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_officer_sees_own_unit_page(client, officer_a, commune_a):
    login(client, officer_a)
    response = client.get(f"/don-vi/{commune_a.pk}/")
    assert response.status_code == 200
    assert commune_a.name in response.content.decode()


def test_officer_of_commune_a_is_refused_commune_b_page(client, officer_a, commune_b):
    login(client, officer_a)
    response = client.get(f"/don-vi/{commune_b.pk}/")
    assert response.status_code == 403
    assert "không có quyền" in response.content.decode()


def test_unit_list_page_shows_only_units_in_scope(client, officer_a, commune_a, commune_b):
    login(client, officer_a)
    body = client.get("/don-vi/").content.decode()
    assert commune_a.name in body
    assert commune_b.name not in body


def test_api_lists_only_units_in_scope(client, officer_a, commune_a, commune_b, province):
    login(client, officer_a)
    data = client.get("/api/v1/units/").json()
    assert [u["id"] for u in data["results"]] == [commune_a.pk]


def test_api_refuses_other_communes_unit_with_problem_json(client, officer_a, commune_b):
    login(client, officer_a)
    response = client.get(f"/api/v1/units/{commune_b.pk}/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 403
    assert problem["title"] == "Không có quyền"
    assert "không có quyền" in problem["detail"]


def test_api_answers_404_problem_for_missing_unit(client, officer_a):
    login(client, officer_a)
    response = client.get("/api/v1/units/999999/")
    assert response.status_code == 404
    assert response.json()["title"] == "Không tìm thấy"


def test_api_requires_login_with_problem_json(client, commune_a):
    response = client.get("/api/v1/units/")
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Bạn cần đăng nhập để dùng chức năng này."


def test_pages_require_login(client, commune_a):
    response = client.get(f"/don-vi/{commune_a.pk}/")
    assert response.status_code == 302
    assert "/tai-khoan/dang-nhap/" in response["Location"]


def test_subtree_scope_covers_every_unit_below(province, commune_a, commune_b):
    center = UnitFactory(kind=UnitKind.COMMUNE_CENTER, parent=commune_a)
    inspector = UserFactory()
    assign(inspector, "inspector", province)  # inspector's default scope is the subtree
    visible = set(units_visible_to(inspector, VIEW))
    assert {province, commune_a, commune_b, center} <= visible
    assert has_unit_perm(inspector, VIEW, center)


def test_unit_scope_assignment_does_not_reach_children(province, commune_a):
    center = UnitFactory(kind=UnitKind.COMMUNE_CENTER, parent=commune_a)
    leader = UserFactory()
    assign(leader, "agency_leader", commune_a, scope=RoleScope.UNIT)
    assert has_unit_perm(leader, VIEW, commune_a)
    assert not has_unit_perm(leader, VIEW, center)


def test_permission_removed_from_role_group_takes_effect_without_code(officer_a, commune_a):
    role = Role.objects.get(code="receiving_officer")
    role.group.permissions.remove(*role.group.permissions.filter(codename="view_unit_data"))
    officer = type(officer_a).objects.get(pk=officer_a.pk)  # fresh object: no cached permissions
    assert not has_unit_perm(officer, VIEW, commune_a)
    assert list(units_visible_to(officer, VIEW)) == []


def test_inactive_assignment_grants_nothing(officer_a, commune_a):
    officer_a.role_assignments.update(active=False)
    officer = type(officer_a).objects.get(pk=officer_a.pk)
    assert not has_unit_perm(officer, VIEW, commune_a)


def test_superuser_sees_every_unit(admin_user, commune_a, commune_b):
    assert has_unit_perm(admin_user, VIEW, commune_b)
    assert set(units_visible_to(admin_user)) >= {commune_a, commune_b}


@pytest.mark.django_db
def test_default_roles_exist_as_editable_groups():
    codes = set(Role.objects.values_list("code", flat=True))
    assert codes == {
        "receiving_officer",
        "specialist",
        "division_head",
        "agency_leader",
        "center_director",
        "system_admin",
        "inspector",
    }
    inspector = Role.objects.get(code="inspector")
    perms = set(inspector.group.permissions.values_list("codename", flat=True))
    assert perms == {"view_unit_data", "view_unit", "view_dossier", "view_feedback"}, "the inspector is read-only"


def test_role_sync_does_not_restore_a_permission_an_admin_removed(db):
    from motcua.organizations.roles import sync_default_roles

    role = Role.objects.get(code="specialist")
    role.group.permissions.clear()
    sync_default_roles()
    assert role.group.permissions.count() == 0


def test_system_admin_role_opens_the_django_admin(client, province):
    admin = UserFactory(username="quantri.tinh")
    assign(admin, "system_admin", province)
    login(client, admin)
    assert client.get("/quan-tri/").status_code == 200
    assert client.get("/quan-tri/organizations/unit/").status_code == 200


def test_receiving_officer_cannot_open_the_django_admin(client, officer_a):
    login(client, officer_a)
    response = client.get("/quan-tri/")
    assert response.status_code == 302  # sent to the admin login page
