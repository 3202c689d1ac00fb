"""Hashing and comparison: the audit log's hash chain and the keyed link that anchors it,
canonical JSON, constant-time equality, and random codes for URLs and references."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets


def hash_chain(prev_hash: str, canonical: bytes) -> str:
    """The audit log's link: SHA-256 hex of prev_hash (UTF-8) ‖ "\\n" ‖ canonical entry."""
    return hashlib.sha256(prev_hash.encode("utf-8") + b"\n" + canonical).hexdigest()


def keyed_link(key: bytes, message: str) -> str:
    """The audit log's keyed link: HMAC-SHA256 hex of `message` (UTF-8). Without the key, whoever
    rewrites an entry and recomputes the unkeyed hash chain cannot make a matching one."""
    if len(key) < 16:
        raise ValueError("the key must be at least 16 bytes")
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def canonical_json(obj: object) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, NaN and infinity refused."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


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
