"""Sign-in with an external identity provider over OpenID Connect (VNeID, a provincial SSO, …).

Authorization code flow with PKCE (S256), ``state`` and ``nonce``. The ID token's signature is checked
against the provider's published keys (JWKS), with its issuer, audience, expiry and nonce; the
userinfo answer must name the same subject. Off unless ``MOTCUA_OIDC_CLIENT_ID`` and either
``MOTCUA_OIDC_ISSUER`` (endpoints read from its discovery document) or the explicit endpoints are set —
see docs/portal.md. Only citizen accounts are ever created or signed in this way: an external
identity is linked to one citizen profile by (issuer, subject) and never to an officer's account.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.error import URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from motcua.portal.models import CitizenProfile

logger = logging.getLogger(__name__)
SESSION_KEY = "citizen_oidc"
TIMEOUT = 10
_discovery_cache: dict[str, tuple[float, dict[str, Any]]] = {}


class OIDCError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    id_number_claim: str


def config() -> Config | None:
    """The provider's settings, or None when external sign-in is not configured."""
    client_id = getattr(settings, "MOTCUA_OIDC_CLIENT_ID", "")
    issuer = getattr(settings, "MOTCUA_OIDC_ISSUER", "").rstrip("/")
    explicit = {
        "authorization_endpoint": getattr(settings, "MOTCUA_OIDC_AUTHORIZATION_ENDPOINT", ""),
        "token_endpoint": getattr(settings, "MOTCUA_OIDC_TOKEN_ENDPOINT", ""),
        "userinfo_endpoint": getattr(settings, "MOTCUA_OIDC_USERINFO_ENDPOINT", ""),
        "jwks_uri": getattr(settings, "MOTCUA_OIDC_JWKS_URI", ""),
    }
    if not client_id or not (issuer or all(explicit.values())):
        return None
    return Config(
        name=getattr(settings, "MOTCUA_OIDC_NAME", "") or "VNeID",
        issuer=issuer,
        client_id=client_id,
        client_secret=getattr(settings, "MOTCUA_OIDC_CLIENT_SECRET", ""),
        scopes=getattr(settings, "MOTCUA_OIDC_SCOPES", "") or "openid profile email phone",
        id_number_claim=getattr(settings, "MOTCUA_OIDC_ID_NUMBER_CLAIM", "") or "citizen_id",
        **explicit,
    )


def _get_json(url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None) -> dict[str, Any]:
    parts = urlsplit(url)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise OIDCError(f"Chỉ dùng HTTPS với nhà cung cấp định danh: {url!r}")
    request = Request(url, data=data, headers={"Accept": "application/json", **(headers or {})})  # noqa: S310
    try:
        with urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (scheme checked above)
            return json.loads(response.read().decode("utf-8"))
    except (URLError, OSError, ValueError) as exc:
        raise OIDCError(f"{url}: {exc}") from exc


def endpoints(cfg: Config) -> dict[str, str]:
    """Explicit settings win; the rest come from the issuer's discovery document (cached one hour)."""
    wanted = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
    values = {name: getattr(cfg, name) for name in wanted}
    if all(values.values()):
        return values
    cached = _discovery_cache.get(cfg.issuer)
    if cached is None or cached[0] < time.monotonic():
        document = _get_json(f"{cfg.issuer}/.well-known/openid-configuration")
        if document.get("issuer", "").rstrip("/") != cfg.issuer:
            raise OIDCError("Tài liệu khám phá (discovery) của nhà cung cấp không khớp issuer.")
        cached = (time.monotonic() + 3600, document)
        _discovery_cache[cfg.issuer] = cached
    return {name: values[name] or cached[1].get(name, "") for name in wanted}


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("citizen:oidc-callback"))


