"""External sign-in over OpenID Connect against a real provider served on 127.0.0.1 (no mocks)."""

from __future__ import annotations

from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, build_opener

import pytest
from joserfc.jwk import RSAKey

from motcua.portal import oidc
from motcua.portal.models import CitizenProfile
from tests.portal.oidc_provider import Provider

pytestmark = pytest.mark.django_db


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def provider(settings):
    with Provider() as running:
        settings.MOTCUA_OIDC_ISSUER = running.url
        settings.MOTCUA_OIDC_CLIENT_ID = running.client_id
        settings.MOTCUA_OIDC_CLIENT_SECRET = running.client_secret
        oidc._discovery_cache.clear()
        yield running
    oidc._discovery_cache.clear()


def authorize(url: str) -> str:
    """Follow the browser's visit to the provider: its answer is a redirect back to motcua's callback."""
    opener = build_opener(_NoRedirect)
    try:
        opener.open(url, timeout=10)
    except Exception as exc:  # urllib raises HTTPError for the unfollowed 302
        location = exc.headers["Location"]
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def sign_in(client, provider):
    start = client.get("/cong-dan/dang-nhap/dinh-danh/")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider.url}/authorize?")
    return client.get(authorize(start["Location"]))


def test_the_login_page_offers_the_external_provider_only_when_configured(client, db, settings):
    settings.MOTCUA_OIDC_CLIENT_ID = ""
    assert "Đăng nhập bằng tài khoản" not in client.get("/cong-dan/dang-nhap/").content.decode()
    assert client.get("/cong-dan/dang-nhap/dinh-danh/").status_code == 404


def test_first_sign_in_creates_a_verified_citizen_and_the_next_one_finds_it(client, provider):
    assert "Đăng nhập bằng tài khoản VNeID" in client.get("/cong-dan/dang-nhap/").content.decode()
    response = sign_in(client, provider)
    assert response.status_code == 302 and response["Location"] == "/cong-dan/ho-so-cua-toi/"
    profile = CitizenProfile.objects.select_related("user").get()
    assert profile.oidc_issuer == provider.url and profile.oidc_subject == "vneid-0001"
    assert profile.verified_at is not None and profile.id_number == "046088003333"
    assert profile.user.full_name == "Lê Văn Cường" and profile.user.phone == "0987654321"
    assert not profile.user.has_usable_password()
    # The token request carried the PKCE verifier; the provider checked it against the challenge.
    assert provider.token_requests[0]["code_verifier"]
    assert client.get("/can-bo/").status_code == 403
    client.logout()
    assert sign_in(client, provider).status_code == 302
    assert CitizenProfile.objects.count() == 1


def test_a_forged_id_token_signature_is_refused(client, provider):
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    response = sign_in(client, provider)
    assert response["Location"] == "/cong-dan/dang-nhap/"
    assert not CitizenProfile.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_callback_with_a_wrong_state_is_refused(client, provider):
    start = client.get("/cong-dan/dang-nhap/dinh-danh/")
    callback = authorize(start["Location"]).replace("state=", "state=x")
    response = client.get(callback)
    assert response["Location"] == "/cong-dan/dang-nhap/"
    assert not CitizenProfile.objects.exists()
