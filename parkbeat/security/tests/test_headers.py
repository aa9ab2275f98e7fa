"""A7: `check --deploy` clean with production settings, cookie flags, no-store, CSP and frame denial."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from rest_framework.test import APIClient

from parkbeat.security.tests.utils import log_in

ROOT = Path(__file__).resolve().parents[3]


def _run(tmp_path, code, **env):
    # Not the test run's own variables (DJANGO_ALLOW_ASYNC_UNSAFE comes from the browser-test harness).
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL", "MAP_TILE_URL"}
    clean = {k: v for k, v in os.environ.items() if not (k.startswith("PARKBEAT_") or k in unset)}
    return subprocess.run([sys.executable, *code], cwd=ROOT, capture_output=True, text=True,
                          env={**clean, "PARKBEAT_VAR_DIR": str(tmp_path), **env})


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  SECRET_KEY="k" + "".join(chr(48 + (i * 7) % 75) for i in range(70)), DEBUG="0",
                  ALLOWED_HOSTS="parkbeat.police.intranet")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_with_debug_on(tmp_path):
    """The check above is not vacuous: the same run with DEBUG on is refused."""
    result = _run(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  SECRET_KEY="k" + "".join(chr(48 + (i * 7) % 75) for i in range(70)), DEBUG="1",
                  ALLOWED_HOSTS="parkbeat.police.intranet")

    assert result.returncode != 0 and "security.W018" in result.stderr + result.stdout


def test_map_tiles_origin_joins_img_src(tmp_path):
    result = _run(tmp_path, ["-c", "from parkbeat import settings as s; "
                                   "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"],
                  MAP_TILE_URL="https://{s}.tiles.police.intranet/{z}/{x}/{y}.png")

    assert result.stdout.strip() == "[\"'self'\", 'data:', 'https://*.tiles.police.intranet']"


def _assert_headers(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "style-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_a_page_carries_the_security_headers(world, client):
    client.force_login(world.officer)

    _assert_headers(client.get(reverse("home")))


def test_an_api_response_carries_the_security_headers(world):
    api = APIClient()
    key = api.post("/api/v1/auth/token/", {"username": "t_officer", "password": "Correct-Horse-9"}, format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    _assert_headers(api.get("/api/v1/parks/"))


def test_the_session_cookie_is_secure_httponly_and_samesite(world, client):
    response = log_in(client, "t_officer")

    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert (bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"]) == (True, True, "Lax")
    assert response.cookies[django_settings.CSRF_COOKIE_NAME]["secure"]


def test_production_defaults_turn_secure_cookies_on():
    assert django_settings.SESSION_COOKIE_SECURE and django_settings.CSRF_COOKIE_SECURE


TEMPLATES = sorted((ROOT / "parkbeat" / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(ROOT / "parkbeat" / "templates")) for p in TEMPLATES])
def test_no_template_has_inline_styles_or_scripts(path):
    """CSP allows no inline style or script: a style= attribute or a <script> body would be blocked."""
    text = path.read_text(encoding="utf-8")

    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"<style", text)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
    assert not re.search(r"\son[a-z]+=", text)  # onclick= etc.
