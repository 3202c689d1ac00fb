"""Aigaq's own error pages: translated, with the quick-exit button, never Django's English defaults."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings


def _kk_client(**kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.cookies["aigaq_lang"] = "kk"
    return client


def _assert_own_page(html: str, title: str) -> None:
    assert title in html
    assert 'id="quick-exit"' in html and "Жылдам шығу" in html
    assert "Not Found" not in html and "Server Error" not in html and "Forbidden" not in html


@pytest.mark.django_db
def test_a_missing_page_is_aigaqs_own_page_in_kazakh_with_the_quick_exit() -> None:
    response = _kk_client().get("/no-such-page/")
    assert response.status_code == 404
    _assert_own_page(response.content.decode(), "Бет табылмады")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.error_urls")
def test_a_server_error_is_aigaqs_own_page_in_kazakh_and_names_no_detail_of_the_bug() -> None:
    response = _kk_client(raise_request_exception=False).get("/test-fails/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_own_page(html, "Серверде қате шықты")
    assert "a bug" not in html and "RuntimeError" not in html


@pytest.mark.django_db
def test_a_refused_csrf_check_is_aigaqs_own_page_in_kazakh_and_says_what_to_do() -> None:
    client = _kk_client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    _assert_own_page(html, "Пішін қабылданбады")
    assert "бетті жаңартыңыз" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "title"), [("ru", "Страница не найдена"), ("en", "Page not found")])
def test_the_missing_page_reads_in_each_language(lang: str, title: str) -> None:
    client = Client()
    client.cookies["aigaq_lang"] = lang
    assert title in client.get("/no-such-page/").content.decode()
