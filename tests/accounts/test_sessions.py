"""Sessions: idle and absolute timeouts, and ending sessions (her own, or by her coordinator)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from aigaq.accounts.models import User, UserSession
from aigaq.audit.models import Action, AuditEntry

from .helpers import sign_in

pytestmark = pytest.mark.django_db


def age(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_longer_than_the_idle_timeout_is_ended(alice: User, settings: Any) -> None:
    client, _ = sign_in("alice")
    assert client.get("/cases/").status_code == 200
    age(client, "aigaq_last_seen", settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get("/cases/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/accounts/login/")


def test_activity_within_the_idle_timeout_keeps_the_session(alice: User, settings: Any) -> None:
    client, _ = sign_in("alice")
    age(client, "aigaq_last_seen", settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get("/cases/").status_code == 200


def test_a_session_older_than_its_absolute_age_is_ended_even_if_active(alice: User, settings: Any) -> None:
    client, _ = sign_in("alice")
    age(client, "aigaq_login_at", settings.SESSION_COOKIE_AGE + 1)
    response = client.get("/cases/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/accounts/login/")


def test_the_idle_timeout_is_thirty_minutes_and_sessions_end_with_the_browser(settings: Any) -> None:
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_she_sees_her_sessions_and_ends_another_one(alice: User) -> None:
    firefox = "Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/128.0"
    laptop, _ = sign_in("alice", client=Client(HTTP_USER_AGENT=firefox))
    phone, _ = sign_in("alice")
    page = laptop.get("/accounts/me/").content.decode()
    assert "Firefox · Windows" in page
    other = UserSession.objects.filter(user=alice).exclude(agent__startswith="Firefox").get()
    laptop.post("/accounts/me/sessions/end/", {"session": other.code})
    assert phone.get("/cases/").status_code == 302
    assert laptop.get("/cases/").status_code == 200


def test_she_cannot_end_someone_elses_session(alice: User, bob: User) -> None:
    client, _ = sign_in("alice")
    bobs, _ = sign_in("bob")
    target = UserSession.objects.get(user=bob)
    assert client.post("/accounts/me/sessions/end/", {"session": target.code}).status_code == 404
    assert bobs.get("/cases/").status_code == 200


def test_changing_her_password_ends_her_other_sessions(alice: User) -> None:
    here, _ = sign_in("alice")
    there, _ = sign_in("alice")
    new = "a different passphrase for alice"
    response = here.post(
        "/accounts/me/password/",
        {
            "old_password": "correct horse battery staple",
            "new_password1": new,
            "new_password2": new,
        },
    )
    assert response.status_code == 302
    assert here.get("/cases/").status_code == 200
    assert there.get("/cases/").status_code == 302
    assert AuditEntry.objects.filter(action=Action.PASSWORD_CHANGED).count() == 1


def test_a_coordinator_ends_a_members_sessions(alice: User, cora: User) -> None:
    alices, _ = sign_in("alice")
    coordinator, _ = sign_in("cora")
    response = coordinator.post(f"/accounts/team/{alice.code}/sessions/end/")
    assert response.status_code == 302
    assert alices.get("/cases/").status_code == 302
    assert coordinator.get("/cases/").status_code == 200
    entry = AuditEntry.objects.get(action=Action.USER_SESSIONS_ENDED)
    assert entry.actor == cora and entry.object_code == alice.code


def test_requests_within_a_minute_do_not_write_the_session_again(alice: User) -> None:
    from django.contrib.sessions.models import Session

    client, _ = sign_in("alice")
    assert client.get("/cases/").status_code == 200
    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    time.sleep(0.01)
    assert client.get("/cases/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == before  # not saved again


def test_the_idle_stamp_is_renewed_once_it_is_a_minute_old(alice: User) -> None:
    client, _ = sign_in("alice")
    age(client, "aigaq_last_seen", 61)
    assert client.get("/cases/").status_code == 200
    assert int(time.time()) - client.session["aigaq_last_seen"] <= 1
