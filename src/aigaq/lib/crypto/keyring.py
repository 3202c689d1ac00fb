"""The key file and the key hierarchy: KEKs, the blind-index root, and data keys wrapped under KEKs.

Key file: JSON, mode 0600, outside the data directory (docs/crypto.md has the format). A data key
(DEK) is wrapped with AES-256-GCM under the primary KEK, bound to its context ("case:<code>"), so
a wrapped key copied to another case fails to unwrap. Rotation adds a new primary KEK, re-wraps
every DEK, then retires the old KEK.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .primitives import (
    KEY_BYTES,
    NONCE_BYTES,
    TAG_BYTES,
    VERSION,
    CryptoError,
    DecryptionError,
    KeyFileError,
    hkdf_sha256,
    new_data_key,
    purpose_bytes,
)

KEK_ID_BYTES = 8  # 8 lowercase hex characters, stored as ASCII
_WRAP_MAGIC = b"W"
_WRAP_HEADER_LEN = 2 + KEK_ID_BYTES
_WRAPPED_LEN = _WRAP_HEADER_LEN + NONCE_BYTES + KEY_BYTES + TAG_BYTES
_KEK_ID_RE = re.compile(r"[0-9a-f]{8}")
_KEY_FILE_VERSION = 1


# --- Keys -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRing:
    """The secrets from the key file. `repr` never shows key material."""

    primary_id: str
    keks: Mapping[str, bytes] = field(repr=False)
    index_root: bytes = field(repr=False)

    def __post_init__(self) -> None:
        keks = dict(self.keks)
        for kek_id, kek in keks.items():
            if not isinstance(kek_id, str) or not _KEK_ID_RE.fullmatch(kek_id):
                raise CryptoError(f"key id {kek_id!r} is not 8 lowercase hex characters")
            if not isinstance(kek, bytes) or len(kek) != KEY_BYTES:
                raise CryptoError(f"key-encryption key {kek_id} is not {KEY_BYTES} bytes")
        if self.primary_id not in keks:
            raise CryptoError(f"primary key id {self.primary_id!r} is not among the keys")
        if not isinstance(self.index_root, bytes) or len(self.index_root) != KEY_BYTES:
            raise CryptoError(f"index_root is not {KEY_BYTES} bytes")
        # A read-only copy, so a caller's dict cannot change a ring that claims to be frozen.
        object.__setattr__(self, "keks", MappingProxyType(keks))

    def blind_index(self, purpose: str, value: str) -> str:
        """A keyed hash of an already-normalised value, for exact-match search without plaintext.

        128 bits is enough: the index only has to avoid accidental collisions between the few
        million values an organisation could hold (birthday bound 2**64), and guessing works
        equally well against any length, since an attacker without the key cannot test guesses
        at all and one with it can hash candidates directly. Leaks equality and frequency.
        """
        key = hkdf_sha256(self.index_root, b"aigaq-blind-index:" + purpose_bytes(purpose), KEY_BYTES)
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def subkey(self, purpose: str, length: int = 32) -> bytes:
        """An independent secret for another keyed use (e.g. purpose "linkage")."""
        if not 16 <= length <= 255 * 32:
            raise CryptoError("subkey length must be between 16 and 8160 bytes")
        return hkdf_sha256(self.index_root, b"aigaq-subkey:" + purpose_bytes(purpose), length)


def _new_kek_id(existing: Mapping[str, bytes]) -> str:
    while True:
        kek_id = secrets.token_hex(KEK_ID_BYTES // 2)
        if kek_id not in existing:
            return kek_id


def generate_key_file(path: Path, *, overwrite: bool = False) -> KeyRing:
    """Create a new key file with mode 0600. Refuses to replace an existing one by default,
    because a replaced key file makes every case encrypted under it unreadable."""
    kek_id = _new_kek_id({})
    ring = KeyRing(primary_id=kek_id, keks={kek_id: new_data_key()}, index_root=new_data_key())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if overwrite:
        _write_key_file_atomic(path, ring)
        return ring
    try:
        # O_EXCL: never follow or replace what is there; 0o600 from the first byte on disk.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise KeyFileError(
            f"key file {path} already exists; refusing to overwrite it, because the data keys "
            "wrapped under it would become unreadable. Move it aside first if you really mean it."
        ) from None
    except OSError as exc:
        raise KeyFileError(f"cannot create key file {path}: {exc.strerror}") from exc
    try:
        _write_fd(fd, _serialise(ring))
    except BaseException:
        os.unlink(path)
        raise
    return ring


def load_key_file(path: Path) -> KeyRing:
    """Read the key file, refusing one that group or others could read."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise KeyFileError(
            f"key file {path} does not exist; create one with `aigaq keys init` "
            "or point AIGAQ_KEY_FILE at the existing one"
        ) from None
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as handle:
        # fstat on the open file, not stat on the path, so the checked file is the one read.
        mode = os.fstat(handle.fileno()).st_mode
        if os.name == "posix" and mode & 0o077:
            raise KeyFileError(
                f"key file {path} is readable or writable by group or others "
                f"(mode {mode & 0o777:04o}); run `chmod 600 {path}`"
            )
        raw = handle.read()
    try:
        return _parse(raw)
    except (CryptoError, ValueError, TypeError, KeyError, binascii.Error) as exc:
        raise KeyFileError(f"key file {path} is malformed: {exc}") from None


