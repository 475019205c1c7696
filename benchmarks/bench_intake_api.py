"""Counter intake through the HTTP API, sustained: dossiers per second on a real server.

What it does:

1. Uses ``DATABASE_URL`` if given, else starts a throwaway PostgreSQL 15 cluster under /tmp on a spare
   port (stopped and removed at the end). ``--db sqlite`` uses a fresh SQLite file instead.
2. Migrates, loads the demo province and the demo catalogue, and creates one receiving officer (with an API
   token) per receiving centre that accepts the chosen procedure, so intake spreads over several
   unit-day code sequences as in a real province.
3. Serves the app with gunicorn on 127.0.0.1: sync workers, as ``make run`` does (one request at a time
   per process, a connection per request). ``--worker-class gthread --keep-alive`` is there to compare:
   a kept-alive connection stays with the worker that accepted it, so load spreads unevenly and threads
   of one worker queue behind its GIL (measured: the machine sat 40 % idle at 47 dossiers/s).
4. Drives POST /api/v1/dossiers/ from separate client processes, 12 threads in all, each request with a
   unique ``Idempotency-Key`` and applicant, for a bounded time. The client sends pre-encoded bytes over
   plain sockets (``LeanConnection``): it shares the two cores with the server, and ``http.client`` with
   per-request JSON encoding cost several milliseconds of CPU per request.
5. Fires pairs of identical concurrent requests (same key) and checks each pair made one dossier.
6. Verifies: dossiers in the database == 201 answers; codes have no gaps per unit-day; every sequence
   counter equals its highest code.

7. Reports CPU per dossier: the web workers, PostgreSQL, the client, and the whole machine's busy share.

Usage: ``.venv/bin/python benchmarks/bench_intake_api.py [--db postgres|sqlite] [--duration 20]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SECRET = "bench-secret-key-that-is-long-enough-for-production-checks"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(command: str) -> None:
    if os.geteuid() == 0:
        subprocess.run(["su", "postgres", "-s", "/bin/bash", "-c", command], check=True)
    else:
        subprocess.run(["bash", "-c", command], check=True)


class Postgres:
    """A throwaway cluster: trust auth on loopback, fsync on (the numbers must mean something)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="motcua-bench-pg-"))
        self.port = free_port()
        self.data = self.dir / "data"

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        as_postgres(f"{PG_BIN}/initdb -D {self.data} -U postgres --auth=trust -E UTF8 --no-locale >/dev/null")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        options += " -c shared_buffers=256MB"
        as_postgres(f"{PG_BIN}/pg_ctl -D {self.data} -o '{options}' -l {self.dir}/log -w start >/dev/null")
        as_postgres(f"{PG_BIN}/createdb -h 127.0.0.1 -p {self.port} -U postgres motcua_bench")
        return f"postgres://postgres@127.0.0.1:{self.port}/motcua_bench"

    def stop(self) -> None:
        try:
            as_postgres(f"{PG_BIN}/pg_ctl -D {self.data} -m fast -w stop >/dev/null")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# --- set-up (in this process, before any client is forked) ------------------------------------------


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare() -> list[dict]:
    """Demo data, bench officers with tokens, and one valid intake body per receiving centre."""
    from django.core.management import call_command
    from django.db import transaction
    from rest_framework.authtoken.models import Token
    from tests.factories import UserFactory

    from motcua.catalog.models import Procedure
    from motcua.dossiers import actions
    from motcua.organizations.demo import load_demo
    from motcua.organizations.models import Role, RoleAssignment

    call_command("migrate", verbosity=0)
    load_demo()
    try:
        from motcua.catalog.demo import load_demo_catalog

        load_demo_catalog()
        code = "1.001193"
    except ImportError:
        raise SystemExit("demo catalogue not available") from None
    procedure = Procedure.objects.get(code=code)
    version = procedure.current_version()
    role = Role.objects.get(code="receiving_officer")
    plans = []
    for link in procedure.unit_links.filter(receives=True).select_related("unit"):
        user = UserFactory(username=f"bench.{link.unit.agency_code}")
        RoleAssignment.objects.create(user=user, role=role, unit=link.unit)
        body = {
            "procedure_code": code,
            "receiving_unit": link.unit.agency_code,
            "channel": "counter",
            "applicant": {"full_name": "Nguyễn Văn Thử", "phone": "0912345678", "address": "Huế"},
            "documents": [{"required_document_id": d.pk, "count": 1} for d in version.documents.filter(required=True)],
            "result_delivery": "counter",
        }
        try:  # a dry run, rolled back: keep only the centres where this procedure is really received
            with transaction.atomic():
                intake = actions.Intake(
                    procedure_code=code,
                    receiving_unit=link.unit,
                    applicant=actions.ApplicantData(full_name="Thử", id_number="000000000000"),
                    documents=[actions.SubmittedDocument(d["required_document_id"]) for d in body["documents"]],
                )
                actions.receive_at_counter(intake, actor=type(user).objects.get(pk=user.pk))
                transaction.set_rollback(True)
        except actions.ActionError as exc:
            print(f"  skip {link.unit.agency_code}: {exc.message}")
            continue
        plans.append({"token": Token.objects.create(user=user).key, "body": body, "unit": link.unit.agency_code})
    if not plans:
        raise SystemExit("no receiving centre accepts the procedure")
    return plans


