"""Due moments of indicator 5.2 come from the working calendar (seeded 2026 schedule), never typed."""

from __future__ import annotations

import pytest

from motcua.feedback import actions
from tests.feedback.conftest import at, submission, vn

pytestmark = pytest.mark.django_db


def test_limits_skip_the_weekend_and_end_at_close_of_office_hours(commune_a):
    with at(2026, 3, 5, 10, 0):  # Thursday
        fb = actions.submit(submission(commune_a))
    assert fb.reject_due_at == vn(2026, 3, 9, 17, 0)  # Fri 06, Mon 09
    assert fb.info_due_at == vn(2026, 3, 12, 17, 0)  # Fri 06, Mon 09 – Thu 12
    assert fb.answer_due_at == vn(2026, 3, 26, 17, 0)  # 15th working day


def test_limits_skip_the_tet_holiday(commune_a):
    with at(2026, 2, 12, 10, 0):  # Thursday before Tết Bính Ngọ (off Mon 16/02 – Fri 20/02)
        fb = actions.submit(submission(commune_a))
    assert fb.reject_due_at == vn(2026, 2, 23, 17, 0)  # Fri 13/02, then Mon 23/02
    assert fb.info_due_at == vn(2026, 2, 26, 17, 0)
    assert fb.answer_due_at == vn(2026, 3, 12, 17, 0)


def test_submission_after_office_hours_counts_as_received_on_the_next_working_day(commune_a):
    with at(2026, 3, 6, 18, 0):  # Friday evening: received effectively Monday 09/03, a day not counted
        fb = actions.submit(submission(commune_a))
    assert fb.reject_due_at == vn(2026, 3, 11, 17, 0)  # Tue 10, Wed 11


def test_publication_is_due_two_working_days_after_the_answer(classified, handler_a):
    with at(2026, 4, 29, 10, 0):  # Wednesday before 30/04 and 01/05
        fb = actions.answer(classified, handler_a, text="Trả lời.", signer="Chủ tịch xã")
    assert fb.publish_due_at == vn(2026, 5, 5, 17, 0)  # Mon 04/05, Tue 05/05


def test_supplied_information_restarts_the_limits_from_its_arrival(received, handler_a):
    with at(2026, 3, 10, 9, 0):
        asked = actions.request_info(received, handler_a, what="Ảnh chụp bảng niêm yết.")
    with at(2026, 3, 20, 14, 0):  # Friday
        fb = actions.supply_info(asked, text="Ảnh đính kèm qua thư.", secret=asked.lookup_secret)
    assert fb.status == "received"
    assert fb.received_at == vn(2026, 3, 20, 14, 0)
    assert fb.reject_due_at == vn(2026, 3, 24, 17, 0)
    assert fb.answer_due_at == vn(2026, 4, 10, 17, 0)


def test_routing_to_another_unit_keeps_the_due_moments(received, handler_a, commune_b):
    before = received.answer_due_at
    with at(2026, 3, 10, 9, 0):
        fb = actions.classify(received, handler_a, unit=commune_b, note="Thuộc thẩm quyền xã Bình Minh")
    assert fb.unit == commune_b
    assert fb.answer_due_at == before
    event = fb.events.get(action="classify")
    assert event.payload["routed"] == [received.unit_id, commune_b.pk]
