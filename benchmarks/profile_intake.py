"""Counter intake in-process: SQL statements per intake, and milliseconds of Python and PostgreSQL CPU each.

Uses the same set-up as ``bench_intake_api.py`` (throwaway PostgreSQL cluster, demo province and catalogue,
one officer per receiving centre) but sends the POSTs through Django's test client, so the figures are
the application's cost without HTTP and gunicorn. Rounds of ``--intakes`` requests; the fastest round is
reported (this virtual machine's speed varies by tens of percent over minutes).

Usage: ``.venv/bin/python benchmarks/profile_intake.py [--intakes 200] [--rounds 5] [--sql] [--profile FILE]``
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_intake_api as bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--intakes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="print the statements of one intake")
    parser.add_argument("--profile", help="write a cProfile of one extra round to this file")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="motcua-profile-"))
    pg = bench.Postgres()
    env = {
        "SECRET_KEY": bench.SECRET,
        "DATABASE_URL": pg.start(),
        "MOTCUA_HOME": str(home),
        "MOTCUA_TESTING": "1",
        "MOTCUA_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
    }
    try:
        bench.django_setup(env)
        plans = bench.prepare()
        from django.db import connection, connections
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client, plan, counter = Client(HTTP_HOST="127.0.0.1"), plans[0], iter(range(10**9))

        def intake() -> None:
            body = json.loads(json.dumps(plan["body"]))
            body["applicant"]["id_number"] = f"55{next(counter):010d}"
            response = client.post(
                "/api/v1/dossiers/",
                data=json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {plan['token']}",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            )
            assert response.status_code == 201, response.content

        for _ in range(30):  # warm the process caches (catalogue snapshot, calendar, URL resolver)
            intake()
        with CaptureQueriesContext(connection) as captured:
            intake()
        print(f"SQL statements per intake: {len(captured.captured_queries)}")
        if args.sql:
            for query in captured.captured_queries:
                print("  ", query["sql"][:160])
        postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
        best = None
        for _ in range(args.rounds):
            wall, pg_cpu = time.perf_counter(), bench.cpu_seconds([postmaster])
            usage = resource.getrusage(resource.RUSAGE_SELF)
            for _ in range(args.intakes):
                intake()
            after = resource.getrusage(resource.RUSAGE_SELF)
            row = (
                (time.perf_counter() - wall) * 1000 / args.intakes,
                (after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime) * 1000 / args.intakes,
                (bench.cpu_seconds([postmaster]) - pg_cpu) * 1000 / args.intakes,
            )
            best = row if best is None or row[0] < best[0] else best
        per, python, postgres = best
        print(
            f"fastest of {args.rounds} rounds of {args.intakes}: {per:.2f} ms per intake "
            f"(Python {python:.2f} ms, PostgreSQL {postgres:.2f} ms CPU)"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.intakes):
                intake()
            profiler.disable()
            profiler.dump_stats(args.profile)
            print(f"cProfile written to {args.profile}")
        connections.close_all()
    finally:
        pg.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
