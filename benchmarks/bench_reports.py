"""Benchmark of the reports over a province-year of 2,000,000 dossiers (``python benchmarks/bench_reports.py``).

Issue 8: the province scorecard (Decision 766) and the monthly statistics grouped by unit must answer in
≤ 300 ms each over a province-year of 2,000,000 dossiers (about 15 million events), on PostgreSQL and on SQLite;
the rebuild of the fact tables is timed too. References in the same run: the same statistics computed by a plain
``GROUP BY`` over the dossier table and by DuckDB scanning the same dossiers exported to Parquet; the three must
give the same numbers (mismatches are printed and make the run fail).

How the province-year is made (printed in the output too), on each engine:

1. A realistic base of ``--base`` dossiers (default 10,000) planned by the simulator (``motcua.dossiers.simulate``,
   demo province of Huế and demo catalogue, seed 2026) over the 365 days from ``--start`` (default 2025-07-01:
   the demo's two-tier units and procedure versions exist from 1 July 2025, so no calendar year is complete
   yet — the 12 months July 2025–June 2026 are the year), and replayed through the real actions. The
   simulator does not pay or rate, so the plan is completed here with, still through the real actions:
   online payment (``record_online_payment``) by 75 % of the online applicants who owe fees, fees collected at
   the counter (``collect_fee``) for the others, and the applicant's rating (``rate``) of 55 % of the returned
   results (kiosk at the counter, portal otherwise; 62 % very satisfied … 1 % very dissatisfied).
2. The base is **cloned in bulk** with SQL ``INSERT … SELECT`` — dossiers, their events and their ratings
   (not steps nor documents: the reports read neither) — until ``--total`` dossiers exist. The base lives in the
   demo's 5 communes; ``--communes`` (default 40, as many as Thành phố Huế has) first adds copies of them (units
   and their procedure links, "xã mô phỏng 46" …), because the fact table — what the reports scan — has one row
   per day, unit, procedure and channel: its size follows the number of communes, not of dossiers. Clone *k*
   is moved to other communes (the communes rotate by *k* mod ``--communes``; provincial units stay) and, when
   closed, shifted by (*k* mod 52) weeks, wrapping around inside the year, so the year keeps the base's
   seasonality while every day, unit and procedure gets its share; open dossiers (the backlog at the end of
   the year) are not shifted. Each clone gets its own ids and codes; events are inserted in time order.
3. ``ANALYZE``; ``motcua.reports.facts.rebuild()`` — the daily table and its monthly roll-up (``--skip-rebuild``
   re-uses the fact tables of a previous run).
4. Timed ``--runs`` times each (median, p95; target ≤ 300 ms): ``scorecard(province, year)``,
   ``statistics.compute(province, month, group_by="unit")`` and ``compute(province, year, group_by="month")``.
   The same statistics (received, resolved early / on time / late, on-time rate, online rate) by a plain
   ``GROUP BY`` over ``dossiers_dossier`` and by DuckDB over a Parquet export (export timed separately).

Engines: ``--engine both`` (default) runs PostgreSQL then SQLite, each in its own process, one after the other.
PostgreSQL: ``$DATABASE_URL`` if it points at PostgreSQL, else a throwaway PostgreSQL 15 cluster under /tmp (as
``bench_work_queue.py``; ``--keep`` keeps its data, re-used by the next run). SQLite: the file ``--sqlite``
(default /tmp/motcua-bench-reports.sqlite3), kept with ``--keep``, else deleted at the end. A kept database is
re-used as it is (same ``--communes`` expected); ``--skip-rebuild`` also re-uses its fact table.

Duration on the 2-vCPU development machine at the default size: see benchmarks/RESULTS.md (70 minutes for both
engines from scratch on 2026-12-06 — PostgreSQL 44, SQLite 25 — most of it simulating the base, cloning and
rebuilding the facts), so ``make bench`` does not run it; ``--total 40000 --base 1000 --communes 10 --runs 5``
checks the whole pipeline in about a minute on SQLite.
Needs the ``bench`` extra (``pip install -e '.[bench]'``: duckdb, pyarrow).
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_work_queue import PG_BIN, ThrowawayPostgres, percentile  # noqa: E402

TARGET_MS = 300.0
OPEN = (1, 2, 4, 5, 6, 9)  # statuses of a live backlog: never shifted in time
SHIFTED = (
    "submitted_at",
    "received_at",
    "clock_start",
    "due_at",
    "original_due_at",
    "rescheduled_due_at",
    "finished_at",
    "returned_at",
    "refused_at",
    "withdrawn_at",
    "stopped_at",
    "supplement_requested_at",
    "supplement_received_at",
    "early_return_notified_at",
)
LEVELS = ((5, 0.62), (4, 0.28), (3, 0.06), (2, 0.03), (1, 0.01))
PAY_ONLINE_SHARE = 0.75
RATING_SHARE = 0.55
MEASURES = ("received", "online", "resolved", "early", "on_time", "late", "on_time_rate", "online_rate")


# --- SQL that differs between the engines ---------------------------------------------------------


class Dialect:
    """The few expressions PostgreSQL and SQLite write differently (datetimes: timestamptz vs UTC text)."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.pg = vendor == "postgresql"

    def add_days(self, column: str, days: str) -> str:
        if self.pg:
            return f"({column} + ({days}) * interval '1 day')"
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: datetime() keeps the seconds, substr the fraction.
        return f"(datetime({column}, ({days}) || ' days') || substr({column}, 20))"

    def yymmdd(self, column: str) -> str:
        if self.pg:
            return f"to_char({column} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD')"
        return f"substr(strftime('%Y%m%d', {column}, '+7 hours'), 3)"

    def month(self, column: str) -> str:
        if self.pg:
            return f"to_char({column} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM')"
        return f"strftime('%Y-%m', {column}, '+7 hours')"

    def moment(self, value: datetime) -> str:
        """A literal for a moment, comparable with the stored column."""
        utc = value.astimezone(UTC)
        if self.pg:
            return f"'{utc.isoformat()}'::timestamptz"
        return f"'{utc:%Y-%m-%d %H:%M:%S}'"

    def unlogged(self) -> str:
        return "UNLOGGED " if self.pg else ""


