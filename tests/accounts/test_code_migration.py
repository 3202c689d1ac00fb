"""Migration 0005 on a copy of the demo database: every session and device row is kept as it was,
and each one gets its own random code."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aigaq.accounts.models import TotpDevice, User, UserSession, WebAuthnCredential
from aigaq.demo import load as demo

from .helpers import migrate_accounts, sign_in

BEFORE = "0004_totp_secrets_sealed"
# What each table must keep through the migration, row by row.
KEPT = {
    "UserSession": ("pk", "user_id", "key_hash", "agent", "created_at", "last_seen"),
    "WebAuthnCredential": ("pk", "user_id", "name", "confirmed", "data", "created_at"),
    "TotpDevice": ("pk", "user_id", "name", "code", "sealed_key", "last_t"),
}


def _rows(model: Any) -> list[tuple[Any, ...]]:
    """The kept columns of every row (binary data as bytes, whatever the database returns)."""
    rows = model.objects.order_by("pk").values_list(*KEPT[model.__name__])
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]


def _old_rows_for_each_demo_account(apps: Any) -> None:
    """Sessions and devices as the app before 0005 wrote them: two sessions, a key and an app each."""
    Session = apps.get_model("accounts", "UserSession")
    Key = apps.get_model("accounts", "WebAuthnCredential")
    App = apps.get_model("accounts", "TotpDevice")
    for user_id in apps.get_model("accounts", "User").objects.values_list("pk", flat=True):
        for place in ("office", "home"):
            Session.objects.create(user_id=user_id, key_hash=f"{user_id}-{place}-{'0' * 48}", agent="Firefox · Linux")
        Key.objects.create(user_id=user_id, name="Yubikey", data=os.urandom(64), confirmed=True)
        App.objects.create(user_id=user_id, name="Phone", confirmed=True, sealed_key="sealed", code=f"app{user_id}")


@pytest.mark.django_db(transaction=True)
def test_every_session_and_device_of_the_demo_keeps_its_row_and_gets_its_own_code() -> None:
    # The demo is written by today's code, then the tables go back to before 0005 (later columns,
    # such as accounts 0006's, cannot be written by today's models on the old tables).
    demo.demo_create(count=2, today=dt.date(2026, 11, 29))
    migrate_accounts(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(("accounts", BEFORE)).apps
        _old_rows_for_each_demo_account(old)
        before = {name: _rows(old.get_model("accounts", name)) for name in KEPT}
    finally:
        migrate_accounts(None)

    accounts = len(demo.USERNAMES)
    assert [len(before[name]) for name in before] == [2 * accounts, accounts, accounts]
    for model in (UserSession, WebAuthnCredential, TotpDevice):
        assert _rows(model) == before[model.__name__], model
    codes = [
        *UserSession.objects.values_list("code", flat=True),
        *WebAuthnCredential.objects.values_list("code", flat=True),
    ]
    assert len(codes) == 3 * accounts
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z2-7]{26}", code) for code in codes)

    # After the migration the default applies: a new sign-in gets a code of its own.
    user = User.objects.get(username="caseworker")
    user.set_password("a passphrase for the test")
    user.save()
    sign_in("caseworker", "a passphrase for the test")
    newest = UserSession.objects.filter(user=user).order_by("-pk").first()
    assert newest is not None and newest.code not in codes
