"""Agency identifier codes (mã định danh) in the QCVN 102:2016/BTTTT format.

Structure ``V1V2V3.Z1Z2.Y1Y2.MX1X2``: level-4, level-3 and level-2 numbers, then the level-1 unit
(a letter and two digits, e.g. ``H12``). Unused levels are zeros: ``000.00.00.H38`` is the level-1
unit itself, ``000.00.12.H12`` the level-2 unit 12 under it. The dossier code printed on every receipt
starts with this code, so a malformed one must never be stored.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

AGENCY_CODE_RE = re.compile(r"^(?P<l4>\d{3})\.(?P<l3>\d{2})\.(?P<l2>\d{2})\.(?P<l1>[A-Z]\d{2})$")


def normalize_agency_code(value: str) -> str:
    """Codes are often typed in lower case or with spaces; store them in the one canonical form."""
    return re.sub(r"\s+", "", value or "").upper()


def validate_agency_code(value: str) -> None:
    if not AGENCY_CODE_RE.match(value or ""):
        raise ValidationError(
            "Mã định danh “%(value)s” không đúng định dạng QCVN 102:2016/BTTTT "
            "(ví dụ: 000.00.12.H12 — ba chữ số, hai chữ số, hai chữ số, một chữ cái in hoa và hai chữ số).",
            code="invalid_agency_code",
            params={"value": value},
        )


def agency_code_level(value: str) -> int:
    """The level (1–4) of the unit a valid code identifies: the deepest non-zero group."""
    match = AGENCY_CODE_RE.match(value)
    if not match:
        raise ValueError(value)
    if match["l4"] != "000":
        return 4
    if match["l3"] != "00":
        return 3
    if match["l2"] != "00":
        return 2
    return 1
