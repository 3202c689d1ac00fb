"""Encrypted backups of the database, and of the key store kept apart from them.

A backup file is:

    b"AIGAQ-BACKUP 1\\n"
    one line of JSON: {"kind": "database"|"keys"|"files", "engine": "sqlite"|"postgresql", "id", "created"}
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

The payload of a files backup is a tar (ustar) of the encrypted file store: files/<case code>/…
(evidence), files/abuse-<entry code>/… (the abuse log) and report-files/<report code>/…
(survivors' report files), each file still sealed under its owner's key, so the backup holds no
plaintext even before it is sealed again. It is a kind of its own, not part of the database
backup, because it can be far larger than the database and a pg_dump archive cannot carry it;
it is written and read as a stream, one chunk in memory at a time. Restoring it writes only the
folders the caller names (the owners the restored database holds and has not erased since).
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
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.db import connection

from aigaq.keys import store as keys
from aigaq.lib import crypto

MAGIC = b"AIGAQ-BACKUP 1\n"
KINDS = ("database", "keys", "files")
# How each kind is restored, for the message that refuses a backup of another kind.
_RESTORED_WITH = {"database": "without --key-store or --files", "keys": "with --key-store", "files": "with --files"}


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


def _read_header_of(path: Path, kind: str) -> tuple[dict[str, Any], bytes]:
    """The header of a backup of `kind`; a backup of another kind is refused, saying how to restore it."""
    header, line = read_header(path)
    if header["kind"] != kind:
        raise BackupError(f"{path} is a {header['kind']} backup, not a {kind} backup; restore it "
                          f"{_RESTORED_WITH[header['kind']]}")
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
    header, line = _read_header_of(path, "database")
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
    header, line = _read_header_of(path, "keys")
    with _scratch() as folder:
        plain = folder / "keys.sqlite3"
        with plain.open("wb") as dst:
            _open_to(path, line, dst)
        return header, keys.restore_key_store(plain, erased=erased, sealed=sealed)



# --- File store ---------------------------------------------------------------------------------

# The folders of the file store, under the data directory: evidence and the abuse log share the
# locker's (aigaq.locker.files_root), survivors' report files have their own (aigaq.reports.files).
FILE_ROOTS = ("files", "report-files")
_BLOCK = tarfile.BLOCKSIZE
_CHUNK = 1 << 20
# A folder or file name in the store: random codes (and "abuse-" + one); never "..", "/" or a
# leading dot (the locker's temporary files), so a member can only land where the store keeps files.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def _store_root(root: str) -> Path:
    return Path(settings.DATA_DIR) / root


def _stored_files() -> Iterator[tuple[str, Path]]:
    """(member name, path) of every stored file, <root>/<owner folder>/<file>, in a stable order.
    Files being written (the locker's ".name.tmp") are left out: they are not stored yet."""
    for root in FILE_ROOTS:
        base = _store_root(root)
        if not base.is_dir():
            continue
        for owner in sorted(base.iterdir(), key=lambda p: p.name):
            if not owner.is_dir() or not _NAME.fullmatch(owner.name):
                continue
            for item in sorted(owner.iterdir(), key=lambda p: p.name):
                if _NAME.fullmatch(item.name) and item.is_file():
                    yield f"{root}/{owner.name}/{item.name}", item


class _Tally:
    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0


def _tar_blocks(members: Iterable[tuple[str, Path]], tally: _Tally) -> Iterator[bytes]:
    """A ustar archive of `members`, produced piece by piece (at most one chunk of a file at a time)."""
    for name, path in members:
        try:
            src = path.open("rb")
        except FileNotFoundError:
            continue  # removed since it was listed (its case was erased meanwhile)
        with src:
            st = os.fstat(src.fileno())
            info = tarfile.TarInfo(name)
            info.size, info.mode = st.st_size, 0o600  # no time: restore does not use it
            yield info.tobuf(format=tarfile.USTAR_FORMAT)
            left = st.st_size
            while left:
                data = src.read(min(left, _CHUNK))
                if not data:
                    raise BackupError(f"{path} became shorter while it was being backed up; make the backup again")
                left -= len(data)
                yield data
            if st.st_size % _BLOCK:
                yield b"\0" * (_BLOCK - st.st_size % _BLOCK)
        tally.files += 1
        tally.bytes += st.st_size
    yield b"\0" * (2 * _BLOCK)  # the end of the archive


class _Reader:
    """A file-like read() over an iterator of byte strings."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self.pieces = pieces
        self.buffer = bytearray()

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self.buffer) < n:
            piece = next(self.pieces, None)
            if piece is None:
                break
            self.buffer += piece
        if n < 0:
            n = len(self.buffer)
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data


def backup_files(out: Path) -> tuple[dict[str, Any], int, int]:
    """Writes the encrypted file store to `out` (created 0600); returns the header, the number of
    files and their bytes. Make it right after the database backup: a file added in between is
    in it without its row, which is harmless (restore leaves out what the database does not hold)."""
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name")
    tally = _Tally()
    header = _seal_to(out, "files", _Reader(_tar_blocks(_stored_files(), tally)))  # type: ignore[arg-type]
    return header, tally.files, tally.bytes


class _TarRestorer:
    """Receives the decrypted archive as it is written (crypto.open_stream's dst) and puts each
    file of a folder in `wanted` back in place: written beside as 0600, fsynced, renamed, in
    0700 folders. Any other member (a link, a folder, a name outside the store) stops the restore."""

    def __init__(self, wanted: set[tuple[str, str]]) -> None:
        self.wanted = wanted
        self.buffer = bytearray()
        self.ended = False
        self.left = 0  # bytes of the current member still to come
        self.padding = 0
        self.target: Path | None = None
        self.tmp: Path | None = None
        self.out: BinaryIO | None = None
        self.restored = 0
        self.left_out = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        while not self.ended:
            if self.left or self.padding:
                if not self.buffer:
                    break
                self._member_bytes()
            elif len(self.buffer) >= _BLOCK:
                self._header(bytes(self.buffer[:_BLOCK]))
                del self.buffer[:_BLOCK]
            else:
                break
        return len(data)

    def flush(self) -> None:
        pass

    def _header(self, block: bytes) -> None:
        if block == b"\0" * _BLOCK:
            self.ended = True
            return
        try:
            info = tarfile.TarInfo.frombuf(block, "utf-8", "strict")
        except (tarfile.HeaderError, UnicodeDecodeError) as exc:
            raise BackupError(f"the files backup holds a damaged archive header: {exc}") from None
        parts = info.name.split("/")
        if (not info.isreg() or len(parts) != 3 or parts[0] not in FILE_ROOTS
                or not all(_NAME.fullmatch(p) for p in parts[1:])):
            raise BackupError(f"the files backup holds {info.name!r}, which is not a file of the file store")
        self.left = info.size
        self.padding = -info.size % _BLOCK
        if (parts[0], parts[1]) not in self.wanted:
            self.left_out += 1
            self._complete_if_empty()
            return
        folder = _store_root(parts[0]) / parts[1]
        for made in (folder.parent, folder):
            made.mkdir(mode=0o700, exist_ok=True)
            made.chmod(0o700)  # mkdir's mode passes through the umask, and it may have been made before
        self.target = folder / parts[2]
        self.tmp = folder / f".{parts[2]}.{crypto.random_code(4)}.tmp"
        self.out = os.fdopen(os.open(self.tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb")
        self._complete_if_empty()

    def _member_bytes(self) -> None:
        if self.left:
            data = bytes(self.buffer[:self.left])
            del self.buffer[:len(data)]
            self.left -= len(data)
            if self.out is not None:
                self.out.write(data)
            self._complete_if_empty()
        else:
            skipped = min(self.padding, len(self.buffer))
            del self.buffer[:skipped]
            self.padding -= skipped

    def _complete_if_empty(self) -> None:
        if self.left or self.out is None or self.tmp is None or self.target is None:
            return
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()
        os.replace(self.tmp, self.target)
        self.out = self.tmp = self.target = None
        self.restored += 1

    def abort(self) -> None:
        if self.out is not None and self.tmp is not None:
            self.out.close()
            self.tmp.unlink(missing_ok=True)


def restore_files(path: Path, *, wanted: set[tuple[str, str]]) -> tuple[dict[str, Any], int, int]:
    """Puts the files of a files backup back in the store, only those of the folders in `wanted`
    ((root, owner folder), e.g. ("files", case code)); returns the header, the number of files
    restored and the number left out. A file of the same name is replaced (stored files never
    change, so it is the same file or a damaged copy). Restore the database first."""
    header, line = _read_header_of(path, "files")
    restorer = _TarRestorer(wanted)
    try:
        _open_to(path, line, restorer)  # type: ignore[arg-type]
        if not restorer.ended or restorer.left or restorer.padding:
            raise BackupError(f"{path} holds an archive cut short; nothing more was restored")
    except BaseException:
        restorer.abort()
        raise
    return header, restorer.restored, restorer.left_out
