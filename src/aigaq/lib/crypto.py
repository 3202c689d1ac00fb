"""Every encryption, key wrap and keyed hash in Aigaq happens here, and nowhere else.

Key hierarchy (see docs/crypto.md for the byte formats):

    key file (outside the data directory, mode 0600)
      KEKs: key-encryption keys by id, one primary  ──wraps──▶  per-case data keys (DEKs), stored
      index_root: blind-index secret                             wrapped in the database
                                                                   └──seals──▶ fields and files

Why AES-256-GCM: an AEAD in the `cryptography` package, fast everywhere (AES-NI), with associated
data, so a ciphertext is bound to its table, row and field and cannot be pasted into another row.
Its weakness is nonce reuse, so nonces are 96-bit random and each key encrypts few messages:
NIST SP 800-38D bounds random nonces to 2**32 messages per key (collision chance 2**-32); a per-case
DEK seals at most a few thousand fields and files, and a KEK wraps one DEK per case (plus rewraps).

Why per-case DEKs: erasing a case destroys one small wrapped key (crypto-shredding) instead of
hunting every copy of every field, and a leaked DEK exposes one case, not the whole database.

Why HKDF subkeys: one secret (index_root) yields independent keys per purpose, so the phone index
cannot be compared with the plate index, and nothing keyed for lookup is ever used to encrypt.

This module is pure (no Django) so it can be reviewed and tested on its own.
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
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "VERSION",
    "CryptoError",
    "DecryptionError",
    "KeyFileError",
    "KeyRing",
    "add_primary_kek",
    "canonical_json",
    "constant_time_equals",
    "generate_key_file",
    "hash_chain",
    "load_key_file",
    "new_data_key",
    "open_sealed",
    "open_stream",
    "open_text",
    "random_code",
    "retire_kek",
    "rewrap_data_key",
    "seal",
    "seal_stream",
    "seal_text",
    "unwrap_data_key",
    "wrap_data_key",
    "wrapped_key_id",
]

VERSION = 1
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the size GCM is designed for
TAG_BYTES = 16
KEK_ID_BYTES = 8  # 8 lowercase hex characters, stored as ASCII

_WRAP_MAGIC = b"W"
_SEAL_MAGIC = b"E"
_STREAM_MAGIC = b"S"
_WRAP_HEADER_LEN = 2 + KEK_ID_BYTES
_WRAPPED_LEN = _WRAP_HEADER_LEN + NONCE_BYTES + KEY_BYTES + TAG_BYTES
DATA_KEY_ID_BYTES = 4
_SEAL_HEADER_LEN = 2 + DATA_KEY_ID_BYTES  # magic, version, data key id
_STREAM_PREFIX_BYTES = 8
_STREAM_HEADER_LEN = 2 + DATA_KEY_ID_BYTES + _STREAM_PREFIX_BYTES + 4  # magic, version, key id, prefix, chunk
_MAX_CHUNK = 1 << 26  # 64 MiB: a forged header must not make open_stream allocate without bound
_MAX_CHUNKS = 1 << 32  # the 4-byte counter; 4 PiB at the default 1 MiB chunk
_KEK_ID_RE = re.compile(r"[0-9a-f]{8}")
_KEY_FILE_VERSION = 1


class CryptoError(Exception):
    """Base class for every error raised by this module."""


class DecryptionError(CryptoError):
    """A ciphertext could not be opened. Nothing is ever returned in its place."""


class KeyFileError(CryptoError):
    """The key file is missing, unreadable, malformed or readable by others."""


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
        key = _hkdf(self.index_root, b"aigaq-blind-index:" + _purpose_bytes(purpose), KEY_BYTES)
        return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def subkey(self, purpose: str, length: int = 32) -> bytes:
        """An independent secret for another keyed use (e.g. purpose "linkage")."""
        if not 16 <= length <= 255 * 32:
            raise CryptoError("subkey length must be between 16 and 8160 bytes")
        return _hkdf(self.index_root, b"aigaq-subkey:" + _purpose_bytes(purpose), length)


def _purpose_bytes(purpose: str) -> bytes:
    if not purpose:
        raise CryptoError("a key purpose must be a non-empty string")
    return purpose.encode("utf-8")


def _hkdf(secret: bytes, info: bytes, length: int) -> bytes:
    # No salt: the input is already a uniformly random 256-bit key (RFC 5869 §3.1).
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


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


def new_data_key() -> bytes:
    """A fresh random 256-bit key."""
    return secrets.token_bytes(KEY_BYTES)


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
        return AESGCM(kek).decrypt(
            nonce, wrapped[_WRAP_HEADER_LEN + NONCE_BYTES :], header + context.encode("utf-8")
        )
    except InvalidTag:
        raise DecryptionError("wrapped data key failed authentication (wrong context or tampered)") from None


def rewrap_data_key(ring: KeyRing, wrapped: bytes, *, context: str) -> bytes:
    """Unwrap with whichever KEK wrapped it and wrap again under the primary."""
    return wrap_data_key(ring, unwrap_data_key(ring, wrapped, context=context), context=context)


# --- Fields -----------------------------------------------------------------------------------


def data_key_id(dek: bytes) -> bytes:
    """A short public name for a data key, carried in each ciphertext it made.

    It says which key a value needs (a value sealed under another case's key, or under a key
    since replaced, fails with a clear message) without revealing anything of the key: it is a
    domain-separated SHA-256 of a random 256-bit key, cut to 4 bytes.
    """
    return hashlib.sha256(b"aigaq-data-key-id:" + dek).digest()[:DATA_KEY_ID_BYTES]


def _check_key_id(dek: bytes, found: bytes, what: str) -> None:
    if found != data_key_id(dek):
        raise DecryptionError(f"{what} was sealed under data key {found.hex()}, not under {data_key_id(dek).hex()}")


def _aead(dek: bytes, error: type[CryptoError]) -> AESGCM:
    if not isinstance(dek, bytes) or len(dek) != KEY_BYTES:
        raise error(f"a data key must be {KEY_BYTES} bytes")
    return AESGCM(dek)


def seal(dek: bytes, plaintext: bytes, *, aad: str) -> bytes:
    """Encrypt a field value; `aad` names where it lives, e.g. "cases_survivor:<code>:contact_phone"."""
    return _seal_with_nonce(dek, plaintext, aad=aad, nonce=secrets.token_bytes(NONCE_BYTES))


def _seal_with_nonce(dek: bytes, plaintext: bytes, *, aad: str, nonce: bytes) -> bytes:
    """For known-answer tests only: a fixed nonce reused under one key breaks GCM."""
    if len(nonce) != NONCE_BYTES:
        raise CryptoError(f"nonce must be {NONCE_BYTES} bytes")
    aead = _aead(dek, CryptoError)
    header = _SEAL_MAGIC + bytes([VERSION]) + data_key_id(dek)
    return header + nonce + aead.encrypt(nonce, plaintext, header + aad.encode("utf-8"))


def open_sealed(dek: bytes, blob: bytes, *, aad: str) -> bytes:
    aead = _aead(dek, DecryptionError)
    if len(blob) < _SEAL_HEADER_LEN + NONCE_BYTES + TAG_BYTES or blob[:1] != _SEAL_MAGIC:
        raise DecryptionError("not a sealed value")
    if blob[1] != VERSION:
        raise DecryptionError(f"sealed value has unsupported version {blob[1]}")
    header = blob[:_SEAL_HEADER_LEN]
    _check_key_id(dek, header[2:], "sealed value")
    nonce = blob[_SEAL_HEADER_LEN : _SEAL_HEADER_LEN + NONCE_BYTES]
    try:
        return aead.decrypt(nonce, blob[_SEAL_HEADER_LEN + NONCE_BYTES :], header + aad.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError(
            "sealed value failed authentication (wrong key, wrong place or tampered)"
        ) from None


def seal_text(dek: bytes, text: str, *, aad: str) -> str:
    """`seal` as URL-safe base64 (with padding, no newlines) for a text column."""
    return base64.urlsafe_b64encode(seal(dek, text.encode("utf-8"), aad=aad)).decode("ascii")


def open_text(dek: bytes, token: str, *, aad: str) -> str:
    try:
        blob = base64.b64decode(token.encode("ascii"), altchars=b"-_", validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise DecryptionError("sealed text is not valid base64") from None
    # Non-canonical encodings (stray bits in the last character) decode to the same bytes;
    # refuse them so every altered token fails.
    if base64.urlsafe_b64encode(blob).decode("ascii") != token:
        raise DecryptionError("sealed text is not canonical base64")
    try:
        return open_sealed(dek, blob, aad=aad).decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError("sealed text is not UTF-8") from None


# --- Files ------------------------------------------------------------------------------------
#
# STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015), as Tink's streaming AEAD:
# header = "S" ‖ version ‖ 8-byte random prefix ‖ chunk size (uint32 BE); then one record per chunk,
# AES-GCM(nonce = prefix ‖ uint32 BE index, AAD = header ‖ uint32 BE index ‖ final flag ‖ aad).
# The index stops reordering, the final flag stops truncation at a chunk boundary and appending.
# Nonce uniqueness: the counter never repeats within a file; across files under one DEK, prefixes
# collide with chance n²/2**65 for n files, negligible for the handful of files in one case.


def _read_exact(src: BinaryIO, n: int) -> bytes:
    parts: list[bytes] = []
    remaining = n
    while remaining:
        part = src.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _chunk_aad(header: bytes, index: int, final: bool, aad: bytes) -> bytes:
    return header + struct.pack(">IB", index, 1 if final else 0) + aad


def seal_stream(dek: bytes, src: BinaryIO, dst: BinaryIO, *, aad: str, chunk_size: int = 1 << 20) -> str:
    """Encrypt `src` into `dst` chunk by chunk; returns the plaintext's hex SHA-256."""
    if not 1 <= chunk_size <= _MAX_CHUNK:
        raise CryptoError(f"chunk_size must be between 1 and {_MAX_CHUNK}")
    aead = _aead(dek, CryptoError)
    prefix = secrets.token_bytes(_STREAM_PREFIX_BYTES)
    header = _STREAM_MAGIC + bytes([VERSION]) + data_key_id(dek) + prefix + struct.pack(">I", chunk_size)
    aad_bytes = aad.encode("utf-8")
    digest = hashlib.sha256()
    dst.write(header)
    chunk = _read_exact(src, chunk_size)
    index = 0
    while True:
        # Read one chunk ahead: a chunk is final when nothing follows it.
        following = _read_exact(src, chunk_size) if len(chunk) == chunk_size else b""
        final = not following
        if index >= _MAX_CHUNKS:
            raise CryptoError("file too large for one stream")
        digest.update(chunk)
        nonce = prefix + struct.pack(">I", index)
        dst.write(aead.encrypt(nonce, chunk, _chunk_aad(header, index, final, aad_bytes)))
        if final:
            return digest.hexdigest()
        chunk = following
        index += 1


