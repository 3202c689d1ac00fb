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
