"""``motcua calendar due`` and ``motcua calendar days``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.workcalendar.models import OfficeHoursProfile
from tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue().splitlines()


def test_due_prints_iso_moment_first_then_the_explanation():
    lines = run("due", "--received", "2026-02-13T09:00", "--limit", "5")
    assert lines[0] == "2026-02-27T17:00:00+07:00"
    assert "Không tính: 16/02/2026 – Tết Nguyên đán" in lines
    assert lines[-1] == "Hạn trả kết quả: 17:00 ngày 27/02/2026"


def test_due_received_after_hours_on_friday_rolls_to_monday():
    lines = run("due", "--received", "2026-03-06T17:20", "--limit", "1")
    assert lines[0] == "2026-03-10T17:00:00+07:00"


def test_due_accepts_an_explicit_utc_offset():
    assert run("due", "--received", "2026-02-13T02:00:00+00:00", "--limit", "5")[0] == "2026-02-27T17:00:00+07:00"


@pytest.mark.parametrize(
    "unit, received, limit, expected",
    [
        ("working_hours", "2026-03-02T10:00", "8", "2026-03-03T10:30:00+07:00"),
        ("calendar_days", "2026-04-24T09:00", "3", "2026-04-28T17:00:00+07:00"),
        ("same_day", "2026-03-02T14:00", "1", "2026-03-02T17:00:00+07:00"),
        ("same_day", "2026-03-06T15:30", "1", "2026-03-09T17:00:00+07:00"),
    ],
)
def test_due_for_every_limit_unit(unit, received, limit, expected):
    assert run("due", "--received", received, "--limit", limit, "--unit", unit)[0] == expected


def test_due_uses_the_office_hours_of_the_receiving_unit():
    profile = OfficeHoursProfile.objects.create(name="8-17h30", intervals=[["08:00", "12:00"], ["13:00", "17:30"]])
    ProvinceFactory(agency_code="000.00.00.H57", office_hours=profile)
    lines = run("due", "--received", "2026-03-02T09:00", "--limit", "2", "--unit-code", "000.00.00.h57")
    assert lines[0] == "2026-03-04T17:30:00+07:00"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--received", "2026-02-13T09:00", "--limit", "0"], "lớn hơn 0"),
        (["--received", "2026-02-13T09:00", "--limit", "5000"], "bất hợp lý"),
        (["--received", "13/02/2026", "--limit", "5"], "không phải thời điểm ISO 8601"),
        (["--received", "2041-02-13T09:00", "--limit", "5"], "ngoài phạm vi"),
        (
            ["--received", "2026-02-13T09:00", "--limit", "5", "--unit-code", "000.00.99.H99"],
            "Không có đơn vị",
        ),
    ],
)
def test_due_refuses_bad_input_in_vietnamese(args, message):
    with pytest.raises(CommandError, match=message):
        run("due", *args)


def test_days_lists_non_working_weekdays_and_working_weekends_with_reasons():
    lines = run("days", "2026")
    assert "  02/01/2026 Thứ Sáu  nghỉ     Nghỉ hoán đổi, làm bù vào thứ Bảy 10/01/2026" in lines
    assert "  27/04/2026 Thứ Hai  nghỉ     Nghỉ bù Giỗ Tổ Hùng Vương (26/04/2026 là Chủ nhật)" in lines
    assert "  22/08/2026 Thứ Bảy  làm việc Làm bù cho ngày 31/08/2026" in lines
    weekend = lines.index("Ngày cuối tuần làm việc (làm bù) năm 2026:")
    assert lines[weekend + 1 :] == [
        "  10/01/2026 Thứ Bảy  làm việc Làm bù cho ngày 02/01/2026",
        "  22/08/2026 Thứ Bảy  làm việc Làm bù cho ngày 31/08/2026",
    ]