def local_start(day: date) -> datetime:
    from motcua.workcalendar.rules import TZ

    return datetime.combine(day, datetime.min.time(), tzinfo=TZ)


# --- 1. the base: the simulator's plan, completed with payments and ratings -------------------------


def build_base(n: int, seed: int, start: date, days: int) -> None:
    """Plan with the simulator, add the payments and ratings it does not make, replay through the actions."""
    from django.db import transaction
    from django.utils import timezone

    from motcua.dossiers import actions
    from motcua.dossiers import simulate as sim
    from motcua.dossiers.history_import import replayed, replaying
    from motcua.dossiers.models import Dossier

    started = time.perf_counter()
    # no fee-collecting organisation is configured in the demo: one warning per payment, not wanted here
    logging.getLogger("motcua.payments.receipts").setLevel(logging.ERROR)
    config = sim.SimConfig(dossiers=n, seed=seed, start=start, days=days, batch=1000)
    sim.ensure_demo()
    planner = sim.Planner(config)
    dossiers = planner.plan()
    rng = random.Random(seed + 1)
    for d in dossiers:
        _complete_plan(d, planner.cutoff, rng)
    keys = {e.actor for d in dossiers for e in d.events if e.actor}
    users, _ = sim.ensure_users(keys)
    events = sorted((e for d in dossiers for e in d.events), key=lambda e: (e.at, e.index, e.seq))
    by_index = {d.index: d for d in dossiers}
    failures: list[str] = []
    skipped = 0
    with replaying():
        for begin in range(0, len(events), config.batch):
            with transaction.atomic():
                for event in events[begin : begin + config.batch]:
                    d = by_index[event.index]
                    if d.failed:
                        continue
                    try:
                        if event.action == "x_pay":
                            skipped += _pay(d, event, users)
                        elif event.action == "x_rate":
                            actions.rate(d.pk, at=event.at, **event.kwargs)
                        else:
                            sim._run(event, d, users, planner)
                    except actions.ActionError as exc:
                        d.failed = f"{event.action} {timezone.localtime(event.at):%d/%m/%Y %H:%M}: {exc.message}"
                        failures.append(f"#{d.index} ({d.procedure_code}) — {d.failed}")
            touched = {by_index[e.index].pk for e in events[begin : begin + config.batch]} - {None}
            replayed.send(sender=Dossier, dossier_ids=sorted(touched))
            done = min(begin + config.batch, len(events))
            if done % 20000 < config.batch or done == len(events):
                print(f"    {done:,}/{len(events):,} events ({time.perf_counter() - started:.0f} s)", flush=True)
    report = sim._report(config, dossiers, len(events) - skipped, failures, time.perf_counter() - started)
    for line in report.lines():
        print("   ", line)


def _complete_plan(d: Any, cutoff: datetime, rng: random.Random) -> None:
    """Add a payment after intake and a rating after the hand-over to one planned dossier."""
    from motcua.dossiers.simulate import Planned

    events = sorted(d.events, key=lambda e: (e.at, e.seq))
    extra = []
    actions_ = [e.action for e in events]
    if "receive" in actions_ or "receive_at_counter" in actions_:
        first = events[0]
        after = events[1] if len(events) > 1 else None
        gap = (after.at - first.at) if after else timedelta(minutes=30)
        at = first.at + min(timedelta(minutes=rng.uniform(1, 20)), gap / 2)
        online = d.channel == "online" and rng.random() < PAY_ONLINE_SHARE
        receiver = (d.receiving.agency_code, "receiving_officer")
        if online:
            extra.append(Planned(at, d.index, first.seq, "x_pay", None, {"online": True}))
        elif d.channel == "online":
            # paid at the counter when the result is collected (status 9), before the hand-over
            ret = next((e for e in events if e.action == "return_result"), None)
            if ret is not None:
                extra.append(Planned(ret.at - timedelta(minutes=1), d.index, ret.seq - 1, "x_pay", receiver, {}))
        else:
            extra.append(Planned(at, d.index, first.seq, "x_pay", receiver, {}))
    ret = next((e for e in events if e.action == "return_result"), None)
    if ret is not None and rng.random() < RATING_SHARE:
        kiosk = d.result_delivery == "counter"
        at = ret.at + timedelta(minutes=rng.uniform(1, 15) if kiosk else rng.uniform(30, 72 * 60))
        if at <= cutoff:
            level = rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
            extra.append(
                Planned(
                    at, d.index, ret.seq, "x_rate", None, {"level": level, "channel": "kiosk" if kiosk else "portal"}
                )
            )
    # seq only orders events at the same moment: keep the extras after the event they follow
    for e in extra:
        e.seq += 0.5
    d.events.extend(extra)