def open_stream(dek: bytes, src: BinaryIO, dst: BinaryIO, *, aad: str) -> str:
    """Decrypt a `seal_stream` output into `dst`; returns the plaintext's hex SHA-256.

    Every chunk is authenticated before any of its bytes reach `dst`, so `dst` never receives
    forged plaintext. When `src` is seekable the whole stream is first verified without writing,
    so a tampered, truncated or extended file raises DecryptionError with `dst` untouched. If `src`
    is not seekable (or changes between the two passes), `dst` may hold a genuine prefix of the
    plaintext when the error is raised: callers must then write to a temp file and discard it.
    """
    aead = _aead(dek, DecryptionError)
    aad_bytes = aad.encode("utf-8")
    if src.seekable():
        start = src.tell()
        _open_stream_pass(dek, aead, src, None, aad_bytes)
        src.seek(start)
    return _open_stream_pass(dek, aead, src, dst, aad_bytes)


def _open_stream_pass(dek: bytes, aead: AESGCM, src: BinaryIO, dst: BinaryIO | None, aad: bytes) -> str:
    header = _read_exact(src, _STREAM_HEADER_LEN)
    if len(header) != _STREAM_HEADER_LEN or header[:1] != _STREAM_MAGIC:
        raise DecryptionError("not an encrypted stream")
    if header[1] != VERSION:
        raise DecryptionError(f"encrypted stream has unsupported version {header[1]}")
    _check_key_id(dek, header[2 : 2 + DATA_KEY_ID_BYTES], "encrypted stream")
    prefix_at = 2 + DATA_KEY_ID_BYTES
    prefix = header[prefix_at : prefix_at + _STREAM_PREFIX_BYTES]
    (chunk_size,) = struct.unpack(">I", header[prefix_at + _STREAM_PREFIX_BYTES :])
    if not 1 <= chunk_size <= _MAX_CHUNK:
        raise DecryptionError("encrypted stream has an invalid chunk size")
    record_size = chunk_size + TAG_BYTES
    digest = hashlib.sha256()
    record = _read_exact(src, record_size)
    index = 0
    while True:
        if len(record) < TAG_BYTES:
            raise DecryptionError("encrypted stream is truncated")
        following = _read_exact(src, record_size) if len(record) == record_size else b""
        final = not following
        if index >= _MAX_CHUNKS:
            raise DecryptionError("encrypted stream has too many chunks")
        nonce = prefix + struct.pack(">I", index)
        try:
            chunk = aead.decrypt(nonce, record, _chunk_aad(header, index, final, aad))
        except InvalidTag:
            raise DecryptionError(
                f"encrypted stream failed authentication at chunk {index} "
                "(wrong key, wrong place, tampered, reordered, truncated or extended)"
            ) from None
        digest.update(chunk)
        if dst is not None:
            dst.write(chunk)
        if final:
            return digest.hexdigest()
        record = following
        index += 1


