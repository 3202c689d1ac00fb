"""Encrypted backups of the database, and of the key store kept apart from them.

A backup file is:

    b"AIGAQ-BACKUP 1\\n"
    one line of JSON: {"kind": "database"|"keys", "engine": "sqlite"|"postgresql", "id", "created"}
    crypto.seal_stream(key, payload, aad="aigaq-backup:" + that JSON line)

`key` is the key file's subkey "backup" (HKDF of index_root), so a backup opens with the key file
it was made under and survives KEK rotation. The header is bound as associated data, so a
database backup cannot be passed off as a key backup or another engine's.

The payload of a database backup is a consistent snapshot: SQLite's online backup API (a copy
of one committed state, taken while the server runs) or `pg_dump --format=custom` (one
repeatable-read transaction). It holds no key: case data keys are in the key store
(cases.keys), which `--key-store` backs up into a separate file. Keep the two apart and keep
key backups for a short time only: a key backup made before an erasure can still open that
case from a database backup (docs/crypto.md, "Crypto-shredding").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.db import connection

from aigaq.keys import store as keys
from aigaq.lib import crypto

MAGIC = b"AIGAQ-BACKUP 1\n"
KINDS = ("database", "keys")


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why and what to do."""


def _backup_key() -> bytes:
    return keys.keyring().subkey("backup")


def _aad(header_line: bytes) -> str:
    return "aigaq-backup:" + header_line.decode("utf-8")


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


@contextmanager
def _scratch() -> Iterator[Path]:
    """A private (0700) folder in the data directory for the moment a snapshot is plaintext:
    it is no more exposed there than the live database beside it, and removed at once."""
    root = Path(settings.DATA_DIR)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".backup-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Progress:
    """Counts bytes read through it and reports to stderr (when it is a terminal)."""

    def __init__(self, src: IO[bytes], label: str) -> None:
        from tqdm import tqdm

        self.src = src
        self.bar = tqdm(desc=label, unit="B", unit_scale=True, file=sys.stderr, disable=None)

    def read(self, n: int = -1) -> bytes:
        data = self.src.read(n)
        self.bar.update(len(data))
        return data

    def close(self) -> None:
        self.bar.close()


def _seal_to(out: Path, kind: str, payload: IO[bytes]) -> dict[str, Any]:
    header = {"kind": kind, "engine": engine(), "id": crypto.random_code(10),
              "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    line = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    fd = os.open(out, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    progress = _Progress(payload, f"encrypting the {kind} backup")
    try:
        with os.fdopen(fd, "wb") as dst:
            dst.write(MAGIC + line + b"\n")
            crypto.seal_stream(_backup_key(), progress, dst, aad=_aad(line))  # type: ignore[arg-type]
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    finally:
        progress.close()
    return header


def read_header(path: Path) -> tuple[dict[str, Any], bytes]:
    with path.open("rb") as src:
        if src.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{path} is not an Aigaq backup")
        line = src.readline(4096).rstrip(b"\n")
    try:
        header = json.loads(line)
    except ValueError:
        raise BackupError(f"{path} has a damaged header") from None
    if not isinstance(header, dict) or header.get("kind") not in KINDS:
        raise BackupError(f"{path} has a damaged header")
    return header, line


def _open_to(path: Path, line: bytes, dst: BinaryIO) -> None:
    """Decrypts the payload; the whole file is authenticated before a byte reaches `dst`."""
    with path.open("rb") as src:
        src.seek(len(MAGIC) + len(line) + 1)
        try:
            crypto.open_stream(_backup_key(), src, dst, aad=_aad(line))
        except crypto.DecryptionError as exc:
            raise BackupError(
                f"{path} cannot be decrypted with this key file (another installation's key file, "
                f"or the backup was altered): {exc}"
            ) from None


# --- Database ---------------------------------------------------------------------------------


def _sqlite_raw() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _pg_tool(name: str) -> str:
    """The pg_dump / pg_restore that matches the server's major version, or the one on PATH."""
    connection.ensure_connection()
    major = connection.pg_version // 10000  # type: ignore[attr-defined]
    matched = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if matched.exists():
        return str(matched)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; install the PostgreSQL {major} client tools")
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    client = re.search(r"(\d+)(?:\.\d+)?", version)
    if client is None or int(client.group(1)) < major:
        raise BackupError(f"{found} ({version.strip()}) is older than the server (PostgreSQL {major})")
    return found


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])  # never on the command line, where ps shows it
    return args, env


def backup_database(out: Path) -> dict[str, Any]:
    """Writes an encrypted, consistent snapshot of the database to `out` (created 0600)."""
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name")
    if engine() == "sqlite":
        with _scratch() as folder:
            snapshot = folder / "snapshot.sqlite3"
            with closing(sqlite3.connect(snapshot)) as dst:
                _sqlite_raw().backup(dst)
            with snapshot.open("rb") as payload:
                return _seal_to(out, "database", payload)
    args, env = _pg_args()
    cmd = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)  # noqa: S603
    assert proc.stdout is not None and proc.stderr is not None
    try:
        header = _seal_to(out, "database", proc.stdout)
    finally:
        errors = proc.stderr.read().decode("utf-8", "replace")
        code = proc.wait()
    if code != 0:
        out.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {errors.strip()}")
    return header


def restore_database(path: Path) -> dict[str, Any]:
    """Replaces the database's content with the backup's. Stop the server first."""
    header, line = read_header(path)
    if header["kind"] != "database":
        raise BackupError(f"{path} is a {header['kind']} backup; restore it with --key-store")
    if header.get("engine") != engine():
        raise BackupError(f"{path} is a {header.get('engine')} backup; this installation uses {engine()}")
    with _scratch() as folder:
        plain = folder / "restore"
        with plain.open("wb") as dst:
            _open_to(path, line, dst)
        if engine() == "sqlite":
            # The backup API copies the snapshot into the live database under one lock: other
            # connections see the old content or the new, never a mix.
            with closing(sqlite3.connect(f"file:{plain}?mode=ro", uri=True)) as src:
                src.backup(_sqlite_raw())
        else:
            args, env = _pg_args()
            connection.close()  # hold no lock on the tables pg_restore drops
            cmd = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                   "--single-transaction", "--exit-on-error", *args, str(plain)]
            done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)  # noqa: S603
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    return header


# --- Key store ----------------------------------------------------------------------------------


def backup_key_store(out: Path) -> tuple[dict[str, Any], int]:
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name")
    with _scratch() as folder:
        snapshot = folder / "keys.sqlite3"
        count = keys.snapshot_key_store(snapshot)
        with snapshot.open("rb") as payload:
            return _seal_to(out, "keys", payload), count


def restore_key_store(
    path: Path, *, erased: set[str], sealed: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], int]:
    header, line = read_header(path)
    if header["kind"] != "keys":
        raise BackupError(f"{path} is a {header['kind']} backup; restore it without --key-store")
    with _scratch() as folder:
        plain = folder / "keys.sqlite3"
        with plain.open("wb") as dst:
            _open_to(path, line, dst)
        return header, keys.restore_key_store(plain, erased=erased, sealed=sealed)

