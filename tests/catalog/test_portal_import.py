"""Import of the national portal's "DANH SÁCH THỦ TỤC HÀNH CHÍNH" workbook.

The two real exports live in shared/fixtures beside the repository (they may not be copied into it);
bad inputs are small workbooks built here.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from motcua.catalog.exchange import ImportRejected
from motcua.catalog.models import CatalogEvent, Field, Level, Procedure, ProcedureVersion, VersionStatus
from motcua.catalog.portal_import import agency_level, derive_levels, import_portal_xlsx, split_agencies

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "national-portal"
BO_TU_PHAP = FIXTURES / "danh-sach-tthc-BoTuPhap.xlsx"
BO_CONG_AN = FIXTURES / "danh-sach-tthc-BoCongAn.xlsx"
# Skipped on a laptop without ../shared; CI sets MOTCUA_REQUIRE_FIXTURES=1 so a missing file fails instead.
if not BO_TU_PHAP.exists() and os.environ.get("MOTCUA_REQUIRE_FIXTURES") == "1":
    raise RuntimeError(f"portal fixtures not found in {FIXTURES} but MOTCUA_REQUIRE_FIXTURES=1")
needs_fixtures = pytest.mark.skipif(not BO_TU_PHAP.exists(), reason=f"portal fixtures not found in {FIXTURES}")

BANNER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc\n\nDANH SÁCH THỦ TỤC HÀNH CHÍNH\n"
HEADER = ["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"]
BIRTH = ["1.001193", "Thủ tục đăng ký khai sinh", "Bộ Tư pháp", "Ủy ban nhân dân cấp xã", "Hộ tịch"]
DEATH = ["1.000656", "Thủ tục đăng ký khai tử", "Bộ Tư pháp", "Ủy ban nhân dân cấp xã", "Hộ tịch"]
LAWYER = ["1.002032", "Đăng ký hành nghề luật sư", "Bộ Tư pháp", "Sở Tư pháp\n\nSở Tư pháp\n", "Luật sư"]


def workbook(tmp_path: Path, rows: list[list[object] | None], *, banner: bool = True, name: str = "ds.xlsx") -> Path:
    """A portal-like workbook: banner in row 1 (unless told), then ``rows`` (None = an empty row)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách TTHC"
    if banner:
        sheet.append([BANNER])
        sheet.merge_cells("A1:E1")
    for row in rows:
        sheet.append(row if row is not None else [])
    path = tmp_path / name
    book.save(path)
    return path


def rejected(path: Path, **kwargs) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        import_portal_xlsx(path, **kwargs)
    return info.value.report.errors


# --- the real exports -----------------------------------------------------------------------------


@needs_fixtures
def test_bo_tu_phap_then_again_then_bo_cong_an():
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = import_portal_xlsx(BO_TU_PHAP)
        elapsed = time.perf_counter() - started
    assert (report.created, report.updated, report.unchanged, report.rejected) == (271, 0, 0, 0)
    assert report.errors == []
    # bulk writes: a few queries per table and per new field, never one per row
    assert len(queries) < 60, len(queries)
    assert elapsed < 10, elapsed
    assert Procedure.objects.count() == ProcedureVersion.objects.count() == 271
    assert CatalogEvent.objects.filter(action="imported_portal").count() == 271
    stamps = dict(Procedure.objects.values_list("code", "updated_at"))

    again = import_portal_xlsx(BO_TU_PHAP)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 271, 0)
    assert dict(Procedure.objects.values_list("code", "updated_at")) == stamps
    assert CatalogEvent.objects.filter(action="imported_portal").count() == 271

    # The two ministries' lists share no code and neither has a code twice, so all 339 are new.
    police = import_portal_xlsx(BO_CONG_AN)
    assert (police.created, police.updated, police.unchanged, police.rejected) == (339, 0, 0, 0)
    assert Procedure.objects.count() == 610
    # the portal has names longer than 500 characters (1.015027 has 590)
    assert len(Procedure.objects.get(code="1.015027").name) == 590


