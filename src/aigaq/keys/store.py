"""The running server's key ring, and the key store that holds each case's data key.

The key file is read once per process; a missing or unsafe key file stops the server with a
message that says how to create one (`aigaq keys init`).

Case data keys (DEKs) are not kept in the database. They sit, wrapped by the key-encryption key,
in a small SQLite file beside the key file (settings.KEY_STORE, mode 0600, outside the data
directory). A database backup therefore holds ciphertext only, never a key: erasing a case deletes
its row here, and from that moment no database backup, old or new, can open that case, whoever
holds the key file. See docs/crypto.md, "Crypto-shredding".

The store is written outside the database transaction. The order of writes is chosen so a crash
leaves something harmless: a key is stored before its case row commits (a crash leaves an unused
key, never a case without one), and destroyed before the case rows are deleted (a crash leaves an
unreadable case, which erasing again removes, never a readable "erased" case).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from aigaq.lib import crypto
from aigaq.lib.crypto import receipt
from aigaq.lib.crypto.signing import new_signing_key

_lock = threading.Lock()
_rings: dict[Path, crypto.KeyRing] = {}


class KeyDestroyed(crypto.DecryptionError):
    """The case's data key is not in the key store: the case was erased (or the store is wrong)."""


def keyring() -> crypto.KeyRing:
    path = Path(settings.KEY_FILE)
    ring = _rings.get(path)
    if ring is None:
        with _lock:
            try:
                ring = crypto.load_key_file(path)
            except crypto.KeyFileError as exc:
                raise ImproperlyConfigured(f"{exc} (create one with `aigaq keys init`)") from exc
            _rings[path] = ring
    return ring


def forget_keyring() -> None:
    """Drops the cached key ring, after rotation or when tests switch key files."""
    with _lock:
        _rings.clear()


def blind_index(purpose: str, value: str) -> str:
    return keyring().blind_index(purpose, value)


# --- The key store ------------------------------------------------------------------------------


_SCHEMA = "CREATE TABLE IF NOT EXISTS case_key (case_code TEXT PRIMARY KEY, wrapped BLOB NOT NULL)"
# A survivor's report's data key wrapped a second time, under a key only her receipt code and PIN
# give (aigaq.lib.crypto.receipt.receipt_key): "report:<code>", the salt of that key, the wrap.
_SURVIVOR_SCHEMA = ("CREATE TABLE IF NOT EXISTS survivor_key "
                    "(name TEXT PRIMARY KEY, salt BLOB NOT NULL, wrapped BLOB NOT NULL)")


def key_store_path() -> Path:
    return Path(settings.KEY_STORE)


def _context(case_code: str) -> str:
    return f"case:{case_code}"


@contextmanager
def _connect(path: Path | None = None) -> Iterator[sqlite3.Connection]:
    """A connection to the key store (autocommit), the file created 0600 on first use."""
    path = path or key_store_path()
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Create the file 0600 before SQLite opens it; SQLite gives its journal the same mode.
        with suppress(FileExistsError):  # another process created it first
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    with closing(sqlite3.connect(path, timeout=10, isolation_level=None)) as conn:
        # secure_delete overwrites a deleted key's bytes in the file instead of leaving them on a
        # free page; the rollback journal (not WAL) leaves no second copy once a write is done.
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute(_SCHEMA)
        conn.execute(_SURVIVOR_SCHEMA)
        yield conn


@contextmanager
def _store() -> Iterator[sqlite3.Connection]:
    """A write transaction on the key store: committed on success, rolled back on any error."""
    with _connect() as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def case_key_create(case_code: str) -> bytes:
    """A fresh data key for a new case, stored wrapped; returns the plaintext key."""
    dek = crypto.new_data_key()
    wrapped = crypto.wrap_data_key(keyring(), dek, context=_context(case_code))
    with _store() as conn:
        conn.execute("INSERT INTO case_key (case_code, wrapped) VALUES (?, ?)", (case_code, wrapped))
    return dek


def case_keys_create(case_codes: Iterable[str]) -> dict[str, bytes]:
    """Fresh data keys for many new cases (a bulk write), stored in one key-store transaction (one
    fsync instead of one a case); returns the plaintext keys by case code."""
    ring = keyring()
    made = {code: crypto.new_data_key() for code in case_codes}
    rows = [(code, crypto.wrap_data_key(ring, dek, context=_context(code))) for code, dek in made.items()]
    with _store() as conn:
        conn.executemany("INSERT INTO case_key (case_code, wrapped) VALUES (?, ?)", rows)
    return made


def case_key(case_code: str) -> bytes:
    """The case's data key. Raises KeyDestroyed if the store has none for it."""
    with _connect() as conn:
        row = conn.execute("SELECT wrapped FROM case_key WHERE case_code = ?", (case_code,)).fetchone()
    if row is None:
        raise KeyDestroyed(f"case {case_code[:8]}: its data key is not in the key store (erased)")
    return crypto.unwrap_data_key(keyring(), bytes(row[0]), context=_context(case_code))


