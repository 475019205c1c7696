"""A dossier from the counter to the returned result, with every deadline effect checked by hand.

Calendar used (2026): Mon 09/03 … Fri 13/03 working days, Sat–Sun off; office hours 07:30–11:30, 13:30–17:00.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, DossierEvent, Status, StepState
from tests.dossiers.conftest import PDF, birth_intake, unit, vn


def at(*args):
    return time_machine.travel(vn(*args), tick=False)


def test_counter_intake_receives_and_computes_the_due_date(birth, staff):
    with at(2026, 3, 9, 9, 0):
        dossier = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    assert re.fullmatch(r"000\.01\.41\.H57-260309-0001", dossier.code)
    assert dossier.status == Status.RECEIVED
    assert dossier.received_at == vn(2026, 3, 9, 9, 0)
    assert dossier.due_at == vn(2026, 3, 12, 17, 0), "3 working days, the day of receipt not counted"
    assert dossier.handling_unit == unit("000.00.41.H57"), "the ward's committee settles ward procedures"
    assert dossier.procedure_version == birth
    assert [e.action for e in dossier.events.all()] == ["receive"]
    assert len(dossier.lookup_secret) == 8


def test_the_whole_way_with_supplement_apology_and_early_return(birth, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    with at(2026, 3, 9, 9, 30):
        d = actions.forward(d, actor=staff["counter"])
    assert d.status == Status.PROCESSING
    active = {s.action: s for s in d.steps.filter(state=StepState.ACTIVE)}
    assert set(active) == {"Thẩm định hồ sơ", "Xác minh thông tin cư trú"}, "parallel branches start together"
    assert active["Thẩm định hồ sơ"].due_at == vn(2026, 3, 10, 15, 15), "1.5 working days of 7.5 h from 09:30"
    assert active["Xác minh thông tin cư trú"].due_at == vn(2026, 3, 10, 9, 30)

    with at(2026, 3, 10, 8, 0):
        d = actions.request_supplement(
            d, actor=staff["specialist"], reason="Giấy chứng sinh mờ", documents=["Giấy chứng sinh (bản rõ)"]
        )
    assert d.status == Status.SUPPLEMENT and d.due_at is None
    with at(2026, 3, 10, 8, 5), pytest.raises(actions.Conflict, match="khi hồ sơ đang ở trạng thái"):
        actions.request_supplement(d, actor=staff["specialist"], reason="lần hai")

    with at(2026, 3, 11, 10, 0):  # Wed: the complete supplement arrives; Decree 61 restarts the limit
        d = actions.receive_supplement(
            d,
            actor=staff["counter"],
            documents=[actions.SubmittedDocument(None, "Giấy chứng sinh (bản rõ)", file_name="gcs.pdf", content=PDF)],
        )
    assert d.status == Status.PROCESSING
    assert d.due_at == vn(2026, 3, 16, 17, 0), "restart: Thu, Fri, Mon"
    assert d.documents.filter(supplement=True).count() == 1
    restarted = d.steps.get(action="Thẩm định hồ sơ")
    assert restarted.due_at == vn(2026, 3, 12, 15, 45), "the running step restarts too: 1.5 days from Wed 10:00"
    with at(2026, 3, 11, 10, 5), pytest.raises(actions.Conflict, match="một lần"):
        actions.request_supplement(d, actor=staff["specialist"], reason="lần hai, sau khi đã bổ sung")

    with at(2026, 3, 11, 14, 0):
        with pytest.raises(actions.InvalidAction, match="song song"):
            actions.complete_step(d, actor=staff["specialist"])
        appraisal = d.steps.get(action="Thẩm định hồ sơ")
        d = actions.complete_step(d, actor=staff["specialist"], step_id=appraisal.pk, note="Hồ sơ hợp lệ")
        police = d.steps.get(action="Xác minh thông tin cư trú")
        d = actions.complete_step(d, actor=staff["specialist"], step_id=police.pk, note="Công an phường xác nhận")
    assert list(d.steps.filter(state=StepState.ACTIVE).values_list("action", flat=True)) == [
        "Lãnh đạo ký Giấy khai sinh"
    ]

    with at(2026, 3, 13, 16, 0):  # Fri, 1 working day before Mon 16/03: an apology is still allowed
        d = actions.apologize(d, actor=staff["leader"], reason="Chờ xác minh bổ sung", new_due_date=date(2026, 3, 18))
    assert d.rescheduled_due_at == vn(2026, 3, 18, 17, 0) and d.effective_due_at == vn(2026, 3, 18, 17, 0)
    with at(2026, 3, 13, 16, 5), pytest.raises(actions.Conflict, match="một lần"):
        actions.apologize(d, actor=staff["leader"], reason="lần hai", new_due_date=date(2026, 3, 20))

    with at(2026, 3, 16, 9, 0):
        d = actions.approve(d, actor=staff["leader"], result_note="Giấy khai sinh số 123")
    assert d.status == Status.DONE and d.finished_at == vn(2026, 3, 16, 9, 0)
    assert d.events.get(action="approve").payload["mark"] == "early"
    with at(2026, 3, 16, 10, 0), pytest.raises(actions.Conflict, match="thông báo trước"):
        actions.return_result(d, actor=staff["counter"])
    with at(2026, 3, 16, 10, 5):
        d = actions.notify_early_return(d, actor=staff["counter"])
    with at(2026, 3, 17, 8, 0):
        d = actions.return_result(d, actor=staff["counter"])
    assert d.status == Status.RETURNED and d.returned_at == vn(2026, 3, 17, 8, 0)
    assert not d.steps.filter(state__in=[StepState.ACTIVE, StepState.PENDING]).exists()
    assert [e.action for e in d.events.all()] == [
        "receive",
        "forward",
        "request_supplement",
        "receive_supplement",
        "complete_step",
        "complete_step",
        "apologize",
        "approve",
        "notify_early_return",
        "return_result",
    ]


def test_a_dossier_through_two_departments_and_an_inter_agency_step(provincial, staff):
    from motcua.dossiers.actions import ApplicantData, Intake, SubmittedDocument

    intake = Intake(
        procedure_code="1.009999",
        receiving_unit=unit("000.00.01.H57"),
        applicant=ApplicantData(full_name="Công ty TNHH Sông Hương", kind="organization", tax_code="3300123456"),
        documents=[SubmittedDocument(provincial.documents.get().pk)],
    )
    with at(2026, 4, 1, 8, 0):
        d = actions.receive_at_counter(intake, actor=staff["city_counter"])
        d = actions.forward(d, actor=staff["city_counter"])
    assert d.handling_unit == unit("000.00.10.H57")
    assert d.due_at == vn(2026, 4, 8, 17, 0), "5 working days: Thu 2, Fri 3, Mon 6, Tue 7, Wed 8"
    with at(2026, 4, 2, 9, 0), pytest.raises(actions.NotPermitted):
        actions.complete_step(d, actor=staff["construction_specialist"])
    with at(2026, 4, 2, 9, 0):
        d = actions.complete_step(d, actor=staff["justice_specialist"])
    with at(2026, 4, 3, 15, 0):
        d = actions.complete_step(d, actor=staff["construction_specialist"], note="Đồng ý")
    with at(2026, 4, 6, 9, 0):
        d = actions.approve(d, actor=staff["justice_leader"])
    with at(2026, 4, 8, 10, 0):
        d = actions.return_result(d, actor=staff["city_counter"])
    marks = [e.payload.get("mark") for e in d.events.filter(action="complete_step")]
    assert marks == ["early", "late"], "Construction took longer than its 1.5 days"
    assert d.status == Status.RETURNED


def test_incomplete_dossier_is_not_received_and_no_clock_runs(birth, staff):
    intake = birth_intake(birth, documents=[])
    with at(2026, 3, 9, 9, 0), pytest.raises(actions.InvalidAction) as info:
        actions.receive_at_counter(intake, actor=staff["counter"])
    assert "Tờ khai đăng ký khai sinh" in info.value.message and "Giấy chứng sinh" in info.value.message
    assert not Dossier.objects.exists()
    with at(2026, 3, 9, 9, 5):
        guided = actions.refuse_at_counter(intake, actor=staff["counter"], reason="Thiếu giấy chứng sinh")
    assert guided.status == Status.NOT_RECEIVED and guided.due_at is None and guided.received_at is None
    assert guided.code.endswith("-260309-0001"), "a failed intake gave its number back: no gap"
    assert guided.events.get().payload["missing"] == ["Giấy chứng sinh", "Tờ khai đăng ký khai sinh"]


def test_online_submission_waits_in_the_queue_until_received(birth, staff):
    with at(2026, 3, 7, 20, 0):  # Saturday evening
        d = actions.submit_online(birth_intake(birth))
    assert d.status == Status.NEW and d.full_online and d.due_at is None
    with at(2026, 3, 9, 8, 0):
        d = actions.receive(d, actor=staff["counter"])
    assert d.due_at == vn(2026, 3, 12, 17, 0)


def test_supplement_after_three_working_days_is_refused(birth, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 12, 17, 30), pytest.raises(actions.Conflict, match="quá thời hạn yêu cầu bổ sung"):
        actions.request_supplement(d, actor=staff["specialist"], reason="muộn")
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING


def test_apology_on_the_due_day_is_too_late(birth, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 12, 8, 0), pytest.raises(actions.Conflict):
        actions.apologize(d, actor=staff["leader"], reason="muộn", new_due_date=date(2026, 3, 16))
    assert Dossier.objects.get(pk=d.pk).apology_count == 0


def test_apology_to_a_non_working_day_is_refused(birth, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 10, 9, 0), pytest.raises(actions.InvalidAction, match="không phải ngày làm việc"):
        actions.apologize(d, actor=staff["leader"], reason="x", new_due_date=date(2026, 3, 14))


def test_refusal_after_review_is_a_result(birth, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 10, 9, 0):
        d = actions.refuse(d, actor=staff["leader"], reason="Không thuộc thẩm quyền")
    assert d.status == Status.DONE and d.result_kind == "refusal" and d.refused_at == vn(2026, 3, 10, 9, 0)


def test_post_return_requires_a_tracking_number(birth, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth, result_delivery="post"), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 12, 9, 0):
        d = actions.approve(d, actor=staff["leader"])
    with at(2026, 3, 12, 10, 0), pytest.raises(actions.InvalidAction, match="mã vận đơn"):
        actions.return_result(d, actor=staff["counter"])
    with at(2026, 3, 12, 10, 0):
        d = actions.return_result(d, actor=staff["counter"], postal_tracking="EE123456789VN")
    assert d.postal_tracking == "EE123456789VN"


def test_events_are_append_only(birth, staff):
    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    event = DossierEvent.objects.get(dossier=d)
    event.reason = "sửa"
    with pytest.raises(Exception, match="không được sửa"):
        event.save()
    with pytest.raises(Exception, match="không được xóa"):
        event.delete()


def test_explanation_shows_the_rescheduled_date_in_vietnamese_time(birth, staff):
    """Bug: the rescheduled moment was printed in UTC (10:00 instead of 17:00)."""
    from motcua.dossiers.deadlines import explain_due

    with at(2026, 3, 9, 9, 0):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
    with at(2026, 3, 10, 9, 0):
        d = actions.apologize(d, actor=staff["leader"], reason="Chờ xác minh", new_due_date=date(2026, 3, 16))
    lines = explain_due(Dossier.objects.get(pk=d.pk))
    assert lines[-1] == "Hẹn lại ngày trả kết quả (Phiếu xin lỗi và hẹn lại): 17:00 16/03/2026."
    assert lines[-2] == "Hạn trả kết quả: 17:00 ngày 12/03/2026"
