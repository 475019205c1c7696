"""Public pages: submit (anonymous or signed in, rate limited, no CAPTCHA), track by code and secret,
published answers without personal data, and one vote per visitor."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from motcua.feedback import actions
from motcua.feedback.models import Feedback, FeedbackVote, Status
from motcua.portal.models import CitizenProfile
from tests.factories import UserFactory
from tests.feedback.conftest import ADDRESS, EMAIL, NAME, PHONE

pytestmark = pytest.mark.django_db
PERSONAL = (NAME, EMAIL, PHONE, "0912 345 678", ADDRESS)


def form_data(**changes) -> dict[str, str]:
    data = {
        "kind": "phan_anh",
        "subject": "Thời gian chờ tại Bộ phận Một cửa quá lâu",
        "content": "Sáng thứ Hai phải chờ hơn hai giờ mới được tiếp nhận.",
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "wants_public": "on",
    }
    data.update(changes)
    return data


def test_an_anonymous_visitor_submits_with_a_contact_and_gets_code_and_secret(client, province):
    response = client.post("/phan-anh-kien-nghi/gui/", form_data(), follow=True)
    fb = Feedback.objects.get()
    assert re.fullmatch(r"PA-\d{6}-0001", fb.code)
    assert fb.status == Status.RECEIVED and fb.unit == province and fb.account is None
    body = response.content.decode()
    assert fb.code in body and fb.lookup_secret in body


def test_a_submission_without_any_contact_is_refused(client, province):
    response = client.post("/phan-anh-kien-nghi/gui/", form_data(email="", phone=""))
    assert response.status_code == 400
    assert "Cần ít nhất thư điện tử hoặc số điện thoại" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_filled_honeypot_is_refused(client, province):
    assert client.post("/phan-anh-kien-nghi/gui/", form_data(website="http://spam")).status_code == 400
    assert not Feedback.objects.exists()


def test_a_signed_in_citizen_finds_the_form_prefilled_and_the_feedback_linked(client, province):
    user = UserFactory(username="congdan", full_name="Hoàng Văn Dân", email="dan@example.org")
    CitizenProfile.objects.create(user=user, address="5 Trần Phú")
    client.force_login(user)
    page = client.get("/phan-anh-kien-nghi/gui/").content.decode()
    assert 'value="Hoàng Văn Dân"' in page and 'value="dan@example.org"' in page
    client.post("/phan-anh-kien-nghi/gui/", form_data(name="Hoàng Văn Dân", email="dan@example.org", phone=""))
    fb = Feedback.objects.get()
    assert fb.account == user
    tracked = client.get("/phan-anh-kien-nghi/tra-cuu/", {"ma": fb.code})  # owner: no secret needed
    assert tracked.status_code == 200


def test_submissions_are_rate_limited_per_client(client, province, settings):
    for _ in range(5):
        assert client.post("/phan-anh-kien-nghi/gui/", form_data()).status_code == 302
    response = client.post("/phan-anh-kien-nghi/gui/", form_data())
    assert response.status_code == 429
    assert Feedback.objects.count() == 5


def test_the_feedback_goes_to_the_unit_the_submitter_chose(client, province, commune_a):
    response = client.post("/phan-anh-kien-nghi/gui/", form_data(unit=str(commune_a.pk)))
    assert response.status_code == 302
    assert Feedback.objects.get().unit == commune_a


def test_tracking_needs_the_right_secret(client, received):
    wrong = client.get("/phan-anh-kien-nghi/tra-cuu/", {"ma": received.code, "secret": "SAIMAMA2"})
    assert wrong.status_code == 404
    assert received.subject not in wrong.content.decode()
    right = client.get("/phan-anh-kien-nghi/tra-cuu/", {"ma": received.code, "secret": received.lookup_secret})
    assert right.status_code == 200 and received.subject in right.content.decode()


def test_the_submitter_adds_requested_information_from_the_tracking_page(client, received, handler_a):
    actions.request_info(received, handler_a, what="Ngày và giờ cụ thể.")
    page = client.get("/phan-anh-kien-nghi/tra-cuu/", {"ma": received.code, "secret": received.lookup_secret})
    assert "Ngày và giờ cụ thể." in page.content.decode()
    response = client.post(
        "/phan-anh-kien-nghi/tra-cuu/",
        {"ma": received.code, "secret": received.lookup_secret, "text": "Thứ Hai 09/03, 8 giờ sáng."},
    )
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.status == Status.RECEIVED and "8 giờ sáng" in received.content


def test_published_answers_show_no_name_phone_email_or_address(client, published):
    listing = client.get("/phan-anh-kien-nghi/").content.decode()
    detail = client.get(f"/phan-anh-kien-nghi/{published.code}/").content.decode()
    assert "Niêm yết lệ phí đăng ký khai sinh" in listing
    assert "Xã đã bổ sung mức lệ phí" in detail
    for page in (listing, detail):
        for value in PERSONAL:
            assert value not in page


def test_unpublished_feedback_has_no_public_page(client, answered):
    assert client.get(f"/phan-anh-kien-nghi/{answered.code}/").status_code == 404
    assert answered.subject not in client.get("/phan-anh-kien-nghi/").content.decode()


def test_the_list_filters_by_search_words_and_by_unit(client, published, commune_b):
    assert published.code in client.get("/phan-anh-kien-nghi/", {"q": "lệ phí"}).content.decode()
    assert published.code not in client.get("/phan-anh-kien-nghi/", {"q": "đất đai"}).content.decode()
    by_unit = client.get("/phan-anh-kien-nghi/", {"unit": published.unit_id}).content.decode()
    assert published.code in by_unit


def test_a_vote_counts_once_per_anonymous_visitor(client, published):
    url = f"/phan-anh-kien-nghi/{published.code}/danh-gia/"
    client.post(url, {"value": "1"})
    client.post(url, {"value": "1"})
    assert FeedbackVote.objects.filter(feedback=published).count() == 1
    client.post(url, {"value": "-1"})  # changing one's mind replaces the vote
    votes = FeedbackVote.objects.filter(feedback=published)
    assert votes.count() == 1 and votes.get().value == -1
    other = Client()
    other.post(url, {"value": "1"})
    page = other.get(f"/phan-anh-kien-nghi/{published.code}/").content.decode()
    assert 'id="count-useful">1<' in page and 'id="count-not-useful">1<' in page


def test_a_vote_counts_once_per_account_even_from_two_browsers(published):
    user = UserFactory(username="nguoidoc")
    url = f"/phan-anh-kien-nghi/{published.code}/danh-gia/"
    for _ in range(2):
        browser = Client()
        browser.force_login(user)
        browser.post(url, {"value": "1"})
    assert FeedbackVote.objects.filter(feedback=published).count() == 1


def test_a_forged_voter_cookie_is_not_trusted(client, published):
    client.cookies["motcua_voter"] = "forged"
    client.post(f"/phan-anh-kien-nghi/{published.code}/danh-gia/", {"value": "1"})
    assert FeedbackVote.objects.get().voter != "cforged"


def test_public_pages_stay_small(client, published):
    for url in ("/phan-anh-kien-nghi/", "/phan-anh-kien-nghi/gui/", f"/phan-anh-kien-nghi/{published.code}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert len(response.content) < 200_000
