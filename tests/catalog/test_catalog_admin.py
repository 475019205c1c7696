"""The catalogue in the admin: drafts are edited, published versions are read-only, publishing is a form."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.catalog import lifecycle
from motcua.catalog.models import CatalogEvent, ProcedureVersion, VersionStatus
from tests.catalog.test_lifecycle import draft

pytestmark = pytest.mark.django_db


def test_draft_page_shows_validation_problems(admin_client):
    version = draft(limit=7)
    body = admin_client.get(f"/quan-tri/catalog/procedureversion/{version.pk}/change/").content.decode()
    assert "Tổng thời gian các bước" in body


def test_publish_page_publishes_with_the_decision(admin_client):
    version = draft()
    url = f"/quan-tri/catalog/procedureversion/{version.pk}/publish/"
    assert "Công bố" in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"decision_number": "163/QĐ-BTP", "decision_date": "30/06/2025"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.decision_number, version.valid_from) == (
        VersionStatus.PUBLISHED,
        "163/QĐ-BTP",
        date(2025, 6, 30),
    )
    assert CatalogEvent.objects.filter(action="published", actor__username="admin").exists()


def test_publish_page_refuses_an_invalid_draft(admin_client):
    version = draft(limit=9)
    body = admin_client.post(
        f"/quan-tri/catalog/procedureversion/{version.pk}/publish/",
        {"decision_number": "1/QĐ", "decision_date": "01/07/2025"},
    ).content.decode()
    assert "Chưa công bố được" in body
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_published_version_page_is_read_only(admin_client):
    version = lifecycle.publish(draft(), decision_number="1/QĐ", decision_date=date(2025, 7, 1))
    body = admin_client.get(f"/quan-tri/catalog/procedureversion/{version.pk}/change/").content.decode()
    assert "không sửa được" in body
    assert 'name="time_limit_value"' not in body
    before = ProcedureVersion.objects.get(pk=version.pk).updated_at
    admin_client.post(f"/quan-tri/catalog/procedureversion/{version.pk}/change/", {"time_limit_value": "9"})
    assert ProcedureVersion.objects.get(pk=version.pk).updated_at == before


def test_duplicate_action_creates_a_new_draft(admin_client):
    version = lifecycle.publish(draft(), decision_number="1/QĐ", decision_date=date(2025, 7, 1))
    admin_client.post(
        "/quan-tri/catalog/procedureversion/", {"action": "duplicate_versions", "_selected_action": [version.pk]}
    )
    assert version.procedure.versions.filter(number=2, status=VersionStatus.DRAFT).exists()


def test_editing_a_draft_in_the_admin_is_audited(admin_client):
    version = draft()
    data = {
        "procedure": version.procedure.pk,
        "time_limit_value": "3",
        "time_limit_unit": "working_days",
        "time_limit_note": "",
        "channels": '["counter", "online"]',
        "online_level": "full",
        "steps_description": "Mới",
        "conditions": "",
        "legal_basis": "[]",
        "result_documents": "[]",
        "notes": "",
        "decision_number": "",
        "decision_date": "",
        "valid_from": "",
        "valid_to": "",
    }
    for prefix, rows in (
        ("documents", version.documents.all()),
        ("fees", version.fees.all()),
        ("steps", version.steps.all()),
    ):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": str(len(rows)),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = str(row.pk)
            data[f"{prefix}-{i}-version"] = str(version.pk)
            for field in row._meta.fields:
                if field.name not in ("id", "version"):
                    value = getattr(row, field.attname)
                    data[f"{prefix}-{i}-{field.name}"] = (
                        "" if value is None else ("on" if value is True else ("" if value is False else str(value)))
                    )
    response = admin_client.post(f"/quan-tri/catalog/procedureversion/{version.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    version.refresh_from_db()
    assert version.steps_description == "Mới"
    assert CatalogEvent.objects.filter(action="edited", version=version).exists()
