"""The background task that brings the fact table up to date after dossier events (run by ``motcua db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_facts(dossier_ids: list[int]) -> int:
    from motcua.reports.facts import refresh

    return refresh(dossier_ids)
