"""`aigaq backup` and `aigaq restore`: an encrypted, consistent snapshot, round trip on the
database the suite runs on (SQLite, or PostgreSQL with AIGAQ_TEST_ON_POSTGRES=1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.models import Case, Note
from aigaq.ops import backup

from .helpers import ACCOUNT, secret_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _needs_pg_tools() -> None:
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")


def test_a_backup_restores_the_database_as_it_was(alice: User, tmp_path: Path) -> None:
    case = secret_case(alice)
    out = tmp_path / "db.aigaqbak"
    call_command("backup", "-o", str(out))
    later = services.note_add(actor=alice, case=case, text="written after the backup")
    call_command("restore", str(out))
    assert not Note.objects.filter(code=later.code).exists()
    assert Case.objects.get(code=case.code).incident.account == ACCOUNT


def test_a_backup_opens_only_with_its_own_key_file(alice: User, tmp_path: Path) -> None:
    secret_case(alice)
    out = tmp_path / "db.aigaqbak"
    backup.backup_database(out)
    blob = bytearray(out.read_bytes())
    blob[-20] ^= 1
    out.write_bytes(bytes(blob))
    with pytest.raises(backup.BackupError):
        backup.restore_database(out)
    assert Case.objects.count() == 1  # nothing was touched


def test_a_key_store_backup_is_not_taken_for_a_database_backup(alice: User, tmp_path: Path) -> None:
    secret_case(alice)
    keys_out = tmp_path / "keys.aigaqbak"
    call_command("backup", "--key-store", "-o", str(keys_out))
    with pytest.raises(CommandError):
        call_command("restore", str(keys_out))
    call_command("restore", "--key-store", str(keys_out))
    assert Case.objects.get().survivor.name


def test_backup_refuses_to_overwrite_a_file(alice: User, tmp_path: Path) -> None:
    out = tmp_path / "exists"
    out.write_bytes(b"keep me")
    with pytest.raises(CommandError):
        call_command("backup", "-o", str(out))
    assert out.read_bytes() == b"keep me"
