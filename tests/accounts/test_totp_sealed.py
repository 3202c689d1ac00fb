"""Authenticator apps with sealed secrets (accounts.TotpDevice): the flows she knows still work,
end to end from the secret shown at enrolment, and a sealed secret opens only in its own row."""

from __future__ import annotations

import importlib
import os
import sqlite3
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django_otp import verify_token
from django_otp.oath import TOTP

from aigaq.accounts import totp
from aigaq.accounts.models import TotpDevice, User
from aigaq.accounts.sessions import STEP_UP_KEY
from aigaq.audit.models import Action, AuditEntry
from aigaq.lib.crypto import DecryptionError
from tests.conftest import PASSWORD, client_for

from .helpers import code_for, migrate_accounts, secret_on_page, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings: Any) -> None:
    settings.REQUIRE_2FA = True


def enrol(user: User) -> tuple[Client, bytes, str]:
    """She scans the QR code (here: reads the key off the page) and confirms with a code.
    Returns her client, the secret and the confirming code, which is now spent."""
    client = client_for(user)
    secret = secret_on_page(client.get("/accounts/two-factor/app/"))
    confirming = code_for(secret)
    response = client.post("/accounts/two-factor/app/", {"name": "Phone", "code": confirming})
    assert response.status_code == 302
    return client, secret, confirming


def code_at_step(secret: bytes, t: int) -> str:
    checker = TOTP(secret)
    checker.time = t * checker.step
    return f"{checker.token():06d}"


def wrong_code(secret: bytes) -> str:
    valid = {code_for(secret, offset) for offset in range(-2, 4)}
    return next(c for c in ("000000", "111111", "222222") if c not in valid)


def test_a_code_from_the_enrolled_secret_signs_her_in(required: None, alice: User) -> None:
    _, secret, _ = enrol(alice)
    client, _ = sign_in("alice")
    assert client.get("/cases/").headers["Location"].startswith("/accounts/verify/")
    # The confirming code was spent at enrolment; the app's next code is within tolerance.
    assert client.post("/accounts/verify/", {"code": code_for(secret, offset=1)}).status_code == 302
    assert client.get("/cases/").status_code == 200


def test_a_replayed_code_is_refused(required: None, alice: User) -> None:
    _, secret, confirming = enrol(alice)  # the confirming code is spent
    client, _ = sign_in("alice")
    assert client.post("/accounts/verify/", {"code": confirming}).status_code == 200
    assert client.get("/cases/").status_code == 302
    TotpDevice.objects.get(user=alice).throttle_reset()
    code = code_for(secret, offset=1)
    assert client.post("/accounts/verify/", {"code": code}).status_code == 302
    again, _ = sign_in("alice")
    assert again.post("/accounts/verify/", {"code": code}).status_code == 200
    assert again.get("/cases/").status_code == 302


def test_wrong_codes_slow_the_device_down(alice: User) -> None:
    _, secret, _ = enrol(alice)
    device = TotpDevice.objects.get(user=alice)
    assert verify_token(alice, device.persistent_id, wrong_code(secret)) is None
    # Throttled now: even the right code waits (django-otp's exponential back-off is kept).
    assert verify_token(alice, device.persistent_id, code_for(secret, offset=1)) is None
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a throttled attempt is refused without counting


def test_step_up_accepts_a_code_from_the_enrolled_app_once(alice: User) -> None:
    client, secret, confirming = enrol(alice)
    session = client.session
    del session[STEP_UP_KEY]  # signing in (here: enrolling) counted as a step-up; let it lapse
    session.save()
    device = TotpDevice.objects.get(user=alice)
    remove = {"device": f"totp:{device.code}"}
    asked = client.post("/accounts/me/devices/remove/", remove)
    assert asked.status_code == 200 and b'name="step_up_code"' in asked.content
    replayed = {**remove, "step_up_method": "POST", "step_up_code": confirming}
    assert client.post("/accounts/me/devices/remove/", replayed).status_code == 200
    assert TotpDevice.objects.filter(pk=device.pk).exists()
    TotpDevice.objects.get(pk=device.pk).throttle_reset()
    fresh = {**remove, "step_up_method": "POST", "step_up_code": code_for(secret, offset=1)}
    assert client.post("/accounts/me/devices/remove/", fresh).status_code == 302
    assert not TotpDevice.objects.filter(pk=device.pk).exists()


def test_revoking_removes_her_sealed_devices_and_she_enrols_again(
    alice: User, cora: User, settings: Any
) -> None:
    hers, _, _ = enrol(alice)
    coordinator = client_for(cora)
    session = coordinator.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    assert coordinator.post(f"/accounts/team/{alice.code}/devices/revoke/").status_code == 302
    assert not TotpDevice.objects.filter(user=alice).exists()
    assert AuditEntry.objects.filter(action=Action.DEVICE_REVOKED, object_code=alice.code).exists()
    assert hers.get("/cases/").status_code == 302  # her session ended with the device
    settings.REQUIRE_2FA = True
    again, _ = sign_in("alice")
    assert again.get("/cases/").headers["Location"].startswith("/accounts/two-factor/")


def test_a_sealed_secret_opens_only_in_its_own_row_for_its_own_user(alice: User, bob: User) -> None:
    enrol(alice)
    mine = TotpDevice.objects.get(user=alice)
    other = TotpDevice.objects.create(user=alice, name="Tablet", confirmed=True)
    TotpDevice.objects.filter(pk=other.pk).update(sealed_key=mine.sealed_key)
    with pytest.raises(DecryptionError):
        _ = TotpDevice.objects.get(pk=other.pk).bin_key
    TotpDevice.objects.filter(pk=mine.pk).update(user=bob)  # her app handed to his account
    with pytest.raises(DecryptionError):
        _ = TotpDevice.objects.get(pk=mine.pk).bin_key


