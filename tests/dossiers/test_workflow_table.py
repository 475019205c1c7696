"""Every allowed and every forbidden transition of the table, and the same rule enforced by actions.py."""

from __future__ import annotations

import pytest
import time_machine

from motcua.dossiers import actions, workflow
from motcua.dossiers.models import Dossier, DossierEvent, Status
from tests.dossiers.conftest import birth_intake, vn

STATUSES = [None, *Status]

EXPECTED = {  # action -> statuses it may start from (None: no dossier yet)
    "submit_online": {None},
    "receive": {None, Status.NEW},
    "refuse_intake": {None, Status.NEW},
    "forward": {Status.RECEIVED},
    "complete_step": {Status.PROCESSING},
    "request_supplement": {Status.PROCESSING},
    "receive_supplement": {Status.SUPPLEMENT},
    "request_financial": {Status.PROCESSING},
    "record_payment": {Status.FINANCIAL},
    "collect_fee": {Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.DONE},
    "pay_online": {Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.DONE},
    "pay_obligation_online": {Status.FINANCIAL},
    "apologize": {Status.PROCESSING, Status.FINANCIAL},
    "approve": {Status.PROCESSING},
    "refuse": {Status.PROCESSING},
    "notify_early_return": {Status.DONE},
    "return_result": {Status.DONE},
    "withdraw": {Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL},
    "stop": {Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL},
    "rate": {Status.DONE, Status.RETURNED},
    "digitise": set(Status) - {Status.NOT_RECEIVED},
    "link_account": set(Status) - {Status.NOT_RECEIVED},
    "purge_documents": {Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED},
}


def test_the_table_holds_exactly_the_expected_actions():
    assert set(workflow.TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("status", STATUSES, ids=lambda s: "none" if s is None else s.name)
def test_each_action_is_allowed_exactly_from_its_sources(action, status):
    if status in EXPECTED[action]:
        assert workflow.check(action, status).action == action
    else:
        with pytest.raises(workflow.TransitionNotAllowed) as info:
            workflow.check(action, status)
        assert "Không thể" in str(info.value)


@pytest.mark.parametrize("status", [Status.RETURNED, Status.WITHDRAWN, Status.STOPPED, Status.NOT_RECEIVED])
def test_final_statuses_allow_nothing(status):
    assert workflow.allowed_actions(status) == []


def test_payments_by_a_gateway_are_never_offered_to_officers():
    for status in STATUSES:
        offered = {t.action for t in workflow.allowed_actions(status)}
        assert not offered & {"submit_online", "pay_online", "pay_obligation_online", "rate"}


def test_targets_follow_the_national_codes():
    target = {a: t.target for a, t in workflow.TRANSITIONS.items()}
    assert target["receive"] == Status.RECEIVED and target["forward"] == Status.PROCESSING
    assert target["request_supplement"] == Status.SUPPLEMENT and target["request_financial"] == Status.FINANCIAL
    assert target["approve"] == target["refuse"] == Status.DONE and target["return_result"] == Status.RETURNED
    assert target["withdraw"] == Status.WITHDRAWN and target["stop"] == Status.STOPPED
    assert target["complete_step"] is None and target["apologize"] is None
    assert target["collect_fee"] is None and target["pay_online"] is None
    assert target["pay_obligation_online"] == Status.PROCESSING


ACTION_KWARGS = {
    "receive": {},
    "refuse_intake": {"reason": "x"},
    "forward": {},
    "complete_step": {},
    "request_supplement": {"reason": "x"},
    "receive_supplement": {},
    "request_financial": {"amount": 1000},
    "record_payment": {"amount": 1000},
    "collect_fee": {"amount": 1000},
    "apologize": {"reason": "x", "new_due_date": None},
    "approve": {},
    "refuse": {"reason": "x"},
    "notify_early_return": {},
    "return_result": {},
    "withdraw": {"reason": "x"},
    "stop": {"reason": "x"},
}


@pytest.mark.parametrize("action", sorted(ACTION_KWARGS))
def test_forbidden_actions_on_a_returned_dossier_answer_conflict_and_change_nothing(birth, staff, action):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
        d = actions.approve(d, actor=staff["leader"])
    with time_machine.travel(vn(2026, 3, 12, 9, 0), tick=False):
        d = actions.return_result(d, actor=staff["counter"])
    events = DossierEvent.objects.count()
    with time_machine.travel(vn(2026, 3, 12, 10, 0), tick=False), pytest.raises(actions.Conflict):
        actions.ACTIONS[action](d, actor=staff["leader"], **ACTION_KWARGS[action])
    assert Dossier.objects.get(pk=d.pk).status == Status.RETURNED
    assert DossierEvent.objects.count() == events
