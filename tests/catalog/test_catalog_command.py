"""``motcua catalog import|export``: messages, error lines on stderr, exit status."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from motcua.catalog.exchange import export_catalog, import_catalog
from motcua.catalog.models import Procedure
from tests.catalog.test_exchange import rich_catalog
from tests.catalog.test_portal_import import BIRTH, BO_TU_PHAP, DEATH, HEADER, needs_fixtures, workbook

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("catalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fail(*args: str) -> tuple[str, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as info:
        call_command("catalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(info.value)


@needs_fixtures
def test_import_portal_list_twice():
    out, err = run("import", str(BO_TU_PHAP), "--format", "portal-xlsx")
    assert "Đã nhập: 271 tạo mới, 0 cập nhật, 0 không đổi, 0 bị từ chối." in out and err == ""
    out, _ = run("import", str(BO_TU_PHAP))  # the portal header is recognised without --format
    assert "Đã nhập: 0 tạo mới, 0 cập nhật, 271 không đổi, 0 bị từ chối." in out


def test_rejected_file_prints_every_error_and_fails(tmp_path):
    path = workbook(tmp_path, [HEADER, BIRTH, ["1.00119", "Sai mã", "Bộ Tư pháp", "", "Hộ tịch"], BIRTH])
    out, err, message = fail("import", str(path), "--format", "portal-xlsx")
    assert err.splitlines() == [
        "Dòng 4: mã thủ tục “1.00119” không đúng định dạng (ví dụ 1.001193).",
        "Dòng 5: mã 1.001193 trùng với dòng 3.",
    ]
    assert "Đã nhập: 0 tạo mới, 0 cập nhật, 0 không đổi, 2 bị từ chối." in out
    assert message == "Không nhập được: tệp có lỗi, chưa có dữ liệu nào được ghi."
    assert not Procedure.objects.exists()


def test_partial_import_writes_the_good_rows_and_still_fails(tmp_path):
    path = workbook(tmp_path, [HEADER, BIRTH, ["1.00119", "Sai mã", "Bộ Tư pháp", "", "Hộ tịch"], DEATH])
    out, err, message = fail("import", str(path), "--format", "portal-xlsx", "--partial")
    assert "Đã nhập: 2 tạo mới, 0 cập nhật, 0 không đổi, 1 bị từ chối." in out
    assert err.strip() == "Dòng 4: mã thủ tục “1.00119” không đúng định dạng (ví dụ 1.001193)."
    assert message.startswith("Đã nhập một phần (--partial): 1 thủ tục bị từ chối")
    assert Procedure.objects.count() == 2


def test_export_and_import_json_and_xlsx(tmp_path):
    from motcua.organizations.demo import load_demo

    load_demo()
    import_catalog(rich_catalog())
    out, _ = run("export", str(tmp_path / "danh-muc.json"))
    assert "Đã xuất 3 thủ tục" in out
    assert json.loads((tmp_path / "danh-muc.json").read_text(encoding="utf-8")) == export_catalog()
    run("export", str(tmp_path / "danh-muc.xlsx"))
    out, _ = run("import", str(tmp_path / "danh-muc.json"))
    assert "Đã nhập: 0 tạo mới, 0 cập nhật, 3 không đổi, 0 bị từ chối." in out
    out, _ = run("import", str(tmp_path / "danh-muc.xlsx"))  # the "Thủ tục" sheet tells the format
    assert "Đã nhập: 0 tạo mới, 0 cập nhật, 3 không đổi, 0 bị từ chối." in out


def test_portal_file_imported_as_motcua_workbook_says_which_format_to_use(tmp_path):
    path = workbook(tmp_path, [HEADER, BIRTH])
    _, err, _ = fail("import", str(path), "--format", "xlsx")
    assert "hãy chọn định dạng portal-xlsx" in err


def test_unknown_format_missing_file_and_bad_json(tmp_path):
    book = Workbook()
    book.save(tmp_path / "trong.xlsx")
    *_, message = fail("import", str(tmp_path / "trong.xlsx"))
    assert "hãy ghi rõ --format" in message
    *_, message = fail("import", str(tmp_path / "khong-co.json"))
    assert message.startswith("Không tìm thấy tệp")
    bad = tmp_path / "hong.json"
    bad.write_text("{", encoding="utf-8")
    _, err, _ = fail("import", str(bad))
    assert err.startswith("Tệp không phải JSON UTF-8 hợp lệ")
    *_, message = fail("export", str(tmp_path / "danh-muc.csv"))
    assert "--format json|xlsx" in message


def test_help_documents_the_format_guess():
    from motcua.catalog.management.commands.catalog import FORMAT_HELP

    assert "Mã số | Tên | Cơ quan ban hành" in FORMAT_HELP and "“Thủ tục”" in FORMAT_HELP
    assert Path(BO_TU_PHAP).name.endswith(".xlsx")
