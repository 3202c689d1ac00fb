"""Her sessions and devices are named by random codes, never by sequential ids, and a code names
only her own: another user's session or device answers 404 and stays as it was."""

from __future__ import annotations

import os
import re

import pytest
from django.test import Client

from aigaq.accounts.models import TotpDevice, User, UserSession, WebAuthnCredential
from aigaq.accounts.sessions import key_hash
from aigaq.audit.models import Action, AuditEntry
from tests.protection.helpers import stepped_up

from .helpers import sign_in

pytestmark = pytest.mark.django_db


def add_app(user: User) -> TotpDevice:
    return TotpDevice.objects.create(user=user, name="Phone", confirmed=True)


def add_key(user: User) -> WebAuthnCredential:
    """A registered key. Clients made before it (and before add_app) are not asked for a second
    factor: that is decided at sign-in."""
    return WebAuthnCredential.objects.create(user=user, name="Yubikey", data=os.urandom(64), confirmed=True)


def test_each_session_and_device_gets_its_own_random_code(alice: User, bob: User) -> None:
    for user in (alice, bob):
        sign_in(user.username)
        sign_in(user.username)
        add_app(user)
        add_key(user)
    codes = [
        *UserSession.objects.values_list("code", flat=True),
        *TotpDevice.objects.values_list("code", flat=True),
        *WebAuthnCredential.objects.values_list("code", flat=True),
    ]
    assert len(codes) >= 8
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z2-7]{26}", code) for code in codes)


def test_the_account_page_names_sessions_and_devices_by_code_and_shows_no_sequential_id(
    alice: User,
) -> None:
    _, elsewhere = sign_in("alice")
    client = stepped_up(alice)
    phone, key = add_app(alice), add_key(alice)
    page = client.get("/accounts/me/").content.decode()
    values = re.findall(r'name="(?:session|device)" value="([^"]*)"', page)
    other = UserSession.objects.get(key_hash=key_hash(elsewhere.wsgi_request.session.session_key))
    assert f"totp:{phone.code}" in values and f"webauthn:{key.code}" in values and other.code in values
    # Neither the form targets nor the values they post carry a number that could be a row id.
    actions = re.findall(r'<form method="post" action="([^"]*)"', page)
    assert actions and not any(re.search(r"\d", url) for url in actions)
    assert not any(re.fullmatch(r"(?:\w+:)?\d+", value) for value in values)


def test_a_sequential_id_no_longer_names_a_session_or_a_device(alice: User) -> None:
    laptop = stepped_up(alice)
    sign_in("alice")
    other = UserSession.objects.filter(user=alice).order_by("pk").last()
    assert other is not None
    device = add_app(alice)
    assert laptop.post("/accounts/me/sessions/end/", {"session": str(other.pk)}).status_code == 404
    assert laptop.post("/accounts/me/devices/remove/", {"device": f"totp:{device.pk}"}).status_code == 404
    assert UserSession.objects.filter(user=alice).count() == 2
    assert TotpDevice.objects.filter(pk=device.pk).exists()


def test_another_users_session_code_is_404_and_ends_nothing(alice: User, bob: User) -> None:
    client, _ = sign_in("alice")
    bobs, _ = sign_in("bob")
    target = UserSession.objects.get(user=bob)
    entries = AuditEntry.objects.count()
    assert client.post("/accounts/me/sessions/end/", {"session": target.code}).status_code == 404
    assert UserSession.objects.filter(pk=target.pk).exists()
    assert bobs.get("/cases/").status_code == 200
    assert AuditEntry.objects.count() == entries
    assert not AuditEntry.objects.filter(action=Action.USER_SESSIONS_ENDED).exists()


def test_her_own_current_session_is_not_ended_by_code(alice: User) -> None:
    client, _ = sign_in("alice")
    current = UserSession.objects.get(user=alice)
    assert client.post("/accounts/me/sessions/end/", {"session": current.code}).status_code == 404
    assert client.get("/cases/").status_code == 200


@pytest.mark.parametrize("kind", ["totp", "webauthn"])
def test_another_users_device_code_is_404_and_removes_nothing(alice: User, bob: User, kind: str) -> None:
    client = stepped_up(alice)  # re-authenticated, so only the look-up can refuse
    device = add_app(bob) if kind == "totp" else add_key(bob)
    entries = AuditEntry.objects.count()
    for value in (f"{kind}:{device.code}", f"{'webauthn' if kind == 'totp' else 'totp'}:{device.code}"):
        assert client.post("/accounts/me/devices/remove/", {"device": value}).status_code == 404
    assert type(device).objects.filter(pk=device.pk, user=bob).exists()
    assert AuditEntry.objects.count() == entries


def test_she_removes_her_own_key_by_its_code(alice: User) -> None:
    client = stepped_up(alice)
    key = add_key(alice)
    response = client.post("/accounts/me/devices/remove/", {"device": f"webauthn:{key.code}"})
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=key.pk).exists()
    entry = AuditEntry.objects.get(action=Action.DEVICE_REVOKED)
    assert entry.actor == alice and entry.extra == {"count": 1, "kind": "webauthn"}


def test_an_unknown_kind_or_a_malformed_value_is_404(alice: User) -> None:
    client: Client = stepped_up(alice)
    for value in ("", "totp", "totp:", "sms:abc", ":" * 3, "x" * 5000):
        assert client.post("/accounts/me/devices/remove/", {"device": value}).status_code == 404, value
    assert client.post("/accounts/me/sessions/end/", {}).status_code == 404
