"""Citizen sign-up with a verification code from the outbox, login by phone or email, lockout, profile,
and the walls between citizens and the back office."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.portal.models import CitizenProfile, VerificationCode
from tests.portal.conftest import CITIZEN_PASSWORD, sent_code, sign_up

pytestmark = pytest.mark.django_db

User = get_user_model()


def login(client, username, password=CITIZEN_PASSWORD):
    return client.post("/cong-dan/dang-nhap/", {"username": username, "password": password})


def test_sign_up_sends_a_code_through_the_outbox_and_the_code_activates_the_account(client):
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"].startswith("/cong-dan/xac-minh/")
    user = User.objects.get(email="binh@example.org")
    assert not user.is_active and user.phone == "0912345678"
    code = sent_code("binh@example.org")
    record = VerificationCode.objects.get(user=user)
    assert code not in record.code_hash  # stored hashed
    page = client.get("/cong-dan/xac-minh/").content.decode()
    assert "b***@example.org" in page and "10 phút" in page
    response = client.post("/cong-dan/xac-minh/", {"code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.citizen_profile.verified_at is not None
    assert client.get("/cong-dan/ho-so-cua-toi/").status_code == 200


def test_a_wrong_code_says_how_many_tries_are_left_and_five_wrong_tries_need_a_new_code(client):
    sign_up(client)
    code = sent_code("binh@example.org")
    wrong = "000000" if code != "000000" else "111111"
    body = client.post("/cong-dan/xac-minh/", {"code": wrong}).content.decode()
    assert "Mã xác minh không đúng. Bạn còn 4 lần thử." in body
    assert 'aria-describedby="id_code_error"' in body
    for _ in range(4):
        body = client.post("/cong-dan/xac-minh/", {"code": wrong}).content.decode()
    assert "Bạn đã nhập sai 5 lần" in body
    body = client.post("/cong-dan/xac-minh/", {"code": code}).content.decode()
    assert "không dùng được nữa" in body
    assert not User.objects.get(email="binh@example.org").is_active
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        client.post("/cong-dan/xac-minh/", {"resend": "1"})
        new_code = sent_code("binh@example.org")
        assert client.post("/cong-dan/xac-minh/", {"code": new_code}).status_code == 302
    assert User.objects.get(email="binh@example.org").is_active


def test_an_expired_code_gets_a_clear_message(client):
    sign_up(client)
    code = sent_code("binh@example.org")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        body = client.post("/cong-dan/xac-minh/", {"code": code}).content.decode()
    assert "Mã xác minh đã hết hạn (mã chỉ có hiệu lực 10 phút)" in body


def test_sign_up_checks_the_citizen_id_and_requires_a_phone_or_an_email(client):
    body = sign_up(client, id_number="12345", phone="", email="").content.decode()
    assert "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số." in body
    assert "Nhập số điện thoại hoặc thư điện tử." in body
    assert User.objects.count() == 0


def test_an_organisation_signs_up_through_its_representative_with_the_tax_code(client):
    body = sign_up(client, kind="organization", id_number="", organization_name="").content.decode()
    assert "Nhập tên tổ chức." in body and "Tổ chức phải có mã số thuế." in body
    response = sign_up(
        client, kind="organization", id_number="", organization_name="Công ty TNHH Ánh Dương", tax_code="3301234567"
    )
    assert response.status_code == 302
    profile = CitizenProfile.objects.get()
    assert profile.is_organization and profile.tax_code == "3301234567"


def test_login_by_phone_and_by_email_after_verification(client, citizen):
    client.logout()
    response = login(client, "+84 912 345 678")
    assert response.status_code == 302 and response["Location"] == "/cong-dan/ho-so-cua-toi/"
    client.logout()
    assert login(client, "BINH@example.org")["Location"] == "/cong-dan/ho-so-cua-toi/"


def test_a_citizen_using_the_staff_login_page_lands_on_their_dossiers(client, citizen):
    client.logout()
    response = client.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": CITIZEN_PASSWORD})
    assert response["Location"] == "/cong-dan/ho-so-cua-toi/"


def test_an_unverified_account_logging_in_is_sent_to_finish_verification(client):
    sign_up(client)
    client.session.flush()
    client.cookies.clear()
    response = login(client, "0912345678")
    assert response.status_code == 302 and response["Location"] == "/cong-dan/xac-minh/"


def test_phone_login_is_locked_after_five_failures_like_a_username(client, citizen):
    client.logout()
    for _ in range(5):
        login(client, "0912345678", "sai-mat-khau")
    body = login(client, "0912 345 678").content.decode()
    assert "tạm thời bị khóa" in body


def test_an_unverified_account_cannot_be_probed_once_locked(client):
    sign_up(client)
    client.session.flush()
    for _ in range(5):
        login(client, "0912345678", "sai-mat-khau")
    body = login(client, "0912345678").content.decode()
    assert "tạm thời bị khóa" in body


def test_profile_saves_a_validated_citizen_id_and_date_of_birth(client, citizen):
    data = {"full_name": "Trần Thị Bình", "id_number": "0461", "date_of_birth": "01/05/1990", "address": "12 Lê Lợi"}
    body = client.post("/cong-dan/tai-khoan/", data).content.decode()
    assert "phải gồm đúng 12 chữ số" in body
    assert 'aria-describedby="id_id_number_helptext id_id_number_error"' in body
    data["id_number"] = "046190002222"
    assert client.post("/cong-dan/tai-khoan/", data).status_code == 302
    profile = CitizenProfile.objects.get(user=citizen)
    assert profile.id_number == "046190002222" and profile.date_of_birth.isoformat() == "1990-05-01"


def test_citizens_never_reach_the_back_office_or_the_admin(client, citizen):
    assert client.get("/can-bo/").status_code == 403
    assert client.get("/can-bo/tiep-nhan/").status_code == 403
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]


def test_a_script_typed_in_a_name_is_shown_as_text(client, citizen):
    User.objects.filter(pk=citizen.pk).update(full_name="<script>alert(1)</script>")
    body = client.get("/cong-dan/tai-khoan/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_citizens_get_nothing_from_the_staff_api(client, citizen):
    response = client.get("/api/v1/dossiers/")
    assert response.status_code == 200 and response.json()["count"] == 0
