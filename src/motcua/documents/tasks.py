"""The background task that OCRs attached documents (run by ``motcua db_worker``; see docs/documents.md)."""

from __future__ import annotations

from django_tasks import task


@task()
def ocr_documents(document_ids: list[int]) -> dict[str, int]:
    """Make these documents searchable if they are still due; ids only, no personal data in the queue.

    One task per dossier event: a counter intake with three scanned components is one task of three rows.
    Failures are recorded on the rows (with a retry time and a deferred task for it), never raised here."""
    from motcua.documents.ocr import run

    return dict(run(document_ids))
