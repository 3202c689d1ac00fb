"""Field values sealed with AES-256-GCM under a case's data key, bound to where they live.

Format: "E" ‖ version ‖ data key id (4 bytes) ‖ nonce (12 bytes, random) ‖ ciphertext ‖ tag; the
associated data is the header and the place ("<table>:<row code>:<field>"), so a value pasted
into another row, field or case fails to open (docs/crypto.md, "Formats").
"""

from __future__ import annotations

import base64
import binascii
import secrets

from cryptography.exceptions import InvalidTag

from .primitives import (
    DATA_KEY_ID_BYTES,
    NONCE_BYTES,
    TAG_BYTES,
    VERSION,
    CryptoError,
    DecryptionError,
    aead_for,
    check_key_id,
    data_key_id,
)

_SEAL_MAGIC = b"E"
_SEAL_HEADER_LEN = 2 + DATA_KEY_ID_BYTES  # magic, version, data key id


def seal(dek: bytes, plaintext: bytes, *, aad: str) -> bytes:
    """Encrypt a field value; `aad` names where it lives, e.g. "cases_survivor:<code>:contact_phone"."""
    return _seal_with_nonce(dek, plaintext, aad=aad, nonce=secrets.token_bytes(NONCE_BYTES))


def _seal_with_nonce(dek: bytes, plaintext: bytes, *, aad: str, nonce: bytes) -> bytes:
    """For known-answer tests only: a fixed nonce reused under one key breaks GCM."""
    if len(nonce) != NONCE_BYTES:
        raise CryptoError(f"nonce must be {NONCE_BYTES} bytes")
    aead = aead_for(dek, CryptoError)
    header = _SEAL_MAGIC + bytes([VERSION]) + data_key_id(dek)
    return header + nonce + aead.encrypt(nonce, plaintext, header + aad.encode("utf-8"))


def open_sealed(dek: bytes, blob: bytes, *, aad: str) -> bytes:
    aead = aead_for(dek, DecryptionError)
    if len(blob) < _SEAL_HEADER_LEN + NONCE_BYTES + TAG_BYTES or blob[:1] != _SEAL_MAGIC:
        raise DecryptionError("not a sealed value")
    if blob[1] != VERSION:
        raise DecryptionError(f"sealed value has unsupported version {blob[1]}")
    header = blob[:_SEAL_HEADER_LEN]
    check_key_id(dek, header[2:], "sealed value")
    nonce = blob[_SEAL_HEADER_LEN : _SEAL_HEADER_LEN + NONCE_BYTES]
    try:
        return aead.decrypt(nonce, blob[_SEAL_HEADER_LEN + NONCE_BYTES :], header + aad.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError("sealed value failed authentication (wrong key, wrong place or tampered)") from None


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
