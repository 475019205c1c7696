"""Benchmark of the public catalogue search (plain script: ``python benchmarks/bench_catalog_search.py``).

Builds a throwaway catalogue of 5,000 procedures from the real national lists, then times the public
search API (``GET /api/v1/public/procedures/``) with Django's test client: p50/p95/max over a mix of
realistic queries. Target: p95 ≤ 50 ms.

* The real lists are read at run time from ``$MOTCUA_NATIONAL_PORTAL_FIXTURES`` (default
  ``/work/shared/fixtures/national-portal``): ``danh-sach-tthc-*.xlsx``, 610 procedures of the Ministries of
  Justice and Public Security. They are not redistributable, so they are never copied into the repository;
  without them the script says so and exits with status 2.
* The other 4,390 procedures are the real ones localised the way provinces localise them: the real code with
  a province's agency suffix (``1.001193.H26``) and the real name with a real variant or place suffix.
* Database: a temporary SQLite file under /tmp by default; with ``DATABASE_URL=postgres://…`` a throwaway
  database ``test_<name>`` is created on that server (Django's test-database machinery), used, and dropped —
  the named database itself is never written to.

Every procedure gets one version in force, created directly in the published state with ``bulk_create``:
going through ``lifecycle.publish`` 5,000 times would only slow the set-up and is not what is measured.
Procedures themselves are saved one by one so that ``Procedure.save`` computes the folded search columns.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path

FIXTURES = Path(os.environ.get("MOTCUA_NATIONAL_PORTAL_FIXTURES", "/work/shared/fixtures/national-portal"))
TARGET_P95_MS = 50.0

# Variants that occur in real procedure names, and the 34 provinces and cities after the 2025 reform.
VARIANTS = [
    "có yếu tố nước ngoài",
    "tại khu vực biên giới",
    "(thực hiện tại cấp tỉnh)",
    "(thực hiện tại cấp xã)",
    "trên môi trường điện tử",
    "(trường hợp cấp lại)",
    "lưu động",
    "(liên thông)",
]
PROVINCES = [
    ("Thành phố Hà Nội", "H26"),
    ("Thành phố Hồ Chí Minh", "H29"),
    ("Thành phố Hải Phòng", "H27"),
    ("Thành phố Đà Nẵng", "H17"),
    ("Thành phố Cần Thơ", "H13"),
    ("Thành phố Huế", "H57"),
    ("Tỉnh Lai Châu", "H33"),
    ("Tỉnh Điện Biên", "H18"),
    ("Tỉnh Sơn La", "H52"),
    ("Tỉnh Lạng Sơn", "H35"),
    ("Tỉnh Quảng Ninh", "H49"),
    ("Tỉnh Thanh Hóa", "H56"),
    ("Tỉnh Nghệ An", "H40"),
    ("Tỉnh Hà Tĩnh", "H24"),
    ("Tỉnh Cao Bằng", "H12"),
    ("Tỉnh Tuyên Quang", "H60"),
    ("Tỉnh Lào Cai", "H36"),
    ("Tỉnh Thái Nguyên", "H55"),
    ("Tỉnh Phú Thọ", "H45"),
    ("Tỉnh Bắc Ninh", "H06"),
    ("Tỉnh Hưng Yên", "H31"),
    ("Tỉnh Ninh Bình", "H42"),
    ("Tỉnh Quảng Trị", "H50"),
    ("Tỉnh Quảng Ngãi", "H48"),
    ("Tỉnh Gia Lai", "H21"),
    ("Tỉnh Khánh Hòa", "H32"),
    ("Tỉnh Lâm Đồng", "H37"),
    ("Tỉnh Đắk Lắk", "H15"),
    ("Tỉnh Đồng Nai", "H19"),
    ("Tỉnh Tây Ninh", "H54"),
    ("Tỉnh Vĩnh Long", "H63"),
    ("Tỉnh Đồng Tháp", "H20"),
    ("Tỉnh Cà Mau", "H11"),
    ("Tỉnh An Giang", "H01"),
]
# (label, query string): what citizens and integrations actually ask.
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("dang ky khai sinh", {"q": "dang ky khai sinh"}),
    ("chứng thực", {"q": "chứng thực"}),
    ("cấp giấy phép xây dựng", {"q": "cấp giấy phép xây dựng"}),
    ("ho kinh doanh", {"q": "ho kinh doanh"}),
    ("code 1.001193", {"q": "1.001193"}),
    ("hộ chiếu, page 2", {"q": "hộ chiếu", "page": "2"}),
    ("khai sinh + commune + online=full", {"q": "khai sinh", "level": "commune", "online": "full"}),
    ("cu tru + agency", {"q": "cu tru", "agency": "cong an cap xa"}),
    ("browse all, page 2", {"page": "2"}),
    ("field Hộ tịch, online=any", {"field": "HT", "online": "any"}),
    ("dang ky, page 3", {"q": "dang ky", "page": "3"}),
    ("can cuoc", {"q": "can cuoc"}),
]


def load_real_procedures() -> list[dict[str, object]]:
    import openpyxl

    files = sorted(FIXTURES.glob("danh-sach-tthc-*.xlsx"))
    if not files:
        raise FileNotFoundError(
            f"No danh-sach-tthc-*.xlsx in {FIXTURES}: the benchmark needs the national portal's real lists "
            "(set MOTCUA_NATIONAL_PORTAL_FIXTURES to their directory)."
        )
    rows: list[dict[str, object]] = []
    for path in files:
        workbook = openpyxl.load_workbook(path, read_only=True)
        for row in list(workbook.worksheets[0].iter_rows(values_only=True))[2:]:  # banner, header
            if not row or not row[0]:
                continue
            code, name, issuer, agencies, field = (str(v or "").strip() for v in row[:5])
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "issuer": issuer,
                    "agencies": [a.strip() for a in agencies.split("\n") if a.strip()],
                    "field": field or "Khác",
                }
            )
        workbook.close()
    return rows


def levels_of(name: str, agencies: list[str]) -> list[str]:
    """The level, guessed the way a reader of the list would: from the agencies and the name."""
    text = " ".join([name, *agencies]).lower()
    levels = []
    if re.search(r"\bbộ\b|\bcục\b|trung ương", text):
        levels.append("ministry")
    if "cấp tỉnh" in text or "sở " in text or "phòng " in text:
        levels.append("province")
    if "cấp xã" in text:
        levels.append("commune")
    return levels or ["province"]


def configure_database() -> str | None:
    """Point Django at a throwaway database before it is imported; returns a temp dir to delete, if any."""
    os.environ.setdefault("MOTCUA_DEBUG", "1")  # no SECRET_KEY needed; DEBUG itself is switched off below
    os.environ.setdefault("MOTCUA_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    if os.environ.get("DATABASE_URL"):
        return None
    tmp = tempfile.mkdtemp(prefix="motcua-bench-catalog-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/catalog.sqlite3"
    os.environ.setdefault("MOTCUA_HOME", tmp)
    return tmp


def build_catalogue(real: list[dict[str, object]], total: int) -> None:
    from django.db import transaction

    from motcua.catalog.models import (
        Fee,
        Field,
        OnlineLevel,
        Procedure,
        ProcedureVersion,
        ProcessStep,
        RequiredDocument,
        VersionStatus,
    )

    specs = list(real)
    for i in range(total - len(real)):
        base = real[i % len(real)]
        round_ = i // len(real)
        place, agency_suffix = PROVINCES[(round_ * 5 + i) % len(PROVINCES)]
        variant = VARIANTS[(i + round_) % len(VARIANTS)]
        name = f"{base['name']} {variant}" if i % 2 else f"{base['name']} – {place}"
        specs.append({**base, "code": f"{base['code']}.{agency_suffix}.{round_}", "name": name})

    field_names = sorted({str(spec["field"]) for spec in specs})
    with transaction.atomic():
        fields = {}
        for n, name in enumerate(field_names):
            code = "HT" if name == "Hộ tịch" else f"LV{n:03d}"
            fields[name] = Field.objects.create(name=name, code=code)
        procedures = []
        for spec in specs:
            procedure = Procedure(
                code=spec["code"],
                name=str(spec["name"])[:500],
                field=fields[str(spec["field"])],
                levels=levels_of(str(spec["name"]), list(spec["agencies"])),
                issuing_agency=spec["issuer"],
                implementing_agencies=spec["agencies"],
                subjects=["citizen"],
            )
            procedure.save()  # computes search_text, name_folded, agencies_folded
            procedures.append(procedure)
        online_cycle = [
            (OnlineLevel.FULL, ["counter", "post", "online"]),
            (OnlineLevel.PARTIAL, ["counter", "online"]),
            (OnlineLevel.NONE, ["counter", "post"]),
        ]
        versions = []
        for n, procedure in enumerate(procedures):
            level, channels = online_cycle[n % 3]
            versions.append(
                ProcedureVersion(
                    procedure=procedure,
                    number=1,
                    status=VersionStatus.PUBLISHED,
                    valid_from=date(2025, 7, 1),
                    decision_number="163/QĐ-BTP",
                    decision_date=date(2025, 7, 1),
                    time_limit_value=1 + n % 15,
                    channels=channels,
                    online_level=level,
                )
            )
        versions = ProcedureVersion.objects.bulk_create(versions, batch_size=500)
        RequiredDocument.objects.bulk_create(
            [RequiredDocument(version=v, position=p, name=f"Giấy tờ số {p + 1}") for v in versions for p in range(3)],
            batch_size=1000,
        )
        Fee.objects.bulk_create(
            [Fee(version=v, name="Lệ phí", amount=Decimal(8000)) for v in versions], batch_size=1000
        )
        ProcessStep.objects.bulk_create(
            [
                ProcessStep(version=v, stage=1, action="Xem xét, giải quyết", allotted=v.time_limit_value)
                for v in versions
            ],
            batch_size=1000,
        )


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    try:
        real = load_real_procedures()
    except FileNotFoundError as exc:
        print(f"bench_catalog_search: {exc}", file=sys.stderr)
        return 2

    tmp = configure_database()
    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collected static files here
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment(debug=False)  # production-like: no query log; "testserver" host allowed
    vendor = connection.vendor
    if vendor == "sqlite":
        # Always a fresh file of our own (never the NAME given, which create/destroy would overwrite), and a
        # file rather than Django's default in-memory test database, to measure what a deployment runs.
        tmp = tmp or tempfile.mkdtemp(prefix="motcua-bench-catalog-")
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{tmp}/bench-catalog.sqlite3"
    started = time.perf_counter()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            import sqlite3

            server = f"SQLite {sqlite3.sqlite_version}"
        build_catalogue(real, args.procedures)
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        setup_s = time.perf_counter() - started

        from motcua.catalog.models import Procedure

        client = Client()
        url = "/api/v1/public/procedures/"
        for _label, params in QUERIES * 2:  # warm-up: connections, caches, Python imports
            assert client.get(url, params).status_code == 200
        timings: dict[str, list[float]] = {label: [] for label, _ in QUERIES}
        counts: dict[str, int] = {}
        all_ms: list[float] = []
        for n in range(args.requests):
            label, params = QUERIES[n % len(QUERIES)]
            start = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - start) * 1e3
            assert response.status_code == 200, (label, response.status_code, response.content[:300])
            counts[label] = response.json()["count"]
            timings[label].append(elapsed)
            all_ms.append(elapsed)
        all_ms.sort()
        first = client.get(url, {"q": "dang ky khai sinh"}).json()["results"][0]["code"]

        print("catalog search benchmark (public API, Django test client)")
        print(f"  date       : {time.strftime('%Y-%m-%d %H:%M %z')}")
        print(f"  platform   : {platform.platform()}, python {sys.version.split()[0]}")
        print(f"  database   : {server} ({test_db if vendor == 'postgresql' else 'temporary file'})")
        print(f"  catalogue  : {Procedure.objects.count()} procedures ({len(real)} real), set-up {setup_s:.1f} s")
        print(f"  first hit  : 'dang ky khai sinh' → {first}")
        print()
        print(f"  {'query':<36} {'results':>7} {'p50 ms':>8} {'max ms':>8}")
        for label, values in timings.items():
            print(f"  {label:<36} {counts.get(label, 0):>7} {statistics.median(values):>8.1f} {max(values):>8.1f}")
        print()
        p50, p95 = percentile(all_ms, 0.50), percentile(all_ms, 0.95)
        verdict = "OK" if p95 <= TARGET_P95_MS else "MISSED"
        print(
            f"  all {len(all_ms)} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {all_ms[-1]:.1f} ms "
            f"(target p95 ≤ {TARGET_P95_MS:.0f} ms: {verdict})"
        )
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
        teardown_test_environment()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
