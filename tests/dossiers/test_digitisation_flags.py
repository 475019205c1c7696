"""Digitisation in the write path: flags kept per dossier, files immutable and shared, reuse only from the
applicant's own store, and the dashboard's rates moving with them."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from motcua.dossiers import actions
from motcua.dossiers.digitisation import digitisation_by_unit, total
from motcua.dossiers.models import DocumentOrigin, Dossier, DossierEvent
from motcua.organizations.models import Unit
from tests.dossiers.conftest import PDF, birth_intake, vn
from tests.sample_files import pdf_bytes

SCAN_1 = pdf_bytes("To khai dang ky khai sinh")
SCAN_2 = pdf_bytes("Giay chung sinh", pages=2)


def _with_files(birth, *contents: bytes | None, **changes):
    intake = birth_intake(birth, **changes)
    for document, content in zip(intake.documents, contents, strict=False):
        if content is not None:
            document.content, document.file_name = content, f"scan-{document.required_document_id}.pdf"
    return intake


def _receive(birth, staff, *contents, at=(2026, 3, 9, 9, 0), **changes) -> Dossier:
    with time_machine.travel(vn(*at), tick=False):
        return actions.receive_at_counter(_with_files(birth, *contents, **changes), actor=staff["counter"])


def test_a_dossier_is_digitised_when_every_component_has_its_electronic_copy(birth, staff):
    d = _receive(birth, staff, SCAN_1, SCAN_2)
    assert d.input_digitised and not d.result_digitised and d.reused_components == 0
    rows = list(d.documents.order_by("pk"))
    assert [row.origin for row in rows] == [DocumentOrigin.SCAN, DocumentOrigin.SCAN]
    assert [row.pages for row in rows] == [1, 2]
    assert rows[0].original_name == f"scan-{rows[0].required_document_id}.pdf"
    assert rows[0].file.name.startswith("documents/") and rows[0].sha256 in rows[0].file.name


def test_a_paper_only_component_keeps_the_dossier_not_digitised_until_it_is_scanned(birth, staff):
    d = _receive(birth, staff, SCAN_1, None)
    assert not Dossier.objects.get(pk=d.pk).input_digitised
    paper = d.documents.get(sha256="")
    with time_machine.travel(vn(2026, 3, 9, 10, 0), tick=False):
        d = actions.digitise(
            d, actor=staff["counter"], document_id=paper.pk, document=actions.SubmittedDocument(None, content=SCAN_2)
        )
    assert d.input_digitised
    paper.refresh_from_db()
    assert paper.origin == DocumentOrigin.SCAN and paper.pages == 2 and paper.digitised_at is not None
    event = DossierEvent.objects.filter(dossier=d, action="digitise").get()
    assert event.payload["document"] == paper.name and event.from_status == event.to_status


def test_an_attached_file_is_never_replaced(birth, staff):
    d = _receive(birth, staff, SCAN_1, SCAN_2)
    first = d.documents.order_by("pk").first()
    with pytest.raises(actions.Conflict, match="không thay thế được"):
        actions.digitise(
            d, actor=staff["counter"], document_id=first.pk, document=actions.SubmittedDocument(None, content=PDF)
        )
    first.refresh_from_db()
    assert first.sha256 and first.file.name.endswith(f"{first.sha256}.pdf")


def test_only_the_receiving_unit_digitises(birth, staff):
    d = _receive(birth, staff, SCAN_1, None)
    paper = d.documents.get(sha256="")
    with pytest.raises(actions.NotPermitted):
        actions.digitise(
            d,
            actor=staff["counter_other"],
            document_id=paper.pk,
            document=actions.SubmittedDocument(None, content=SCAN_2),
        )


def test_the_same_bytes_are_stored_once(birth, staff):
    one = _receive(birth, staff, SCAN_1, SCAN_2)
    two = _receive(birth, staff, SCAN_1, SCAN_2, at=(2026, 3, 9, 10, 0))
    assert {r.file.name for r in one.documents.all()} == {r.file.name for r in two.documents.all()}


def test_a_component_reused_at_the_counter_from_the_applicants_earlier_dossier(birth, staff):
    earlier = _receive(birth, staff, SCAN_1, SCAN_2)
    source = earlier.documents.get(required_document__position=2)
    d = _receive(birth, staff, SCAN_1, None, at=(2026, 3, 10, 9, 0))
    paper = d.documents.get(sha256="")
    d = actions.digitise(
        d, actor=staff["counter"], document_id=paper.pk, document=actions.SubmittedDocument(None, reuse_of=source.pk)
    )
    paper.refresh_from_db()
    assert paper.reused_from_id == source.pk and paper.origin == DocumentOrigin.REUSE
    assert paper.sha256 == source.sha256 and paper.file.name == source.file.name
    assert d.reused_components == 1 and d.input_digitised and not d.from_citizen_store


def test_another_applicants_document_cannot_be_reused(birth, staff):
    stranger = _receive(birth, staff, SCAN_1, SCAN_2)
    other = birth_intake(birth)
    other.applicant.id_number, other.applicant.full_name = "046090009999", "Trần Thị Bình"
    for document, content in zip(other.documents, (SCAN_1, None), strict=False):
        document.content, document.file_name = content, "x.pdf" if content else ""
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        d = actions.receive_at_counter(other, actor=staff["counter"])
    paper = d.documents.get(sha256="")
    source = stranger.documents.first()
    with pytest.raises(actions.InvalidAction, match="không thuộc kho của chủ hồ sơ"):
        actions.digitise(
            d,
            actor=staff["counter"],
            document_id=paper.pk,
            document=actions.SubmittedDocument(None, reuse_of=source.pk),
        )
    paper.refresh_from_db()
    assert not paper.digitised


def test_an_online_submission_reuses_only_from_the_accounts_own_dossiers(birth, staff, django_user_model):
    account = django_user_model.objects.create_user("citizen-a", password="x")
    counter_dossier = _receive(birth, staff, SCAN_1, SCAN_2)  # same applicant, but not in the account
    source = counter_dossier.documents.first()
    intake = _with_files(birth, None, SCAN_2, account=account)
    intake.documents[0].reuse_of = source.pk
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False), pytest.raises(actions.InvalidAction):
        actions.submit_online(intake)
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        actions.link_account(counter_dossier, account=account)
        d = actions.submit_online(intake)
    row = d.documents.get(reused_from=source)
    assert row.origin == DocumentOrigin.STORE and d.from_citizen_store and d.reused_components == 1


def test_link_account_refuses_a_dossier_held_by_another_account(birth, staff, django_user_model):
    a = django_user_model.objects.create_user("citizen-a", password="x")
    b = django_user_model.objects.create_user("citizen-b", password="x")
    d = _receive(birth, staff, SCAN_1, SCAN_2)
    actions.link_account(d, account=a)
    actions.link_account(d, account=a)  # again: nothing changes, no error
    with pytest.raises(actions.Conflict, match="tài khoản khác"):
        actions.link_account(d, account=b)
    assert Dossier.objects.get(pk=d.pk).account == a


def test_the_digitisation_rates_per_unit_and_period(birth, staff):
    _receive(birth, staff, SCAN_1, SCAN_2)
    _receive(birth, staff, SCAN_1, None, at=(2026, 3, 9, 10, 0))
    _receive(birth, staff, SCAN_1, SCAN_2, at=(2026, 4, 2, 9, 0))  # another month
    d = _receive(birth, staff, SCAN_1, SCAN_2, at=(2026, 3, 11, 9, 0))
    with time_machine.travel(vn(2026, 3, 11, 10, 0), tick=False):
        d = actions.forward(d, actor=staff["counter"])
        actions.approve(
            d,
            actor=staff["leader"],
            result_documents=[actions.SubmittedDocument(None, "Giấy khai sinh", file_name="gks.pdf", content=PDF)],
        )
    rows = digitisation_by_unit(Unit.objects.all(), date(2026, 3, 1), date(2026, 3, 31))
    counter = next(r for r in rows if r.unit.agency_code == "000.01.41.H57")
    assert (counter.received, counter.input_digitised, counter.rates["input_digitised"]) == (3, 2, 66.7)
    committee = next(r for r in rows if r.resolved)
    assert (committee.resolved, committee.e_result, committee.fully_digitised) == (1, 1, 1)
    assert committee.rates["e_result"] == 100.0
    summed = total(rows)
    assert summed.received == 3 and summed.resolved == 1


def test_the_dashboard_shows_the_rates(client, birth, staff):
    _receive(birth, staff, SCAN_1, SCAN_2)
    _receive(birth, staff, SCAN_1, None, at=(2026, 3, 9, 10, 0))
    client.force_login(staff["counter"])
    html = client.get("/can-bo/", {"tu": "01/03/2026", "den": "31/03/2026"}).content.decode()
    assert 'id="digitisation-rates"' in html and "(50,0%)" in html or "(50.0%)" in html
    bad = client.get("/can-bo/", {"tu": "31/02/2026"}).content.decode()
    assert "Ngày không đúng dạng" in bad