def add_primary_kek(path: Path) -> KeyRing:
    """Rotation, step 1: add a new KEK and make it primary; older KEKs stay to unwrap."""
    ring = load_key_file(path)
    kek_id = _new_kek_id(ring.keks)
    new = KeyRing(primary_id=kek_id, keks={**ring.keks, kek_id: new_data_key()}, index_root=ring.index_root)
    _write_key_file_atomic(path, new)
    return new


def retire_kek(path: Path, kek_id: str) -> KeyRing:
    """Rotation, last step: remove an old KEK. The caller must first have re-wrapped every data
    key (check with `wrapped_key_id`); anything still wrapped under it becomes unreadable."""
    ring = load_key_file(path)
    if kek_id not in ring.keks:
        raise KeyFileError(f"key file {path} has no key-encryption key {kek_id!r}")
    if kek_id == ring.primary_id:
        raise KeyFileError(f"key-encryption key {kek_id} is the primary in {path}; it cannot be retired")
    keks = {k: v for k, v in ring.keks.items() if k != kek_id}
    new = KeyRing(primary_id=ring.primary_id, keks=keks, index_root=ring.index_root)
    _write_key_file_atomic(path, new)
    return new


def _serialise(ring: KeyRing) -> bytes:
    doc = {
        "version": _KEY_FILE_VERSION,
        "primary": ring.primary_id,
        "keks": {k: base64.b64encode(v).decode("ascii") for k, v in ring.keks.items()},
        "index_root": base64.b64encode(ring.index_root).decode("ascii"),
    }
    return json.dumps(doc, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def _parse(raw: bytes) -> KeyRing:
    doc = json.loads(raw.decode("utf-8"))
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    if doc.get("version") != _KEY_FILE_VERSION:
        raise ValueError(f"unsupported version {doc.get('version')!r}")
    keks = doc["keks"]
    if not isinstance(keks, dict) or not keks:
        raise ValueError("'keks' must be a non-empty object")
    return KeyRing(
        primary_id=doc["primary"],
        keks={k: base64.b64decode(v, validate=True) for k, v in keks.items()},
        index_root=base64.b64decode(doc["index_root"], validate=True),
    )


def _write_fd(fd: int, data: bytes) -> None:
    try:
        os.fchmod(fd, 0o600)  # a umask can only remove bits; make the mode exact
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_key_file_atomic(path: Path, ring: KeyRing) -> None:
    # Write a 0600 temp file beside the target, then rename over it: a crash leaves either the old
    # or the new file, never half of one. Concurrent rotations are not serialised: run one at a time.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise KeyFileError(f"cannot write beside key file {path}: {exc.strerror}") from exc
    try:
        _write_fd(fd, _serialise(ring))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # make the rename itself durable
    finally:
        os.close(dir_fd)


# --- Data keys --------------------------------------------------------------------------------


def wrap_data_key(ring: KeyRing, dek: bytes, *, context: str) -> bytes:
    """Encrypt a DEK under the primary KEK, bound to `context` (e.g. "case:<case code>")."""
    if len(dek) != KEY_BYTES:
        raise CryptoError(f"a data key must be {KEY_BYTES} bytes")
    header = _WRAP_MAGIC + bytes([VERSION]) + ring.primary_id.encode("ascii")
    nonce = secrets.token_bytes(NONCE_BYTES)
    ct = AESGCM(ring.keks[ring.primary_id]).encrypt(nonce, dek, header + context.encode("utf-8"))
    return header + nonce + ct


def wrapped_key_id(wrapped: bytes) -> str:
    """The id of the KEK that wrapped this data key (for rotation progress)."""
    if len(wrapped) != _WRAPPED_LEN or wrapped[:1] != _WRAP_MAGIC:
        raise DecryptionError("not a wrapped data key")
    if wrapped[1] != VERSION:
        raise DecryptionError(f"wrapped data key has unsupported version {wrapped[1]}")
    kek_id = wrapped[2:_WRAP_HEADER_LEN].decode("ascii", errors="replace")
    if not _KEK_ID_RE.fullmatch(kek_id):
        raise DecryptionError("wrapped data key has a malformed key id")
    return kek_id


def unwrap_data_key(ring: KeyRing, wrapped: bytes, *, context: str) -> bytes:
    kek_id = wrapped_key_id(wrapped)
    kek = ring.keks.get(kek_id)
    if kek is None:
        raise DecryptionError(
            f"data key is wrapped under key-encryption key {kek_id}, which is not in the key file "
            "(retired, or the wrong key file)"
        )
    header = wrapped[:_WRAP_HEADER_LEN]
    nonce = wrapped[_WRAP_HEADER_LEN : _WRAP_HEADER_LEN + NONCE_BYTES]
    try:
        return AESGCM(kek).decrypt(nonce, wrapped[_WRAP_HEADER_LEN + NONCE_BYTES :], header + context.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError("wrapped data key failed authentication (wrong context or tampered)") from None


def rewrap_data_key(ring: KeyRing, wrapped: bytes, *, context: str) -> bytes:
    """Unwrap with whichever KEK wrapped it and wrap again under the primary."""
    return wrap_data_key(ring, unwrap_data_key(ring, wrapped, context=context), context=context)