def _pay(d: Any, event: Any, users: dict) -> int:
    """Pay the fees due on the dossier, online or at the counter; 1 if nothing was due (no event)."""
    from motcua.dossiers import actions
    from motcua.dossiers.models import Dossier

    due = Dossier.objects.values_list("fees_due", "fees_paid").get(pk=d.pk)
    amount = due[0] - due[1]
    if amount <= 0:
        return 1
    if event.kwargs.get("online"):
        actions.record_online_payment(d.pk, amount=amount, provider="sandbox", reference=f"SIM{d.pk}", at=event.at)
    else:
        actions.collect_fee(d.pk, actor=users[event.actor], amount=amount, reference="", at=event.at)
    return 0


# --- 2. the clones --------------------------------------------------------------------------------

DEMO_COMMUNES = ("41", "42", "43", "44", "45")  # the third group of the demo communes' agency codes


def add_communes(n: int) -> list[str]:
    """The communes the clones rotate over: the demo's five, then copies of them up to ``n``.

    Why: the fact table has one row per day, unit, procedure and channel, so its size — what the reports scan —
    grows with the number of communes, not with the number of dossiers. Thành phố Huế has 40 communes and wards
    since 1 July 2025; the demo has 5. A copy of demo commune *j* (committee, one-stop centre, divisions, and
    which procedures each receives and handles) gets the code group 46, 47, … and the name "xã mô phỏng NN"."""
    from django.db import transaction

    from motcua.catalog.models import ProcedureUnit
    from motcua.organizations.models import Unit

    codes = list(DEMO_COMMUNES)
    province = Unit.objects.get(parent=None)
    with transaction.atomic():
        for i in range(max(n, 5) - 5):
            code = str(46 + i)
            codes.append(code)
            if Unit.objects.filter(agency_code=f"000.00.{code}.H57").exists():
                continue
            template = Unit.objects.get(agency_code=f"000.00.{DEMO_COMMUNES[i % 5]}.H57")
            place = template.name.removeprefix("Ủy ban nhân dân ")
            copies: dict[int, Unit] = {}
            for unit in Unit.objects.filter(path__startswith=template.path).order_by("path"):
                parts = unit.agency_code.split(".")
                parts[2] = code
                copy = Unit(
                    name=unit.name.replace(place, f"xã mô phỏng {code}"),
                    kind=unit.kind,
                    agency_code=".".join(parts),
                    parent=province if unit.pk == template.pk else copies[unit.parent_id],
                    office_hours=unit.office_hours,
                )
                copy.save()
                copies[unit.pk] = copy
            ProcedureUnit.objects.bulk_create(
                ProcedureUnit(
                    procedure_id=link.procedure_id,
                    unit=copies[link.unit_id],
                    receives=link.receives,
                    handles=link.handles,
                )
                for link in ProcedureUnit.objects.filter(unit__in=list(copies))
            )
    return codes


