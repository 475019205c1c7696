"""Who may act on a feedback: an officer with the role in the responsible unit, nobody else."""

from __future__ import annotations

import pytest

from motcua.feedback import actions
from motcua.feedback.models import Status

pytestmark = pytest.mark.django_db


def test_an_officer_of_another_unit_is_refused_every_action(received, handler_b):
    with pytest.raises(actions.NotPermitted):
        actions.reject(received, handler_b, reason="Không thuộc thẩm quyền.")
    with pytest.raises(actions.NotPermitted):
        actions.request_info(received, handler_b, what="Địa điểm.")
    with pytest.raises(actions.NotPermitted):
        actions.classify(received, handler_b)
    received.refresh_from_db()
    assert received.status == Status.RECEIVED and received.events.count() == 1


def test_after_routing_the_new_unit_handles_it_and_the_old_one_no_longer_can(received, handler_a, handler_b, commune_b):
    routed = actions.classify(received, handler_a, unit=commune_b)
    with pytest.raises(actions.NotPermitted):
        actions.answer(routed, handler_a, text="Trả lời.", signer="Chủ tịch")
    done = actions.answer(routed, handler_b, text="Trả lời.", signer="Chủ tịch xã Bình Minh")
    assert done.status == Status.ANSWERED


def test_routing_to_a_unit_that_does_not_exist_is_refused(received, handler_a, commune_b):
    commune_b.active = False
    commune_b.save()
    with pytest.raises(actions.InvalidAction):
        actions.classify(received, handler_a, unit=commune_b)


def test_a_specialist_answers_but_only_a_leader_publishes(answered, handler_a, leader_a):
    with pytest.raises(actions.NotPermitted):
        actions.publish(answered, handler_a, title="T", question="Q.", answer_text="A.", no_personal_data=True)
    done = actions.publish(answered, leader_a, title="T", question="Q.", answer_text="A.", no_personal_data=True)
    assert done.status == Status.PUBLISHED


def test_an_anonymous_actor_is_refused(received):
    with pytest.raises(actions.NotPermitted):
        actions.reject(received, None, reason="x")


def test_the_desk_of_another_units_feedback_is_forbidden(client, received, handler_b):
    client.force_login(handler_b)
    assert client.get(f"/can-bo/phan-anh/{received.code}/").status_code == 403
    response = client.post(f"/can-bo/phan-anh/{received.code}/thao-tac/reject/", {"reject-reason": "x"})
    assert response.status_code == 403
    queue = client.get("/can-bo/phan-anh/")
    assert received.code not in queue.content.decode()
