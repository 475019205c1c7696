"""Work queues per role, scoped to the officer's units."""

from __future__ import annotations

import time_machine

from motcua.dossiers import actions
from motcua.dossiers.queues import counts, queue
from tests.dossiers.conftest import birth_intake, unit, vn


def keys(user, key, now=None):
    return [d.code for d in queue(user, key, now=now)]


def test_queues_follow_the_dossier_and_stay_in_scope(birth, staff):
    with time_machine.travel(vn(2026, 3, 7, 20, 0), tick=False):
        online = actions.submit_online(birth_intake(birth))
    assert keys(staff["counter"], "to_receive") == [online.code]
    assert keys(staff["counter_other"], "to_receive") == [], "another ward's officer sees nothing"
    with time_machine.travel(vn(2026, 3, 9, 8, 0), tick=False):
        d = actions.receive(online, actor=staff["counter"])
        assert keys(staff["counter"], "to_forward") == [d.code]
        d = actions.forward(d, actor=staff["counter"])
    assert keys(staff["counter"], "to_forward") == []
    assert keys(staff["leader"], "to_sign") == [], "appraisal is still running: nothing to sign yet"
    assert keys(staff["specialist"], "to_process") == [d.code]
    assert keys(staff["specialist"], "overdue", now=vn(2026, 3, 13, 8, 0)) == [d.code]
    assert keys(staff["specialist"], "due_soon", now=vn(2026, 3, 12, 8, 0)) == [d.code]
    assert keys(staff["specialist"], "due_soon", now=vn(2026, 3, 9, 9, 0)) == []
    with time_machine.travel(vn(2026, 3, 9, 10, 0), tick=False):
        for step in d.steps.filter(state="active"):
            d = actions.complete_step(d, actor=staff["specialist"], step_id=step.pk)
    assert keys(staff["leader"], "to_sign") == [d.code]
    with time_machine.travel(vn(2026, 3, 9, 11, 0), tick=False):
        d = actions.approve(d, actor=staff["leader"])
    assert keys(staff["counter"], "to_return") == [d.code]
    assert keys(staff["leader"], "to_sign") == []
    assert counts(staff["counter"])["to_return"] == 1
    assert "to_sign" not in counts(staff["counter"]), "a receiving officer has no signing queue"
    assert counts(staff["inspector"]) == {}, "the inspector acts on nothing"


def test_inter_agency_step_shows_in_the_other_departments_queue(provincial, staff):
    from motcua.dossiers.actions import ApplicantData, Intake, SubmittedDocument

    intake = Intake(
        procedure_code="1.009999",
        receiving_unit=unit("000.00.01.H57"),
        applicant=ApplicantData(full_name="Trần Thị Bình", id_number="046190005678"),
        documents=[SubmittedDocument(provincial.documents.get().pk)],
    )
    with time_machine.travel(vn(2026, 4, 1, 8, 0), tick=False):
        d = actions.receive_at_counter(intake, actor=staff["city_counter"])
        d = actions.forward(d, actor=staff["city_counter"])
    assert keys(staff["construction_specialist"], "to_process") == []
    with time_machine.travel(vn(2026, 4, 2, 9, 0), tick=False):
        d = actions.complete_step(d, actor=staff["justice_specialist"])
    assert keys(staff["construction_specialist"], "to_process") == [d.code]
