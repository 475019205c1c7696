"""Retention of document files: how long each kind is kept after its dossier is closed, and the purge.

Kinds and default periods (settings, docs/documents.md "Retention"):

=============  =======================================  ======================================
kind           what                                     default
=============  =======================================  ======================================
component      scanned / uploaded / reused inputs       10 years (MOTCUA_RETENTION_COMPONENT_YEARS)
result         e-results issued by the agency           kept for ever (MOTCUA_RETENTION_RESULT_YEARS=0)
=============  =======================================  ======================================

The periods are settings because the law sets them per sector and per kind of record (the archive
retention tables); none of them has been confirmed for this project (regulations.md has no source yet),
so the defaults are conservative: results — the citizen's proof — are never purged unless configured.

A dossier is *closed* when nothing more will happen to it: returned (``returned_at``), withdrawn, stopped or
not received. Purging goes through ``dossiers.actions.purge_documents`` (one event per dossier); the rows keep
their hash, size, pages and origin, so the digitisation flags and counts do not move. A stored object is
deleted only when no remaining document refers to it (the store's reuse shares bytes between dossiers);
the OCR text and searchable copy of a purged document go with it (they hold the same personal data).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from motcua.dossiers import actions
from motcua.dossiers.models import DossierDocument, Status

CLOSED = (Status.RETURNED, Status.WITHDRAWN, Status.STOPPED, Status.NOT_RECEIVED)


@dataclass
class PurgeReport:
    documents: int = 0
    dossiers: int = 0
    bytes: int = 0
    objects_deleted: int = 0
    objects_shared: int = 0  # still referred to by a document of a dossier kept longer
    errors: list[str] = field(default_factory=list)


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def expired(now: datetime | None = None) -> QuerySet[DossierDocument]:
    """Documents whose file has outlived its kind's period (none of a kind kept for ever)."""
    now = now or timezone.now()
    closed_at = Coalesce(
        F("dossier__returned_at"), F("dossier__withdrawn_at"), F("dossier__stopped_at"), F("dossier__refused_at")
    )
    condition = Q(pk__in=[])
    for is_result, years in (
        (False, settings.MOTCUA_RETENTION_COMPONENT_YEARS),
        (True, settings.MOTCUA_RETENTION_RESULT_YEARS),
    ):
        if years > 0:
            condition |= Q(result=is_result, closed_at__lt=_years_before(now, years))
    return (
        DossierDocument.objects.annotate(closed_at=closed_at)
        .filter(condition, dossier__status__in=CLOSED, purged_at=None)
        .exclude(file="")
    )


def purge(*, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Purge every expired document, dossier by dossier; a dry run only counts. ``now`` moves the cut-off
    (what-if runs); the purge itself is recorded at the real time."""
    report = PurgeReport()
    rows = list(expired(now).values_list("pk", "dossier_id", "file", "size"))
    by_dossier: dict[int, list[int]] = defaultdict(list)
    names: set[str] = set()
    for pk, dossier_id, name, size in rows:
        by_dossier[dossier_id].append(pk)
        names.add(name)
        report.bytes += size
    report.documents, report.dossiers = len(rows), len(by_dossier)
    if dry_run:
        return report
    reason = "Hết thời hạn lưu trữ tệp"
    for dossier_id, ids in by_dossier.items():
        try:
            actions.purge_documents(dossier_id, document_ids=ids, reason=reason)
        except actions.ActionError as exc:
            report.errors.append(f"hồ sơ {dossier_id}: {exc}")
    _purge_texts([pk for pk, *_ in rows])
    still_used = set(DossierDocument.objects.filter(file__in=names).values_list("file", flat=True))
    for name in sorted(names):
        if name in still_used:
            report.objects_shared += 1
            continue
        default_storage.delete(name)
        report.objects_deleted += 1
    return report


def _purge_texts(document_ids: list[int]) -> None:
    """The OCR text and the searchable copy of purged documents (documents.DocumentText), if OCR is installed."""
    from motcua.documents.models import DocumentText

    texts = DocumentText.objects.filter(document_id__in=document_ids)
    for searchable in texts.exclude(searchable_file="").values_list("searchable_file", flat=True):
        if not DocumentText.objects.filter(searchable_file=searchable).exclude(document_id__in=document_ids).exists():
            default_storage.delete(searchable)
    texts.delete()
