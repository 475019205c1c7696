"""Dossier events → OCR of the files they attached.

Runs in the request, after the dossier action has committed (``dossier_changed`` is sent on commit). Counter
intake is the hottest write path, so this costs one statement (``queue.queue_dossier``: the pending rows for the
dossier's files that have none yet, created and returned at once) and one enqueue; the OCR itself runs in the
worker. A failure here is logged and never disturbs the action: the rows, or ``motcua ocr --backfill`` for
files that got no row, let the OCR catch up.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger("motcua.documents")

# The actions that attach files: intake at the counter or online (components), a supplement, a paper component
# digitised later, the e-result on approval. "receive" also covers an online submission being received, which
# attaches nothing new: the statement then finds no row to create.
ATTACHING_ACTIONS = frozenset({"receive", "submit_online", "receive_supplement", "digitise", "approve"})


def on_dossier_changed(sender, *, dossier_id: int, event_id: int, action: str, **kwargs: Any) -> None:
    """Queue the OCR of the files this event attached."""
    if action not in ATTACHING_ACTIONS or not settings.MOTCUA_OCR_ENABLED:
        return
    from motcua.documents import queue

    try:
        # After a real commit this runs in autocommit: one statement, no transaction around it. Inside an outer
        # atomic block (tests, a caller's transaction) a savepoint keeps a failure from breaking that block.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            document_ids = queue.queue_dossier(dossier_id)
    except Exception as exc:
        logger.error("documents: OCR not queued for dossier=%s event=%s (%s)", dossier_id, event_id, type(exc).__name__)
        return
    queue.schedule(document_ids)
