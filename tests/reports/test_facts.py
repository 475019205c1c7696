"""The fact table: what one dossier adds, kept up to date on commit, and the same after a rebuild."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from motcua.dossiers import actions
from motcua.dossiers.simulate import SimConfig, simulate
from motcua.reports import facts
from motcua.reports.models import COUNTERS, DailyFact, FactMemo, MonthlyFact
from tests.dossiers.conftest import PDF, birth, birth_intake, hue, staff, vn  # noqa: F401


def totals(**filters) -> dict[str, int]:
    sums = DailyFact.objects.filter(**filters).aggregate(**{name: Sum(name) for name in COUNTERS})
    return {name: n for name, n in sums.items() if n}


def table() -> set[tuple]:
    """The whole fact table without zero rows, as comparable tuples."""
    rows = DailyFact.objects.values_list("day", "receiving_unit", "handling_unit", "procedure", "channel", *COUNTERS)
    return {row for row in rows if any(row[5:])}


def test_one_dossier_counts_on_the_days_things_happened(birth, staff):  # noqa: F811
    intake = birth_intake(birth)
    intake.documents[0].content, intake.documents[0].file_name = PDF, "tk.pdf"
    intake.documents[1].content, intake.documents[1].file_name = PDF, "gcs.pdf"
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(intake, actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    facts.refresh([d.pk])
    due_day = timezone.localtime(d.due_at).date()
    assert totals() == {"received": 1, "input_digitised": 1, "became_overdue": 1}, "overdue on its due day if open"
    assert totals(day=due_day) == {"became_overdue": 1}
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        d = actions.approve(
            d,
            actor=staff["leader"],
            result_documents=[actions.SubmittedDocument(None, "Giấy khai sinh", file_name="g.pdf", content=PDF)],
        )
        d = actions.notify_early_return(d, actor=staff["counter"])
        d = actions.return_result(d, actor=staff["counter"])
        actions.rate(d, level=5, channel="kiosk")
    facts.refresh([d.pk])
    assert totals(day=date(2026, 3, 9)) == {"received": 1, "input_digitised": 1}
    assert totals(day=date(2026, 3, 10)) == {
        "resolved_early": 1,
        "e_result": 1,
        "fully_digitised": 1,
        "processing_days": 1,
        "returned": 1,
        "rating_5": 1,
    }
    assert "became_overdue" not in totals(), "closed before its due day: never overdue"
    facts.refresh([d.pk])  # nothing changed: nothing added twice
    assert totals()["received"] == 1 and FactMemo.objects.count() == 1


def test_a_flag_set_later_moves_the_count_of_the_day_of_receipt(birth, staff):  # noqa: F811
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    facts.refresh([d.pk])
    assert "input_digitised" not in totals(day=date(2026, 3, 9))
    with time_machine.travel(vn(2026, 3, 12, 9, 0), tick=False):
        for row in d.documents.all():
            d = actions.digitise(
                d, actor=staff["counter"], document_id=row.pk, document=actions.SubmittedDocument(None, content=PDF)
            )
    facts.refresh([d.pk])
    assert totals(day=date(2026, 3, 9)) == {"received": 1, "input_digitised": 1}


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_gives_the_same_table_as_the_refreshes_of_a_simulated_month():
    report = simulate(SimConfig(dossiers=150, seed=8, start=date(2025, 7, 1), days=30))
    assert report.dossiers == 150
    live = table()
    assert sum(row[5] for row in live) > 100, "the replay refreshed the facts of every dossier"
    assert monthly_table() == table_by_month(), "the monthly roll-up is the daily table summed by month"
    rebuilt = facts.rebuild(chunk=40)
    assert rebuilt.dossiers == 150
    assert table() == live
    assert monthly_table() == table_by_month()


def monthly_table() -> set[tuple]:
    rows = MonthlyFact.objects.values_list("day", "receiving_unit", "handling_unit", "procedure", "channel", *COUNTERS)
    return {row for row in rows if any(row[5:])}


def table_by_month() -> set[tuple]:
    sums: dict[tuple, list[int]] = {}
    for row in table():
        key = (row[0].replace(day=1), *row[1:5])
        sums[key] = [a + b for a, b in zip(sums.get(key, [0] * len(COUNTERS)), row[5:], strict=True)]
    return {(*key, *counts) for key, counts in sums.items() if any(counts)}
