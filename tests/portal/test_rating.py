"""Rating on the portal after the result: the owner or the holder of the lookup secret rates once, on the
five-point scale with the Decree 61 aspects optional; errors are shown on their fields; a rated dossier
thanks the citizen and shows the level, without a form."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier, DossierRating, RatingChannel
from motcua.portal.tracking import timeline
from tests.dossiers.conftest import birth_intake, vn

pytestmark = pytest.mark.django_db
PERSONAL = ("Nguyễn Văn An", "046090001234", "0912345678", "12 Lê Lợi")


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


def finish(birth, staff, *, returned: bool = True) -> Dossier:
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
        d = actions.forward(d, actor=staff["counter"])
        d = actions.approve(d, actor=staff["leader"], result_note="Giấy khai sinh số 12/2026")
    if not returned:
        return d
    with time_machine.travel(vn(2026, 3, 12, 9, 0), tick=False):
        return actions.return_result(d, actor=staff["counter"])


@pytest.fixture
def done(birth, staff):
    return finish(birth, staff)


def url(dossier: Dossier) -> str:
    return f"/tra-cuu/{dossier.code}/danh-gia/"


def test_tracking_with_the_secret_links_to_the_rating_page_after_the_result(client, done):
    body = client.get("/tra-cuu/", {"ma": done.code, "secret": done.lookup_secret}).content.decode()
    assert "Đánh giá mức độ hài lòng" in body
    assert f'href="{url(done)}?secret={done.lookup_secret}"' in body


def test_tracking_by_code_alone_or_before_the_result_offers_no_rating(client, birth, staff):
    d = finish(birth, staff, returned=False)
    body = client.get("/tra-cuu/", {"ma": d.code}).content.decode()
    assert "Đánh giá mức độ hài lòng" not in body
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        received = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    body = client.get("/tra-cuu/", {"ma": received.code, "secret": received.lookup_secret}).content.decode()
    assert "danh-gia" not in body


def test_the_rating_page_shows_five_levels_in_a_fieldset_and_the_aspects(client, done):
    response = client.get(url(done), {"secret": done.lookup_secret})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<legend>Mức độ hài lòng chung của bạn" in body
    for label in ("Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "Rất không hài lòng"):
        assert f">{label}</label>" in body
    assert body.count('name="level"') == 5
    assert "Thái độ, cách ứng xử của công chức" in body and "Không đánh giá" in body
    for value in PERSONAL:
        assert value not in body


def test_the_holder_of_the_secret_rates_once_and_then_sees_the_thanks_without_a_form(client, done):
    data = {"secret": done.lookup_secret, "level": "4", "aspect_attitude": "5", "aspect_time": "", "comment": "Tốt"}
    response = client.post(url(done), data)
    assert response.status_code == 302 and response["Location"] == f"{url(done)}?secret={done.lookup_secret}"
    rating = DossierRating.objects.get(dossier=done)
    assert (rating.level, rating.channel, rating.aspects, rating.comment) == (
        4,
        RatingChannel.PORTAL,
        {"attitude": 5},
        "Tốt",
    )
    assert rating.account is None
    body = client.get(response["Location"]).content.decode()
    assert "Cảm ơn bạn đã đánh giá" in body and "Mức độ hài lòng bạn chọn: Hài lòng." in body
    assert '<form method="post" class="form"' not in body
    again = client.post(url(done), {**data, "level": "1"})
    assert "Cảm ơn bạn đã đánh giá" in again.content.decode()
    assert DossierRating.objects.get(dossier=done).level == 4
    tracking = client.get("/tra-cuu/", {"ma": done.code, "secret": done.lookup_secret}).content.decode()
    assert "Cảm ơn bạn đã đánh giá." in tracking and "Mức bạn chọn: Hài lòng." in tracking


def test_the_owner_rates_without_the_secret_and_the_rating_keeps_the_account(client, citizen, done):
    Dossier.objects.filter(pk=done.pk).update(account=citizen)
    body = client.get("/tra-cuu/", {"ma": done.code}).content.decode()
    assert f'href="{url(done)}"' in body
    assert client.post(url(done), {"level": "5"}).status_code == 302
    assert DossierRating.objects.get(dossier=done).account == citizen


def test_anyone_else_gets_a_404(client, done):
    assert client.get(url(done)).status_code == 404
    assert client.get(url(done), {"secret": "SAIMA123"}).status_code == 404
    assert client.post(url(done), {"secret": "SAIMA123", "level": "1"}).status_code == 404
    assert client.get("/tra-cuu/000.00.00.H00-260101-9999/danh-gia/", {"secret": "X"}).status_code == 404
    assert not DossierRating.objects.exists()


def test_a_missing_level_or_a_wrong_aspect_is_shown_on_its_field_and_nothing_is_recorded(client, done):
    response = client.post(
        url(done), {"secret": done.lookup_secret, "aspect_time": "9", "comment": "<script>alert(1)</script>"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_level_error"' in body and "Chọn một mức độ hài lòng." in body
    assert 'href="#id_level_0"' in body and 'id="id_aspect_time_error"' in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert not DossierRating.objects.exists()


def test_a_dossier_without_its_result_cannot_be_rated_yet(client, birth, staff):
    with time_machine.travel(vn(2026, 3, 9, 9, 0), tick=False):
        d = actions.receive_at_counter(birth_intake(birth), actor=staff["counter"])
    body = client.get(url(d), {"secret": d.lookup_secret}).content.decode()
    assert "Hồ sơ chưa có kết quả" in body and 'name="level"' not in body
    assert client.post(url(d), {"secret": d.lookup_secret, "level": "5"}).status_code == 409
    assert not DossierRating.objects.exists()


def test_an_approved_dossier_not_yet_returned_can_be_rated(client, birth, staff):
    d = finish(birth, staff, returned=False)
    assert client.post(url(d), {"secret": d.lookup_secret, "level": "3"}).status_code == 302
    assert DossierRating.objects.get(dossier=d).level == 3


def test_the_timeline_explains_fees_online_payments_and_the_rating_in_plain_words(birth, staff, done):
    actions.rate(done, level=5, channel="kiosk")
    texts = [row["text"] for row in timeline(done)]
    assert texts[-1] == "Đã ghi nhận đánh giá mức độ hài lòng tại quầy: “Rất hài lòng”. Cảm ơn bạn."
    assert "Hồ sơ được cập nhật." not in texts


@pytest.mark.parametrize(
    ("action", "payload", "sentence"),
    [
        (
            "collect_fee",
            {"amount": "50000"},
            "Bạn đã nộp phí, lệ phí 50.000 đồng tại Bộ phận Một cửa; biên lai được cấp.",
        ),
        (
            "pay_online",
            {"amount": "50000.00"},
            "Bạn đã nộp phí, lệ phí 50.000 đồng trực tuyến; biên lai điện tử được cấp.",
        ),
        (
            "pay_obligation_online",
            {"amount": "1200000"},
            "Bạn đã nộp trực tuyến khoản nghĩa vụ tài chính 1.200.000 đồng; hồ sơ được tiếp tục giải quyết.",
        ),
        (
            "rate",
            {"level": 2, "channel": "portal"},
            "Đã ghi nhận đánh giá mức độ hài lòng trên Cổng dịch vụ công: “Không hài lòng”. Cảm ơn bạn.",
        ),
    ],
)
def test_payment_and_rating_events_have_plain_sentences(action, payload, sentence):
    from motcua.dossiers.models import DossierEvent
    from motcua.portal.tracking import SENTENCES

    assert SENTENCES[action](DossierEvent(action=action, payload=payload)) == sentence
