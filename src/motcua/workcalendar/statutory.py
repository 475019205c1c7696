"""Statutory public holidays (Labor Code 2019 Art. 112) from the ``holidays`` package.

``holidays.VN`` already lists the Tết days chosen by the Prime Minister, the compensatory days
("nghỉ bù") and the swaps ("Ngày nghỉ (thay cho ngày …)") it knows about, plus the matching
make-up Saturdays (``weekend_workdays``).  We add the compensatory rule of Art. 111.3 ourselves
as a safety net: a fixed-date holiday falling on Saturday/Sunday gives the next working day off
when the package does not already list a "(nghỉ bù)" day for it — so the rule also holds for
years the package has no explicit data for.  Lunar New Year days are *not* compensated here:
under Art. 112.3 the Prime Minister fixes them each year and the package lists them as decided.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from .rules import format_date

__all__ = ["REFERENCE_COMPENSATORY", "REFERENCE_HOLIDAY", "StatutoryDays", "apply_compensatory_rule"]

REFERENCE_HOLIDAY = "Bộ luật Lao động 2019, Điều 112 (dữ liệu gói holidays)"
REFERENCE_COMPENSATORY = "Bộ luật Lao động 2019, Điều 111 khoản 3"
_OBSERVED_SUFFIX = " (nghỉ bù)"


@dataclass(frozen=True, slots=True)
class StatutoryDays:
    """Days off and make-up working days derived from the law and the ``holidays`` package."""

    off: Mapping[date, str]
    worked: Mapping[date, str]


def _is_lunar_new_year(name: str) -> bool:
    return "Tết" in name and "Dương lịch" not in name


def apply_compensatory_rule(days_off: Mapping[date, list[str]]) -> dict[date, str]:
    """Return the extra compensatory days (date → reason) missing from *days_off*.

    Labor Code Art. 111.3: when the weekly rest day coincides with an Art. 112.1 holiday the worker
    rests on the next working day.  Each weekend occurrence of a holiday name needs one
    "<name> (nghỉ bù)" day; we add the missing ones, in date order, on the next day that is neither
    a weekend day, nor already off, nor already given as compensation.
    """
    weekend_occurrences: Counter[str] = Counter()
    already_compensated: Counter[str] = Counter()
    for day, names in days_off.items():
        for name in names:
            if name.endswith(_OBSERVED_SUFFIX):
                already_compensated[name.removesuffix(_OBSERVED_SUFFIX)] += 1
            elif day.weekday() >= 5 and not _is_lunar_new_year(name) and not name.startswith("Ngày nghỉ"):
                weekend_occurrences[name] += 1
    missing = weekend_occurrences - already_compensated
    extra: dict[date, str] = {}
    if not missing:
        return extra
    for day in sorted(days_off):
        for name in days_off[day]:
            if missing[name] <= 0 or day.weekday() < 5 or name.endswith(_OBSERVED_SUFFIX):
                continue
            candidate = day + timedelta(days=1)
            while candidate.weekday() >= 5 or candidate in days_off or candidate in extra:
                candidate += timedelta(days=1)
            extra[candidate] = f"{name}{_OBSERVED_SUFFIX} cho ngày {format_date(day)}"
            missing[name] -= 1
    return extra


@lru_cache(maxsize=8)
def _load(first_year: int, last_year: int) -> StatutoryDays:
    years = range(first_year, last_year + 1)
    package = holidays.VN(years=years, language="vi")
    by_day: dict[date, list[str]] = {}
    for day in sorted(package):
        # Vietnamese orthography writes "Tết Nguyên đán" (the package capitalises "Đán").
        by_day[day] = [name.replace("Nguyên Đán", "Nguyên đán") for name in package.get_list(day)]
    off = {day: "; ".join(names) for day, names in by_day.items()}
    off.update(apply_compensatory_rule(by_day))
    worked: dict[date, str] = {}
    swapped_from = {day: name for day, name in off.items() if name.startswith("Ngày nghỉ (thay cho")}
    for day in sorted(getattr(package, "weekend_workdays", ())):
        if day.year not in years:
            continue
        replaced = [d for d, name in swapped_from.items() if format_date(day) in name]
        worked[day] = f"Làm bù cho ngày {format_date(replaced[0])}" if replaced else "Ngày làm bù (hoán đổi ngày nghỉ)"
    return StatutoryDays(off=dict(off), worked=worked)


def statutory_days(years: Iterable[int]) -> StatutoryDays:
    """Statutory days off and make-up days for *years* (cached: the package is slow to build)."""
    ys = sorted(set(years))
    return _load(ys[0], ys[-1])
