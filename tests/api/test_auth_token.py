"""Token login: the lockout of the login page also protects the API."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

URL = "/api/v1/auth/token/"


def test_right_password_gives_a_token_that_authenticates(db):
    user = UserFactory(username="canbo.token")
    client = APIClient()
    response = client.post(URL, {"username": "canbo.token", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/dossiers/").status_code == 200
    user.refresh_from_db()
    assert user.last_login is not None
    again = APIClient().post(URL, {"username": "canbo.token", "password": PASSWORD}, format="json")
    assert again.json()["token"] == token, "one token per user"


def test_without_token_the_api_answers_401_problem(db):
    response = APIClient().get("/api/v1/dossiers/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")
    assert "đăng nhập" in response.json()["detail"]


def test_wrong_password_is_a_vietnamese_problem(db):
    UserFactory(username="canbo.sai")
    response = APIClient().post(URL, {"username": "canbo.sai", "password": "sai-mat-khau"}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_five_wrong_passwords_lock_the_token_endpoint_too(db):
    UserFactory(username="canbo.khoa")
    client = APIClient()
    statuses = [
        client.post(URL, {"username": "canbo.khoa", "password": f"sai-{i}"}, format="json").status_code
        for i in range(5)
    ]
    assert statuses[:4] == [400] * 4
    assert statuses[4] == 403, "the fifth failure locks the account at once"
    response = client.post(URL, {"username": "canbo.khoa", "password": PASSWORD}, format="json")
    assert response.status_code == 403, "locked: even the right password is refused"
    body = response.json()
    assert body["type"].endswith("/account_locked")
    assert "tạm thời bị khóa" in body["detail"]
    assert "token" not in body


def test_missing_fields_are_per_field_errors(db):
    response = APIClient().post(URL, {"username": "x"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
