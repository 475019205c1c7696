"""Benchmark of the working-time engine (plain script: ``python benchmarks/bench_workcalendar.py``).

(1) one ``due_at`` call for a working-day limit (target ≤ 5 µs) against the ``holidays`` package's
own ``get_nth_working_day``; (2) recomputing 1,000,000 dossiers with ``bulk_due_working_days``
against ``numpy.busday_offset`` on 1,000,000 day offsets (target: within 3× of NumPy).
"""

from __future__ import annotations

import datetime as dt
import platform
import sys
import time
import timeit
from importlib.metadata import version

import holidays
import numpy as np

from motcua.workcalendar import (
    GOVERNMENT_SCHEDULE_2024_2026,
    TZ,
    LimitUnit,
    TimeLimit,
    WorkCalendar,
    bulk_due_working_days,
    due_at,
)

N_BULK = 1_000_000


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def per_call_us(fn, number: int, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def best_seconds(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    print("workcalendar benchmark")
    print(f"  date     : {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}")
    print(f"  platform : {platform.platform()}")
    print(f"  cpu      : {cpu_model()}")
    print(f"  python   : {sys.version.split()[0]}")
    print(f"  numpy    : {np.__version__}   holidays: {version('holidays')}")
    print()

    start = time.perf_counter()
    cal = WorkCalendar(GOVERNMENT_SCHEDULE_2024_2026)
    build_ms = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    WorkCalendar(GOVERNMENT_SCHEDULE_2024_2026)
    rebuild_ms = (time.perf_counter() - start) * 1e3

    received = dt.datetime(2026, 2, 13, 9, 0, tzinfo=TZ)
    utc_received = received.astimezone(dt.UTC)
    limit = TimeLimit(5)
    hours_limit = TimeLimit(12, LimitUnit.WORKING_HOURS)
    package = holidays.VN(years=range(2015, 2036))
    day = dt.date(2026, 2, 13)
    assert package.get_nth_working_day(day, 5) == due_at(cal, received, limit).date()

    single = [
        ("due_at, 5 working days (aware, ICT)", per_call_us(lambda: due_at(cal, received, limit), 200_000)),
        (
            "due_at, 5 working days (aware, UTC)",
            per_call_us(lambda: due_at(cal, utc_received, limit), 200_000),
        ),
        ("due_at, 12 working hours", per_call_us(lambda: due_at(cal, received, hours_limit), 100_000)),
        ("WorkCalendar.add_working_days(d, 5)", per_call_us(lambda: cal.add_working_days(day, 5), 200_000)),
        (
            "ref: holidays.VN.get_nth_working_day(d, 5)",
            per_call_us(lambda: package.get_nth_working_day(day, 5), 20_000),
        ),
    ]

    rng = np.random.default_rng(1)
    first = np.datetime64("2020-01-01T00:00:00", "s")
    received_arr = first + rng.integers(0, 11 * 365 * 86_400, N_BULK).astype("timedelta64[s]")
    limits = rng.integers(1, 61, N_BULK)
    days = received_arr.astype("datetime64[D]")
    all_days = np.arange(np.datetime64("2015-01-01"), np.datetime64("2036-01-01"))
    # exact reference: every non-working day as a holiday (busday_offset cannot add make-up days)
    bdc_all = np.busdaycalendar(weekmask="1111111", holidays=all_days[~cal.work_np])
    # usual (approximate) reference: Mon–Fri week, weekday holidays only, make-up Saturdays ignored
    weekday = np.is_busday(all_days, weekmask="1111100")
    bdc_week = np.busdaycalendar(weekmask="1111100", holidays=all_days[weekday & ~cal.work_np])
    bulk_s = best_seconds(lambda: bulk_due_working_days(cal, received_arr, limits))
    numpy_all_s = best_seconds(lambda: np.busday_offset(days, limits, roll="forward", busdaycal=bdc_all))
    numpy_s = best_seconds(lambda: np.busday_offset(days, limits, roll="forward", busdaycal=bdc_week))

    print(f"{'measure':<46} {'result':>14}")
    print("-" * 61)
    print(f"{'WorkCalendar build (first / cached package)':<46} {build_ms:>7.0f} / {rebuild_ms:.0f} ms")
    for name, us in single:
        print(f"{name:<46} {us:>11.2f} µs")
    print(f"{'bulk_due_working_days, 1,000,000 dossiers':<46} {bulk_s * 1e3:>11.1f} ms")
    n_holidays = int((weekday & ~cal.work_np).sum())
    print(f"{f'ref: busday_offset 1M, Mon-Fri + {n_holidays} holidays':<46} {numpy_s * 1e3:>11.1f} ms")
    print(f"{'ref: busday_offset 1M, 7-day mask + all days off':<46} {numpy_all_s * 1e3:>11.1f} ms")
    print(f"{'bulk / numpy ratio (vs the faster reference)':<46} {bulk_s / numpy_s:>13.2f}×")
    print()
    due_us = single[0][1]
    print(f"target due_at ≤ 5 µs: {'met' if due_us <= 5 else 'MISSED'} ({due_us:.2f} µs)")
    verdict = "met" if bulk_s <= 3 * numpy_s else "MISSED"
    print(f"target bulk within 3× numpy: {verdict} ({bulk_s / numpy_s:.2f}×)")


if __name__ == "__main__":
    main()
