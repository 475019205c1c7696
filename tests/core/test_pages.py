"""Home page, language switch, health check, OpenAPI schema and docs (served without any CDN)."""

from __future__ import annotations

import re

from django.db import DatabaseError


def test_home_page_says_what_the_system_is_in_vietnamese(client, db):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in body
    assert "Hệ thống một cửa điện tử" in body
    assert '<main id="main"' in body and 'role="banner"' in body and 'role="contentinfo"' in body
    assert 'href="#main"' in body, "skip link for keyboard users"


def test_home_page_in_english_under_the_en_prefix(client, db):
    body = client.get("/en/").content.decode()
    assert '<html lang="en">' in body
    assert "Electronic one-stop system" in body and ">Sign in<" in body
    assert "Trang chủ" not in body


def test_language_switch_works_without_javascript(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_pages_load_no_script_or_style_from_another_host(client, db):
    for url in ["/", "/tai-khoan/dang-nhap/", "/api/v1/docs/"]:
        body = client.get(url).content.decode()
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', body)
        assert external == [], f"{url} loads {external}"


def test_healthz_reports_database_and_version(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "version": "0.1.0"}


def test_healthz_answers_503_when_the_database_fails(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("motcua.core.views.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "version": "0.1.0"}


def test_openapi_schema_and_docs_pages(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/units/" in spec["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()


def test_unknown_page_gets_a_vietnamese_404(client, db):
    response = client.get("/khong-ton-tai/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_production_static_pipeline_serves_the_stylesheet(tmp_path):
    """What ``make run`` does: collectstatic with the hashed-manifest storage, then pages reference real files."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "MOTCUA_HOME": str(tmp_path),
        "SECRET_KEY": "s" * 40,
        "STATIC_ROOT": str(tmp_path / "st"),
    }
    env.pop("MOTCUA_TESTING", None)
    env.pop("DATABASE_URL", None)
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='motcua.settings'; django.setup();"
        "from django.core.management import call_command; call_command('collectstatic', '--noinput', verbosity=0);"
        "call_command('migrate', verbosity=0);"
        "from django.test import Client; c = Client();"
        "r = c.get('/', HTTP_HOST='localhost'); assert r.status_code == 200, r.status_code; body = r.content.decode();"
        "import re; href = re.search(r'href=\"(/static/motcua/motcua\\.[0-9a-f]+\\.css)\"', body).group(1);"
        "print(href)"
    )
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    hashed = result.stdout.strip().removeprefix("/static/")
    assert (tmp_path / "st" / hashed).exists()
