"""Event files that reproduce figures published in the press, for the historical import.

The issue's "checked against published figures": Sông Lô district's year — "14,488 received, 14,398 resolved, 90
in progress" — and a year in which 8.4 % of the resolved dossiers were late (Huế, 2020). The old systems' event
logs behind those figures are not public, so this module *writes* such a log: one CSV in the format of
``docs/dossier-history-import.md`` whose replay through the real actions must give exactly those numbers. Nothing
is committed as a data file: the CSV is generated in memory, deterministically (same arguments, same bytes).

The shape of the year, kept simple so that every number follows from the file and not from chance:

* receipts at the counter of one commune's one-stop centre on every working weekday (Monday–Friday that the
  calendar says is a working day) of the second half of 2025 — the demo province and its catalogue exist from
  1 July 2025, the start of two-tier local government — spread evenly over the days, between 07:30 and 15:00
  (before the 15:00 rule moves a receipt to the next working day);
* three common commune procedures in turn: certified copy and certified signature (same day) and birth
  registration (one working day);
* each resolved dossier: ``receive`` and ``forward`` (a minute later) by the centre's receiving officer,
  ``approve`` by the committee's leader — old-system accounts that ``ensure_staff`` creates. On time:
  signed at 16:00 on the day of receipt (before any due moment). Late: signed on the second working day after
  receipt, past every due moment of these procedures. The late dossiers are spread evenly over the resolved ones
  (never among the last days, so that every signature still falls within the year);
* the dossiers still in progress at the end of the year are the last ones received: forwarded, never signed.

Why three events and not the full five (with a specialist's ``complete_step`` and the ``return_result``): the
signature closes the processing steps and is what counts a dossier as resolved; the other events add import time
(14,488 dossiers through the real actions) without changing any of the three published numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from motcua.dossiers.history_import import COLUMNS
from motcua.organizations.models import Role, RoleAssignment, Unit
from motcua.workcalendar.service import calendar_for

RECEIVING = "000.01.41.H57"  # Trung tâm Phục vụ hành chính công phường Thuận Hóa (demo province)
HANDLING = "000.00.41.H57"  # Ủy ban nhân dân phường Thuận Hóa: handles the procedures below, parent of the centre
PROCEDURES = ("2.000815", "2.000884", "1.001193")  # certified copy, certified signature, birth registration

FIRST_DAY = date(2025, 7, 1)
LAST_DAY = date(2025, 12, 31)
OPENS, LAST_RECEIPT = time(7, 30), time(15, 0)
SIGNED_AT = time(16, 0)

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hương", "Khoa", "Lan", "Linh", "Long", "Mai", "Nam", "Phúc")


@dataclass(frozen=True)
class Year:
    """What the file must reproduce: received in the year, resolved in the year (``late`` of them late)."""

    received: int
    resolved: int
    late: int = 0

    @property
    def in_progress(self) -> int:
        return self.received - self.resolved


# Sông Lô district's published year: "14,488 received, 14,398 resolved, 90 in progress".
SONG_LO = Year(received=14_488, resolved=14_398)
# A year in which 8.4 % of the resolved dossiers were late (Huế, 2020): 84 of 1,000, and 45 still in progress.
LATE_84 = Year(received=1_045, resolved=1_000, late=84)


def counter_officer(receiving: str) -> str:
    return f"tn.{receiving}"


def leader(handling: str) -> str:
    return f"ld.{handling}"


def ensure_staff(receiving: str = RECEIVING, handling: str = HANDLING) -> None:
    """The old system's officers: the one-stop centre's receiving officer and the committee's leader, who signed
    the results. The import requires every actor to exist with the right role in the right unit."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for username, role, code in (
        (counter_officer(receiving), "receiving_officer", receiving),
        (leader(handling), "agency_leader", handling),
    ):
        user, _ = User.objects.get_or_create(username=username, defaults={"full_name": f"Cán bộ {code}"})
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.objects.get(code=role), unit=Unit.objects.get(agency_code=code)
        )


def _receipt_days(first: date, last: date) -> list[date]:
    calendar = calendar_for()
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _at(day: date, moment: time, seconds: int = 0) -> str:
    return (datetime.combine(day, moment) + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def _spread(count: int, among: int) -> set[int]:
    """``count`` indices evenly spread over ``range(among)`` (exactly ``count`` of them)."""
    return {i for i in range(among) if (i + 1) * count // among > i * count // among}


def rows(
    year: Year,
    *,
    receiving: str = RECEIVING,
    first: date = FIRST_DAY,
    last: date = LAST_DAY,
    procedures: tuple[str, ...] = PROCEDURES,
    id_offset: int = 0,
) -> Iterator[dict[str, str]]:
    """The CSV rows of the whole year, dossier by dossier (the import sorts them by time). ``receiving`` (a
    commune's one-stop centre), ``first``–``last`` and ``procedures`` change the place, the days and what is
    asked for; ``id_offset`` keeps the applicants of two files apart."""
    if not 0 <= year.late <= year.resolved <= year.received:
        raise ValueError("late ≤ resolved ≤ received")
    calendar = calendar_for()
    days = _receipt_days(first, last)
    handling = f"000.00.{receiving.split('.')[2]}.H57"
    counter, signer = counter_officer(receiving), leader(handling)
    window = int((datetime.combine(FIRST_DAY, LAST_RECEIPT) - datetime.combine(FIRST_DAY, OPENS)).total_seconds())
    # Late dossiers among the resolved ones received before the last 10 % of them, so a late signature (two
    # working days after receipt) never falls after 31 December.
    late = _spread(year.late, max(year.resolved * 9 // 10, year.late))
    index = 0
    for day_number, day in enumerate(days):
        # evenly over the days: day d receives ⌊(d+1)·N/D⌋ − ⌊d·N/D⌋ dossiers
        today = (day_number + 1) * year.received // len(days) - day_number * year.received // len(days)
        for seq in range(1, today + 1):
            code = f"{receiving}-{day:%y%m%d}-{seq:04d}"
            received = _at(day, OPENS, (seq - 1) * window // today)
            n = index
            person = {
                "applicant_name": f"{SURNAMES[n % 12]} {MIDDLE[n // 12 % 8]} {GIVEN[n // 96 % 14]}",
                "applicant_id_number": f"0461{85 + n % 10:02d}{n + id_offset:06d}",
            }
            yield {
                "dossier_code": code,
                "procedure_code": procedures[n % len(procedures)],
                "receiving_unit_code": receiving,
                "channel": "counter",
                "event": "receive",
                "timestamp": received,
                "actor": counter,
                "documents": "all",
                **person,
            }
            yield {
                "dossier_code": code,
                "event": "forward",
                "timestamp": _at(day, OPENS, (seq - 1) * window // today + 60),
                "actor": counter,
            }
            if n < year.resolved:
                signed = _at(calendar.add_working_days(day, 2), OPENS, 3600 + seq) if n in late else None
                yield {
                    "dossier_code": code,
                    "event": "approve",
                    "timestamp": signed or _at(day, SIGNED_AT, seq),
                    "actor": signer,
                    "result_note": f"Kết quả số {n + 1}",
                }
            index += 1


def events_csv(year: Year, **where: Any) -> io.StringIO:
    """The year as an import file (UTF-8 text, header row, columns of ``history_import.COLUMNS``); ``where``: the
    keyword arguments of ``rows``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerows(rows(year, **where))
    out.seek(0)
    return out
