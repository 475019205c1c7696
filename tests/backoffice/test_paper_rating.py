"""Officers enter the applicant's paper rating form from the dossier desk, once, after the result."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import DossierRating, RatingChannel
from tests.factories import PASSWORD
from tests.portal.test_rating import finish

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(birth, staff):
    return finish(birth, staff)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_counter_officer_enters_a_paper_form_and_the_desk_then_shows_it(client, staff, done):
    login(client, staff["counter"])
    desk = client.get(f"/can-bo/ho-so/{done.code}/").content.decode()
    assert "Lưu phiếu đánh giá" in desk and 'name="paper-level"' in desk
    response = client.post(
        f"/can-bo/ho-so/{done.code}/danh-gia-giay/",
        {"paper-level": "3", "paper-aspect_attitude": "4", "paper-comment": "Phiếu giấy"},
    )
    assert response.status_code == 302
    rating = DossierRating.objects.get(dossier=done)
    assert (rating.level, rating.channel, rating.aspects) == (3, RatingChannel.PAPER, {"attitude": 4})
    event = done.events.order_by("-id").first()
    assert event.action == "rate" and event.actor == staff["counter"]
    desk = client.get(f"/can-bo/ho-so/{done.code}/").content.decode()
    assert "Bình thường" in desk and "Lưu phiếu đánh giá" not in desk
    client.post(f"/can-bo/ho-so/{done.code}/danh-gia-giay/", {"paper-level": "1"})
    assert DossierRating.objects.get(dossier=done).level == 3


def test_an_officer_without_the_receiving_permission_there_cannot_enter_it(client, staff, done):
    login(client, staff["leader"])
    assert "Lưu phiếu đánh giá" not in client.get(f"/can-bo/ho-so/{done.code}/").content.decode()
    response = client.post(f"/can-bo/ho-so/{done.code}/danh-gia-giay/", {"paper-level": "5"})
    assert response.status_code == 403
    assert not DossierRating.objects.exists()


def test_a_paper_form_without_a_level_is_refused_with_a_message(client, staff, done):
    login(client, staff["counter"])
    response = client.post(f"/can-bo/ho-so/{done.code}/danh-gia-giay/", {"paper-comment": "x"}, follow=True)
    assert "Chọn một mức độ hài lòng." in response.content.decode()
    assert not DossierRating.objects.exists()
