"""The applicant's rating: once per dossier, only after the result, recorded as an event for the reports."""

from __future__ import annotations

import pytest
import time_machine

from motcua.dossiers import actions
from motcua.dossiers.models import DossierRating, RatingLevel
from tests.dossiers.conftest import birth_intake, vn


@pytest.fixture
def returned(birth, staff):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
        d = actions.approve(d, actor=staff["leader"])
    with time_machine.travel(vn(2026, 3, 12, 9, 0), tick=False):
        return actions.return_result(d, actor=staff["counter"])


def test_a_returned_dossier_is_rated_once_with_aspects_and_the_event_carries_the_level(returned):
    with time_machine.travel(vn(2026, 3, 12, 9, 5), tick=False):
        d = actions.rate(returned, level=5, channel="kiosk", aspects={"attitude": 5, "time": 4}, comment="Nhanh")
    rating = DossierRating.objects.get(dossier=d)
    assert rating.level == RatingLevel.VERY_SATISFIED and rating.satisfied and rating.aspects["time"] == 4
    event = d.events.order_by("-id").first()
    assert event.action == "rate" and event.payload["level"] == 5 and event.actor is None
    assert "Nhanh" not in str(event.payload), "free text stays out of the event stream"
    with pytest.raises(actions.Conflict, match="chỉ đánh giá một lần"):
        actions.rate(d, level=1, channel="portal")
    assert DossierRating.objects.get(dossier=d).level == 5


def test_a_dossier_still_in_processing_cannot_be_rated(birth, staff):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    with pytest.raises(actions.Conflict):
        actions.rate(d, level=4, channel="portal")
    assert not DossierRating.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"level": 7, "channel": "portal"}, "level"),
        ({"level": 4, "channel": "fax"}, "channel"),
        ({"level": 4, "channel": "portal", "aspects": {"bribe": 5}}, "aspects"),
        ({"level": 4, "channel": "portal", "aspects": {"time": 9}}, "aspects"),
    ],
)
def test_an_invalid_rating_names_the_field_and_records_nothing(returned, kwargs, field):
    with pytest.raises(actions.InvalidAction) as info:
        actions.rate(returned, **kwargs)
    assert field in info.value.errors
    assert not DossierRating.objects.exists()
