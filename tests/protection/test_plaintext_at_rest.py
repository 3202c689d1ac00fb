"""The plaintext of a survivor's name, her account and a suspect's phone is nowhere at rest:
not in the database, the stored upload, the logs or the backup."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from aigaq.accounts.models import User
from aigaq.cases.models import Suspect
from aigaq.ops import backup

from ..conftest import client_for
from .helpers import ACCOUNT, SURVIVOR_NAME, SUSPECT_PHONE, leaks, secret_case, sqlite_file_bytes


def _every_stored_value() -> bytes:
    """Every value of every row of every table, as the database returns it."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts).encode("utf-8")


@pytest.mark.django_db(transaction=True)
def test_survivor_name_absent_from_database_file(alice: User) -> None:
    case = secret_case(alice)
    assert case.survivor.name == SURVIVOR_NAME  # it is there, sealed, and opens with the key
    assert Suspect.objects.get(case=case).phones == SUSPECT_PHONE
    assert not leaks(sqlite_file_bytes())
    assert not leaks(_every_stored_value())


def test_plaintext_absent_from_the_stored_upload(alice: User) -> None:
    case = secret_case(alice)
    content = f"{SURVIVOR_NAME}\n{ACCOUNT}\n{SUSPECT_PHONE}\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(alice).post(f"/cases/{case.code}/evidence/upload/", {
        "file": SimpleUploadedFile("statement.txt", content, content_type="text/plain"), "title": ACCOUNT})
    assert response.status_code == 302
    stored = list((Path(settings.DATA_DIR) / "files" / case.code).iterdir())
    assert len(stored) == 1
    assert not leaks(stored[0].read_bytes())
    assert not leaks(_every_stored_value())


def test_plaintext_absent_from_the_logs(alice: User, caplog: pytest.LogCaptureFixture) -> None:
    client = client_for(alice)
    with caplog.at_level(logging.DEBUG):
        response = client.post("/cases/new/", {
            "survivor-pseudonym": "", "survivor-name": SURVIVOR_NAME, "survivor-sex": "female",
            "incident-date_from": "2025-05-04", "incident-region": "KZ-71", "incident-city": "astana",
            "incident-area": "urban", "incident-place_type": "park", "incident-gbv_sexual_assault": "on",
            "incident-account": ACCOUNT,
            "suspects-TOTAL_FORMS": "1", "suspects-INITIAL_FORMS": "0",
            "suspects-0-phones": SUSPECT_PHONE, "suspects-0-sex": "male", "suspects-0-relation": "stranger",
        })
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert page.status_code == 200 and ACCOUNT in page.content.decode()  # shown to her, not logged
        bad = client.post("/cases/new/", {"survivor-name": SURVIVOR_NAME, "incident-account": ACCOUNT})
        assert bad.status_code == 400  # a rejected form is logged as a warning: without its fields
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records).encode("utf-8")
    assert caplog.records, "the request cycle should have logged something (SQL at DEBUG)"
    assert not leaks(logged)


@pytest.mark.django_db(transaction=True)
def test_plaintext_absent_from_the_backup(alice: User, tmp_path: Path) -> None:
    secret_case(alice)
    out = tmp_path / "db.aigaqbak"
    backup.backup_database(out)
    assert out.stat().st_mode & 0o777 == 0o600
    assert not leaks(out.read_bytes())
