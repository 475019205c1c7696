"""Settings come from the environment, are secure by default, and refuse unsafe production set-ups.

Each case imports the settings module in a fresh interpreter with a controlled environment, because
settings are read once at import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from motcua.settings import parse_email_url

PROBE = "import json, motcua.settings as s; print(json.dumps({k: getattr(s, k) for k in %r}, default=str))"


def load(env: dict[str, str], *names: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_", "EMAIL_"))}
    clean.pop("SECRET_KEY", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE % (list(names),)], env=clean, capture_output=True, text=True, timeout=60
    )


def values(env: dict[str, str], *names: str) -> dict:
    result = load(env, *names)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


GOOD_KEY = "x" * 50


def test_production_mode_refuses_to_start_with_the_default_secret_key():
    result = load({}, "DEBUG")
    assert result.returncode != 0
    assert "refuses to start with the default secret key" in result.stderr


def test_production_mode_refuses_a_short_secret_key():
    result = load({"SECRET_KEY": "short"}, "DEBUG")
    assert result.returncode != 0
    assert "at least 32 characters" in result.stderr


def test_debug_is_off_unless_asked():
    assert values({"SECRET_KEY": GOOD_KEY}, "DEBUG")["DEBUG"] is False
    assert values({"MOTCUA_DEBUG": "1"}, "DEBUG")["DEBUG"] is True


def test_a_mistyped_boolean_fails_loudly():
    result = load({"SECRET_KEY": GOOD_KEY, "MOTCUA_DEBUG": "maybe"}, "DEBUG")
    assert result.returncode != 0
    assert "is not a yes/no value" in result.stderr


def test_https_turns_on_secure_cookies_and_hsts():
    plain = values({"SECRET_KEY": GOOD_KEY}, "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS")
    assert plain == {"SESSION_COOKIE_SECURE": False, "SECURE_HSTS_SECONDS": 0}
    https = values(
        {"SECRET_KEY": GOOD_KEY, "MOTCUA_HTTPS": "1"},
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
    )
    assert https == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
    }


def test_time_zone_and_language_are_fixed_to_vietnam():
    got = values({"SECRET_KEY": GOOD_KEY, "TIME_ZONE": "UTC"}, "TIME_ZONE", "LANGUAGE_CODE", "USE_TZ")
    assert got == {"TIME_ZONE": "Asia/Ho_Chi_Minh", "LANGUAGE_CODE": "vi", "USE_TZ": True}


def test_database_url_selects_postgresql():
    got = values({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "postgres://u:p@db.example:5433/motcua"}, "DATABASES")
    db = got["DATABASES"]["default"]
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"]) == (
        "django.db.backends.postgresql",
        "db.example",
        5433,
        "motcua",
    )


def test_default_database_is_sqlite_in_var(tmp_path):
    got = values({"SECRET_KEY": GOOD_KEY, "MOTCUA_HOME": str(tmp_path)}, "DATABASES")
    assert got["DATABASES"]["default"]["NAME"] == str(tmp_path / "var" / "motcua.sqlite3")


def test_bad_database_url_is_refused():
    result = load({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "nosuchdb://x"}, "DATABASES")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_allowed_hosts_and_media_roots_come_from_the_environment():
    got = values(
        {
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "motcua.hue.gov.vn, dichvucong.hue.gov.vn",
            "MEDIA_ROOT": "/srv/motcua/media",
            "STATIC_ROOT": "/srv/motcua/static",
        },
        "ALLOWED_HOSTS",
        "MEDIA_ROOT",
        "STATIC_ROOT",
    )
    assert got == {
        "ALLOWED_HOSTS": ["motcua.hue.gov.vn", "dichvucong.hue.gov.vn"],
        "MEDIA_ROOT": "/srv/motcua/media",
        "STATIC_ROOT": "/srv/motcua/static",
    }


def test_email_host_variables_configure_smtp():
    got = values(
        {
            "SECRET_KEY": GOOD_KEY,
            "EMAIL_HOST": "mail.hue.gov.vn",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "yes",
        },
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
    )
    assert got == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.hue.gov.vn",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
    }


def test_email_url_is_parsed():
    parsed = parse_email_url("smtp://motcua%40hue.gov.vn:s%C3%AAcret@mail.hue.gov.vn:587/?tls=1")
    assert parsed["EMAIL_HOST_USER"] == "motcua@hue.gov.vn"
    assert parsed["EMAIL_HOST_PASSWORD"] == "sêcret"
    assert (parsed["EMAIL_HOST"], parsed["EMAIL_PORT"], parsed["EMAIL_USE_TLS"]) == (
        "mail.hue.gov.vn",
        587,
        True,
    )
    assert parse_email_url("smtps://mail.example")["EMAIL_PORT"] == 465


def test_unknown_email_url_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        parse_email_url("pigeon://coop")
