"""Demo units and staff for one real province: Thành phố Huế (statistics-office code 46).

Names and administrative-area codes are public facts (the July 2025 list of 34 provinces and 3,321
communes). The agency identifier codes follow the QCVN 102:2016 structure under the level-1 code H57
that Thừa Thiên Huế used before the reform; they are illustrative, not the official assignment, which a
real deployment loads from the Government's catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.organizations.models import AdministrativeArea, AreaLevel, Role, RoleAssignment, Unit, UnitKind

DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105 (published demo password, demo data only)

PROVINCE_AREA = ("46", "Thành phố Huế", "thành phố trung ương")
COMMUNE_AREAS = [
    ("19786", "Phường Thuận Hóa", "phường"),
    ("19768", "Phường Phú Xuân", "phường"),
    ("19777", "Phường Vỹ Dạ", "phường"),
    ("19942", "Xã Phú Vang", "xã"),
    ("20056", "Xã A Lưới 1", "xã"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_code: str
    note: str


DEMO_ACCOUNTS = [
    DemoAccount("quantri", "Nguyễn Văn Quản", "system_admin", "000.00.00.H57", "quản trị hệ thống toàn thành phố"),
    DemoAccount(
        "motcua.tinh",
        "Trần Thị Tiếp",
        "receiving_officer",
        "000.00.01.H57",
        "cán bộ một cửa, Trung tâm PVHCC thành phố",
    ),
    DemoAccount(
        "motcua.thuanhoa",
        "Lê Thị Hòa",
        "receiving_officer",
        "000.01.41.H57",
        "cán bộ một cửa, Trung tâm PVHCC phường Thuận Hóa",
    ),
    DemoAccount(
        "motcua.phuvang",
        "Phạm Văn Vang",
        "receiving_officer",
        "000.01.44.H57",
        "cán bộ một cửa, Trung tâm PVHCC xã Phú Vang",
    ),
    DemoAccount(
        "chuyenvien.tuphap",
        "Hoàng Minh Pháp",
        "specialist",
        "000.01.10.H57",
        "chuyên viên, Phòng Hành chính tư pháp — Sở Tư pháp",
    ),
    DemoAccount("lanhdao.tuphap", "Võ Thị Lan", "agency_leader", "000.00.10.H57", "lãnh đạo Sở Tư pháp"),
    DemoAccount("thanhtra", "Đặng Văn Tra", "inspector", "000.00.00.H57", "thanh tra, chỉ xem, toàn thành phố"),
]


def _unit(
    name: str, kind: str, code: str, parent: Unit | None, area: AdministrativeArea | None = None, **extra: str
) -> Unit:
    unit = Unit(name=name, kind=kind, agency_code=code, parent=parent, area=area, **extra)
    unit.save()
    return unit


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    """Create the demo province. Call only on an empty database (``motcua demo load`` checks)."""
    province_area = AdministrativeArea.objects.create(
        code=PROVINCE_AREA[0], name=PROVINCE_AREA[1], level=AreaLevel.PROVINCE, division_type=PROVINCE_AREA[2]
    )
    communes = {
        code: AdministrativeArea.objects.create(
            code=code, name=name, level=AreaLevel.COMMUNE, division_type=kind, parent=province_area
        )
        for code, name, kind in COMMUNE_AREAS
    }
    ubnd = _unit(
        "Ủy ban nhân dân thành phố Huế",
        UnitKind.PROVINCE_COMMITTEE,
        "000.00.00.H57",
        None,
        province_area,
        address="16 Lê Lợi, phường Thuận Hóa, thành phố Huế",
    )
    _unit(
        "Trung tâm Phục vụ hành chính công thành phố Huế",
        UnitKind.PROVINCIAL_CENTER,
        "000.00.01.H57",
        ubnd,
        province_area,
        short_name="TT PVHCC thành phố",
        address="01 Lê Lai, phường Thuận Hóa, thành phố Huế",
    )
    tu_phap = _unit("Sở Tư pháp", UnitKind.DEPARTMENT, "000.00.10.H57", ubnd, province_area)
    _unit("Phòng Hành chính tư pháp", UnitKind.DIVISION, "000.01.10.H57", tu_phap)
    _unit("Phòng Bổ trợ tư pháp", UnitKind.DIVISION, "000.02.10.H57", tu_phap)
    xay_dung = _unit("Sở Xây dựng", UnitKind.DEPARTMENT, "000.00.13.H57", ubnd, province_area)
    _unit("Phòng Quản lý nhà và thị trường bất động sản", UnitKind.DIVISION, "000.01.13.H57", xay_dung)
    _unit("Sở Nông nghiệp và Môi trường", UnitKind.DEPARTMENT, "000.00.08.H57", ubnd, province_area)
    _unit("Sở Tài chính", UnitKind.DEPARTMENT, "000.00.06.H57", ubnd, province_area)
    for number, (code, name, division_type) in enumerate(COMMUNE_AREAS, start=41):
        place = name[0].lower() + name[1:]  # "Phường Thuận Hóa" -> "phường Thuận Hóa"
        committee = _unit(
            f"Ủy ban nhân dân {place}",
            UnitKind.COMMUNE_COMMITTEE,
            f"000.00.{number}.H57",
            ubnd,
            communes[code],
        )
        _unit(
            f"Trung tâm Phục vụ hành chính công {place}",
            UnitKind.COMMUNE_CENTER,
            f"000.01.{number}.H57",
            committee,
            communes[code],
        )
        _unit("Phòng Văn hóa - Xã hội", UnitKind.DIVISION, f"000.02.{number}.H57", committee)
        economy = "Phòng Kinh tế" if division_type == "xã" else "Phòng Kinh tế, Hạ tầng và Đô thị"
        _unit(economy, UnitKind.DIVISION, f"000.03.{number}.H57", committee)

    User = get_user_model()
    roles = {role.code: role for role in Role.objects.all()}
    for account in DEMO_ACCOUNTS:
        user = User.objects.create_user(
            account.username,
            password=DEMO_PASSWORD,
            full_name=account.full_name,
            email=f"{account.username}@demo.motcua.local",
        )
        RoleAssignment.objects.create(
            user=user, role=roles[account.role], unit=Unit.objects.get(agency_code=account.unit_code)
        )
    User.objects.create_superuser(
        "admin", email="admin@demo.motcua.local", password=DEMO_PASSWORD, full_name="Quản trị viên cấp cao"
    )
    return DEMO_ACCOUNTS
