"""Signed requests between the network's parties (members, hub, key service): Ed25519.

Every request carries who sends it, when, a fresh nonce and a signature over those and the method,
path and body hash. The receiver checks the signature against the sender's registered public key,
that the time is within `MAX_SKEW_SECONDS`, and (with its own store) that the nonce was never seen:
a replayed, unsigned, expired or wrongly signed request is refused.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MAX_SKEW_SECONDS = 300
HEADER_SENDER = "X-Aigaq-Sender"
HEADER_TIME = "X-Aigaq-Time"
HEADER_NONCE = "X-Aigaq-Nonce"
HEADER_SIGNATURE = "X-Aigaq-Signature"


class SignatureError(ValueError):
    """Why a request was refused: said to the operator's log, never with the body."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_signing_key() -> bytes:
    """A new private key, as its 32 raw bytes (kept sealed by whoever owns it)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def public_key_of(private_key: bytes) -> str:
    """The public half, as text to register with the other parties."""
    key = Ed25519PrivateKey.from_private_bytes(private_key).public_key()
    return _b64(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def _message(method: str, path: str, sender: str, at: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(("aigaq-request-v1", method.upper(), path, sender, at, nonce, digest)).encode()


def sign_request(*, private_key: bytes, sender: str, method: str, path: str, body: bytes,
                 now: float | None = None) -> dict[str, str]:
    """The headers that make a request verifiable."""
    at = str(int(time.time() if now is None else now))
    nonce = secrets.token_urlsafe(18)
    signature = Ed25519PrivateKey.from_private_bytes(private_key).sign(
        _message(method, path, sender, at, nonce, body))
    return {HEADER_SENDER: sender, HEADER_TIME: at, HEADER_NONCE: nonce, HEADER_SIGNATURE: _b64(signature)}


@dataclass(frozen=True)
class Verified:
    sender: str
    nonce: str
    at: int


def sender_of(headers: Mapping[str, str]) -> str:
    """Who claims to send the request (to look up her public key before verifying)."""
    sender = headers.get(HEADER_SENDER, "")
    if not sender:
        raise SignatureError("unsigned request")
    return sender


def verify_request(*, public_key: str, headers: Mapping[str, str], method: str, path: str, body: bytes,
                   now: float | None = None) -> Verified:
    """Checks signature and time; the caller must still check that the nonce is new."""
    sender = sender_of(headers)
    at, nonce, signature = (headers.get(h, "") for h in (HEADER_TIME, HEADER_NONCE, HEADER_SIGNATURE))
    if not (at and nonce and signature):
        raise SignatureError("unsigned request")
    try:
        when = int(at)
    except ValueError:
        raise SignatureError("bad time") from None
    if abs((time.time() if now is None else now) - when) > MAX_SKEW_SECONDS:
        raise SignatureError("expired request")
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public_key)).verify(
            _unb64(signature), _message(method, path, sender, at, nonce, body))
    except (InvalidSignature, ValueError) as exc:
        raise SignatureError("wrong signature") from exc
    return Verified(sender=sender, nonce=nonce, at=when)


# --- Detached signatures of files (court bundles, evidence sealed at receipt) ------------------


def sign_bytes(private_key: bytes, message: bytes) -> bytes:
    """The 64-byte Ed25519 signature of `message`: what `openssl pkeyutl -verify -rawin` checks."""
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(message)


def public_key_raw(private_key: bytes) -> bytes:
    """The public half as its 32 raw bytes."""
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem(public_raw: bytes) -> str:
    """The public key as PEM (SubjectPublicKeyInfo), the form openssl reads with -pubin."""
    return Ed25519PublicKey.from_public_bytes(public_raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def public_key_from_text(text: str) -> bytes:
    """The 32 raw bytes of a public key written as PEM, or as base64 of its raw bytes (standard
    or URL-safe, padded or not). SignatureError when it is neither."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise SignatureError("not a PEM public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise SignatureError("not an Ed25519 public key")
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True)
    except ValueError:
        raise SignatureError("not a public key (PEM or base64)") from None
    if len(raw) != 32:
        raise SignatureError("not an Ed25519 public key (32 bytes)")
    return raw


def fingerprint(public_raw: bytes) -> str:
    """A short name for a public key to compare by eye or over the phone: the first 16 bytes of
    its SHA-256, in groups of four hex digits."""
    digest = hashlib.sha256(public_raw).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def signature_valid(public_raw: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