def clone(total: int, end: datetime, communes: int) -> tuple[int, float]:
    """Bulk-copy the base (dossiers, events, ratings) until ``total`` dossiers exist; returns (clones, seconds)."""
    from django.db import connection, transaction

    from motcua.dossiers.models import Dossier, DossierEvent, DossierRating
    from motcua.organizations.models import Unit

    sql = Dialect(connection.vendor)
    started = time.perf_counter()
    base = Dossier.objects.count()
    clones = -(-(total - base) // base)
    last = total - base - (clones - 1) * base  # the last clone only copies what is still missing
    stride = 10 ** len(str(Dossier.objects.order_by("-pk").values_list("pk", flat=True).first()))

    codes = add_communes(communes)
    n = len(codes)
    units = {u.agency_code: u.pk for u in Unit.objects.exclude(agency_code=None)}
    rotation = []  # (r, unit, the unit it becomes in a clone with k % n == r)
    for code, pk in units.items():
        parts = code.split(".")
        for r in range(n):
            if parts[2] in DEMO_COMMUNES:  # the base's dossiers are all in the demo communes
                moved = parts.copy()
                moved[2] = codes[(codes.index(parts[2]) + r) % n]
                rotation.append((r, pk, units.get(".".join(moved), pk)))
            else:
                rotation.append((r, pk, pk))

    def columns(model, skip=("id",)) -> list[str]:
        return [f.column for f in model._meta.concrete_fields if f.column not in skip]

    dossier_values = []
    for column in columns(Dossier, skip=()):
        if column == "id":
            dossier_values.append("s.new_id")
        elif column == "code":
            dossier_values.append(
                f"ru.agency_code || '-' || {sql.yymmdd(sql.add_days('d.submitted_at', 's.days'))} || '-' || s.new_id"
            )
        elif column == "receiving_unit_id":
            dossier_values.append("rm.new_id")
        elif column == "handling_unit_id":
            dossier_values.append("hm.new_id")
        elif column in SHIFTED:
            dossier_values.append(sql.add_days(f"d.{column}", "s.days"))
        else:
            dossier_values.append(f'd."{column}"')
    event_values = []
    for column in columns(DossierEvent):
        event_values.append(
            {
                "dossier_id": "s.new_id",
                "at": sql.add_days("e.at", "s.days"),
                "unit_id": "coalesce(um.new_id, e.unit_id)",
                "step_id": "NULL",  # steps are not cloned
            }.get(column, f'e."{column}"')
        )
    rating_values = [
        {"dossier_id": "s.new_id", "at": sql.add_days("r.at", "s.days")}.get(c, f'r."{c}"')
        for c in columns(DossierRating)
    ]

    def q(names: list[str]) -> str:
        return ", ".join(f'"{c}"' for c in names)

    with connection.cursor() as cursor:
        for table in ("bench_umap", "bench_k", "bench_shift", "bench_bd", "bench_be", "bench_br"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE {sql.unlogged()}TABLE bench_umap (r int, old_id int, new_id int)")
        cursor.executemany("INSERT INTO bench_umap VALUES (%s, %s, %s)", rotation)
        cursor.execute(f"CREATE {sql.unlogged()}TABLE bench_bd AS SELECT * FROM dossiers_dossier")
        cursor.execute(f"CREATE {sql.unlogged()}TABLE bench_be AS SELECT * FROM dossiers_dossierevent")
        cursor.execute(f"CREATE {sql.unlogged()}TABLE bench_br AS SELECT * FROM dossiers_dossierrating")
        cursor.execute("CREATE INDEX bench_be_dossier ON bench_be (dossier_id)")
        cursor.execute(f"CREATE {sql.unlogged()}TABLE bench_k (k int, r int, w int)")
        cursor.execute(f"CREATE {sql.unlogged()}TABLE bench_shift (k int, old_id int, new_id int, days int)")
        cursor.execute("ANALYZE")
        batch = 20
        end_literal = sql.moment(end)
        for first in range(1, clones + 1, batch):
            ks = range(first, min(first + batch, clones + 1))
            with transaction.atomic():
                cursor.execute("DELETE FROM bench_k")
                cursor.execute("DELETE FROM bench_shift")
                cursor.executemany("INSERT INTO bench_k VALUES (%s, %s, %s)", [(k, k % 5, k % 52) for k in ks])
                limit = f"(c.k < {clones} OR d.id IN (SELECT id FROM bench_bd ORDER BY id LIMIT {last}))"
                shifted = sql.add_days("d.submitted_at", "c.w * 7")
                cursor.execute(
                    f"INSERT INTO bench_shift SELECT c.k, d.id, d.id + c.k * {stride}, "
                    f"CASE WHEN d.status IN {OPEN} THEN 0 WHEN {shifted} >= {end_literal} THEN c.w * 7 - 364 "
                    f"ELSE c.w * 7 END FROM bench_bd d CROSS JOIN bench_k c WHERE {limit}"
                )
                if sql.pg:
                    cursor.execute("ANALYZE bench_shift")
                cursor.execute(
                    f"INSERT INTO dossiers_dossier ({q(columns(Dossier, skip=()))}) "
                    f"SELECT {', '.join(dossier_values)} FROM bench_shift s JOIN bench_bd d ON d.id = s.old_id "
                    f"JOIN bench_umap rm ON rm.old_id = d.receiving_unit_id AND rm.r = s.k % {n} "
                    f"JOIN bench_umap hm ON hm.old_id = d.handling_unit_id AND hm.r = s.k % {n} "
                    "JOIN organizations_unit ru ON ru.id = rm.new_id"
                )
                cursor.execute(
                    f"INSERT INTO dossiers_dossierevent ({q(columns(DossierEvent))}) "
                    f"SELECT {', '.join(event_values)} FROM bench_shift s JOIN bench_be e ON e.dossier_id = s.old_id "
                    f"LEFT JOIN bench_umap um ON um.old_id = e.unit_id AND um.r = s.k % {n} "
                    f"ORDER BY {sql.add_days('e.at', 's.days')}"  # as events arrive: one dossier's are spread out
                )
                cursor.execute(
                    f"INSERT INTO dossiers_dossierrating ({q(columns(DossierRating))}) "
                    f"SELECT {', '.join(rating_values)} FROM bench_shift s JOIN bench_br r ON r.dossier_id = s.old_id"
                )
            done = Dossier.objects.count()
            print(f"    clones {ks[0]}–{ks[-1]}: {done:,} dossiers ({time.perf_counter() - started:.0f} s)", flush=True)
        if sql.pg:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), "
                "(SELECT max(id) FROM dossiers_dossier))"
            )
        for table in ("bench_umap", "bench_k", "bench_shift", "bench_bd", "bench_be", "bench_br"):
            cursor.execute(f"DROP TABLE {table}")
    analyze()
    return clones, time.perf_counter() - started


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


# --- 3. references: a plain GROUP BY, DuckDB over Parquet -----------------------------------------


@dataclass(frozen=True)
class Query:
    """One statistics question: the province, a period (local dates, inclusive) and a grouping."""

    label: str
    start: date
    end: date
    group_by: str  # "unit" or "month"


def unit_groups(province: Any) -> dict[int, int]:
    """Handling unit id → the child of the province it rolls up to (the rows of group_by="unit")."""
    from motcua.organizations.models import Unit

    children = {u.path: u.pk for u in Unit.objects.filter(parent=province)}
    groups = {}
    for unit in Unit.objects.filter(path__startswith=province.path):
        owner = next((pk for path, pk in children.items() if unit.path.startswith(path)), province.pk)
        groups[unit.pk] = owner
    return groups


