"""Signing in: no user enumeration, rate limits that lock out a source and never a colleague,
session ids that change on login and die on logout, and a login form that survives fuzzing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from aigaq.accounts.models import TokenBucket, User
from aigaq.audit.models import Action, AuditEntry
from tests.conftest import PASSWORD

from .helpers import sign_in

pytestmark = pytest.mark.django_db
WRONG = "The username or the password is wrong."


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_right_password_signs_her_in_and_is_audited(alice: User) -> None:
    client, response = sign_in("alice")
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200
    assert AuditEntry.objects.filter(action=Action.LOGIN, actor=alice).count() == 1


def test_a_refused_sign_in_is_audited_without_naming_the_account(alice: User) -> None:
    sign_in("alice", "not her password at all")
    sign_in("nobody-here", "a guess")
    entries = AuditEntry.objects.filter(action=Action.LOGIN_FAILED)
    assert entries.count() == 2
    assert all(e.actor is None and e.actor_name == "" and e.extra == {} for e in entries)


def test_a_rate_limited_sign_in_is_audited_as_such(alice: User) -> None:
    for _ in range(11):
        _, response = sign_in("alice", "wrong guess", address="203.0.113.9")
    assert response.status_code == 429
    limited = AuditEntry.objects.get(action=Action.LOGIN_FAILED, extra={"reason": "rate_limited"})
    assert limited.actor is None and "alice" not in str(limited.extra)


def test_signing_out_is_audited(alice: User) -> None:
    client, _ = sign_in("alice")
    client.post("/accounts/logout/")
    assert AuditEntry.objects.filter(action=Action.LOGOUT, actor=alice).count() == 1


def test_the_language_she_chooses_is_kept_on_her_account(alice: User) -> None:
    client, _ = sign_in("alice")
    assert client.post("/lang/", {"language": "ru", "next": "/cases/"}).headers["Location"] == "/cases/"
    alice.refresh_from_db()
    assert alice.language == "ru"
    client.post("/lang/", {"language": "xx"})
    alice.refresh_from_db()
    assert alice.language == "ru"


def test_unknown_user_and_wrong_password_get_the_same_answer(alice: User) -> None:
    _, unknown = sign_in("nobody-here", client=english(Client()))
    _, wrong = sign_in("alice", "not her password at all", client=english(Client()))
    assert unknown.status_code == wrong.status_code == 200
    assert WRONG in unknown.content.decode()
    assert WRONG in wrong.content.decode()
    # The page differs only in the CSRF token and the username echoed back into the form.
    assert unknown.content.decode().replace("nobody-here", "alice").count(
        WRONG
    ) == wrong.content.decode().count(WRONG)


def test_a_user_without_an_organisation_cannot_sign_in_and_gets_the_same_answer(db: object) -> None:
    User.objects.create_user("loner", password=PASSWORD)
    _, response = sign_in("loner", client=english(Client()))
    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_guessing_from_one_address_is_limited_with_a_clear_message(alice: User) -> None:
    client = english(Client())
    for _ in range(10):
        sign_in("alice", "wrong guess", address="203.0.113.9", client=client)
    _, response = sign_in("alice", address="203.0.113.9", client=client)
    assert response.status_code == 429
    assert "Too many attempts from here. Try again in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_guessing_at_her_name_elsewhere_does_not_lock_her_out(alice: User) -> None:
    for _ in range(15):
        sign_in("alice", "wrong guess", address="203.0.113.9")
    client, response = sign_in("alice", address="198.51.100.4")
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200


def test_many_names_from_one_address_hit_the_address_limit(alice: User) -> None:
    for i in range(20):
        sign_in(f"user{i}", "wrong guess", address="203.0.113.7")
    _, response = sign_in("alice", address="203.0.113.7")
    assert response.status_code == 429


def test_colleagues_signing_in_from_one_office_address_do_not_limit_each_other(org: object) -> None:
    from tests.conftest import make_user

    for i in range(25):
        make_user(f"colleague{i}", org, "caseworker")  # type: ignore[arg-type]
        _, response = sign_in(f"colleague{i}", address="192.0.2.10")
        assert response.status_code == 302


def test_rate_limit_buckets_hold_no_username_or_address(alice: User) -> None:
    sign_in("alice", "wrong guess", address="203.0.113.9")
    keys = " ".join(TokenBucket.objects.values_list("key", flat=True))
    assert keys
    assert "alice" not in keys
    assert "203.0.113.9" not in keys


def test_session_id_changes_on_login(alice: User) -> None:
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    sign_in("alice", client=client)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before and after and before != after


def test_session_is_dead_after_logout(alice: User) -> None:
    client, _ = sign_in("alice")
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/logout/").status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get("/cases/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_logout_needs_a_post() -> None:
    assert Client().get("/accounts/logout/").status_code == 405


def test_next_to_another_site_is_ignored(alice: User) -> None:
    _, response = sign_in("alice", next="https://evil.example/")
    assert response.headers["Location"] == "/"


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    username=st.one_of(st.text(max_size=300), st.just("alice"), st.just("alice\x00"), st.just("ALICE")),
    password=st.one_of(st.text(max_size=5000), st.just(PASSWORD + " "), st.just(PASSWORD.upper())),
)
def test_fuzzed_login_never_errors_and_never_signs_anyone_in(
    alice: User, username: str, password: str
) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=f"10.{len(username) % 250}.{len(password) % 250}.1",
    )
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session