def verify(expected_created: int, started_count: int) -> dict:
    from collections import defaultdict

    from motcua.dossiers.models import Dossier, DossierSequence

    created = Dossier.objects.count() - started_count
    by_unit_day: dict[tuple[int, str], list[int]] = defaultdict(list)
    for unit_id, code in Dossier.objects.values_list("receiving_unit_id", "code"):
        _, day, seq = code.rsplit("-", 2)
        by_unit_day[(unit_id, day)].append(int(seq))
    gaps = 0
    for seqs in by_unit_day.values():
        seqs.sort()
        gaps += seqs != list(range(1, len(seqs) + 1))
    counters_ok = all(
        s.last == len(by_unit_day.get((s.unit_id, f"{s.day:%y%m%d}"), [])) for s in DossierSequence.objects.all()
    )
    return {
        "created": created,
        "expected": expected_created,
        "unit_days": len(by_unit_day),
        "unit_days_with_gaps": gaps,
        "sequence_counters_ok": counters_ok,
    }


def cpu_seconds(roots: list[int]) -> float:
    """User+system CPU of ``roots`` and their children (gunicorn workers, PostgreSQL backends), from /proc.

    The machine may be shared: CPU-seconds per dossier tell what intake costs independently of what
    else is running, and 2 cores / that cost is the ceiling on an idle machine."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid in roots or ppid in roots:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def machine_cpu() -> tuple[float, float]:
    """(busy, steal) CPU-seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


# --- load -------------------------------------------------------------------------------------------


