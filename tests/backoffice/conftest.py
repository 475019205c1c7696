"""Back-office fixtures: the dossier suite's province, procedures and officers, plus form-post helpers."""

from __future__ import annotations

import pytest
import time_machine

from motcua.dossiers import actions
from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.conftest import birth_intake, unit, vn

# The dossier suite's fixtures (the Huế demo province, the birth procedure, the officers), re-used here.
hue = dossier_fixtures.hue
birth = dossier_fixtures.birth
provincial = dossier_fixtures.provincial
staff = dossier_fixtures.staff

MONDAY_9 = (2026, 3, 9, 9, 0)


def at(*args: int):
    return time_machine.travel(vn(*args), tick=False)


def intake_data(birth, **changes) -> dict[str, object]:
    """What an officer types for Nguyễn Văn An's birth registration, every required line ticked."""
    data: dict[str, object] = {
        "receiving_unit": unit("000.01.41.H57").pk,
        "kind": "individual",
        "full_name": "Nguyễn Văn An",
        "id_number": "046090001234",
        "date_of_birth": "01/05/1990",
        "phone": "0912 345 678",
        "email": "an@example.org",
        "address": "12 Lê Lợi, phường Thuận Hóa",
        "channel": "counter",
        "sets": "1",
        "result_delivery": "counter",
        "decision": "receive",
    }
    for line in birth.documents.all():
        data[f"doc_{line.pk}_count"] = "1"
        data[f"doc_{line.pk}_copy"] = line.copy_type
        if line.required:
            data[f"doc_{line.pk}_received"] = "on"
    data.update(changes)
    return data


@pytest.fixture
def received(birth, staff):
    """A birth registration received at Thuận Hóa's counter on Monday 09/03/2026 at 09:00."""
    with at(*MONDAY_9):
        return actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])


@pytest.fixture
def processing(received, staff):
    with at(2026, 3, 9, 9, 30):
        return actions.forward(received, actor=staff["counter"])