def reference_sql(query: Query, dialect: str, table: str = "dossiers_dossier") -> str:
    """The statistics of ``query`` as one GROUP BY (dialect: postgresql, sqlite or duckdb).

    Units roll up through the small table ``bench_unit_group`` (handling unit → row of group_by="unit", every unit
    of the province), joined last. Months are local (Asia/Ho_Chi_Minh); Việt Nam keeps UTC+7 all year, so SQLite
    and DuckDB add 7 hours (DuckDB's ICU time zone conversion doubled its time on the year query), PostgreSQL
    converts with ``AT TIME ZONE``."""
    lo, hi = local_start(query.start), local_start(query.end + timedelta(days=1))
    if dialect == "duckdb":

        def key_of(column: str) -> str:
            return f"strftime(make_timestamp(epoch_us({column}) + 25200000000), '%Y-%m')"

        def bound(value: datetime) -> str:
            return f"TIMESTAMPTZ '{value.astimezone(UTC).isoformat()}'"
    else:
        sql = Dialect(dialect)
        key_of, bound = sql.month, sql.moment

    def key(column: str) -> str:
        return "NULL" if query.group_by == "unit" else key_of(column)

    group = "g.grp" if query.group_by == "unit" else "t.k"
    return f"""
        SELECT {group}, SUM(received), SUM(online), SUM(resolved), SUM(early), SUM(on_time), SUM(late) FROM (
          SELECT handling_unit_id AS u, {key("received_at")} AS k, 1 AS received,
                 CASE WHEN channel = 'online' THEN 1 ELSE 0 END AS online,
                 0 AS resolved, 0 AS early, 0 AS on_time, 0 AS late
            FROM {table}
           WHERE received_at >= {bound(lo)} AND received_at < {bound(hi)}
          UNION ALL
          SELECT handling_unit_id, {key("finished_at")}, 0, 0, 1,
                 CASE WHEN finish_mark = 'early' THEN 1 ELSE 0 END,
                 CASE WHEN finish_mark = 'on_time' OR finish_mark = '' OR finish_mark IS NULL THEN 1 ELSE 0 END,
                 CASE WHEN finish_mark = 'late' THEN 1 ELSE 0 END
            FROM {table}
           WHERE finished_at >= {bound(lo)} AND finished_at < {bound(hi)} AND result_kind <> ''
             AND received_at IS NOT NULL
        ) t JOIN bench_unit_group g ON g.unit_id = t.u GROUP BY {group} ORDER BY {group}"""


def unit_group_table(groups: dict[int, int], execute: Any) -> None:
    """(Re)create ``bench_unit_group`` with ``execute`` (a cursor's or DuckDB's)."""
    execute("DROP TABLE IF EXISTS bench_unit_group")
    execute("CREATE TABLE bench_unit_group (unit_id INTEGER PRIMARY KEY, grp INTEGER)")
    execute("INSERT INTO bench_unit_group VALUES " + ", ".join(f"({u}, {g})" for u, g in sorted(groups.items())))


def rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None


def as_table(rows: list[tuple]) -> dict[str, dict[str, Any]]:
    """(key, received, online, resolved, early, on_time, late) rows → {key: {measure: value}}."""
    table = {}
    for key, received, online, resolved, early, on_time, late in rows:
        received, online, resolved = int(received), int(online), int(resolved)
        early, on_time, late = int(early), int(on_time), int(late)
        table[str(key)] = {
            "received": received,
            "online": online,
            "resolved": resolved,
            "early": early,
            "on_time": on_time,
            "late": late,
            "on_time_rate": rate(early + on_time, resolved),
            "online_rate": rate(online, received),
        }
    return table


def run_group_by(query: Query) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(reference_sql(query, connection.vendor))
        return cursor.fetchall()


EXPORT_COLUMNS = (
    "id",
    "receiving_unit_id",
    "handling_unit_id",
    "procedure_id",
    "channel",
    "status",
    "received_at",
    "finished_at",
    "result_kind",
    "finish_mark",
)


def export_parquet(path: Path) -> tuple[int, float, float]:
    """The dossier columns the statistics read, to Parquet; returns (rows, seconds, MB)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from django.db import connection

    started = time.perf_counter()
    schema = pa.schema(
        [
            ("id", pa.int64()),
            ("receiving_unit_id", pa.int32()),
            ("handling_unit_id", pa.int32()),
            ("procedure_id", pa.int32()),
            ("channel", pa.string()),
            ("status", pa.int16()),
            ("received_at", pa.timestamp("us")),
            ("finished_at", pa.timestamp("us")),
            ("result_kind", pa.string()),
            ("finish_mark", pa.string()),
        ]
    )
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        select = ", ".join(f"{c} AT TIME ZONE 'UTC'" if c.endswith("_at") else c for c in EXPORT_COLUMNS)
        buffer = io.BytesIO()
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY (SELECT {select} FROM dossiers_dossier) TO STDOUT (FORMAT CSV)") as copy:
                for data in copy:
                    buffer.write(data)
        buffer.seek(0)
        table = pacsv.read_csv(
            buffer,
            read_options=pacsv.ReadOptions(column_names=list(EXPORT_COLUMNS)),
            convert_options=pacsv.ConvertOptions(
                column_types=schema, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    else:
        arrays: dict[str, list] = {c: [] for c in EXPORT_COLUMNS}
        # the raw sqlite3 cursor: moments come back as stored, UTC text (or naive UTC datetimes if converted)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(f"SELECT {', '.join(EXPORT_COLUMNS)} FROM dossiers_dossier")
            while rows := cursor.fetchmany(100_000):
                for name, values in zip(EXPORT_COLUMNS, zip(*rows, strict=True), strict=True):
                    arrays[name].extend(values)
        finally:
            cursor.close()
        columns = []
        for field in schema:
            values = arrays[field.name]
            if pa.types.is_timestamp(field.type) and any(isinstance(v, str) for v in values[:1000]):
                columns.append(pa.array(values, pa.string()).cast(field.type))
            else:
                columns.append(pa.array(values, field.type))
        table = pa.Table.from_arrays(columns, schema=schema)
    # the stored moments are UTC: say so, DuckDB then reads TIMESTAMPTZ and converts with the session time zone
    table = table.set_column(6, "received_at", table["received_at"].cast(pa.timestamp("us", tz="UTC")))
    table = table.set_column(7, "finished_at", table["finished_at"].cast(pa.timestamp("us", tz="UTC")))
    pq.write_table(table, path)
    return table.num_rows, time.perf_counter() - started, path.stat().st_size / 1e6


# --- timing -----------------------------------------------------------------------------------------


def timed(fn, runs: int) -> tuple[list[float], Any]:
    result = fn()  # warm-up (also the result compared)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def where_time_goes(label: str, fn: Any, explain: bool) -> None:
    """One more call with the queries recorded: how many, their time, the slowest (and its plan if asked)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # a full log (9,000 queries) would make the capture below look empty
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        fn()
    elapsed = (time.perf_counter() - started) * 1000
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    in_sql = sum(t for t, _ in queries)
    print(f"    {label}: {len(queries)} queries, {in_sql:.0f} ms in the database of {elapsed:.0f} ms; slowest:")
    for ms, sql_text in sorted(queries, reverse=True)[:3]:
        print(f"      {ms:7.0f} ms  {' '.join(sql_text.split())[:150]}…")
    if explain and queries:
        slowest = max(queries)[1]
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + slowest)
            for row in cursor.fetchall():
                print(f"        {row[0] if connection.vendor == 'postgresql' else row[-1]}")