def case_keys(case_codes: Iterable[str]) -> dict[str, bytes]:
    """Data keys of many cases through one connection to the key store (relinking reads every
    case; one connection per case costs more than the decryption). Erased cases are left out."""
    codes = list(case_codes)
    wrapped: dict[str, bytes] = {}
    with _connect() as conn:
        for start in range(0, len(codes), 500):
            part = codes[start : start + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT case_code, wrapped FROM case_key WHERE case_code IN ({marks})"  # noqa: S608 - placeholders only
            wrapped.update((code, bytes(w)) for code, w in conn.execute(query, part))
    ring = keyring()
    return {code: crypto.unwrap_data_key(ring, w, context=_context(code)) for code, w in wrapped.items()}


def case_key_exists(case_code: str) -> bool:
    with _connect() as conn:
        return conn.execute("SELECT 1 FROM case_key WHERE case_code = ?", (case_code,)).fetchone() is not None


def case_key_destroy(case_code: str) -> bool:
    """Crypto-shredding: deletes the case's data key. True if there was one."""
    with _store() as conn:
        return conn.execute("DELETE FROM case_key WHERE case_code = ?", (case_code,)).rowcount > 0


# A survivor's own report (aigaq.reports) has a data key of its own, kept in the same store under
# the name "report:<code>", so rotation, backups and restores handle it as they handle case keys.
# Deleting the report destroys it: crypto-shredding, as for an erased case.
REPORT_KEY_PREFIX = "report:"


def report_key_name(report_code: str) -> str:
    return REPORT_KEY_PREFIX + report_code


def report_key_create(report_code: str) -> bytes:
    return case_key_create(report_key_name(report_code))


def report_key(report_code: str) -> bytes:
    return case_key(report_key_name(report_code))


def report_key_destroy(report_code: str) -> bool:
    return case_key_destroy(report_key_name(report_code))


def report_key_exists(report_code: str) -> bool:
    return case_key_exists(report_key_name(report_code))


def report_key_put(report_code: str, dek: bytes) -> None:
    """The server's wrap of an existing report key, made again (her "yes", or a choice other than
    sealed) from the key her code and PIN unwrapped."""
    name = report_key_name(report_code)
    wrapped = crypto.wrap_data_key(keyring(), dek, context=_context(name))
    with _store() as conn:
        conn.execute("INSERT OR REPLACE INTO case_key (case_code, wrapped) VALUES (?, ?)", (name, wrapped))


# The survivor's wrap: her report's data key sealed under receipt_key(code, PIN, salt). The key
# file plays no part in it, so neither the server's keys nor a copy of this store open it without
# her code and PIN; it is not touched by key rotation.


def _survivor_aad(report_code: str) -> str:
    return f"survivor-wrap:{report_key_name(report_code)}"


def report_key_wrap_for_survivor(report_code: str, dek: bytes, *, code: str, pin: str) -> None:
    salt = receipt.new_receipt_salt()
    wrapped = crypto.seal(receipt.receipt_key(code, pin, salt), dek, aad=_survivor_aad(report_code))
    with _store() as conn:
        conn.execute("INSERT OR REPLACE INTO survivor_key (name, salt, wrapped) VALUES (?, ?, ?)",
                     (report_key_name(report_code), salt, wrapped))


def report_key_from_survivor(report_code: str, *, code: str, pin: str) -> bytes | None:
    """The report's data key as her code and PIN unwrap it; None if there is no survivor's wrap
    (a report from before it existed). Raises DecryptionError for a wrong code or PIN."""
    with _connect() as conn:
        row = conn.execute("SELECT salt, wrapped FROM survivor_key WHERE name = ?",
                           (report_key_name(report_code),)).fetchone()
    if row is None:
        return None
    key = receipt.receipt_key(code, pin, bytes(row[0]))
    return crypto.open_sealed(key, bytes(row[1]), aad=_survivor_aad(report_code))


def report_survivor_wrap_exists(report_code: str) -> bool:
    with _connect() as conn:
        return conn.execute("SELECT 1 FROM survivor_key WHERE name = ?",
                            (report_key_name(report_code),)).fetchone() is not None


def report_keys_destroy(report_code: str) -> None:
    """Crypto-shredding of a report: the server's wrap and hers, in one transaction."""
    name = report_key_name(report_code)
    with _store() as conn:
        conn.execute("DELETE FROM case_key WHERE case_code = ?", (name,))
        conn.execute("DELETE FROM survivor_key WHERE name = ?", (name,))


# An organisation's Ed25519 signing key (court bundles, evidence sealed at receipt) is kept here
# too, as "org-signing:<organisation code>": its 32-byte private seed wrapped like a data key, so
# it is backed up, restored and re-wrapped with the case keys and, like them, useless without the
# key file. Made on first use, never replaced: bundles signed under it must stay checkable.
SIGNING_KEY_PREFIX = "org-signing:"


def organisation_signing_key(organisation_code: str) -> tuple[bytes, bool]:
    """The organisation's private signing key, made and stored if it has none yet; and whether
    it was made now. Two processes making it at once keep the first one stored."""
    name = SIGNING_KEY_PREFIX + organisation_code
    with _connect() as conn:
        row = conn.execute("SELECT wrapped FROM case_key WHERE case_code = ?", (name,)).fetchone()
    if row is not None:
        return crypto.unwrap_data_key(keyring(), bytes(row[0]), context=_context(name)), False
    wrapped = crypto.wrap_data_key(keyring(), new_signing_key(), context=_context(name))
    with _store() as conn:
        made = conn.execute("INSERT OR IGNORE INTO case_key (case_code, wrapped) VALUES (?, ?)",
                            (name, wrapped)).rowcount > 0
    key, _ = organisation_signing_key(organisation_code)
    return key, made


# An entry of the abuse log (aigaq.abuse) has a data key of its own too, "abuse:<code>": what an
# activist records of the abuse she received is sealed under it, never under a case's key.
ABUSE_KEY_PREFIX = "abuse:"


def abuse_key_name(entry_code: str) -> str:
    return ABUSE_KEY_PREFIX + entry_code


def abuse_key_create(entry_code: str) -> bytes:
    return case_key_create(ABUSE_KEY_PREFIX + entry_code)


def abuse_key_destroy(entry_code: str) -> bool:
    """Crypto-shredding of a deleted entry. True if there was a key."""
    return case_key_destroy(abuse_key_name(entry_code))


def abuse_key(entry_code: str) -> bytes:
    return case_key(ABUSE_KEY_PREFIX + entry_code)


def abuse_keys(entry_codes: Iterable[str]) -> dict[str, bytes]:
    """Data keys of many abuse log entries through one connection (a coordinator's list)."""
    keys = case_keys(ABUSE_KEY_PREFIX + code for code in entry_codes)
    return {name.removeprefix(ABUSE_KEY_PREFIX): dek for name, dek in keys.items()}


def case_codes_with_keys() -> set[str]:
    """The cases that have a key (reports', abuse log entries' and organisations' signing keys left out)."""
    with _connect() as conn:
        return {code for (code,) in conn.execute("SELECT case_code FROM case_key")
                if not code.startswith((REPORT_KEY_PREFIX, ABUSE_KEY_PREFIX, SIGNING_KEY_PREFIX))}


def rewrap_all(ring: crypto.KeyRing) -> Iterator[str]:
    """Re-wraps every stored data key under the ring's primary KEK, one transaction for all, so
    the store never mixes a half-rotated state with a retired key. Yields each case code done."""
    with _store() as conn:
        rows = conn.execute("SELECT case_code, wrapped FROM case_key").fetchall()
        for code, wrapped in rows:
            new = crypto.rewrap_data_key(ring, bytes(wrapped), context=_context(code))
            conn.execute("UPDATE case_key SET wrapped = ? WHERE case_code = ?", (new, code))
            yield code


def wrapped_key_ids() -> set[str]:
    """The ids of the KEKs that wrap the stored keys (rotation must leave only the primary)."""
    with _connect() as conn:
        return {crypto.wrapped_key_id(bytes(w)) for (w,) in conn.execute("SELECT wrapped FROM case_key")}


def snapshot_key_store(target: Path) -> int:
    """A consistent copy of the key store (SQLite online backup) at `target`, mode 0600.
    Returns the number of keys copied. The copy holds wrapped keys only: useless without the
    key file, and it must be kept apart from database backups (docs/crypto.md)."""
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    with _connect() as conn, closing(sqlite3.connect(target)) as dst:
        conn.backup(dst)
        return int(dst.execute("SELECT count(*) FROM case_key").fetchone()[0])


def restore_key_store(source: Path, *, erased: set[str], sealed: frozenset[str] = frozenset()) -> int:
    """Replaces the key store's contents with a snapshot's, minus the keys of `erased` cases
    (those the audit log records as erased since), so restoring an old key backup does not bring
    an erased case back, and minus the server's wraps of the `sealed` key names (reports sealed
    since: only her wrap may open them). Returns the number of keys restored."""
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src:
        rows = src.execute("SELECT case_code, wrapped FROM case_key").fetchall()
        has_survivor = src.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'survivor_key'").fetchone()
        # A snapshot from before survivors' wraps existed has none: its reports were server-wrapped.
        survivor = src.execute("SELECT name, salt, wrapped FROM survivor_key").fetchall() if has_survivor else []
    ring = keyring()
    kept = [(code, bytes(w)) for code, w in rows if code not in erased and code not in sealed]
    for code, wrapped in kept:
        crypto.unwrap_data_key(ring, wrapped, context=_context(code))  # refuse a store for other keys
    with _store() as conn:
        conn.execute("DELETE FROM case_key")
        conn.executemany("INSERT INTO case_key (case_code, wrapped) VALUES (?, ?)", kept)
        conn.execute("DELETE FROM survivor_key")
        conn.executemany("INSERT INTO survivor_key (name, salt, wrapped) VALUES (?, ?, ?)",
                         [(name, bytes(salt), bytes(w)) for name, salt, w in survivor if name not in erased])
    return len(kept)
