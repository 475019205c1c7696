"""Every action is allowed from the statuses of the transition table and refused (409) from all others."""

from __future__ import annotations

import pytest

from motcua.feedback import actions, workflow
from motcua.feedback.models import Feedback, FeedbackEvent, Kind, Status

pytestmark = pytest.mark.django_db


def _do(action: str, fb: Feedback, officer, leader):
    if action == "reject":
        return actions.reject(fb, officer, reason="Không phải phản ánh về quy định hành chính.")
    if action == "request_info":
        return actions.request_info(fb, officer, what="Địa điểm cụ thể.")
    if action == "supply_info":
        return actions.supply_info(fb, text="Trụ sở xã.", secret=fb.lookup_secret)
    if action == "classify":
        return actions.classify(fb, officer, kind=Kind.PETITION)
    if action == "answer":
        return actions.answer(fb, officer, text="Trả lời.", signer="Chủ tịch xã")
    return actions.publish(
        fb, leader, title="Tiêu đề", question="Câu hỏi.", answer_text="Trả lời.", no_personal_data=True
    )


def _in_status(status: str, commune, officer, leader) -> Feedback:
    from tests.feedback.conftest import submission

    fb = actions.submit(submission(commune))
    path = {
        Status.RECEIVED: [],
        Status.MORE_INFO: ["request_info"],
        Status.REJECTED: ["reject"],
        Status.CLASSIFIED: ["classify"],
        Status.ANSWERED: ["classify", "answer"],
        Status.PUBLISHED: ["classify", "answer", "publish"],
    }[status]
    for action in path:
        fb = _do(action, fb, officer, leader)
    assert fb.status == status
    return fb


CASES = [(action, status) for action in workflow.TRANSITIONS for status in Status.values]


@pytest.mark.parametrize(("action", "status"), CASES)
def test_action_is_allowed_exactly_from_the_statuses_of_the_table(action, status, commune_a, leader_a):
    fb = _in_status(status, commune_a, leader_a, leader_a)
    transition = workflow.TRANSITIONS[action]
    if status in transition.sources:
        done = _do(action, fb, leader_a, leader_a)
        assert done.status == transition.target
        assert done.revision == fb.revision + 1
        assert done.events.last().action == action
    else:
        with pytest.raises(actions.Conflict):
            _do(action, fb, leader_a, leader_a)
        fb.refresh_from_db()
        assert fb.status == status


def test_each_step_appends_one_event_and_the_history_cannot_be_edited(published):
    events = list(published.events.order_by("at", "id"))
    assert [e.action for e in events] == ["submit", "classify", "answer", "publish"]
    with pytest.raises(ValueError):
        events[0].save()
    with pytest.raises(ValueError):
        events[0].delete()
    assert FeedbackEvent.objects.filter(feedback=published).count() == 4


def test_reject_request_and_answer_need_their_text(received, handler_a):
    with pytest.raises(actions.InvalidAction):
        actions.reject(received, handler_a, reason="  ")
    with pytest.raises(actions.InvalidAction):
        actions.request_info(received, handler_a, what="")
    fb = actions.classify(received, handler_a)
    with pytest.raises(actions.InvalidAction):
        actions.answer(fb, handler_a, text="Trả lời.", signer="")


def test_codes_are_consecutive_per_day(commune_a):
    from tests.feedback.conftest import at, submission

    with at(2026, 3, 9, 9, 0):
        first = actions.submit(submission(commune_a))
        second = actions.submit(submission(commune_a))
    with at(2026, 3, 10, 9, 0):
        next_day = actions.submit(submission(commune_a))
    assert (first.code, second.code, next_day.code) == ("PA-260309-0001", "PA-260309-0002", "PA-260310-0001")


def test_a_stale_revision_is_a_conflict(received, handler_a):
    actions.classify(received, handler_a)
    with pytest.raises(actions.Conflict):
        actions.reject(received, handler_a, reason="Trùng.", expected_revision=received.revision)


def test_supplying_information_needs_the_lookup_secret(received, handler_a):
    asked = actions.request_info(received, handler_a, what="Địa điểm.")
    with pytest.raises(actions.NotPermitted):
        actions.supply_info(asked, text="Trụ sở xã.", secret="SAIMAMA1")
    asked.refresh_from_db()
    assert asked.status == Status.MORE_INFO


def test_publishing_refuses_text_with_the_submitters_personal_data(answered, leader_a):
    with pytest.raises(actions.InvalidAction) as refused:
        actions.publish(
            answered,
            leader_a,
            title="Niêm yết",
            question="Bà Trần Thị Bình (0912 345 678) phản ánh bảng niêm yết.",
            answer_text="Đã bổ sung.",
            no_personal_data=True,
        )
    assert "họ tên" in refused.value.message and "số điện thoại" in refused.value.message
    with pytest.raises(actions.InvalidAction):
        actions.publish(
            answered, leader_a, title="Niêm yết", question="Câu hỏi.", answer_text="Trả lời.", no_personal_data=False
        )
    answered.refresh_from_db()
    assert answered.status == Status.ANSWERED


def test_an_answer_the_submitter_kept_private_is_never_published(classified, handler_a, leader_a):
    fb = actions.answer(classified, handler_a, text="Trả lời.", signer="Chủ tịch xã", wants_public=False)
    assert fb.publish_due_at is None
    with pytest.raises(actions.Conflict):
        actions.publish(fb, leader_a, title="T", question="Q.", answer_text="A.", no_personal_data=True)
