"""Keeping the fact table: the incremental refresh after each dossier event, and the full rebuild.

``refresh(ids)``: for each dossier, compute its contribution now (``contributions.py``), compare it with the one
remembered in ``FactMemo``, and add the difference to ``DailyFact`` and to its month's ``MonthlyFact``, each in
one ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` statement (PostgreSQL and SQLite alike). The memo
rows are created first and locked, so two workers refreshing the same dossier at once are serialised and
nothing is counted twice.

``rebuild()``: empty both tables and refresh every dossier, in chunks. Because both paths run the same
``contribution`` function, a rebuild gives the same table as the sum of all the refreshes — the test suite
checks it on simulated data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from motcua.dossiers.models import Dossier
from motcua.reports.contributions import Contribution, contributions
from motcua.reports.models import COUNTERS, DailyFact, FactMemo, MonthlyFact

KEY_COLUMNS = ("day", "receiving_unit_id", "handling_unit_id", "procedure_id", "channel")


def _delta(old: Contribution, new: Contribution) -> dict[str, dict[str, int]]:
    changes: dict[str, dict[str, int]] = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key, {}), new.get(key, {})
        diff = {name: after.get(name, 0) - before.get(name, 0) for name in before.keys() | after.keys()}
        diff = {name: n for name, n in diff.items() if n}
        if diff:
            changes[key] = diff
    return changes


def _add(into: dict[str, dict[str, int]], key: str, counters: dict[str, int]) -> None:
    """Add ``counters`` to the row ``key`` of a table of changes."""
    row = into.setdefault(key, {})
    for name, n in counters.items():
        row[name] = row.get(name, 0) + n


def _by_month(changes: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """The daily changes summed per month (keys with the month's first day): what ``MonthlyFact`` receives."""
    monthly: dict[str, dict[str, int]] = {}
    for key, diff in changes.items():
        _add(monthly, key[:8] + "01" + key[10:], diff)  # "YYYY-MM-DD|…" → "YYYY-MM-01|…"
    return {key: diff for key, diff in monthly.items() if any(diff.values())}


def _apply(changes: dict[str, dict[str, int]]) -> None:
    """Add the changes to the daily rows and to their months' rows, in the same transaction."""
    _upsert(DailyFact, changes)
    _upsert(MonthlyFact, _by_month(changes))


def _upsert(model: type[DailyFact] | type[MonthlyFact], changes: dict[str, dict[str, int]]) -> None:
    """Add the changes to the fact rows, creating the rows that do not exist yet (one statement per 500 rows)."""
    if not changes:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    quote = connection.ops.quote_name
    columns = [*KEY_COLUMNS, *COUNTERS]
    column_sql = ", ".join(quote(c) for c in columns)
    update_sql = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in COUNTERS)
    conflict_sql = ", ".join(quote(c) for c in KEY_COLUMNS)
    items = list(changes.items())
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        params: list[object] = []
        for key, diff in chunk:
            day, receiving, handling, procedure, channel = key.split("|")
            params += [date.fromisoformat(day), int(receiving), int(handling), int(procedure), channel]
            params += [diff.get(name, 0) for name in COUNTERS]
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        # identifiers come from the model, values are parameters
        values = ", ".join([row] * len(chunk))
        sql = f"INSERT INTO {table} ({column_sql}) VALUES {values} ON CONFLICT ({conflict_sql}) DO UPDATE SET {update_sql}"  # noqa: E501, S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def refresh(dossier_ids: Iterable[int]) -> int:
    """Bring the facts of these dossiers up to date; returns how many fact rows changed."""
    ids = sorted(set(dossier_ids))
    if not ids:
        return 0
    with transaction.atomic():
        FactMemo.objects.bulk_create([FactMemo(dossier_id=i) for i in ids], ignore_conflicts=True)
        memos = {m.dossier_id: m for m in FactMemo.objects.select_for_update().filter(dossier_id__in=ids)}
        current = contributions(ids)
        changes: dict[str, dict[str, int]] = {}
        changed_memos = []
        for dossier_id, memo in memos.items():
            new = current.get(dossier_id, {})
            if new == memo.contribution:
                continue
            for key, diff in _delta(memo.contribution, new).items():
                _add(changes, key, diff)
            memo.contribution = new
            changed_memos.append(memo)
        _apply({k: v for k, v in changes.items() if any(v.values())})
        FactMemo.objects.bulk_update(changed_memos, ["contribution"], batch_size=500)
    return len(changes)


@dataclass
class RebuildReport:
    dossiers: int = 0
    fact_rows: int = 0
    monthly_rows: int = 0
    seconds: float = 0.0


def rebuild(*, chunk: int = 5000, progress: Callable[[int, int], None] | None = None) -> RebuildReport:
    """Recompute the fact tables (daily and monthly) from the dossiers and their events."""
    started = time.perf_counter()
    with transaction.atomic():
        DailyFact.objects.all().delete()
        MonthlyFact.objects.all().delete()
        FactMemo.objects.all().delete()
    ids = list(Dossier.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with transaction.atomic():
            found = contributions(part)
            changes: dict[str, dict[str, int]] = {}
            for contribution in found.values():
                for key, counters in contribution.items():
                    _add(changes, key, counters)
            _apply(changes)
            FactMemo.objects.bulk_create(
                [FactMemo(dossier_id=pk, contribution=c) for pk, c in found.items()], batch_size=1000
            )
        if progress is not None:
            progress(min(start + chunk, len(ids)), len(ids))
    return RebuildReport(
        dossiers=len(ids),
        fact_rows=DailyFact.objects.count(),
        monthly_rows=MonthlyFact.objects.count(),
        seconds=time.perf_counter() - started,
    )
