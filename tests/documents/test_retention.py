"""Retention: expired files of closed dossiers are purged, shared bytes survive, counts do not move."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command

from motcua.documents import retention
from motcua.documents.models import DocumentText
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, DossierEvent
from tests.dossiers.conftest import birth, birth_intake, hue, staff, vn  # noqa: F401
from tests.sample_files import pdf_bytes

SCAN_1 = pdf_bytes("To khai - luu tru")
SCAN_2 = pdf_bytes("Giay chung sinh - luu tru")
RESULT = pdf_bytes("Giay khai sinh - ket qua")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _returned(birth, staff, day: int, *contents: bytes) -> Dossier:  # noqa: F811
    intake = birth_intake(birth)
    for document, content in zip(intake.documents, contents, strict=False):
        document.content, document.file_name = content, "scan.pdf"
    with time_machine.travel(vn(2026, 3, day, 9, 0), tick=False):
        d = actions.receive_at_counter(intake, actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
        d = actions.approve(
            d,
            actor=staff["leader"],
            result_documents=[actions.SubmittedDocument(None, "Giấy khai sinh", file_name="gks.pdf", content=RESULT)],
        )
        d = actions.notify_early_return(d, actor=staff["counter"])
        return actions.return_result(d, actor=staff["counter"])


def test_nothing_is_purged_before_the_period_ends(birth, staff, settings):  # noqa: F811
    settings.MOTCUA_RETENTION_COMPONENT_YEARS = 10
    _returned(birth, staff, 9, SCAN_1, SCAN_2)
    assert retention.purge(now=vn(2036, 3, 8, 0, 0)).documents == 0


def test_expired_components_are_purged_results_kept_and_counts_unchanged(birth, staff, settings):  # noqa: F811
    settings.MOTCUA_RETENTION_COMPONENT_YEARS = 10
    settings.MOTCUA_RETENTION_RESULT_YEARS = 0
    d = _returned(birth, staff, 9, SCAN_1, SCAN_2)
    for row in d.documents.all():  # as the OCR worker leaves them (its trigger runs on commit)
        DocumentText.objects.create(document=row, status="done", text="Nguyễn Văn An", folded=" nguyen van an ")
    flags = Dossier.objects.values("input_digitised", "result_digitised").get(pk=d.pk)
    names = {row.file.name for row in d.documents.filter(result=False)}
    dry = retention.purge(now=vn(2036, 3, 10, 0, 0), dry_run=True)
    assert (dry.documents, dry.dossiers) == (2, 1) and all(default_storage.exists(n) for n in names)

    report = retention.purge(now=vn(2036, 3, 10, 0, 0))
    assert (report.documents, report.objects_deleted, report.objects_shared) == (2, 2, 0)
    assert not any(default_storage.exists(n) for n in names)
    inputs = d.documents.filter(result=False)
    assert all(row.purged_at and not row.file and row.sha256 and row.digitised for row in inputs)
    assert d.documents.get(result=True).available, "results are kept for ever by default"
    assert DocumentText.objects.filter(document__dossier=d, document__result=True).exists()
    assert not DocumentText.objects.filter(document__in=inputs).exists(), "the OCR text goes with the file"
    assert Dossier.objects.values("input_digitised", "result_digitised").get(pk=d.pk) == flags
    event = DossierEvent.objects.get(dossier=d, action="purge_documents")
    assert event.payload["documents"] == 2 and event.actor is None
    assert retention.purge(now=vn(2036, 3, 10, 0, 0)).documents == 0, "purging twice does nothing"


def test_bytes_shared_with_a_dossier_kept_longer_are_not_deleted(birth, staff, settings):  # noqa: F811
    settings.MOTCUA_RETENTION_COMPONENT_YEARS = 10
    _returned(birth, staff, 9, SCAN_1, SCAN_2)
    later = _returned(birth, staff, 20, SCAN_1)  # the same scan of the first component, returned later
    report = retention.purge(now=vn(2036, 3, 15, 0, 0))
    assert (report.documents, report.objects_deleted, report.objects_shared) == (2, 1, 1)
    kept = later.documents.get(result=False, sha256__isnull=False, purged_at=None, file__endswith=".pdf")
    assert default_storage.exists(kept.file.name)


def test_open_dossiers_are_never_purged(birth, staff, settings):  # noqa: F811
    settings.MOTCUA_RETENTION_COMPONENT_YEARS = 1
    intake = birth_intake(birth)
    intake.documents[0].content, intake.documents[0].file_name = SCAN_1, "scan.pdf"
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        actions.receive_at_counter(intake, actor=staff["counter"])
    assert retention.purge(now=vn(2040, 1, 1, 0, 0)).documents == 0


def test_the_command_reports_in_vietnamese(birth, staff, settings, capsys):  # noqa: F811
    settings.MOTCUA_RETENTION_COMPONENT_YEARS = 1
    _returned(birth, staff, 9, SCAN_1, SCAN_2)
    with time_machine.travel(vn(2028, 1, 1, 9, 0), tick=False):
        call_command("purge_documents", "--dry-run")
        call_command("purge_documents")
    out = capsys.readouterr().out
    assert "Sẽ hủy tệp của 2 giấy tờ thuộc 1 hồ sơ" in out and "Đã xóa 2 tệp khỏi kho lưu trữ" in out
