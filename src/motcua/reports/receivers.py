"""Reports follow the dossiers: every committed event queues the refresh of that dossier's facts.

The refresh runs in the task worker, not in the request: counter intake is the hottest write path and the
refresh reads the dossier, its events and its rating and writes two tables (about seven statements); the
request only pays for queueing the task. A historical import or the simulator replays thousands of events:
during a replay nothing is queued per event, and the replay's end (``history_import.replayed``) refreshes
all the dossiers it touched at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from motcua.dossiers import history_import
from motcua.dossiers.actions import dossier_changed


def on_dossier_changed(sender, *, dossier_id: int, **kwargs: Any) -> None:
    if history_import.REPLAYING.get() or not settings.MOTCUA_REPORTS_LIVE:
        return
    from motcua.reports.tasks import refresh_facts

    refresh_facts.enqueue([dossier_id])


def on_replayed(sender, *, dossier_ids: list[int], **kwargs: Any) -> None:
    from motcua.reports.facts import refresh

    for start in range(0, len(dossier_ids), 2000):
        refresh(dossier_ids[start : start + 2000])


def connect() -> None:
    dossier_changed.connect(on_dossier_changed, dispatch_uid="reports.on_dossier_changed")
    history_import.replayed.connect(on_replayed, dispatch_uid="reports.on_replayed")
