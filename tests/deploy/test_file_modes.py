"""The installation's private files are its user's alone (0600, folders 0700) whatever the umask,
and `aigaq check` says when one is wider, with the command that fixes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from aigaq.evidence.files import files_root

# Creates what a running instance creates, in a fresh data directory, then lists every private
# path with its mode (while the database is still open, so its WAL is there).
MAKE_EVERYTHING = """
import io, json, os, stat
import django
django.setup()
from pathlib import Path
from django.conf import settings
from django.db import connection
from aigaq.lib import crypto
from aigaq.keys import store
from aigaq.evidence import files
from aigaq.ops.filemodes import private_paths
crypto.generate_key_file(Path(settings.KEY_FILE))
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x)")
    cursor.execute("INSERT INTO t VALUES (1)")
dek = store.case_key_create("case1")
files.write_sealed(dek, io.BytesIO(b"a photo"), case_code="case1", item_code="item1", stored_name="f1")
print(json.dumps({str(p): [stat.S_IMODE(p.stat().st_mode), folder] for p, folder in private_paths()}))
"""


def test_database_wal_keys_and_uploads_are_private_whatever_the_umask(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIGAQ_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="aigaq.settings", AIGAQ_DATA_DIR=str(tmp_path / "data"),
               AIGAQ_KEY_FILE=str(tmp_path / "keys" / "keys.json"), PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", MAKE_EVERYTHING], env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=lambda: os.umask(0))
    assert done.returncode == 0, done.stderr
    modes = json.loads(done.stdout.strip().splitlines()[-1])
    names = {Path(p).name for p in modes}
    assert {"data", "aigaq.sqlite3", "aigaq.sqlite3-wal", "secret_key", "keys.json",
            "keys.casekeys.sqlite3", "files", "case1", "f1"} <= names
    wrong = {p: f"{mode:04o}" for p, (mode, folder) in modes.items() if mode != (0o700 if folder else 0o600)}
    assert wrong == {}


@pytest.fixture
def restore_mode() -> Any:
    changed: list[tuple[Path, int]] = []

    def chmod(path: Path, mode: int) -> None:
        changed.append((path, path.stat().st_mode & 0o777))
        path.chmod(mode)

    yield chmod
    for path, mode in reversed(changed):
        path.chmod(mode)


def test_check_reports_a_data_directory_other_users_can_open(
        db: Any, settings: Any, capsys: Any, restore_mode: Any) -> None:
    settings.REQUIRE_2FA = True
    restore_mode(Path(settings.DATA_DIR), 0o755)
    with pytest.raises(CommandError):
        call_command("aigaq_check")
    assert f"run `chmod 700 {settings.DATA_DIR}`" in capsys.readouterr().err


def test_check_reports_a_readable_key_store(db: Any, settings: Any, capsys: Any, restore_mode: Any) -> None:
    from aigaq.keys import store

    settings.REQUIRE_2FA = True
    store.case_codes_with_keys()  # creates the store
    restore_mode(Path(settings.KEY_STORE), 0o644)
    with pytest.raises(CommandError):
        call_command("aigaq_check")
    assert f"run `chmod 600 {settings.KEY_STORE}`" in capsys.readouterr().err


def test_check_counts_evidence_files_other_users_can_read(db: Any, settings: Any, capsys: Any) -> None:
    settings.REQUIRE_2FA = True
    folder = files_root() / "case-modes"
    folder.mkdir(mode=0o700, parents=True)
    try:
        (folder / "one").write_bytes(b"sealed")
        (folder / "two").write_bytes(b"sealed")
        (folder / "two").chmod(0o644)
        with pytest.raises(CommandError):
            call_command("aigaq_check")
        err = capsys.readouterr().err
        assert "1 evidence files or folders" in err and "chmod -R go=" in err
    finally:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()


def test_private_files_that_are_private_pass_the_check(db: Any, settings: Any, capsys: Any) -> None:
    settings.REQUIRE_2FA = True
    call_command("aigaq_check")
    assert "can be reached by other users" not in capsys.readouterr().err


def test_check_says_when_the_key_store_cannot_be_written(
        db: Any, settings: Any, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """As under systemd's ProtectSystem=strict with the key store's folder not in ReadWritePaths
    (simulated: the tests may run as root, whom file modes do not stop)."""
    from aigaq.ops.management.commands import aigaq_check

    settings.REQUIRE_2FA = True
    settings.KEY_STORE = tmp_path / "etc" / "casekeys.sqlite3"
    read_only = tmp_path
    real_access = os.access
    monkeypatch.setattr(aigaq_check.os, "access",
                        lambda path, mode: False if Path(path) == read_only else real_access(path, mode))
    with pytest.raises(CommandError):
        call_command("aigaq_check")
    err = capsys.readouterr().err
    assert f"the case key store {settings.KEY_STORE} cannot be written" in err and "ReadWritePaths" in err


def test_check_counts_survivors_report_files_other_users_can_read(db: Any, settings: Any, capsys: Any) -> None:
    settings.REQUIRE_2FA = True
    folder = Path(settings.DATA_DIR) / "report-files" / "report-modes"
    folder.mkdir(mode=0o700, parents=True)
    try:
        (folder / "one").write_bytes(b"sealed")
        (folder / "one").chmod(0o644)
        with pytest.raises(CommandError):
            call_command("aigaq_check")
        err = capsys.readouterr().err
        assert "1 evidence files or folders" in err and "report-files" in err
    finally:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
