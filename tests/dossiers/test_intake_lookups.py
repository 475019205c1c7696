"""What intake reads from the catalogue and the calendar, and that what it keeps in memory never goes stale:
local fee amounts, a newly published version, a draft, a policy changed by another process."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from motcua.catalog import lifecycle, snapshot
from motcua.catalog.models import Fee, FeeOverride, RequiredDocument
from motcua.dossiers import actions
from motcua.workcalendar.models import CalendarPolicy
from motcua.workcalendar.service import calendar_for, calendar_on, policy_on
from tests.dossiers.conftest import birth_intake, unit, vn


def _with_fee(birth, amount: str, channel: str = "") -> None:
    # Published versions are frozen: the fee is added the way a migration of old data would, then the
    # version is read again (the snapshot cache is cleared by the save signal).
    Fee.objects.bulk_create([Fee(version=birth, name="Phí thử nghiệm", amount=Decimal(amount), channel=channel)])
    snapshot.clear()


def test_a_provincial_resolution_overrides_the_national_fee_for_the_unit_subtree(birth, staff):
    _with_fee(birth, "50000")
    fee = Fee.objects.get(version=birth, name="Phí thử nghiệm")
    # The city council's resolution for everything under the city committee (Thuận Hóa ward included).
    FeeOverride.objects.create(fee=fee, unit=unit("000.00.00.H57"), amount=Decimal(30000), legal_basis="NQ 1/2026")
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        dossier = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    assert dossier.fees_due == Decimal(30000)


def test_the_nearest_override_wins_and_other_units_pay_the_national_amount(birth, staff):
    _with_fee(birth, "50000")
    fee = Fee.objects.get(version=birth, name="Phí thử nghiệm")
    FeeOverride.objects.create(fee=fee, unit=unit("000.00.00.H57"), amount=Decimal(30000), legal_basis="NQ 1")
    FeeOverride.objects.create(fee=fee, unit=unit("000.01.41.H57"), amount=Decimal(10000), legal_basis="NQ 2")
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        here = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        elsewhere = actions.receive_at_counter(
            birth_intake(birth, receiving_unit=unit("000.01.44.H57")), actor=staff["counter_other"]
        )
    assert here.fees_due == Decimal(10000), "the ward's own resolution is nearer than the city's"
    assert elsewhere.fees_due == Decimal(30000)


def test_a_fee_for_another_channel_is_not_charged(birth, staff):
    _with_fee(birth, "50000", channel="online")
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        dossier = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    assert dossier.fees_due == Decimal(0)


def test_a_newly_published_version_is_used_from_its_first_day(birth, staff):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        first = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    assert first.procedure_version_id == birth.pk
    successor = lifecycle.duplicate(birth)
    RequiredDocument.objects.filter(version=successor, required=False).delete()
    lifecycle.publish(
        successor, decision_number="2/QĐ-BTP", decision_date=date(2026, 3, 1), valid_from=date(2026, 3, 10)
    )
    with time_machine.travel(vn(2026, 3, 10, 9, 0), tick=False):
        with pytest.raises(actions.InvalidAction, match="không thuộc danh mục"):
            actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])  # the old version's lines
        documents = [actions.SubmittedDocument(line.pk) for line in successor.documents.filter(required=True)]
        second = actions.receive_at_counter(birth_intake(birth, documents=documents), actor=staff["counter"])
    assert second.procedure_version_id == successor.pk
    assert second.documents.count() == 2


def test_a_calendar_policy_changed_by_another_process_is_seen_on_the_next_intake(hue):
    policy = CalendarPolicy.objects.create(effective_from=date(2026, 1, 1), makeup_saturdays_count=True)
    assert calendar_on(date(2026, 3, 9))[1].makeup_saturdays_count is True
    # Another web worker's edit: no signal reaches this process, only the row's new updated_at.
    CalendarPolicy.objects.filter(pk=policy.pk).update(
        makeup_saturdays_count=False, updated_at=timezone.now() + timedelta(seconds=1)
    )
    assert policy_on(date(2026, 3, 9)).makeup_saturdays_count is False
    calendar, seen = calendar_on(date(2026, 3, 9))
    assert seen.makeup_saturdays_count is False and calendar is calendar_for(makeup_counts=False)


def _paid_birth(birth, staff, amount="50000"):
    _with_fee(birth, amount)
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        return actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])


def test_a_fee_collected_at_the_counter_is_recorded_without_changing_the_status(birth, staff):
    dossier = _paid_birth(birth, staff)
    with time_machine.travel(vn(2026, 3, 9, 9, 5), tick=False):
        dossier = actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(50000), reference="BL 1")
    assert dossier.fees_paid == Decimal(50000) and dossier.status == 2
    event = dossier.events.order_by("-id").first()
    assert event.action == "collect_fee" and event.payload["method"] == "counter"


def test_paying_more_than_is_due_is_refused_and_changes_nothing(birth, staff):
    dossier = _paid_birth(birth, staff)
    with pytest.raises(actions.InvalidAction, match="lớn hơn số còn phải nộp"):
        actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(60000))
    dossier.refresh_from_db()
    assert dossier.fees_paid == 0


def test_an_online_payment_needs_no_officer_and_meets_a_financial_obligation(birth, staff):
    dossier = _paid_birth(birth, staff)
    with time_machine.travel(vn(2026, 3, 9, 10, 0), tick=False):
        dossier = actions.record_online_payment(dossier, amount=Decimal(50000), provider="sandbox", reference="T1")
        assert dossier.status == 2 and dossier.fees_paid == Decimal(50000)
        dossier = actions.forward(dossier, actor=staff["counter"])
        dossier = actions.request_financial(dossier, actor=staff["specialist"], amount=Decimal(20000))
        dossier = actions.record_online_payment(dossier, amount=Decimal(20000), provider="sandbox", reference="T2")
    assert dossier.status == 4
    assert [e.action for e in dossier.events.order_by("id")][-3:] == [
        "forward",
        "request_financial",
        "pay_obligation_online",
    ]
    assert dossier.events.order_by("-id").first().actor is None


def test_collecting_a_fee_is_offered_only_while_something_is_outstanding(birth, staff):
    from motcua.dossiers.access import offers

    dossier = _paid_birth(birth, staff)
    assert "collect_fee" in {o.action for o in offers(staff["counter"], dossier)}
    with time_machine.travel(vn(2026, 3, 9, 9, 5), tick=False):
        dossier = actions.collect_fee(dossier, actor=staff["counter"], amount=Decimal(50000))
    assert "collect_fee" not in {o.action for o in offers(staff["counter"], dossier)}


def test_an_online_submission_never_overwrites_an_applicant_checked_at_the_counter(birth, staff):
    """Typing someone else's ID number online must not redirect their contacts (or rename them)."""
    from motcua.dossiers.models import Applicant

    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        impostor = actions.ApplicantData(
            full_name="Kẻ Giả Mạo", id_number="046090001234", phone="0999999999", email="x@example.vn"
        )
        actions.submit_online(birth_intake(birth, applicant=impostor))
    stored = Applicant.objects.get(id_number="046090001234")
    assert (stored.full_name, stored.phone) == ("Nguyễn Văn An", "0912345678")
    assert stored.email == "x@example.vn", "a blank field may be filled in"


def test_the_counter_may_correct_an_applicants_details_after_checking_the_papers(birth, staff):
    from motcua.dossiers.models import Applicant

    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        moved = actions.ApplicantData(full_name="Nguyễn Văn An", id_number="046090001234", phone="0911222333")
        actions.receive_at_counter(birth_intake(birth, applicant=moved), actor=staff["counter"])
    assert Applicant.objects.get(id_number="046090001234").phone == "0911222333"
