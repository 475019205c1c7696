"""Login and logout in Vietnamese, and lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from motcua.accounts.models import LoginFailure
from tests.factories import PASSWORD

LOGIN = "/tai-khoan/dang-nhap/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_vietnamese_and_labelled(client, db):
    body = client.get(LOGIN).content.decode()
    assert '<html lang="vi">' in body
    assert '<label for="id_username">Tên đăng nhập</label>' in body
    assert '<label for="id_password">Mật khẩu</label>' in body


def test_officer_logs_in_and_out(client, officer_a):
    response = post_login(client, officer_a.username, PASSWORD)
    assert response.status_code == 302
    page = client.get("/can-bo/").content.decode()
    assert "Cán bộ một cửa" in page and "Ủy ban nhân dân xã An Bình" in page
    client.post("/tai-khoan/dang-xuat/")
    assert client.get("/can-bo/").status_code == 302


def test_wrong_password_gets_a_vietnamese_message(client, officer_a):
    response = post_login(client, officer_a.username, "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password(client, officer_a, settings):
    settings.MOTCUA_LOCKOUT_ATTEMPTS = 5
    for _ in range(4):
        post_login(client, officer_a.username, "sai-mat-khau")
    fifth = post_login(client, officer_a.username, "sai-mat-khau")
    assert "tạm thời bị khóa" in fifth.content.decode()
    right = post_login(client, officer_a.username, PASSWORD)
    assert right.status_code == 200
    assert "tạm thời bị khóa" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_is_per_username_whatever_the_letter_case(client, officer_a):
    for _ in range(5):
        post_login(client, officer_a.username.upper(), "sai-mat-khau")
    assert "tạm thời bị khóa" in post_login(client, officer_a.username, PASSWORD).content.decode()


def test_lock_ends_after_the_configured_minutes(client, officer_a, settings):
    settings.MOTCUA_LOCKOUT_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            post_login(client, officer_a.username, "sai-mat-khau")
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert "tạm thời bị khóa" in post_login(client, officer_a.username, PASSWORD).content.decode()
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert post_login(client, officer_a.username, PASSWORD).status_code == 302


def test_attempts_during_a_lock_do_not_extend_it(client, officer_a):
    for _ in range(5):
        post_login(client, officer_a.username, "sai-mat-khau")
    for _ in range(10):
        post_login(client, officer_a.username, "sai-mat-khau")
    assert LoginFailure.objects.filter(username=officer_a.username).count() == 5


def test_successful_login_clears_earlier_failures(client, officer_a):
    for _ in range(3):
        post_login(client, officer_a.username, "sai-mat-khau")
    assert post_login(client, officer_a.username, PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username=officer_a.username).exists()


def test_admin_login_is_locked_too(client, admin_user):
    for _ in range(5):
        client.post("/quan-tri/login/", {"username": "admin", "password": "sai-mat-khau"})
    client.post("/quan-tri/login/", {"username": "admin", "password": "password"})
    assert "_auth_user_id" not in client.session


def test_failures_store_no_password(client, officer_a):
    post_login(client, officer_a.username, "bi-mat-khong-duoc-luu")
    failure = LoginFailure.objects.get()
    assert "bi-mat" not in str(failure.__dict__)