# --- Hashing and comparison -------------------------------------------------------------------


def hash_chain(prev_hash: str, canonical: bytes) -> str:
    """The audit log's link: SHA-256 hex of prev_hash (UTF-8) ‖ "\\n" ‖ canonical entry."""
    return hashlib.sha256(prev_hash.encode("utf-8") + b"\n" + canonical).hexdigest()


def canonical_json(obj: object) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, NaN and infinity refused."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def constant_time_equals(a: str | bytes, b: str | bytes) -> bool:
    """Compare secrets without leaking, through timing, how much of them matched."""
    a_bytes = a.encode("utf-8") if isinstance(a, str) else a
    b_bytes = b.encode("utf-8") if isinstance(b, str) else b
    return hmac.compare_digest(a_bytes, b_bytes)


def random_code(nbytes: int = 16) -> str:
    """An unguessable code for URLs and case references: lowercase base32 without padding
    (letters a-z and digits 2-7, no 0/1/8/9 to confuse with O/I/B/g when read aloud).
    16 bytes = 128 bits = 26 characters. Keep nbytes >= 16 for anything that grants access."""
    if nbytes < 1:
        raise ValueError("nbytes must be positive")
    return base64.b32encode(secrets.token_bytes(nbytes)).decode("ascii").rstrip("=").lower()
