"""Web hardening, asserted header by header under the production settings the tests run with."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from aigaq.accounts.models import User
from aigaq.cases.models import Case
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def assert_hardened(response: Any) -> None:
    assert response["Content-Security-Policy"] == CSP
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"


def test_the_login_page_has_every_security_header() -> None:
    assert_hardened(Client().get("/accounts/login/"))


def test_a_case_page_has_every_security_header_and_is_never_cached(
    alice: User, case: Case, login: Any
) -> None:
    response = login(alice).get(f"/cases/{case.code}/")
    assert response.status_code == 200
    assert_hardened(response)


def test_no_page_carries_inline_script_or_style(alice: User, case: Case, login: Any) -> None:
    client = login(alice)
    for url in ("/accounts/login/", f"/cases/{case.code}/", "/accounts/me/", "/accounts/two-factor/app/"):
        body = client.get(url).content.decode()
        assert " style=" not in body, url
        for tag in body.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert 'src="' in opening or 'type="application/json"' in opening, url


def test_https_responses_carry_hsts_for_two_years_with_subdomains() -> None:
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"


def test_the_session_cookie_is_a_secure_host_only_cookie(alice: User) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, secure=True)
    cookie = client.cookies["__Host-sid"]
    assert settings.SESSION_COOKIE_NAME == "__Host-sid"
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken" and settings.CSRF_COOKIE_SECURE
    assert settings.CSRF_USE_SESSIONS


def test_a_post_without_a_csrf_token_is_refused(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_check_deploy_is_clean_under_production_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # tests/settings.py only switches off the HTTPS redirect, which the test client cannot follow;
    # the browser tests (Playwright) set DJANGO_ALLOW_ASYNC_UNSAFE in this process, never a server.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    with override_settings(SECURE_SSL_REDIRECT=True, DEBUG=False):
        call_command("check", deploy=True, fail_level="WARNING")


def _debug_with(env: dict[str, str], tmp_path: Path) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AIGAQ_")}
    clean.update(AIGAQ_DATA_DIR=str(tmp_path), AIGAQ_SECRET_KEY="x" * 50, **env)
    result = subprocess.run(
        [sys.executable, "-c", "import aigaq.settings as s; print(s.DEBUG)"],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_debug_can_never_be_on_without_dev_mode(tmp_path: Path) -> None:
    assert _debug_with({"AIGAQ_DEBUG": "1"}, tmp_path) == "False"
    assert _debug_with({"AIGAQ_DEBUG": "1", "AIGAQ_DEV": "0"}, tmp_path) == "False"
    # The same switch does work in development, so the assertion above can fail.
    assert _debug_with({"AIGAQ_DEBUG": "1", "AIGAQ_DEV": "1"}, tmp_path) == "True"
