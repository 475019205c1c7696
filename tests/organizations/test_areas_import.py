"""Import of the official list of administrative divisions: all-or-nothing, errors with row numbers."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.organizations.areas import AreaImportError, import_areas
from motcua.organizations.models import AdministrativeArea, AreaLevel

GSO_HEADER = "Tỉnh / Thành Phố,Mã TP,Phường Xã,Mã PX,Cấp\n"


def write(tmp_path, text, name="dvhc.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_gso_csv_import_creates_provinces_and_communes(db, tmp_path):
    path = write(
        tmp_path,
        GSO_HEADER
        + "Thành phố Huế,46,Phường Thuận Hóa,19786,Phường\n"
        + "Thành phố Huế,46,Xã Phú Vang,19942,Xã\n"
        + "Thành phố Hà Nội,01,Phường Hoàn Kiếm,00070,Phường\n",
    )
    result = import_areas(path, "gso-csv")
    assert (result.created, result.updated) == (5, 0)
    hue = AdministrativeArea.objects.get(code="46")
    assert hue.level == AreaLevel.PROVINCE and hue.division_type == "thành phố trung ương"
    ward = AdministrativeArea.objects.get(code="19786")
    assert (ward.parent, ward.level, ward.division_type) == (hue, AreaLevel.COMMUNE, "phường")


def test_reimport_updates_names_and_counts_unchanged_rows(db, tmp_path):
    import_areas(write(tmp_path, GSO_HEADER + "Thành phố Huế,46,Phường Thuận Hóa,19786,Phường\n"))
    result = import_areas(write(tmp_path, GSO_HEADER + "Thành phố Huế,46,Phường Thuận Hoá,19786,Phường\n", "b.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert AdministrativeArea.objects.get(code="19786").name == "Phường Thuận Hoá"


def test_headers_without_diacritics_and_district_columns_are_understood(db, tmp_path):
    path = write(
        tmp_path,
        "Tinh Thanh Pho,Ma TP,Quan Huyen,Ma QH,Phuong Xa,Ma PX,Cap\n"
        "Tỉnh Thừa Thiên Huế,46,Thành phố Huế,474,Phường Phú Hội,19804,Phường\n",
    )
    import_areas(path)
    assert AdministrativeArea.objects.get(code="19804").parent.code == "474"
    assert AdministrativeArea.objects.get(code="474").level == AreaLevel.DISTRICT


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_written(db, tmp_path):
    path = write(
        tmp_path,
        GSO_HEADER
        + "Thành phố Huế,46,Phường Thuận Hóa,19786,Phường\n"
        + "Thành phố Huế,46,Xã Lỗi,19X42,Xã\n"
        + "Thành phố Huế,46,,19943,Xã\n"
        + "Thành phố Huế,46,Phường Trùng,19786,Phường\n",
    )
    with pytest.raises(AreaImportError) as info:
        import_areas(path)
    text = "\n".join(info.value.errors)
    assert "Dòng 3" in text and "19X42" in text
    assert "Dòng 4: thiếu tên" in text
    assert "Dòng 5: mã xã 19786 bị trùng với dòng 2" in text
    assert AdministrativeArea.objects.count() == 0


def test_missing_columns_are_reported(db, tmp_path):
    with pytest.raises(AreaImportError) as info:
        import_areas(write(tmp_path, "Tên,Mã\nHuế,46\n"))
    assert "thiếu cột bắt buộc" in info.value.errors[0]


def test_vietnam_provinces_json_format_is_read(db, tmp_path):
    data = [
        {
            "name": "Thành phố Huế",
            "code": 46,
            "division_type": "thành phố trung ương",
            "wards": [{"name": "Phường Thuận Hóa", "code": 19786, "division_type": "phường"}],
        }
    ]
    path = write(tmp_path, json.dumps(data, ensure_ascii=False), "nested.json")
    import_areas(path, "vietnam-provinces-json")
    assert AdministrativeArea.objects.get(code="19786").parent.code == "46"


def test_command_reports_errors_and_fails(db, tmp_path, capsys):
    path = write(tmp_path, GSO_HEADER + "Thành phố Huế,4X,Phường A,19786,Phường\n")
    with pytest.raises(CommandError, match="chưa có dữ liệu nào được ghi"):
        call_command("areas", "import", str(path))
    assert "Dòng 2" in capsys.readouterr().err
    assert AdministrativeArea.objects.count() == 0


def test_command_imports_a_good_file(db, tmp_path, capsys):
    call_command("areas", "import", str(write(tmp_path, GSO_HEADER + "Thành phố Huế,46,Phường A,19786,Phường\n")))
    assert "2 mới" in capsys.readouterr().out
