"""Dossier codes ``<receiving unit agency code>-<YYMMDD>-<NNNN>`` (Circular 01/2018 Art. 19).

The sequence restarts each day per receiving unit. It is drawn inside the transaction that creates
the dossier, with the unit-day counter row locked, so concurrent receipts queue up on that row and a
rolled-back receipt gives its number back: codes are unique and have no gaps.
"""

from __future__ import annotations

import re
from datetime import date

from motcua.core import sequences
from motcua.dossiers.models import DossierSequence
from motcua.organizations.models import Unit

# Lookups accept 4–7 digit sequences and either order of the unit code's groups (regulations.md §2.3).
DOSSIER_CODE_RE = re.compile(r"^(?P<unit>[0-9A-Z.]{5,20})-(?P<day>\d{6})-(?P<seq>\d{4,7})$")


def normalize_code(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def is_dossier_code(value: str) -> bool:
    return bool(DOSSIER_CODE_RE.match(normalize_code(value)))


def next_code(unit: Unit, day: date) -> str:
    """Draw the next code for ``unit`` on ``day``. Must run inside the caller's transaction.

    One upsert both creates the unit-day counter and increments it; the row stays locked by that write
    until the caller's transaction ends (PostgreSQL row lock, SQLite database lock), so a concurrent
    receipt waits for this one to commit or roll back — hence no duplicates and no gaps.
    """
    if not unit.agency_code:
        raise ValueError(f"Đơn vị “{unit.name}” chưa có mã định danh nên không cấp được mã hồ sơ.")
    number = sequences.draw(DossierSequence, unit=unit.pk, day=day)
    return f"{unit.agency_code}-{day:%y%m%d}-{number:04d}"