@needs_fixtures
def test_real_rows_are_cleaned_and_completed_as_drafts():
    import_portal_xlsx(BO_TU_PHAP)
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Thủ tục đăng ký khai sinh"
    assert (birth.field.name, birth.issuing_agency, birth.levels) == ("Hộ tịch", "Bộ Tư pháp", ["commune"])
    version = birth.versions.get()
    assert (version.number, version.status, version.documents.count()) == (1, VersionStatus.DRAFT, 0)
    # "Bộ Tư pháp\nCơ quan đại diện…\nCơ quan đại diện…\nBộ Tư pháp" in the file: repeats removed, order kept
    nationality = Procedure.objects.get(code="2.002797")
    assert nationality.implementing_agencies == ["Bộ Tư pháp", "Cơ quan đại diện Việt Nam ở nước ngoài"]
    assert nationality.levels == ["ministry"]
    # the search columns are filled although the rows were bulk-inserted (no save())
    before = dict(Procedure.objects.filter(pk=birth.pk).values("search_text", "name_folded", "agencies_folded")[0])
    birth.save()
    after = dict(Procedure.objects.filter(pk=birth.pk).values("search_text", "name_folded", "agencies_folded")[0])
    assert before == after and before["search_text"]
    assert Field.objects.count() == 19


def test_levels_are_derived_from_the_implementing_agencies():
    assert agency_level("Ủy ban nhân dân cấp xã") == Level.COMMUNE
    assert agency_level("Công an cấp Xã") == Level.COMMUNE
    assert agency_level("Chủ tịch ủy ban nhân dân cấp tỉnh") == Level.PROVINCE
    assert agency_level("Sở Tư Pháp") == Level.PROVINCE
    assert agency_level("Bảo hiểm xã hội tỉnh") == Level.PROVINCE  # "xã hội" is not a commune
    assert agency_level("Ủy ban nhân dân tỉnh và thành phố trực thuộc Trung ương") == Level.PROVINCE
    assert agency_level("Công an huyện") == Level.DISTRICT
    assert agency_level("Cục Bổ trợ tư pháp") == Level.MINISTRY
    assert agency_level("Cơ quan đại diện Việt Nam ở nước ngoài") == Level.MINISTRY
    assert agency_level("Bộ Công an") == Level.MINISTRY
    assert agency_level("Bộ phận Một cửa") is None
    assert agency_level("Cơ quan quản lý cơ sở dữ liệu hộ tịch điện tử") is None  # "cơ sở" is not a "Sở"
    assert agency_level("Phòng cảnh sát quản lý hành chính về trật tự xã hội") is None
    assert derive_levels(["Ủy ban nhân dân cấp xã", "Sở Tư pháp", "Bộ Tư pháp", "Tổ chức hành nghề công chứng"]) == [
        "ministry",
        "province",
        "commune",
    ]
    assert split_agencies(" Sở Tư pháp \n\nSở Tư pháp\r\nCục  Hộ tịch\n") == ["Sở Tư pháp", "Cục Hộ tịch"]
    assert split_agencies(None) == []


# --- small workbooks --------------------------------------------------------------------------------


def test_header_is_found_without_banner_and_without_diacritics(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["Linh vuc", "MA SO", "Ten", "Co quan thuc hien", "Co quan ban hanh"],
            ["Hộ tịch", "1.001193", "Thủ tục đăng ký khai sinh", "UBND cấp xã", "Bộ Tư pháp"],
        ],
        banner=False,
    )
    report = import_portal_xlsx(path)
    assert report.created == 1
    procedure = Procedure.objects.get()
    assert (procedure.code, procedure.field.name, procedure.issuing_agency) == ("1.001193", "Hộ tịch", "Bộ Tư pháp")


def test_wrong_headers_give_one_clear_error(tmp_path):
    path = workbook(tmp_path, [["Mã số", "Tên", "Cơ quan", "Lĩnh vực"], BIRTH[:4]])
    errors = rejected(path)
    assert errors == [
        "Sheet Danh sách TTHC, dòng 2: dòng tiêu đề thiếu cột “Cơ quan ban hành”, “Cơ quan thực hiện”. "
        "Cần đủ các cột: Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực."
    ]
    errors = rejected(workbook(tmp_path, [["a", "b"], ["c", "d"]], name="other.xlsx"))
    assert len(errors) == 1 and "Không tìm thấy dòng tiêu đề trong 10 dòng đầu" in errors[0]
    assert "Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực" in errors[0]


def test_header_further_down_than_row_10_is_not_searched(tmp_path):
    path = workbook(tmp_path, [*[None] * 10, HEADER, BIRTH])
    assert "Không tìm thấy dòng tiêu đề" in rejected(path)[0]