def line(label: str, times: list[float], target: float | None = None) -> str:
    p50, p95 = statistics.median(times), percentile(times, 95)
    verdict = ""
    if target is not None:
        verdict = f"  (target ≤ {target:.0f} ms {'✔' if p95 <= target else '✘'})"
    return f"  {label:<74} {p50:>9.1f} {p95:>9.1f} {max(times):>9.1f}{verdict}"


def ours_table(result: Any, query: Query, groups: dict[int, int]) -> dict[str, dict[str, Any]]:
    """Our Statistics rows in the shape of the references (keys: group unit id, or 'YYYY-MM')."""
    table = {}
    for row in result.rows:
        key = row_key(row, query)
        table[key] = {m: getattr(row, m) for m in MEASURES}
    return table


def row_key(row: Any, query: Query) -> str:
    key = getattr(row, "key", None)
    if query.group_by == "unit":
        unit = getattr(row, "unit", None)
        if unit is not None and hasattr(unit, "pk"):
            return str(unit.pk)
        return str(key)
    if isinstance(key, date):
        return f"{key:%Y-%m}"
    return str(key)[:7]


def compare(name: str, ours: dict, other: dict) -> int:
    """Print each difference; returns how many there are. Rows with nothing in them may be absent on one side."""
    problems = 0
    for key in sorted(ours.keys() | other.keys()):
        a, b = ours.get(key), other.get(key)
        if a is None or b is None:
            present = a or b
            if present and any(present[m] for m in ("received", "resolved")):
                print(f"  !!! MISMATCH {name}: row {key} only on {'ours' if b is None else 'reference'}: {present}")
                problems += 1
            continue
        for measure in MEASURES:
            if a[measure] != b[measure]:
                print(f"  !!! MISMATCH {name}: row {key} {measure}: ours {a[measure]} ≠ reference {b[measure]}")
                problems += 1
    return problems


def total_of(table: dict[str, dict[str, Any]]) -> dict[str, Any]:
    total = {m: sum(row[m] for row in table.values()) for m in MEASURES[:6]}
    total["on_time_rate"] = rate(total["early"] + total["on_time"], total["resolved"])
    total["online_rate"] = rate(total["online"], total["received"])
    return total


def print_table(title: str, table: dict[str, dict[str, Any]], names: dict[str, str]) -> None:
    print(f"\n  {title}")
    print(f"    {'row':<34} {'received':>9} {'online':>8} {'resolved':>9} {'early':>8} {'on time':>8} {'late':>7}")
    for key in sorted(table):
        r = table[key]
        print(
            f"    {names.get(key, key)[:34]:<34} {r['received']:>9,} {r['online']:>8,} {r['resolved']:>9,} "
            f"{r['early']:>8,} {r['on_time']:>8,} {r['late']:>7,}  "
            f"on time {r['on_time_rate']}%  online {r['online_rate']}%"
        )
    t = total_of(table)
    print(
        f"    {'TOTAL':<34} {t['received']:>9,} {t['online']:>8,} {t['resolved']:>9,} {t['early']:>8,} "
        f"{t['on_time']:>8,} {t['late']:>7,}  on time {t['on_time_rate']}%  online {t['online_rate']}%"
    )


# --- one engine -----------------------------------------------------------------------------------


