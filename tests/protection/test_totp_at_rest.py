"""An authenticator app's secret is nowhere in the database in clear: not in the device table, not
in the session that holds it during enrolment, not on SQLite's free pages or in its WAL.

Whoever has the secret makes valid codes, so a copied database must not give it."""

from __future__ import annotations

import base64

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from aigaq.accounts.models import TotpDevice, User
from tests.accounts.helpers import code_for, secret_on_page

from ..conftest import client_for
from .helpers import sqlite_file_bytes


def _forms(secret: bytes) -> list[bytes]:
    """Every way the secret could be written down: raw, hex, base32 (as apps and the page show
    it, with and without spaces) and base64."""
    b32 = base64.b32encode(secret).decode()
    texts = [
        secret.hex(),
        secret.hex().upper(),
        b32,
        b32.lower(),
        " ".join(b32[i : i + 4] for i in range(0, len(b32), 4)),
        base64.b64encode(secret).decode(),
        base64.urlsafe_b64encode(secret).decode(),
    ]
    return [secret, *(t.encode("ascii") for t in texts)]


def _at_rest() -> bytes:
    """The database file's bytes (SQLite, free pages and WAL included), every value of every row
    as the database returns it, and every session decoded as Django would read it."""
    parts: list[bytes] = [sqlite_file_bytes()]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names
            parts.extend(repr(row).encode("utf-8") for row in cursor.fetchall())
    parts.extend(repr(session.get_decoded()).encode("utf-8") for session in Session.objects.all())
    return b"\n".join(parts)


def _found(secret: bytes, blob: bytes) -> list[bytes]:
    return [form for form in _forms(secret) if form in blob]


@pytest.mark.django_db(transaction=True)
def test_totp_secret_absent_from_database_file(alice: User) -> None:
    client = client_for(alice)
    secret = secret_on_page(client.get("/accounts/two-factor/app/"))
    response = client.post("/accounts/two-factor/app/", {"name": "Phone", "code": code_for(secret)})
    assert response.status_code == 302
    device = TotpDevice.objects.get(user=alice)
    assert device.bin_key == secret  # it is there, sealed, and opens with the key file
    assert not _found(secret, _at_rest())


@pytest.mark.django_db(transaction=True)
def test_totp_secret_of_an_unfinished_enrolment_absent_from_database_file(alice: User) -> None:
    """Between showing the QR code and her confirming code, the secret waits in her session."""
    client = client_for(alice)
    secret = secret_on_page(client.get("/accounts/two-factor/app/"))
    assert not TotpDevice.objects.exists()
    assert not _found(secret, _at_rest())
    # The page shown again (a reload, a wrong code) keeps the same secret: the app she scanned works.
    assert secret_on_page(client.get("/accounts/two-factor/app/")) == secret