def test_the_stored_value_is_a_sealed_token_not_the_secret(alice: User) -> None:
    _, secret, _ = enrol(alice)
    device = TotpDevice.objects.get(user=alice)
    assert secret.hex() not in device.sealed_key
    assert totp.open_secret(device.sealed_key, device_code=device.code, user_code=alice.code) == secret


def test_a_pending_secret_is_kept_for_her_only(alice: User, bob: User) -> None:
    sealed = totp.seal_pending(b"s" * 20, user_code=alice.code)
    assert totp.open_pending(sealed, user_code=alice.code) == b"s" * 20
    assert totp.open_pending(sealed, user_code=bob.code) is None
    assert totp.open_pending("c2VjcmV0", user_code=alice.code) is None
    assert totp.open_pending(None, user_code=alice.code) is None


# --- The migration from django-otp's table ------------------------------------------------------

def _make_legacy_table() -> Any:
    """django-otp's otp_totp_totpdevice as its migrations 0001-0003 (django-otp 1.7.5) leave it.

    Written out here rather than run from django-otp's migration files: those import
    django_otp.plugins.otp_totp.models, which, with the app no longer installed, would register
    its model under the django_otp app for the rest of the test run.
    """
    state = MigrationExecutor(connection).loader.project_state(("accounts", "0003_totp_device"))
    create = migrations.CreateModel(
        name="TOTPDevice",
        fields=[
            ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("name", models.CharField(max_length=64)),
            ("confirmed", models.BooleanField(default=True)),
            ("key", models.CharField(max_length=80)),
            ("step", models.PositiveSmallIntegerField(default=30)),
            ("t0", models.BigIntegerField(default=0)),
            ("digits", models.PositiveSmallIntegerField(default=6)),
            ("tolerance", models.PositiveSmallIntegerField(default=1)),
            ("drift", models.SmallIntegerField(default=0)),
            ("last_t", models.BigIntegerField(default=-1)),
            ("user", models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL)),
            ("throttling_failure_count", models.PositiveIntegerField(default=0)),
            ("throttling_failure_timestamp", models.DateTimeField(blank=True, default=None, null=True)),
            ("created_at", models.DateTimeField(auto_now_add=True, null=True)),
            ("last_used_at", models.DateTimeField(blank=True, null=True)),
        ],
    )
    after = state.clone()
    create.state_forwards("otp_totp", after)
    with connection.schema_editor() as editor:
        create.database_forwards("otp_totp", editor, state, after)
    return after.apps.get_model("otp_totp", "TOTPDevice")


@pytest.mark.django_db(transaction=True)
def test_a_device_enrolled_before_the_migration_still_verifies_after_it(alice: User, required: None) -> None:
    migrate_accounts("0003_totp_device")
    secure_delete = None
    try:
        Legacy = _make_legacy_table()
        secret = os.urandom(20)
        spent = TOTP(secret).t()  # her last sign-in before the upgrade used the current code
        replayed = code_at_step(secret, spent)
        Legacy.objects.create(
            user_id=alice.pk, name="Old phone", key=secret.hex(), confirmed=True, last_t=spent, drift=0
        )
        assert Legacy.objects.filter(user_id=alice.pk).count() == 1
        if connection.vendor == "sqlite":
            # Some SQLite builds (Debian's) overwrite deleted content by default, others do not:
            # start from "off" so that only the migration's own PRAGMA can pass the check below.
            with connection.cursor() as cursor:
                secure_delete = cursor.execute("PRAGMA secure_delete").fetchone()[0]
                cursor.execute("PRAGMA secure_delete = OFF")
    finally:
        migrate_accounts(None)  # 0004, the migration under test, and those after it

    assert "otp_totp_totpdevice" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = %s", ["otp_totp"])
        assert cursor.fetchone()[0] == 0
    device = TotpDevice.objects.get(user=alice)
    assert (device.name, device.confirmed, device.last_t) == ("Old phone", True, spent)
    assert device.bin_key == secret
    assert secret.hex() not in device.sealed_key
    if connection.vendor == "sqlite":  # the old rows were overwritten, not left on free pages
        raw = connection.connection
        assert isinstance(raw, sqlite3.Connection)
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert secret.hex().encode() not in raw.serialize()
        raw.execute(f"PRAGMA secure_delete = {int(secure_delete or 0)}")

    client, _ = sign_in("alice")
    # last_t came along: the code spent before the upgrade is still refused ...
    assert client.post("/accounts/verify/", {"code": replayed}).status_code == 200
    TotpDevice.objects.get(pk=device.pk).throttle_reset()
    # ... and the app's next code signs her in.
    assert client.post("/accounts/verify/", {"code": code_for(secret, offset=1)}).status_code == 302
    assert client.get("/cases/").status_code == 200


def test_the_migration_does_nothing_on_a_database_without_the_old_table(alice: User) -> None:
    module = importlib.import_module("aigaq.accounts.migrations.0004_totp_secrets_sealed")
    module.seal_legacy_devices(django_apps, SimpleNamespace(connection=connection))
    assert not TotpDevice.objects.exists()


def test_the_password_alone_never_passes_when_she_has_an_app(required: None, alice: User) -> None:
    enrol(alice)
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert client.get("/cases/").headers["Location"].startswith("/accounts/verify/")