def run_engine(args: argparse.Namespace) -> int:
    server = None
    if args.engine == "postgresql":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            if not (PG_BIN / "initdb").exists():
                print(f"Cần PostgreSQL 15 ({PG_BIN}) hoặc DATABASE_URL=postgres://…", file=sys.stderr)
                return 2
            server = ThrowawayPostgres(args.pg_dir)
            os.environ["DATABASE_URL"] = server.start()
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{args.sqlite}"
    os.environ.setdefault("SECRET_KEY", "benchmark-secret-key-that-is-long-enough-for-django-checks")
    os.environ.setdefault("MOTCUA_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    try:
        return _run_engine(args, server)
    finally:
        if server is not None:
            from django.db import connections

            connections.close_all()
            server.stop(delete=not args.keep)
        elif args.engine == "sqlite" and not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{args.sqlite}{suffix}").unlink(missing_ok=True)


def _run_engine(args: argparse.Namespace, server: ThrowawayPostgres | None) -> int:
    import django

    django.setup()
    import duckdb
    import pyarrow
    from django.core.management import call_command
    from django.db import connection

    from motcua.dossiers.models import Dossier, DossierEvent, DossierRating
    from motcua.organizations.models import Unit
    from motcua.reports.models import DailyFact, MonthlyFact

    start = args.start
    end = start + timedelta(days=args.days - 1)
    window_end = local_start(start + timedelta(days=args.days))
    month_start = date.fromisoformat(args.month + "-01")
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            engine = f"PostgreSQL {cursor.fetchone()[0]} ({'throwaway cluster' if server else 'DATABASE_URL'})"
        else:
            cursor.execute("SELECT sqlite_version()")
            engine = f"SQLite {cursor.fetchone()[0]} (file {args.sqlite}, WAL)"
    print(f"\n==================== {engine} ====================")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"code: {code_version()}")
    call_command("migrate", verbosity=0)

    existing = Dossier.objects.count()
    if existing == 0:
        print(
            f"\n1. base: {args.base:,} dossiers planned by the simulator over {start:%d/%m/%Y}–{end:%d/%m/%Y}, "
            f"with payments and ratings, replayed through the real actions (seed {args.seed})"
        )
        began = time.perf_counter()
        build_base(args.base, args.seed, start, args.days)
        print(f"   ({time.perf_counter() - began:.0f} s)")
    base = Dossier.objects.count()
    if base < args.total:
        events, ratings = DossierEvent.objects.count(), DossierRating.objects.count()
        print(f"   base: {base:,} dossiers, {events:,} events ({events / base:.2f} per dossier), {ratings:,} ratings")
        if existing not in (0, base):
            print("   (a partly cloned database: delete it and start again)", file=sys.stderr)
            return 2
        print(f"\n2. bulk clone (SQL INSERT … SELECT of dossiers + events + ratings) from {base:,} to {args.total:,}")
        clones, seconds = clone(args.total, window_end, args.communes)
        print(f"   {clones} clones in {seconds:.0f} s (with VACUUM ANALYZE / ANALYZE)")
    else:
        print(f"\n(re-using the {base:,} dossiers already in the database)")
        analyze()
    dossiers, events, ratings = Dossier.objects.count(), DossierEvent.objects.count(), DossierRating.objects.count()
    print(
        f"\ndata: {dossiers:,} dossiers, {events:,} events ({events / dossiers:.2f} per dossier), {ratings:,} ratings"
    )
    communes = Unit.objects.filter(kind="commune_committee").count()
    print(f"units: {Unit.objects.count()} ({communes} communes); database size: {database_size(args):.0f} MB")

    print(f"\n3. fact tables — load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.skip_rebuild and DailyFact.objects.exists():
        print(
            f"   rebuild skipped (--skip-rebuild): {DailyFact.objects.count():,} daily and "
            f"{MonthlyFact.objects.count():,} monthly fact rows re-used"
        )
    else:
        from motcua.reports.facts import rebuild

        last = [time.perf_counter()]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 60 or done == total:
                last[0] = time.perf_counter()
                print(f"    {done:,}/{total:,} dossiers", flush=True)

        report = rebuild(progress=progress)
        rate_ = report.dossiers / report.seconds if report.seconds else 0
        print(
            f"   rebuild(): {report.dossiers:,} dossiers → {report.fact_rows:,} daily and {report.monthly_rows:,} "
            f"monthly fact rows in {report.seconds:.0f} s "
            f"({rate_:,.0f} dossiers/s)"
        )
        analyze()

    province = Unit.objects.get(parent=None)
    groups = unit_groups(province)
    names = {str(u.pk): u.name for u in Unit.objects.filter(pk__in=set(groups.values()))}
    queries = [
        Query(f"month {month_start:%m/%Y}, group_by=unit", month_start, month_end, "unit"),
        Query(f"year {start:%m/%Y}–{end:%m/%Y}, group_by=month", start, end, "month"),
    ]
    runs = args.runs
    print(
        f"\n4. timings over {runs} runs after one warm-up (ms) — load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"  {'measure':<74} {'p50':>9} {'p95':>9} {'max':>9}")
    results: dict[str, Any] = {}
    ours_times: dict[str, list[float]] = {}
    failed = False
    try:
        from motcua.reports import scorecard as scorecard_module
    except ImportError as exc:
        print(f"  scorecard: not available yet ({exc})")
        scorecard_module = None
    diagnose: list[tuple[str, Any]] = []
    if scorecard_module is not None:
        diagnose.append(("scorecard", lambda: scorecard_module.scorecard(province, start, end)))
        times, _ = timed(diagnose[-1][1], runs)
        print(line(f"scorecard(province, {start:%d/%m/%Y}–{end:%d/%m/%Y})", times, TARGET_MS))
        failed |= percentile(times, 95) > TARGET_MS
    try:
        from motcua.reports import statistics as statistics_module
    except ImportError as exc:
        print(f"  statistics: not available yet ({exc})")
        statistics_module = None
    for query in queries:
        if statistics_module is None:
            continue
        diagnose.append(
            (
                f"statistics.compute, {query.label}",
                lambda q=query: statistics_module.compute(province, q.start, q.end, group_by=q.group_by),
            )
        )
        times, result = timed(diagnose[-1][1], runs)
        print(line(f"statistics.compute: {query.label}", times, TARGET_MS))
        failed |= percentile(times, 95) > TARGET_MS
        ours_times[query.label] = times
        results[("ours", query.label)] = ours_table(result, query, groups)
    for label, fn in diagnose:
        where_time_goes(label, fn, args.explain)
    ref_times: dict[tuple[str, str], list[float]] = {}
    with connection.cursor() as cursor:
        unit_group_table(groups, cursor.execute)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE bench_unit_group")
    for query in queries:
        times, rows = timed(lambda q=query: run_group_by(q), runs)
        print(line(f"plain GROUP BY over dossiers_dossier: {query.label}", times))
        ref_times[("group_by", query.label)] = times
        results[("group_by", query.label)] = as_table(rows)

    parquet = Path(args.parquet_dir) / f"motcua-bench-reports-{connection.vendor}.parquet"
    rows, seconds, mb = export_parquet(parquet)
    print(
        f"\n  export to Parquet ({connection.vendor} → pyarrow {pyarrow.__version__} → {parquet}): {rows:,} rows, "
        f"{len(EXPORT_COLUMNS)} columns, {mb:.0f} MB in {seconds:.1f} s"
    )
    duck = duckdb.connect()
    duck.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    table = f"read_parquet('{parquet}')"
    unit_group_table(groups, duck.execute)
    threads = duck.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"  DuckDB {duckdb.__version__}, {threads} threads, reading the Parquet file at each run:")
    for query in queries:
        sql_text = reference_sql(query, "duckdb", table)
        times, rows_ = timed(lambda s=sql_text: duck.execute(s).fetchall(), runs)
        print(line(f"DuckDB over Parquet: {query.label}", times))
        ref_times[("duckdb", query.label)] = times
        results[("duckdb", query.label)] = as_table(rows_)
    duck.close()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_unit_group")
    if not args.keep_parquet:
        parquet.unlink(missing_ok=True)

    print("\n5. same numbers?")
    mismatches = 0
    for query in queries:
        for ref in ("group_by", "duckdb"):
            base_name = "ours" if ("ours", query.label) in results else "group_by"
            if base_name == ref:
                continue
            n = compare(
                f"{base_name} vs {ref}, {query.label}", results[(base_name, query.label)], results[(ref, query.label)]
            )
            print(f"  {base_name} vs {ref}, {query.label}: {'identical' if n == 0 else f'{n} DIFFERENCES'}")
            mismatches += n
        if ("ours", query.label) not in results:
            print(f"  (ours not measured for {query.label}: GROUP BY vs DuckDB only)")
    for query in queries:
        key = ("ours", query.label) if ("ours", query.label) in results else ("group_by", query.label)
        print_table(f"{query.label} ({key[0]})", results[key], names)

    if ours_times:
        print("\n6. ratios (median, ours ÷ reference)")
        for query in queries:
            if query.label not in ours_times:
                continue
            ours = statistics.median(ours_times[query.label])
            for ref, label in (("duckdb", "DuckDB over Parquet"), ("group_by", "plain GROUP BY")):
                other = statistics.median(ref_times[(ref, query.label)])
                print(f"  {query.label}: ours {ours:.1f} ms ÷ {label} {other:.1f} ms = {ours / other:.2f}×")
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if mismatches:
        print(f"\n!!! {mismatches} MISMATCHES between the three computations !!!")
    return 1 if (mismatches or failed) else 0


def database_size(args: argparse.Namespace) -> float:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0] / 1e6
    return (
        sum(Path(f"{args.sqlite}{s}").stat().st_size for s in ("", "-wal") if Path(f"{args.sqlite}{s}").exists()) / 1e6
    )


