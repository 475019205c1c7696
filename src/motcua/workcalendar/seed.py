"""The Government's announced schedules for civil servants, 2024–2026 (regulations.md §6.2).

Each year the Prime Minister fixes the Lunar New Year and National Day days (Labor Code 2019
Art. 112.3) and approves swaps of working days (hoán đổi ngày làm việc), announced by the
Government Office (VPCP) or the Ministry of Home Affairs (BNV).  These rows are the authority for
state agencies: where they disagree with the ``holidays`` package, the table wins.  The lead seeds
the database from :data:`GOVERNMENT_SCHEDULE_2024_2026`; later years are entered by operators.
"""

from __future__ import annotations

from datetime import date

from .rules import DayKind, DayRule

__all__ = ["GOVERNMENT_SCHEDULE_2024_2026"]

_OFF = DayKind.OFF
_WORKED = DayKind.WORKED

_LD_112 = "Bộ luật Lao động 2019, Điều 112"
_TET_2024 = "Công văn 8662/VPCP-KGVX; Bộ luật Lao động 2019, Điều 112 khoản 3"
_SWAP_2024 = "Công văn 2450/VPCP-KGVX"
_TET_2025 = "Công văn 8726/VPCP-KGVX ngày 26/11/2024"
_SWAP_2025 = "Phương án hoán đổi ngày làm việc dịp 30/4–1/5/2025 (Thủ tướng đồng ý)"
_SWAP_2026_JAN = "Công văn 12729/VPCP-KGVX ngày 25/12/2025"
_TET_2026 = "Lịch nghỉ Tết Bính Ngọ 2026; Bộ luật Lao động 2019, Điều 112 khoản 3"
_COMP_2026 = "Bộ luật Lao động 2019, Điều 111 khoản 3"
_SWAP_2026_SEP = "Thông báo 9441/TB-BNV"


def _tet(year: int, month: int, days: range, reference: str) -> tuple[DayRule, ...]:
    return tuple(DayRule(date(year, month, d), _OFF, "Tết Nguyên đán", reference) for d in days)


GOVERNMENT_SCHEDULE_2024_2026: tuple[DayRule, ...] = (
    # 2024 -------------------------------------------------------------------------------------
    *_tet(2024, 2, range(8, 10), _TET_2024),  # Thu 08/02, Fri 09/02
    *_tet(2024, 2, range(12, 15), _TET_2024),  # Mon 12/02 – Wed 14/02
    DayRule(date(2024, 4, 29), _OFF, "Nghỉ hoán đổi, làm bù vào thứ Bảy 04/05/2024", _SWAP_2024),
    DayRule(date(2024, 5, 4), _WORKED, "Làm bù cho ngày 29/04/2024", _SWAP_2024),
    DayRule(date(2024, 9, 2), _OFF, "Quốc khánh", _LD_112),
    DayRule(date(2024, 9, 3), _OFF, "Quốc khánh (ngày liền kề)", _LD_112),
    # 2025 -------------------------------------------------------------------------------------
    *_tet(2025, 1, range(27, 32), _TET_2025),  # Mon 27/01 – Fri 31/01
    DayRule(date(2025, 4, 7), _OFF, "Giỗ Tổ Hùng Vương", _LD_112),
    DayRule(date(2025, 4, 26), _WORKED, "Làm bù cho ngày 02/05/2025", _SWAP_2025),
    DayRule(date(2025, 5, 2), _OFF, "Nghỉ hoán đổi, làm bù vào thứ Bảy 26/04/2025", _SWAP_2025),
    DayRule(date(2025, 9, 1), _OFF, "Quốc khánh (ngày liền kề)", _LD_112),
    DayRule(date(2025, 9, 2), _OFF, "Quốc khánh", _LD_112),
    # 2026 -------------------------------------------------------------------------------------
    DayRule(date(2026, 1, 2), _OFF, "Nghỉ hoán đổi, làm bù vào thứ Bảy 10/01/2026", _SWAP_2026_JAN),
    DayRule(date(2026, 1, 10), _WORKED, "Làm bù cho ngày 02/01/2026", _SWAP_2026_JAN),
    *_tet(2026, 2, range(16, 21), _TET_2026),  # Mon 16/02 – Fri 20/02
    DayRule(date(2026, 4, 27), _OFF, "Nghỉ bù Giỗ Tổ Hùng Vương (26/04/2026 là Chủ nhật)", _COMP_2026),
    DayRule(date(2026, 4, 30), _OFF, "Ngày Chiến thắng", _LD_112),
    DayRule(date(2026, 5, 1), _OFF, "Ngày Quốc tế Lao động", _LD_112),
    DayRule(date(2026, 8, 22), _WORKED, "Làm bù cho ngày 31/08/2026", _SWAP_2026_SEP),
    DayRule(date(2026, 8, 31), _OFF, "Nghỉ hoán đổi, làm bù vào thứ Bảy 22/08/2026", _SWAP_2026_SEP),
    DayRule(date(2026, 9, 1), _OFF, "Quốc khánh (ngày liền kề)", _LD_112),
    DayRule(date(2026, 9, 2), _OFF, "Quốc khánh", _LD_112),
)
