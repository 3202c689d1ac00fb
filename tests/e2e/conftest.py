"""Browser tests: a real headless Chromium (Debian's, never a downloaded one) through Playwright,
against the app served by pytest-django's live server on plain HTTP."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("AIGAQ_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def plain_http(settings: Any) -> None:
    """The live server speaks plain HTTP: cookies cannot be Secure or __Host- there."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_NAME = "aigaq_sid"
    settings.CSRF_COOKIE_NAME = "csrftoken"
    settings.LANGUAGE_COOKIE_SECURE = False


@pytest.fixture
def page(browser: Any, plain_http: None) -> Iterator[Any]:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    yield page
    context.close()
