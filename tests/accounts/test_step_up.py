"""require_step_up: a sensitive action needs a fresh password or code, and a POST survives it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from django.views.decorators.http import require_POST

from aigaq.accounts.decorators import require_step_up
from aigaq.accounts.models import TotpDevice, User
from aigaq.urls import urlpatterns as project_urls
from tests.conftest import PASSWORD

from .helpers import totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.test_step_up")]
performed: list[str] = []


@require_step_up
def reveal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("revealed")


@require_POST
@require_step_up
def erase(request: HttpRequest) -> HttpResponse:
    performed.append(request.POST["reason"])
    return HttpResponse("erased")


urlpatterns = [*project_urls, path("t/reveal/", reveal), path("t/erase/", erase)]


@pytest.fixture(autouse=True)
def _clear() -> None:
    performed.clear()


def test_a_sensitive_page_asks_for_the_password_first(alice: User, login: Any) -> None:
    client: Client = login(alice)
    response = client.get("/t/reveal/")
    assert b"revealed" not in response.content
    assert b'name="step_up_password"' in response.content
    wrong = client.post("/t/reveal/", {"step_up_method": "GET", "step_up_password": "nope"})
    assert b"revealed" not in wrong.content
    right = client.post("/t/reveal/", {"step_up_method": "GET", "step_up_password": PASSWORD})
    assert right.status_code == 302 and right.headers["Location"] == "/t/reveal/"
    assert client.get("/t/reveal/").content == b"revealed"


def test_a_posted_action_is_carried_through_the_step_up_and_done_once(alice: User, login: Any) -> None:
    client: Client = login(alice)
    asked = client.post("/t/erase/", {"reason": "her request"})
    assert performed == []
    assert b'value="her request"' in asked.content
    done = client.post(
        "/t/erase/", {"reason": "her request", "step_up_method": "POST", "step_up_password": PASSWORD}
    )
    assert done.content == b"erased"
    assert performed == ["her request"]


def test_an_authenticator_code_also_confirms(alice: User, login: Any) -> None:
    client: Client = login(alice)
    device = TotpDevice.objects.create(user=alice, name="Phone", confirmed=True)
    response = client.post("/t/reveal/", {"step_up_method": "GET", "step_up_code": totp_code(device)})
    assert response.status_code == 302
    assert client.get("/t/reveal/").content == b"revealed"


def test_step_up_expires_after_step_up_seconds(alice: User, login: Any, settings: Any) -> None:
    client: Client = login(alice)
    client.post("/t/reveal/", {"step_up_method": "GET", "step_up_password": PASSWORD})
    session = client.session
    session["aigaq_step_up_at"] = time.time() - settings.STEP_UP_SECONDS - 1
    session.save()
    assert b"revealed" not in client.get("/t/reveal/").content


def test_password_guessing_at_step_up_is_limited(alice: User, login: Any) -> None:
    client: Client = login(alice)
    for _ in range(10):
        client.post("/t/reveal/", {"step_up_method": "GET", "step_up_password": "guess"})
    response = client.post("/t/reveal/", {"step_up_method": "GET", "step_up_password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/t/reveal/").content != b"revealed"


def test_an_anonymous_request_never_reaches_the_view() -> None:
    request = RequestFactory().get("/t/reveal/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with pytest.raises(Exception, match="No such page"):
        reveal(request)
