"""The rating kiosk at the counter: opened only by its device token, rates dossiers of its own unit after
the result in three screens, shows nothing personal, pauses after too many wrong codes."""

from __future__ import annotations

import logging

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core import signing
from django.core.cache import cache
from django.test import RequestFactory

from motcua.dossiers import actions
from motcua.dossiers.forms.pdf import qr_payload
from motcua.dossiers.models import DossierRating, RatingChannel
from motcua.portal import kiosk as kiosk_views
from motcua.portal.models import Kiosk
from tests.dossiers.conftest import birth_intake, unit, vn
from tests.portal.test_rating import PERSONAL, finish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kiosk(hue):
    return Kiosk.objects.create(unit=unit("000.01.41.H57"), name="Máy tính bảng quầy 1")


@pytest.fixture
def done(birth, staff):
    return finish(birth, staff)


def home(kiosk: Kiosk) -> str:
    return f"/diem-danh-gia/{kiosk.token}/"


def ticket_of(body: str) -> str:
    return body.split('name="ticket" value="', 1)[1].split('"', 1)[0]


def test_without_a_valid_active_token_the_kiosk_is_a_404(client, kiosk):
    assert client.get("/diem-danh-gia/khong-dung/").status_code == 404
    assert client.post("/diem-danh-gia/khong-dung/", {"ma": "x"}).status_code == 404
    Kiosk.objects.filter(pk=kiosk.pk).update(active=False)
    assert client.get(home(kiosk)).status_code == 404


def test_a_citizen_rates_in_three_screens_and_the_thanks_returns_to_the_start(client, kiosk, done):
    start = client.get(home(kiosk))
    assert start.status_code == 200 and "Nhập hoặc quét mã hồ sơ" in start.content.decode()

    levels = client.post(home(kiosk), {"ma": done.code}).content.decode()
    assert done.code in levels and "Thủ tục đăng ký khai sinh" in levels
    assert levels.count('name="level"') == 5 and "<legend>Chọn một mức độ hài lòng</legend>" in levels
    for value in PERSONAL:
        assert value not in levels

    aspects = client.post(f"{home(kiosk)}muc-do/", {"ticket": ticket_of(levels), "level": "5"}).content.decode()
    assert "Mức bạn chọn: Rất hài lòng." in aspects and "Thái độ, cách ứng xử của công chức" in aspects

    sent = client.post(f"{home(kiosk)}gui/", {"ticket": ticket_of(aspects), "aspect_attitude": "5", "aspect_time": "4"})
    assert sent.status_code == 302 and sent["Location"] == f"{home(kiosk)}cam-on/"
    thanks = client.get(sent["Location"]).content.decode()
    assert "Cảm ơn bạn đã đánh giá!" in thanks
    assert f'<meta http-equiv="refresh" content="8;url={home(kiosk)}">' in thanks

    rating = DossierRating.objects.get(dossier=done)
    assert (rating.level, rating.channel, rating.aspects) == (5, RatingChannel.KIOSK, {"attitude": 5, "time": 4})
    again = client.post(f"{home(kiosk)}gui/", {"ticket": ticket_of(aspects)})
    assert again.status_code == 409 and "đã được đánh giá" in again.content.decode()


def test_skipping_the_aspects_records_the_level_alone(client, kiosk, done):
    levels = client.post(home(kiosk), {"ma": qr_payload(done, "01")}).content.decode()
    aspects = client.post(f"{home(kiosk)}muc-do/", {"ticket": ticket_of(levels), "level": "2"}).content.decode()
    client.post(f"{home(kiosk)}gui/", {"ticket": ticket_of(aspects), "skip": "1", "aspect_time": "5"})
    rating = DossierRating.objects.get(dossier=done)
    assert (rating.level, rating.aspects) == (2, {})


def test_a_dossier_of_another_unit_is_answered_like_an_unknown_code(client, hue, done):
    other = Kiosk.objects.create(unit=unit("000.01.44.H57"), name="Quầy Phú Vang")
    response = client.post(home(other), {"ma": done.code})
    body = response.content.decode()
    assert response.status_code == 404 and "Không tìm thấy hồ sơ có mã này tại đơn vị" in body
    assert "Thủ tục đăng ký khai sinh" not in body


def test_a_kiosk_of_a_parent_unit_covers_its_subtree(client, hue, done):
    parent = unit("000.01.41.H57").parent
    assert parent is not None
    above = Kiosk.objects.create(unit=parent, name="Quầy chung")
    assert client.post(home(above), {"ma": done.code}).content.decode().count('name="level"') == 5


def test_a_dossier_without_its_result_or_already_rated_gets_a_clear_message(client, kiosk, birth, staff, done):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        open_dossier = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    response = client.post(home(kiosk), {"ma": open_dossier.code})
    assert response.status_code == 409 and "chưa có kết quả" in response.content.decode()
    actions.rate(done, level=4, channel="portal")
    response = client.post(home(kiosk), {"ma": done.code})
    assert response.status_code == 409 and "đã được đánh giá" in response.content.decode()


def test_a_ticket_from_another_kiosk_or_tampered_is_refused(client, hue, kiosk, done):
    other = Kiosk.objects.create(unit=unit("000.01.41.H57"), name="Quầy 2")
    levels = client.post(home(other), {"ma": done.code}).content.decode()
    response = client.post(f"{home(kiosk)}muc-do/", {"ticket": ticket_of(levels), "level": "5"})
    assert response.status_code == 400 and "hết thời gian" in response.content.decode()
    forged = signing.dumps({"k": kiosk.pk, "d": done.pk, "l": 5}, salt="wrong")
    assert client.post(f"{home(kiosk)}gui/", {"ticket": forged}).status_code == 400
    assert not DossierRating.objects.exists()


def test_wrong_codes_are_limited_per_kiosk_and_logged_without_codes(client, hue, kiosk, done, settings, caplog):
    settings.MOTCUA_KIOSK_WRONG_CODES = 3
    with caplog.at_level(logging.WARNING, logger="motcua.portal.kiosk"):
        statuses = [client.post(home(kiosk), {"ma": f"000.01.41.H57-260309-{9000 + i}"}).status_code for i in range(3)]
        assert statuses == [404, 404, 404]
        paused = client.post(home(kiosk), {"ma": done.code})
    assert paused.status_code == 429 and "tạm dừng" in paused.content.decode()
    assert "260309-9000" not in caplog.text and f"kiosk id={kiosk.pk}" in caplog.text
    other = Kiosk.objects.create(unit=unit("000.01.41.H57"), name="Quầy 2")
    assert client.post(home(other), {"ma": done.code}).status_code == 200


def test_the_admin_shows_the_device_address(kiosk, settings):
    settings.MOTCUA_SITE_URL = "https://dichvucong.example.gov.vn"
    admin = site._registry[Kiosk]
    shown = admin.device_address(kiosk)
    assert f"https://dichvucong.example.gov.vn/diem-danh-gia/{kiosk.token}/" in shown
    old = kiosk.token
    request = RequestFactory().post("/")
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    admin.renew_token(request, Kiosk.objects.filter(pk=kiosk.pk))
    kiosk.refresh_from_db()
    assert kiosk.token != old and len(kiosk.token) >= 32


def test_the_level_screen_refuses_a_missing_level(client, kiosk, done):
    levels = client.post(home(kiosk), {"ma": done.code}).content.decode()
    response = client.post(f"{home(kiosk)}muc-do/", {"ticket": ticket_of(levels)})
    assert response.status_code == 400 and "Xin chọn một trong năm mức." in response.content.decode()
    assert kiosk_views.TICKET_SECONDS >= 300