def _post(conn: http.client.HTTPConnection, token: str, body: dict, key: str) -> tuple[int, bytes]:
    payload = json.dumps(body).encode()
    headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        "Host": "127.0.0.1",
    }
    conn.request("POST", "/api/v1/dossiers/", body=payload, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


class LeanConnection:
    """A keep-alive HTTP/1.1 client that costs the shared CPU as little as possible.

    Client and server share this machine's two cores; ``http.client`` plus per-request JSON encoding
    spent several milliseconds of CPU per request that the server then lacked. This sends pre-encoded
    request bytes and reads the answer by Content-Length; the server sees ordinary requests."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        return self.sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        sock = self._connect()
        sock.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            chunk = sock.recv(65536)
            if not chunk:
                raise OSError("connection closed")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(self.buffer) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise OSError("connection closed")
            self.buffer += chunk
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, body


ID_PLACEHOLDER = "@@IDNUMBER@@"


def request_template(plan: dict, keep_alive: bool = True) -> tuple[bytes, bytes]:
    """The POST with the citizen ID left as a placeholder; the key and ID are filled in per request."""
    body = json.loads(json.dumps(plan["body"]))
    body["applicant"]["id_number"] = ID_PLACEHOLDER
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (
        "POST /api/v1/dossiers/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Token {plan['token']}\r\nContent-Length: {len(payload)}\r\n"
        + ("" if keep_alive else "Connection: close\r\n")
    ).encode()
    return head, payload


def _client_thread(
    port: int, plan: dict, stop_at: float, warm_until: float, prefix: str, out: list, keep_alive: bool
) -> None:
    conn = LeanConnection(port)
    head, payload = request_template(plan, keep_alive)
    placeholder = ID_PLACEHOLDER.encode()
    n = 0
    while True:
        now = time.perf_counter()
        if now >= stop_at:
            break
        n += 1
        id_number = f"{prefix}{n:06d}".encode()  # 12 digits, as long as the placeholder's slot in the template
        request = head + b"Idempotency-Key: " + f"{prefix}-{n}-{uuid.uuid4()}".encode() + b"\r\n\r\n"
        request = request.replace(
            b"Content-Length: " + str(len(payload)).encode(),
            b"Content-Length: %d" % (len(payload) - len(placeholder) + len(id_number)),
        )
        request += payload.replace(placeholder, id_number)
        start = time.perf_counter()
        try:
            status, _ = conn.exchange(request)
        except OSError:
            conn.close()
            status = -1
        if not keep_alive:
            conn.close()
        end = time.perf_counter()
        out.append((start >= warm_until, status, end - start))
    conn.close()


def _client_process(
    port: int, plans: list[dict], threads: int, index: int, stop_at_delta: float, warm: float, keep_alive: bool, queue
):
    t0 = time.perf_counter()
    stop_at, warm_until = t0 + stop_at_delta, t0 + warm
    results: list[list] = [[] for _ in range(threads)]
    workers = []
    for t in range(threads):
        plan = plans[(index * threads + t) % len(plans)]
        prefix = f"{index:02d}{t:02d}"  # 4 digits + 6 digits of counter + 2 = 12-digit citizen id
        worker = threading.Thread(
            target=_client_thread,
            args=(port, plan, stop_at, warm_until, f"{prefix}00", results[t], keep_alive),
            daemon=True,
        )
        workers.append(worker)
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(([r for rs in results for r in rs], time.process_time()))


def run_load(
    port: int, plans: list[dict], processes: int, threads: int, duration: float, warm: float, keep_alive: bool
) -> dict:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=_client_process, args=(port, plans, threads, i, duration + warm, warm, keep_alive, queue)
        )
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    answers = [queue.get() for _ in procs]
    rows = [r for rows_of_one, _cpu in answers for r in rows_of_one]
    client_cpu = sum(cpu for _rows, cpu in answers)
    for p in procs:
        p.join()
    measured = [r for r in rows if r[0]]
    ok = [r for r in measured if r[1] == 201]
    latencies = sorted(r[2] for r in ok)
    errors: dict[int, int] = {}
    for r in measured:
        if r[1] != 201:
            errors[r[1]] = errors.get(r[1], 0) + 1
    return {
        "requests": len(measured),
        "created_201": len(ok),
        "all_201": sum(1 for r in rows if r[1] == 201),
        "per_second": len(ok) / duration,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else None,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else None,
        "errors": errors,
        "client_cpu_ms_per_request": client_cpu * 1000 / max(1, len(rows)),
    }


def twins(port: int, plan: dict, pairs: int) -> dict:
    """Identical requests sent at the same moment (same key): exactly one dossier per pair."""
    results = []
    for i in range(pairs):
        body = json.loads(json.dumps(plan["body"]))
        body["applicant"]["id_number"] = f"99{i:010d}"
        key = f"twin-{uuid.uuid4()}"
        answers: list[tuple[int, bytes]] = []
        barrier = threading.Barrier(2)

        def send(body=body, key=key, answers=answers, barrier=barrier) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            barrier.wait()
            answers.append(_post(conn, plan["token"], body, key))
            conn.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = {json.loads(a[1]).get("code") for a in answers}
        results.append(([a[0] for a in answers], codes))
    same = sum(1 for statuses, codes in results if statuses == [201, 201] and len(codes) == 1)
    return {"pairs": pairs, "pairs_answered_201_with_one_code": same}


# --- main -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-class", default="sync", choices=["sync", "gthread"], help="sync: as `make run` serves"
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread only)")
    parser.add_argument(
        "--worker-connections",
        type=int,
        default=0,
        help="keep-alive connections one worker takes (default: its threads, so connections spread over workers)",
    )
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--client-threads", type=int, default=6, help="per client process")
    parser.add_argument(
        "--keep-alive",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="clients keep their connection (a worker then keeps it too); --no-keep-alive: one per request",
    )
    parser.add_argument("--twins", type=int, default=20)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="motcua-bench-home-"))
    pg = None
    database_url = os.environ.get("DATABASE_URL", "") if args.db == "postgres" else ""
    if args.db == "postgres" and not database_url:
        pg = Postgres()
        database_url = pg.start()
    elif args.db == "sqlite":
        database_url = f"sqlite:///{home / 'bench.sqlite3'}"
    env = {
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "MOTCUA_HOME": str(home),
        "MOTCUA_TESTING": "1",  # plain static storage: the API serves no pages, no collectstatic needed
        "MOTCUA_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
    }
    server = None
    try:
        django_setup(env)
        from django.db import connections

        plans = prepare()
        from motcua.dossiers.models import Dossier

        before = Dossier.objects.count()
        connections.close_all()
        port = free_port()
        server = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "motcua.wsgi:application",
                "--workers",
                str(args.workers),
                "--worker-class",
                args.worker_class,
                "--threads",
                str(args.threads),
                "--bind",
                f"127.0.0.1:{port}",
                "--keep-alive",
                "30",
                "--worker-connections",
                str(args.worker_connections or args.threads),
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
            ],
            env={**os.environ, **env, "PYTHONPATH": str(ROOT / "src")},
            start_new_session=True,
        )
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        roots = [server.pid]
        if pg is not None:
            roots.append(int((pg.data / "postmaster.pid").read_text().split()[0]))
        cpu_before, machine_before, wall_before = cpu_seconds(roots), machine_cpu(), time.perf_counter()
        web_before = cpu_seconds(roots[:1])
        load = run_load(
            port, plans, args.client_processes, args.client_threads, args.duration, args.warmup, args.keep_alive
        )
        cpu_used = cpu_seconds(roots) - cpu_before
        web_used = cpu_seconds(roots[:1]) - web_before
        machine_after, wall = machine_cpu(), time.perf_counter() - wall_before
        load["machine_busy_percent"] = 100 * (machine_after[0] - machine_before[0]) / (wall * (os.cpu_count() or 1))
        load["machine_steal_percent"] = 100 * (machine_after[1] - machine_before[1]) / (wall * (os.cpu_count() or 1))
        load["server_cpu_ms_per_dossier"] = cpu_used * 1000 / max(1, load["all_201"])
        load["of_which_web_workers_ms"] = web_used * 1000 / max(1, load["all_201"])
        load["idle_2_core_ceiling_per_second"] = 2000 / max(1e-9, load["server_cpu_ms_per_dossier"])
        load["load_average_after"] = os.getloadavg()
        twin = twins(port, plans[0], args.twins)
        result = verify(load["all_201"] + args.twins, before)
        print(
            json.dumps(
                {
                    "db": args.db,
                    "machine": f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
                    "server": f"gunicorn {args.worker_class} {args.workers}×{args.threads}, "
                    f"{args.worker_connections or args.threads} connections per worker",
                    "clients": f"{args.client_processes} processes × {args.client_threads} threads, keep-alive",
                    "receiving_units": [p["unit"] for p in plans],
                    "duration_s": args.duration,
                    "load": load,
                    "twins": twin,
                    "verify": result,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001
            pass
        if pg is not None:
            pg.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