# --- main -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("both", "postgresql", "sqlite"), default="both")
    parser.add_argument("--total", type=int, default=2_000_000)
    parser.add_argument("--base", type=int, default=10_000)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 7, 1))
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--month", default="2026-03", help="the month of the group_by=unit statistics (YYYY-MM)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--communes", type=int, default=40, help="communes the clones rotate over (demo: 5; more are copies; ≤ 59)"
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-rebuild", action="store_true", help="re-use the fact table if it is not empty")
    parser.add_argument("--keep", action="store_true", help="keep the databases (cluster running, SQLite file)")
    parser.add_argument("--keep-parquet", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print the plan of the slowest query of each measure")
    parser.add_argument("--pg-dir", type=Path, default=Path("/tmp/motcua-bench-reports-pg"))
    parser.add_argument("--sqlite", type=Path, default=Path("/tmp/motcua-bench-reports.sqlite3"))
    parser.add_argument("--parquet-dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 5 <= args.communes <= 59:
        parser.error("--communes: from 5 (the demo's) to 59 (two-digit agency code groups 41–99)")

    if args.engine != "both" and args.child:
        return run_engine(args)
    import django
    import duckdb
    import pyarrow

    print(f"motcua reports benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs ({cpu_name()}), Python {platform.python_version()}, "
        f"Django {django.get_version()}, DuckDB {duckdb.__version__}, pyarrow {pyarrow.__version__}"
    )
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"size: {args.total:,} dossiers cloned from a simulated base of {args.base:,} over {args.communes} communes, "
        f"{args.start:%d/%m/%Y} + {args.days} days; {args.runs} timed runs per measure"
    )
    status = 0
    for engine in ("postgresql", "sqlite") if args.engine == "both" else (args.engine,):
        command = [sys.executable, __file__, *sys.argv[1:], "--engine", engine, "--child"]
        began = time.perf_counter()
        code = subprocess.run(command, env=dict(os.environ)).returncode
        print(f"\n[{engine}: exit {code}, {(time.perf_counter() - began) / 60:.1f} min]", flush=True)
        status = status or code
    return status


def code_version() -> str:
    """The commit, and a digest of the reports code as it is on disk (it may have uncommitted changes)."""
    import hashlib

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    digest = hashlib.sha256()
    for name in sorted((ROOT / "src/motcua/reports").glob("*.py")):
        digest.update(name.read_bytes())
    return f"commit {commit}, src/motcua/reports/*.py sha256 {digest.hexdigest()[:12]}"


def cpu_name() -> str:
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                return row.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


if __name__ == "__main__":
    sys.exit(main())
