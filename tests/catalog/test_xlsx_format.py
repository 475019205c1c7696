"""The exchange format as a workbook: lossless, readable by people, errors named by sheet and row."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from motcua.catalog.exchange import ImportRejected, dumps, export_catalog, import_catalog
from motcua.catalog.models import Procedure
from motcua.catalog.xlsx_format import SHEETS, catalog_to_workbook, detect_format, workbook_to_catalog
from tests.catalog.test_exchange import rich_catalog, wipe_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from motcua.organizations.demo import load_demo

    load_demo()


def write(tmp_path: Path, data=None, name: str = "danh-muc.xlsx") -> Path:
    path = tmp_path / name
    catalog_to_workbook(data if data is not None else rich_catalog(), path)
    return path


def edit(path: Path, sheet: str, cell: str, value) -> None:
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def column_letter(sheet: str, key: str) -> str:
    index = [c.key for c in SHEETS[sheet]].index(key)
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def errors_of(path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        workbook_to_catalog(path)
    return info.value.report.errors


def test_json_export_to_workbook_and_back_gives_identical_json(demo, tmp_path):
    import_catalog(rich_catalog())
    first = export_catalog()
    path = write(tmp_path, first)
    wipe_catalog()
    report = import_catalog(workbook_to_catalog(path))
    assert (report.created, report.rejected) == (3, 0)
    assert dumps(export_catalog()) == dumps(first)


def test_workbook_has_the_documented_sheets_and_headers(tmp_path):
    book = load_workbook(write(tmp_path))
    assert book.sheetnames == ["Thủ tục", "Phiên bản", "Thành phần hồ sơ", "Phí lệ phí", "Quy trình", "Đơn vị"]
    assert [c.value for c in book["Phí lệ phí"][1]] == [
        "Mã thủ tục [code]",
        "Phiên bản [number]",
        "Hình thức nộp [channel]",
        "Loại [kind]",
        "Tên khoản thu [name]",
        "Mức thu (đồng) [amount]",
        "Mô tả [description]",
        "Căn cứ [legal_basis]",
    ]
    versions = book["Phiên bản"]
    legal = versions[f"{column_letter('Phiên bản', 'legal_basis')}2"].value
    assert legal.splitlines()[0] == "60/2014/QH13 | Luật Hộ tịch | 2014-11-20"
    assert book["Thủ tục"]["A2"].data_type == "s"  # codes stay text


def test_workbook_reads_back_to_the_same_dictionary(tmp_path):
    data = rich_catalog()
    assert workbook_to_catalog(write(tmp_path, data)) == data


def test_text_in_a_number_column_is_reported_with_sheet_and_row(tmp_path):
    path = write(tmp_path)
    edit(path, "Phí lệ phí", f"{column_letter('Phí lệ phí', 'amount')}3", "abc")
    edit(path, "Quy trình", f"{column_letter('Quy trình', 'allotted')}4", "một ngày")
    edit(path, "Phiên bản", f"{column_letter('Phiên bản', 'valid_from')}2", "31/02/2025")
    edit(path, "Thành phần hồ sơ", f"{column_letter('Thành phần hồ sơ', 'required')}2", "có lẽ")
    edit(path, "Phiên bản", f"{column_letter('Phiên bản', 'status')}3", "đang dùng")
    errors = errors_of(path)
    assert "Sheet Phí lệ phí, dòng 3: mức thu “abc” không phải số." in errors
    assert "Sheet Quy trình, dòng 4: thời gian “một ngày” không phải số." in errors
    assert "Sheet Phiên bản, dòng 2: hiệu lực từ “31/02/2025” không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY)." in errors
    assert "Sheet Thành phần hồ sơ, dòng 2: bắt buộc “có lẽ” phải là “có” hoặc “không”." in errors
    assert any(
        e.startswith("Sheet Phiên bản, dòng 3: trạng thái “đang dùng” không hợp lệ (chọn: draft") for e in errors
    )
    assert len(errors) == 5


def test_rows_must_point_at_existing_procedures_and_versions(tmp_path):
    path = write(tmp_path)
    edit(path, "Quy trình", "B2", 7)
    edit(path, "Đơn vị", "A2", "9.999999")
    edit(path, "Thủ tục", "A4", "1.001193")
    errors = errors_of(path)
    assert "Sheet Quy trình, dòng 2: không có phiên bản 7 của thủ tục “1.001193” ở sheet Phiên bản." in errors
    assert "Sheet Đơn vị, dòng 2: không có thủ tục mã “9.999999” ở sheet Thủ tục." in errors
    assert "Sheet Thủ tục, dòng 4: mã 1.001193 trùng với dòng 2." in errors


def test_code_typed_as_a_number_and_unknown_columns_are_reported(tmp_path):
    path = write(tmp_path)
    edit(path, "Thủ tục", "A3", 1.00119)
    edit(path, "Đơn vị", "F1", "Ghi chú riêng")
    errors = errors_of(path)
    assert any(e.startswith("Sheet Thủ tục, dòng 3: mã thủ tục 1.00119 đang ở dạng số") for e in errors)
    assert "Sheet Đơn vị, dòng 1: cột “Ghi chú riêng” không được nhận dạng." in errors


def test_business_errors_come_from_the_json_importer(demo, tmp_path):
    path = write(tmp_path)
    edit(path, "Phí lệ phí", f"{column_letter('Phí lệ phí', 'amount')}2", -5000)
    edit(path, "Đơn vị", "B2", "000.00.99.X00")
    with pytest.raises(ImportRejected) as info:
        import_catalog(workbook_to_catalog(path))
    errors = info.value.report.errors
    assert any(e.startswith("Thủ tục thứ 1 (1.001193)") and "mức thu không được âm (-5000)" in e for e in errors)
    assert any("không có đơn vị mã “000.00.99.X00”" in e for e in errors)
    assert not Procedure.objects.exists()


def test_a_workbook_typed_by_hand_is_understood(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Thủ tục"
    sheet.append(["Ma thu tuc", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Đối tượng thực hiện"])
    sheet.append(["1.001193", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã, Cấp tỉnh", "Công dân Việt Nam"])
    versions = book.create_sheet("Phiên bản")
    versions.append(
        [
            "Mã thủ tục",
            "Phiên bản",
            "Hiệu lực từ",
            "Thời hạn giải quyết",
            "Đơn vị thời hạn",
            "[channels]",
            "Căn cứ pháp lý",
        ]
    )
    versions.append(
        ["1.001193", 1, "01/07/2025", "1", "ngày làm việc", "Trực tiếp\nTrực tuyến", "60/2014/QH13 | Luật Hộ tịch"]
    )
    fees = book.create_sheet("Phí lệ phí")
    fees.append(["Mã thủ tục", "Phiên bản", "Mức thu (đồng)", "Hình thức nộp"])
    fees.append(["1.001193", "1", "1.000.000", "Mọi hình thức"])
    steps = book.create_sheet("Quy trình")
    steps.append(["Mã thủ tục", "Phiên bản", "Bước", "Công việc", "Thời gian", "Liên thông"])
    steps.append(["1.001193", 1, 1, "Tiếp nhận", "0,25", "x"])
    path = tmp_path / "tay.xlsx"
    book.save(path)
    data = workbook_to_catalog(path)
    procedure = data["procedures"][0]
    assert procedure["levels"] == ["commune", "province"] and procedure["subjects"] == ["citizen"]
    assert (procedure["name"], procedure["field"]) == ("Đăng ký khai sinh", {"name": "Hộ tịch"})
    version = procedure["versions"][0]
    assert version["valid_from"] == "2025-07-01"
    assert version["time_limit"] == {"value": 1, "unit": "working_days"}  # missing columns: importer defaults
    assert version["channels"] == ["counter", "online"]
    assert version["legal_basis"] == [{"number": "60/2014/QH13", "title": "Luật Hộ tịch", "date": ""}]
    assert version["fees"] == [{"amount": 1000000, "channel": ""}]
    assert version["steps"] == [{"stage": 1, "action": "Tiếp nhận", "allotted": "0.25", "inter_agency": True}]


def test_odd_legal_basis_and_formula_like_text_survive(tmp_path):
    data = rich_catalog()
    version = data["procedures"][0]["versions"][0]
    version["legal_basis"] = [{"title": "Thông tư | có gạch đứng", "number": "04/2024/TT-BTP", "date": None}]
    version["result_documents"] = [{"name": "Giấy khai sinh", "code": "KQ.1", "note": "bản điện tử"}]
    data["procedures"][0]["name"] = "=SUM(A1:A2)"
    path = write(tmp_path, data)
    assert load_workbook(path)["Thủ tục"]["B2"].data_type == "s"
    assert workbook_to_catalog(path) == data


def test_missing_sheet_and_format_detection(tmp_path):
    book = Workbook()
    book.active.title = "Sheet1"
    other = tmp_path / "khac.xlsx"
    book.save(other)
    errors = errors_of(other)
    assert len(errors) == 1 and errors[0].startswith("Tệp không có sheet “Thủ tục”")
    assert detect_format(other) is None
    assert detect_format(write(tmp_path)) == "xlsx"
    assert detect_format(tmp_path / "x.json") == "json"
    assert detect_format(tmp_path / "x.csv") is None