def test_not_a_workbook(tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_text("Mã số;Tên\n", encoding="utf-8")
    errors = rejected(path)
    assert len(errors) == 1 and errors[0].startswith("Tệp không phải bảng tính Excel (.xlsx) đọc được")


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_written(tmp_path):
    path = workbook(
        tmp_path,
        [
            HEADER,  # row 2
            BIRTH,  # row 3
            None,  # row 4: empty, skipped silently
            ["1.00119", "Một thủ tục", "Bộ Tư pháp", "", "Hộ tịch"],  # row 5
            [1.00119, "Mã gõ thành số", "Bộ Tư pháp", "", "Hộ tịch"],  # row 6
            DEATH,  # row 7
            ["1.001193", "Khai sinh lần hai", "Bộ Tư pháp", "", "Hộ tịch"],  # row 8
            ["2.000001", "", "Bộ Tư pháp", "", ""],  # row 9
            [None, None, None, "  ", None],  # row 10: blank cells only, skipped
            ["2.000002", "Rất dài " * 130, "Bộ Tư pháp", "", "Hộ tịch"],  # row 11
        ],
    )
    errors = rejected(path)
    assert errors == [
        "Dòng 5: mã thủ tục “1.00119” không đúng định dạng (ví dụ 1.001193).",
        "Dòng 6: mã thủ tục “1.00119” không đúng định dạng (ví dụ 1.001193) (ô đang ở dạng số nên mất số 0 ở "
        "cuối — hãy định dạng cột là văn bản).",
        "Dòng 8: mã 1.001193 trùng với dòng 3.",
        "Dòng 9: thiếu tên thủ tục; thiếu lĩnh vực.",
        "Dòng 11: tên thủ tục dài 1039 ký tự, vượt quá 1000 ký tự cho phép.",
    ]
    assert not Procedure.objects.exists() and not Field.objects.exists() and not CatalogEvent.objects.exists()


def test_partial_imports_the_good_rows_and_reports_the_rest(tmp_path):
    path = workbook(tmp_path, [HEADER, BIRTH, ["1.00119", "Sai mã", "Bộ Tư pháp", "", "Hộ tịch"], DEATH])
    report = import_portal_xlsx(path, partial=True)
    assert (report.created, report.rejected) == (2, 1)
    assert report.errors == ["Dòng 4: mã thủ tục “1.00119” không đúng định dạng (ví dụ 1.001193)."]
    assert sorted(Procedure.objects.values_list("code", flat=True)) == ["1.000656", "1.001193"]


def test_changed_rows_are_updated_and_audited_and_versions_left_alone(tmp_path, django_user_model):
    officer = django_user_model.objects.create_user("canbo.danhmuc")
    import_portal_xlsx(workbook(tmp_path, [HEADER, BIRTH, DEATH]))
    birth = Procedure.objects.get(code="1.001193")
    version = birth.versions.get()
    version.time_limit_value = 1
    version.save()
    stamp = Procedure.objects.get(code="1.000656").updated_at

    renamed = ["1.001193", "Đăng ký khai sinh", "Bộ Tư pháp", "Ủy ban nhân dân cấp xã\nSở Tư pháp", "Hộ Tịch"]
    report = import_portal_xlsx(workbook(tmp_path, [HEADER, renamed, DEATH, LAWYER], name="b.xlsx"), actor=officer)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    birth.refresh_from_db()
    assert birth.name == "Đăng ký khai sinh"
    assert birth.field.name == "Hộ tịch"  # "Hộ Tịch" is the same field, not a new one
    assert birth.levels == ["province", "commune"]
    assert birth.versions.get().time_limit_value == 1
    assert Procedure.objects.get(code="1.000656").updated_at == stamp
    event = CatalogEvent.objects.filter(procedure=birth, actor=officer).get()
    assert event.action == "imported_portal"
    assert event.detail["changed"]["name"] == ["Thủ tục đăng ký khai sinh", "Đăng ký khai sinh"]
    lawyer = Procedure.objects.get(code="1.002032")
    assert (lawyer.implementing_agencies, lawyer.levels) == (["Sở Tư pháp"], ["province"])


def test_levels_corrected_by_an_officer_survive_reimport(tmp_path):
    path = workbook(tmp_path, [HEADER, BIRTH])
    import_portal_xlsx(path)
    Procedure.objects.filter(code="1.001193").update(levels=["commune", "province"])
    report = import_portal_xlsx(path)
    assert report.unchanged == 1
    assert Procedure.objects.get().levels == ["commune", "province"]
