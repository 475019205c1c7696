"""Indicator 5.2 figures on a small fixture: what was handled within each limit, and the on-time rate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from motcua.feedback import actions
from motcua.feedback.figures import figures_5_2
from tests.feedback.conftest import at, submission, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(commune_a, commune_b, handler_a, leader_a, handler_b):
    """Five feedback items received in March 2026 (all Mondays 09:00 unless said):

    1. rejected on day 1 (on time);
    2. rejected on day 4 (late: 2-day limit);
    3. answered on day 10, published next day (on time);
    4. answered on day 20 (late), never published;
    5. open, answer overdue on 31/03 (received 02/03: due 23/03).
    Plus one in xã Bình Minh (outside xã An Bình's subtree), answered on time but never published.
    """
    with at(2026, 3, 2, 9, 0):
        late_open = actions.submit(submission(commune_a))
        other = actions.submit(submission(commune_b))
    with at(2026, 3, 9, 9, 0):
        one = actions.submit(submission(commune_a))
        two = actions.submit(submission(commune_a))
        three = actions.submit(submission(commune_a))
        four = actions.submit(submission(commune_a))
    with at(2026, 3, 10, 9, 0):
        actions.reject(one, handler_a, reason="Không thuộc phạm vi.")
        for fb in (three, four, late_open):
            actions.classify(fb, handler_a)
        actions.classify(other, handler_b)
        actions.answer(other, handler_b, text="Trả lời.", signer="Chủ tịch")
    with at(2026, 3, 13, 9, 0):
        actions.reject(two, handler_a, reason="Trùng lặp.")
    with at(2026, 3, 23, 9, 0):
        answered = actions.answer(three, handler_a, text="Trả lời.", signer="Chủ tịch")
    with at(2026, 3, 24, 9, 0):
        actions.publish(answered, leader_a, title="T", question="Q.", answer_text="A.", no_personal_data=True)
    with at(2026, 4, 6, 9, 0):
        actions.answer(four, handler_a, text="Trả lời muộn.", signer="Chủ tịch", wants_public=False)
    return {"one": one, "two": two, "three": three, "four": four, "late_open": late_open}


def test_march_counts_each_limit_and_the_overdue_open_one(march, commune_a):
    figures = figures_5_2(commune_a, date(2026, 3, 1), date(2026, 3, 31), now=vn(2026, 4, 10, 9, 0))
    assert (figures.reject.done, figures.reject.on_time, figures.reject.late) == (2, 1, 1)
    assert (figures.answer.done, figures.answer.on_time, figures.answer.overdue_open) == (1, 1, 1)
    assert (figures.publish.done, figures.publish.on_time) == (1, 1)
    assert figures.total == 4  # two rejected, one answered, one overdue and still open
    assert figures.on_time == 2
    assert figures.rate == Decimal("50.00")
    assert figures.points == Decimal("3.00")


def test_april_counts_the_late_answer(march, commune_a):
    figures = figures_5_2(commune_a, date(2026, 4, 1), date(2026, 4, 30), now=vn(2026, 4, 10, 9, 0))
    assert (figures.answer.done, figures.answer.on_time) == (1, 0)
    assert (figures.total, figures.on_time) == (1, 0)


def test_the_province_subtree_includes_both_communes_and_an_unpublished_answer_is_late(march, province):
    figures = figures_5_2(province, date(2026, 3, 1), date(2026, 3, 31), now=vn(2026, 4, 10, 9, 0))
    # Bình Minh answered on time on 10/03 but never published (due 12/03): not handled on time.
    assert figures.total == 5 and figures.on_time == 2
    assert figures.publish.overdue_open == 1


def test_an_empty_period_has_no_rate(commune_a):
    figures = figures_5_2(commune_a, date(2025, 1, 1), date(2025, 1, 31))
    assert figures.total == 0 and figures.rate is None and figures.points is None