def start(request: HttpRequest) -> HttpResponse:
    cfg = config()
    if cfg is None:
        raise Http404("Đăng nhập bằng tài khoản định danh chưa được cấu hình.")
    try:
        urls = endpoints(cfg)
    except OIDCError:
        logger.exception("oidc: provider unavailable")
        messages.error(request, f"Không kết nối được {cfg.name}. Vui lòng thử lại sau hoặc đăng nhập bằng mật khẩu.")
        return redirect("citizen:login")
    verifier = secrets.token_urlsafe(64)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    request.session[SESSION_KEY] = {"state": state, "nonce": nonce, "verifier": verifier, "next": next_url}
    query = urlencode(
        {
            "response_type": "code",
            "client_id": cfg.client_id,
            "redirect_uri": _redirect_uri(request),
            "scope": cfg.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": _b64url(hashlib.sha256(verifier.encode("ascii")).digest()),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in urls["authorization_endpoint"] else "?"
    return redirect(f"{urls['authorization_endpoint']}{separator}{query}")


def callback(request: HttpRequest) -> HttpResponse:
    cfg = config()
    if cfg is None:
        raise Http404("Đăng nhập bằng tài khoản định danh chưa được cấu hình.")
    pending = request.session.pop(SESSION_KEY, None) or {}
    state = request.GET.get("state", "")
    if not pending or not secrets.compare_digest(state.encode(), pending.get("state", "").encode()):
        messages.error(request, "Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng thử lại.")
        return redirect("citizen:login")
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, f"{cfg.name} chưa xác nhận đăng nhập. Vui lòng thử lại.")
        return redirect("citizen:login")
    try:
        claims = _exchange(cfg, request, request.GET["code"], pending)
    except (OIDCError, JoseError):
        logger.exception("oidc: sign-in refused")
        messages.error(request, f"Không xác thực được với {cfg.name}. Vui lòng thử lại sau.")
        return redirect("citizen:login")
    user = _citizen_for(cfg, claims)
    login(request, user, backend="motcua.accounts.backends.LockoutModelBackend")
    messages.success(request, f"Đã đăng nhập bằng {cfg.name}.")
    return redirect(pending.get("next") or "citizen:my-dossiers")


def _exchange(cfg: Config, request: HttpRequest, code: str, pending: dict[str, str]) -> dict[str, Any]:
    """Code → tokens (with the PKCE verifier); check the ID token; read userinfo for the same subject."""
    urls = endpoints(cfg)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": _redirect_uri(request),
        "code_verifier": pending["verifier"],
        "client_id": cfg.client_id,
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cfg.client_secret:
        basic = base64.b64encode(f"{cfg.client_id}:{cfg.client_secret}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {basic}"
    tokens = _get_json(urls["token_endpoint"], headers=headers, data=urlencode(form).encode())
    if "id_token" not in tokens or "access_token" not in tokens:
        raise OIDCError("Phản hồi token thiếu id_token hoặc access_token.")
    keys = KeySet.import_key_set(_get_json(urls["jwks_uri"]))
    token = jwt.decode(tokens["id_token"], keys, algorithms=["RS256", "ES256", "PS256"])
    issuer = cfg.issuer or token.claims.get("iss", "")
    jwt.JWTClaimsRegistry(
        leeway=60,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": cfg.client_id},
        exp={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": pending["nonce"]},
    ).validate(token.claims)
    info = _get_json(urls["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
    if info.get("sub") != token.claims["sub"]:
        raise OIDCError("userinfo không cùng chủ thể (sub) với id_token.")
    return {**token.claims, **info, "iss": issuer}


def _citizen_for(cfg: Config, claims: dict[str, Any]):
    """The citizen linked to this external identity, created (verified, no password) on first sign-in."""
    profile = (
        CitizenProfile.objects.select_related("user")
        .filter(oidc_issuer=claims["iss"], oidc_subject=claims["sub"])
        .first()
    )
    if profile is not None:
        return profile.user
    users = get_user_model().objects
    email = (claims.get("email") or "").strip().casefold() if claims.get("email_verified", True) else ""
    phone = (claims.get("phone_number") or "").replace(" ", "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    # A phone or email already used by another account is not copied: login names stay unique.
    if email and users.filter(email__iexact=email).exists():
        email = ""
    if phone and users.filter(phone=phone).exists():
        phone = ""
    id_number = str(claims.get(cfg.id_number_claim) or "")
    birthdate = None
    try:
        birthdate = date.fromisoformat(claims.get("birthdate") or "")
    except ValueError:
        birthdate = None
    with transaction.atomic():
        user = users.create_user(
            username=f"cd-{uuid.uuid4().hex[:16]}",
            password=None,
            email=email,
            phone=phone,
            full_name=(claims.get("name") or "").strip()[:150],
        )
        CitizenProfile.objects.create(
            user=user,
            id_number=id_number if len(id_number) == 12 and id_number.isdigit() else "",
            date_of_birth=birthdate,
            verified_at=timezone.now(),
            oidc_issuer=claims["iss"],
            oidc_subject=claims["sub"],
        )
    return user
