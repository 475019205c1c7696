"""A published procedure version as intake needs it, read once per process.

Intake is the hottest write path of a provincial deployment (a counter receives a dossier every few
seconds, an online portal many more), and every receipt needs the version's document list, fees and
process plan. Publishing freezes a version with its documents, fees and steps
(``FrozenChildMixin``), so they can be kept in memory once read. What is *not* frozen is looked up on
each intake: which version is in force on the day (one indexed query), which units handle the
procedure, and the local fee amounts set by provincial resolutions (``FeeOverride``).

The cache key is the version's primary key with its ``updated_at`` (a lifecycle change — retiring —
touches it), and any save or delete of a version or of its children in this process clears the cache:
tests roll back and reuse primary keys, and a draft being edited is never cached stale.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models.signals import post_delete, post_save

from motcua.catalog.models import (
    Fee,
    FeeOverride,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    VersionStatus,
)

MAX_CACHED_VERSIONS = 5000  # a province publishes about 2,000 procedures; each snapshot is a few kilobytes


@dataclass(frozen=True)
class VersionSnapshot:
    """Read-only: shared between requests and threads. Never save these model instances."""

    version: ProcedureVersion
    documents: dict[int, RequiredDocument]
    fees: tuple[Fee, ...]
    steps: tuple[ProcessStep, ...]  # in plan order: stage, then id

    def fees_for(self, channel: str) -> tuple[Fee, ...]:
        """The fee lines that apply to a dossier submitted through ``channel``."""
        return tuple(fee for fee in self.fees if fee.channel in ("", channel))


_lock = threading.Lock()
_cache: dict[tuple[int, object], VersionSnapshot] = {}


def current_version_key(procedure_code: str, on: date) -> tuple[int, object] | None:
    """(pk, updated_at) of the published version of ``procedure_code`` in force on ``on``, in one query.

    Same rule as ``Procedure.current_version``: published, started, not ended; the latest start wins."""
    row = (
        ProcedureVersion.objects.filter(procedure__code=procedure_code, status=VersionStatus.PUBLISHED)
        .filter(valid_from__lte=on)
        .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on))
        .order_by("-valid_from", "-number")
        .values_list("pk", "updated_at")
        .first()
    )
    return (row[0], row[1]) if row else None


def snapshot(key: tuple[int, object]) -> VersionSnapshot:
    """The frozen parts of the version ``key`` (from ``current_version_key``), built on first use."""
    cached = _cache.get(key)
    if cached is not None:
        return cached
    version = ProcedureVersion.objects.select_related("procedure", "procedure__field").get(pk=key[0])
    built = VersionSnapshot(
        version=version,
        documents={
            line.pk: line for line in RequiredDocument.objects.filter(version=version).order_by("position", "id")
        },
        fees=tuple(Fee.objects.filter(version=version).order_by("channel", "id")),
        steps=tuple(ProcessStep.objects.filter(version=version).select_related("role", "unit").order_by("stage", "id")),
    )
    for line in built.documents.values():
        line.version = version
    if version.status != VersionStatus.PUBLISHED:
        return built  # a draft may still change: never keep it
    with _lock:
        if len(_cache) >= MAX_CACHED_VERSIONS:
            _cache.clear()
        _cache[key] = built
    return built


def clear() -> None:
    with _lock:
        _cache.clear()


def fee_amounts(snap: VersionSnapshot, channel: str, unit) -> list[tuple[Fee, Decimal]]:
    """Each applicable fee line with the amount due at ``unit``: a provincial council's resolution
    (``FeeOverride``) for the unit or its nearest ancestor replaces the national amount."""
    fees = snap.fees_for(channel)
    if not fees:
        return []
    overrides: dict[int, tuple[int, Decimal]] = {}
    rows = FeeOverride.objects.filter(fee__in=[fee.pk for fee in fees], unit__path__in=unit.lineage_paths())
    for fee_id, unit_path, amount in rows.values_list("fee_id", "unit__path", "amount"):
        depth = len(unit_path)  # the nearest unit up the tree has the longest path
        if fee_id not in overrides or overrides[fee_id][0] < depth:
            overrides[fee_id] = (depth, amount)
    return [(fee, overrides[fee.pk][1] if fee.pk in overrides else fee.amount) for fee in fees]


def _clear_on_change(sender, **kwargs) -> None:
    clear()


for _model in (ProcedureVersion, RequiredDocument, Fee, ProcessStep):
    post_save.connect(_clear_on_change, sender=_model, dispatch_uid=f"catalog-snapshot-save-{_model.__name__}")
    post_delete.connect(_clear_on_change, sender=_model, dispatch_uid=f"catalog-snapshot-delete-{_model.__name__}")
