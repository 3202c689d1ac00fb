"""Sizes, errors and the primitives every part of aigaq.lib.crypto builds on.

Random 256-bit keys, HKDF-SHA256 subkeys (RFC 5869), a data key's short public id, and the AEAD
(AES-256-GCM) of one data key.
"""

from __future__ import annotations

import hashlib
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = 1
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the size GCM is designed for
TAG_BYTES = 16
DATA_KEY_ID_BYTES = 4


class CryptoError(Exception):
    """Base class for every error raised by aigaq.lib.crypto."""


class DecryptionError(CryptoError):
    """A ciphertext could not be opened. Nothing is ever returned in its place."""


class KeyFileError(CryptoError):
    """The key file is missing, unreadable, malformed or readable by others."""


def new_data_key() -> bytes:
    """A fresh random 256-bit key."""
    return secrets.token_bytes(KEY_BYTES)


def hkdf_sha256(secret: bytes, info: bytes, length: int) -> bytes:
    """An independent subkey of ``secret`` for the purpose ``info``."""
    # No salt: the input is already a uniformly random 256-bit key (RFC 5869 §3.1).
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


def purpose_bytes(purpose: str) -> bytes:
    if not purpose:
        raise CryptoError("a key purpose must be a non-empty string")
    return purpose.encode("utf-8")


def data_key_id(dek: bytes) -> bytes:
    """A short public name for a data key, carried in each ciphertext it made.

    It says which key a value needs (a value sealed under another case's key, or under a key
    since replaced, fails with a clear message) without revealing anything of the key: it is a
    domain-separated SHA-256 of a random 256-bit key, cut to 4 bytes.
    """
    return hashlib.sha256(b"aigaq-data-key-id:" + dek).digest()[:DATA_KEY_ID_BYTES]


def check_key_id(dek: bytes, found: bytes, what: str) -> None:
    if found != data_key_id(dek):
        raise DecryptionError(f"{what} was sealed under data key {found.hex()}, not under {data_key_id(dek).hex()}")


def aead_for(dek: bytes, error: type[CryptoError]) -> AESGCM:
    """AES-256-GCM under a data key; ``error`` is raised for a key of the wrong size."""
    if not isinstance(dek, bytes) or len(dek) != KEY_BYTES:
        raise error(f"a data key must be {KEY_BYTES} bytes")
    return AESGCM(dek)
