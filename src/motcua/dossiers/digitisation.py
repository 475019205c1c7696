"""Digitisation figures per receiving unit and period, from the flags ``actions.py`` keeps on each dossier.

Definitions (docs/documents.md, "Digitisation figures"; Decision 766 group 4, regulations.md §3.2, §5.2):

- **received**: dossiers received (``received_at``) in the period at the unit;
- **input digitised**: of those, every component received has an electronic copy (scanned, uploaded or
  taken from a store) — ``Dossier.input_digitised``;
- **reused**: of those, at least one component was taken from an earlier dossier's digitised data (766 4.3);
- **from the citizen's store**: of those, the applicant picked a component from their store online (766 4.4);
- **resolved**: dossiers whose result was issued (``finished_at``) in the period, handled at the unit;
- **e-result**: of those, at least one result document is stored electronically (766 4.1);
- **fully digitised**: of the resolved, components digitised *and* an e-result (766 4.2).

Each figure is one conditional count in one grouped query over indexed dates, so the dashboard answers
in milliseconds for a unit of any size; the fact tables of the reports (issue 8) will take over at
provincial scale. The flags outlive the files (retention purges keep them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier, Status
from motcua.organizations.models import Unit

RESOLVED = (Status.DONE, Status.RETURNED)


def _ratio(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class UnitDigitisation:
    unit: Unit
    received: int = 0
    input_digitised: int = 0
    reused: int = 0
    from_store: int = 0
    resolved: int = 0
    e_result: int = 0
    fully_digitised: int = 0
    rates: dict[str, float | None] = field(default_factory=dict)

    def compute_rates(self) -> None:
        self.rates = {
            "input_digitised": _ratio(self.input_digitised, self.received),
            "reused": _ratio(self.reused, self.received),
            "from_store": _ratio(self.from_store, self.received),
            "e_result": _ratio(self.e_result, self.resolved),
            "fully_digitised": _ratio(self.fully_digitised, self.resolved),
        }


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in Vietnamese local time."""
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone),
    )


def digitisation_by_unit(units: QuerySet[Unit], start: date, end: date) -> list[UnitDigitisation]:
    """One row per unit that received or resolved anything in [start, end], plus a total row (unit None
    is never returned: the caller sums). Two grouped queries."""
    low, high = _bounds(start, end)
    unit_ids = units.values("pk")
    received = (
        Dossier.objects.filter(receiving_unit_id__in=unit_ids, received_at__gte=low, received_at__lt=high)
        .values("receiving_unit_id")
        .annotate(
            received=Count("pk"),
            input_digitised=Count("pk", filter=Q(input_digitised=True)),
            reused=Count("pk", filter=Q(reused_components__gt=0)),
            from_store=Count("pk", filter=Q(from_citizen_store=True)),
        )
    )
    resolved = (
        Dossier.objects.filter(
            handling_unit_id__in=unit_ids, status__in=RESOLVED, finished_at__gte=low, finished_at__lt=high
        )
        .values("handling_unit_id")
        .annotate(
            resolved=Count("pk"),
            e_result=Count("pk", filter=Q(result_digitised=True)),
            fully_digitised=Count("pk", filter=Q(result_digitised=True, input_digitised=True)),
        )
    )
    rows: dict[int, dict[str, int]] = {}
    for row in received:
        rows.setdefault(row.pop("receiving_unit_id"), {}).update(row)
    for row in resolved:
        rows.setdefault(row.pop("handling_unit_id"), {}).update(row)
    names = Unit.objects.in_bulk(list(rows))
    result = []
    for unit_id, values in rows.items():
        figures = UnitDigitisation(unit=names[unit_id], **values)
        figures.compute_rates()
        result.append(figures)
    return sorted(result, key=lambda f: f.unit.name)


def total(rows: list[UnitDigitisation]) -> UnitDigitisation | None:
    if not rows:
        return None
    summed = UnitDigitisation(unit=None)  # type: ignore[arg-type]
    for name in ("received", "input_digitised", "reused", "from_store", "resolved", "e_result", "fully_digitised"):
        setattr(summed, name, sum(getattr(row, name) for row in rows))
    summed.compute_rates()
    return summed
