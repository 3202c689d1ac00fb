"""Files sealed chunk by chunk (STREAM), so an evidence file is never held in memory whole.

STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015), as Tink's streaming AEAD:
header = "S" ‖ version ‖ 8-byte random prefix ‖ chunk size (uint32 BE); then one record per chunk,
AES-GCM(nonce = prefix ‖ uint32 BE index, AAD = header ‖ uint32 BE index ‖ final flag ‖ aad).
The index stops reordering, the final flag stops truncation at a chunk boundary and appending.
Nonce uniqueness: the counter never repeats within a file; across files under one DEK, prefixes
collide with chance n²/2**65 for n files, negligible for the handful of files in one case.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .primitives import (
    DATA_KEY_ID_BYTES,
    TAG_BYTES,
    VERSION,
    CryptoError,
    DecryptionError,
    aead_for,
    check_key_id,
    data_key_id,
)

_STREAM_MAGIC = b"S"
_STREAM_PREFIX_BYTES = 8
_STREAM_HEADER_LEN = 2 + DATA_KEY_ID_BYTES + _STREAM_PREFIX_BYTES + 4  # magic, version, key id, prefix, chunk
_MAX_CHUNK = 1 << 26  # 64 MiB: a forged header must not make open_stream allocate without bound
_MAX_CHUNKS = 1 << 32  # the 4-byte counter; 4 PiB at the default 1 MiB chunk


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
    aead = aead_for(dek, CryptoError)
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
    aead = aead_for(dek, DecryptionError)
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
    check_key_id(dek, header[2 : 2 + DATA_KEY_ID_BYTES], "encrypted stream")
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
