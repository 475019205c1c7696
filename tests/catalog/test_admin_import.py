"""The admin page "Nhập danh mục thủ tục": permission, report on the page, never a 500 for a bad file."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import CatalogEvent, Procedure
from tests.catalog.test_portal_import import BIRTH, DEATH, HEADER, workbook

pytestmark = pytest.mark.django_db

URL = "/quan-tri/catalog/procedure/import/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=XLSX)


def test_form_is_shown_to_admins(admin_client):
    body = admin_client.get(URL).content.decode()
    assert "Nhập danh mục thủ tục" in body and 'enctype="multipart/form-data"' in body


def test_staff_without_permission_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("canbo", password="mat-khau-dai-du-2026", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="add_procedure"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(URL).status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_import_shows_counts_and_success(admin_client, tmp_path):
    path = workbook(tmp_path, [HEADER, BIRTH, DEATH])
    response = admin_client.post(URL, {"file": upload(path), "format": "portal-xlsx"}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đã nhập: 2 tạo mới, 0 cập nhật, 0 không đổi, 0 bị từ chối." in body
    assert Procedure.objects.count() == 2
    events = CatalogEvent.objects.filter(action="imported_portal", actor__username="admin")
    assert [e.detail["source"] for e in events] == ["ds.xlsx", "ds.xlsx"]


def test_errors_are_listed_and_nothing_written(admin_client, tmp_path):
    path = workbook(tmp_path, [HEADER, BIRTH, ["1.00119", "Sai mã", "Bộ Tư pháp", "", "Hộ tịch"], BIRTH])
    body = admin_client.post(URL, {"file": upload(path), "format": "auto"}).content.decode()
    assert "Không nhập được: tệp có lỗi, chưa có dữ liệu nào được ghi." in body
    assert "Dòng 4: mã thủ tục “1.00119” không đúng định dạng" in body
    assert "Dòng 5: mã 1.001193 trùng với dòng 3." in body
    assert not Procedure.objects.exists()


def test_partial_import_from_the_page(admin_client, tmp_path):
    path = workbook(tmp_path, [HEADER, BIRTH, ["1.00119", "Sai mã", "Bộ Tư pháp", "", "Hộ tịch"], DEATH])
    body = admin_client.post(URL, {"file": upload(path), "format": "portal-xlsx", "partial": "on"}).content.decode()
    assert "Đã nhập một phần: 2 tạo mới, 0 cập nhật, 0 không đổi, 1 bị từ chối." in body
    assert "Dòng 4: mã thủ tục" in body
    assert Procedure.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("hong.xlsx", b"not a zip file", "portal-xlsx"),
        ("hong.xlsx", b"PK\x03\x04 broken zip", "xlsx"),
        ("hong.json", b"\xff\xfe{", "json"),
        ("hong.json", b"[1, 2]", "json"),
        ("hong.xlsx", b"", "auto"),
    ],
)
def test_bad_files_never_raise_a_server_error(admin_client, name, content, fmt):
    response = admin_client.post(URL, {"file": SimpleUploadedFile(name, content), "format": fmt})
    assert response.status_code == 200
    body = response.content.decode()
    assert "errornote" in body or "errorlist" in body


def test_wrong_extension_is_refused_by_the_form(admin_client):
    response = admin_client.post(URL, {"file": SimpleUploadedFile("ds.csv", b"a,b"), "format": "auto"})
    assert "Chỉ nhận tệp .json hoặc .xlsx." in response.content.decode()
