"""Dossier codes: per unit and day, no gaps, no duplicates — also under concurrency on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection, transaction

from motcua.dossiers import actions
from motcua.dossiers.codes import DOSSIER_CODE_RE, is_dossier_code, next_code, normalize_code
from motcua.dossiers.models import Dossier
from tests.dossiers.conftest import birth_intake, unit, vn


@pytest.mark.parametrize(
    "code",
    [
        "000.00.12.H12-260709-0001",
        "H15.50.05.13-261008-0975",
        "000.01.41.H57-260309-1234567",
        " 000.01.41.h57-260309-0001 ",
    ],
)
def test_lookups_accept_real_world_code_shapes(code):
    assert is_dossier_code(code)


@pytest.mark.parametrize("code", ["000.00.12.H12-2607-0001", "000.00.12.H12-260709-01", "abc"])
def test_malformed_codes_are_not_codes(code):
    assert not is_dossier_code(code)


def test_sequence_restarts_each_day_and_is_per_unit(birth, staff):
    codes = []
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        codes += [actions.receive_at_counter(birth_intake(birth), actor=staff["counter"]).code for _ in range(2)]
        other = birth_intake(birth, receiving_unit=unit("000.01.44.H57"))
        codes.append(actions.receive_at_counter(other, actor=staff["counter_other"]).code)
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        codes.append(actions.receive_at_counter(birth_intake(birth), actor=staff["counter"]).code)
    assert codes == [
        "000.01.41.H57-260309-0001",
        "000.01.41.H57-260309-0002",
        "000.01.44.H57-260309-0001",
        "000.01.41.H57-260310-0001",
    ]
    assert all(DOSSIER_CODE_RE.match(c) for c in codes)


@pytest.mark.django_db(transaction=True)
def test_next_code_refuses_to_run_outside_a_transaction(hue):
    with pytest.raises(RuntimeError):
        next_code(unit("000.01.41.H57"), date(2026, 3, 9))


def test_normalize_code_upper_cases_and_strips():
    assert normalize_code(" 000.01.41.h57-260309-0001\n") == "000.01.41.H57-260309-0001"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under real concurrency need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_get_gapless_unique_codes(birth, staff):
    threads, errors, n = [], [], 24
    barrier = threading.Barrier(6)

    def work(count: int) -> None:
        try:
            barrier.wait()
            for _ in range(count):
                with transaction.atomic():
                    actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    for _ in range(6):
        threads.append(threading.Thread(target=work, args=(n // 6,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == n
    sequences = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    assert sequences == list(range(1, n + 1)), "no gaps"
