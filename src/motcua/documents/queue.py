"""The OCR queue: rows of ``DocumentText`` waiting, claimed, retried with back-off.

Counter intake is the hottest write path, so what runs in the request (after the dossier action committed) is
``queue_dossier``: ONE statement that creates the pending rows for the dossier's new files and returns their ids,
then one task is enqueued with those ids. Everything else — reading the file, OCR, storing the searchable copy —
happens in the worker (``tasks.ocr_documents``) or in ``motcua ocr``.

A row is *claimed* before it is processed (its ``next_attempt_at`` moved a lease ahead), so the task worker and
``motcua ocr --pending`` running at once never OCR the same document twice, and a worker that dies mid-way only
delays the row until the lease ends.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from motcua.documents.models import DocumentText, TextStatus
from motcua.dossiers.models import DossierDocument

logger = logging.getLogger("motcua.documents")

# After the first failed try: 1 min, 5 min, 30 min, 2 h, 12 h; after the sixth, the row stays failed (the admin's
# "Nhận dạng lại" or ``motcua ocr --retry-failed`` start again).
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12)]
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = timedelta(hours=1)  # a claimed row is not taken again before this, even if its worker died
WAITING = (TextStatus.PENDING, TextStatus.FAILED)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def queue_dossier(dossier_id: int) -> list[int]:
    """Create the pending rows for this dossier's stored files that have none yet; return their document ids.

    One ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, SQLite ≥ 3.35): the receiver needs
    the ids for the task, and two events of the same dossier committing at once cannot create a row twice.
    """
    now = timezone.now()
    text_meta, doc_meta = DocumentText._meta, DossierDocument._meta
    columns = [text_meta.get_field("document").column]
    values: list[str] = [f"d.{_quote(doc_meta.pk.column)}"]
    params: list[object] = []
    for field in text_meta.concrete_fields:
        if field.primary_key or field.name == "document":
            continue
        value = now if field.name in ("next_attempt_at", "updated_at") else field.get_default()
        columns.append(field.column)
        values.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    table, documents = _quote(text_meta.db_table), _quote(doc_meta.db_table)
    document_column = _quote(text_meta.get_field("document").column)
    # Identifiers come from the models' metadata (quoted); every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(_quote(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {documents} d "
        f"WHERE d.{_quote(doc_meta.get_field('dossier').column)} = %s "
        f"AND d.{_quote(doc_meta.get_field('file').column)} <> '' "
        f"AND d.{_quote(doc_meta.get_field('sha256').column)} <> '' "
        f"AND d.{_quote(doc_meta.get_field('purged_at').column)} IS NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{document_column} = d.{_quote(doc_meta.pk.column)}) "
        f"ON CONFLICT DO NOTHING RETURNING {document_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, dossier_id])
        return sorted(row[0] for row in cursor.fetchall())


def queue_documents(document_ids: list[int]) -> list[int]:
    """Pending rows for these documents (those with a stored file and no row yet); ``motcua ocr --document``."""
    have = set(DocumentText.objects.filter(document_id__in=document_ids).values_list("document_id", flat=True))
    wanted = DossierDocument.objects.filter(pk__in=document_ids, purged_at=None).exclude(file="").exclude(sha256="")
    rows = [
        DocumentText(document_id=pk, next_attempt_at=timezone.now())
        for pk in wanted.values_list("pk", flat=True)
        if pk not in have
    ]
    DocumentText.objects.bulk_create(rows, ignore_conflicts=True)
    return [row.document_id for row in rows]


def missing_documents() -> QuerySet[DossierDocument]:
    """Stored files without a row: attached before OCR was installed, or whose receiver never ran (a crash
    between the commit and the signal). ``motcua ocr --backfill`` queues them."""
    return (
        DossierDocument.objects.filter(text__isnull=True, purged_at=None)
        .exclude(file="")
        .exclude(sha256="")
        .order_by("pk")
    )


def due(now: datetime | None = None) -> QuerySet[DocumentText]:
    """Pending rows and failed rows whose retry time has come, oldest first."""
    now = now or timezone.now()
    return (
        DocumentText.objects.filter(status__in=WAITING)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, status=TextStatus.PENDING))
        .order_by("next_attempt_at", "pk")
    )


def claim(row: DocumentText, *, force: bool = False) -> bool:
    """Take the row for one try (attempts + 1, leased); False when another process holds it or it is not due.

    ``force`` (``motcua ocr --document``) takes a row in any state, done or waiting for its retry time, unless a
    running try holds it."""
    now = timezone.now()
    rows = DocumentText.objects.filter(pk=row.pk).filter(Q(started_at__isnull=True) | Q(started_at__lt=now - LEASE))
    if not force:
        rows = rows.filter(status__in=WAITING).filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
    claimed = rows.update(attempts=F("attempts") + 1, started_at=now)
    row.refresh_from_db(fields=["status", "attempts", "next_attempt_at", "started_at"])  # keeps row.document
    return bool(claimed)


def retry_at(attempts: int, now: datetime | None = None) -> datetime | None:
    """When to try again after ``attempts`` failed tries; None once they are used up."""
    if attempts < 1 or attempts > len(BACKOFF):
        return None
    return (now or timezone.now()) + BACKOFF[attempts - 1]


def restart(rows: QuerySet[DocumentText]) -> list[int]:
    """Start these rows again from the first attempt (the admin's "Nhận dạng lại", ``--retry-failed``)."""
    ids = list(rows.values_list("pk", flat=True))
    DocumentText.objects.filter(pk__in=ids).update(
        status=TextStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    return list(DocumentText.objects.filter(pk__in=ids).values_list("document_id", flat=True))


def schedule(document_ids: list[int], *, run_after: datetime | None = None) -> bool:
    """Hand documents to the background task; False when the queue could not take it (the rows stay due, and
    ``motcua ocr --pending`` or the next task finds them)."""
    if not document_ids:
        return True
    from motcua.documents.tasks import ocr_documents

    try:
        task = ocr_documents.using(queue_name=settings.MOTCUA_OCR_QUEUE)
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return False
            task = task.using(run_after=run_after)
        task.enqueue(list(document_ids))
    except Exception as exc:  # the row is the truth; a lost task only delays the OCR
        logger.warning("documents: OCR task not queued for %d document(s) (%s)", len(document_ids), type(exc).__name__)
        return False
    return True
