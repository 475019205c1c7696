"""Who may do what where, conflicting officers, and bad input: a clear error and nothing changed."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from motcua.dossiers import actions
from motcua.dossiers.actions import ApplicantData, SubmittedDocument
from motcua.dossiers.models import Dossier, DossierEvent, Status
from tests.dossiers.conftest import PDF, birth_intake, unit, vn


def received(birth, staff):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        return actions.forward(d, actor=staff["counter"])


@pytest.mark.parametrize(
    "who, action, kwargs, allowed",
    [
        ("counter", "approve", {}, False),
        ("specialist", "approve", {}, False),
        ("leader", "approve", {}, True),
        ("inspector", "approve", {}, False),
        ("counter_other", "withdraw", {"reason": "x"}, False),
        ("counter", "withdraw", {"reason": "Người nộp xin rút"}, True),
        ("specialist", "request_supplement", {"reason": "Thiếu"}, True),
        ("counter", "request_supplement", {"reason": "Thiếu"}, False),
        ("leader", "stop", {"reason": "Theo yêu cầu của cơ quan điều tra"}, True),
        ("specialist", "stop", {"reason": "x"}, False),
        ("justice_leader", "approve", {}, False),
    ],
)
def test_permission_matrix(birth, staff, who, action, kwargs, allowed):
    d = received(birth, staff)
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        if allowed:
            actions.ACTIONS[action](d, actor=staff[who], **kwargs)
        else:
            with pytest.raises(actions.NotPermitted) as info:
                actions.ACTIONS[action](d, actor=staff[who], **kwargs)
            assert "Bạn không có quyền" in info.value.message
            assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING


def test_officer_of_another_ward_cannot_receive_here(birth, staff):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False), pytest.raises(actions.NotPermitted):
        actions.receive_at_counter(birth_intake(birth), actor=staff["counter_other"])
    assert not Dossier.objects.exists()


def test_a_stale_page_gets_a_conflict_and_loses_nothing(birth, staff):
    d = received(birth, staff)
    shown = d.revision
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        actions.request_supplement(d, actor=staff["specialist"], reason="Thiếu giấy", expected_revision=shown)
        with pytest.raises(actions.Conflict, match="vừa được cán bộ khác cập nhật"):
            actions.approve(d, actor=staff["leader"], expected_revision=shown)
    assert Dossier.objects.get(pk=d.pk).status == Status.SUPPLEMENT


@pytest.mark.parametrize(
    "applicant, field",
    [
        (ApplicantData(full_name="A", id_number="12345"), "id_number"),
        (ApplicantData(full_name="A", id_number="04609000123X"), "id_number"),
        (ApplicantData(full_name="A", id_number="046090001234", phone="12345"), "phone"),
        (ApplicantData(full_name="A", id_number=""), "id_number"),
        (ApplicantData(full_name="Cty", kind="organization", tax_code="123"), "tax_code"),
        (ApplicantData(full_name="A", id_number="046090001234", date_of_birth=date(2030, 1, 1)), "date_of_birth"),
    ],
)
def test_malformed_applicant_data_is_refused_per_field(birth, staff, applicant, field):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False), pytest.raises(actions.InvalidAction) as info:
        actions.receive_at_counter(birth_intake(birth, applicant=applicant), actor=staff["counter"])
    assert field in info.value.errors
    assert not Dossier.objects.exists()


def test_a_timestamp_in_the_future_is_refused(birth, staff):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False), pytest.raises(actions.InvalidAction, match="tương lai"):
        actions.receive_at_counter(birth_intake(birth), actor=staff["counter"], at=vn(2026, 3, 10, 9, 0))


@pytest.mark.parametrize("content, name", [(b"MZ\x90\x00 not a pdf", "giay-chung-sinh.pdf"), (b"<html>", "anh.png")])
def test_mislabelled_files_are_refused_by_their_bytes(birth, staff, content, name):
    intake = birth_intake(birth)
    intake.documents[0] = SubmittedDocument(intake.documents[0].required_document_id, file_name=name, content=content)
    with (
        time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False),
        pytest.raises(actions.InvalidAction, match="theo nội dung"),
    ):
        actions.receive_at_counter(intake, actor=staff["counter"])
    assert not Dossier.objects.exists()


def test_oversized_files_are_refused_by_the_limit_of_their_type(birth, staff, settings):
    settings.MOTCUA_MAX_PDF_MB = 1
    intake = birth_intake(birth)
    big = PDF + b"0" * (1024 * 1024)
    intake.documents[0] = SubmittedDocument(intake.documents[0].required_document_id, file_name="to.pdf", content=big)
    with (
        time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False),
        pytest.raises(actions.InvalidAction, match="quá giới hạn \\(PDF tối đa 1 MB"),
    ):
        actions.receive_at_counter(intake, actor=staff["counter"])
    assert not Dossier.objects.exists()


def test_a_real_pdf_is_stored_with_its_hash_and_type(birth, staff):
    intake = birth_intake(birth)
    intake.documents[0] = SubmittedDocument(intake.documents[0].required_document_id, file_name="tk.pdf", content=PDF)
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(intake, actor=staff["counter"])
    stored = d.documents.exclude(file="").get()
    assert stored.content_type == "application/pdf" and len(stored.sha256) == 64 and stored.size == len(PDF)


def test_known_applicant_is_reused_by_id_number(birth, staff):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        first = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        second = actions.receive_at_counter(
            birth_intake(
                birth, applicant=ApplicantData(full_name="Nguyễn Văn An", id_number="046090001234", phone="0987654321")
            ),
            actor=staff["counter"],
        )
    assert first.applicant_id == second.applicant_id
    assert second.applicant.phone == "0987654321"


def test_channel_not_offered_by_the_procedure_is_refused(provincial, staff):
    intake = birth_intake(
        provincial,
        procedure_code="1.009999",
        receiving_unit=unit("000.00.01.H57"),
        channel="online",
        documents=[SubmittedDocument(provincial.documents.get().pk)],
    )
    with time_machine.travel(vn(2026, 4, 1, 8, 0), tick=False), pytest.raises(actions.InvalidAction, match="kênh"):
        actions.receive_at_counter(intake, actor=staff["city_counter"])


def test_withdrawal_and_stop_record_their_reason(birth, staff):
    d = received(birth, staff)
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        d = actions.withdraw(d, actor=staff["counter"], reason="Đơn xin rút hồ sơ ngày 10/03/2026")
    assert d.status == Status.WITHDRAWN and d.withdrawn_at == vn(2026, 3, 10, 9, 0)
    assert DossierEvent.objects.get(dossier=d, action="withdraw").reason.startswith("Đơn xin rút")
