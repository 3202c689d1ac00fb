"""The key service's request bodies, parsed and checked (docs/network.md "Key service API").
Anything else is BadRequest: a 400 {"error": "bad_request"}, never a crash."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

HUB = "hub"  # the one peer that registers members and never evaluates
POINT_BYTES = 32  # a ristretto255 element (a blinded value) or an Ed25519 public key
_MEMBER_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")  # 32: it is the audit log's organisation code


class BadRequest(ValueError):
    """A body that is not what the endpoint takes."""


def b64(data: bytes) -> str:
    """Unpadded urlsafe base64, as every key and value travels."""
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: object, *, size: int) -> bytes:
    """The `size` bytes that `text` encodes, or BadRequest."""
    if not isinstance(text, str) or len(text) > 2 * size:
        raise BadRequest("not base64")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("not base64") from None
    if len(data) != size:
        raise BadRequest(f"not {size} bytes")
    return data


def public_key(text: object) -> str:
    """A signing public key as sent, once it is known to encode 32 bytes."""
    unb64(text, size=POINT_BYTES)
    return str(text)


def _object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadRequest("not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("not a JSON object")
    return data


def registration(body: bytes) -> tuple[str, str]:
    """(member id, public key) of POST /v1/members."""
    data = _object(body)
    member = data.get("member")
    if not isinstance(member, str) or not _MEMBER_ID.fullmatch(member) or member == HUB:
        raise BadRequest("bad member id")
    return member, public_key(data.get("public_key"))


def batch(body: bytes, *, max_batch: int) -> list[bytes]:
    """The blinded values of POST /v1/evaluate: 1 to `max_batch` of them."""
    values = _object(body).get("blinded")
    if not isinstance(values, list) or not 1 <= len(values) <= max_batch:
        raise BadRequest("blinded must be a list of 1 to max_batch values")
    return [unb64(value, size=POINT_BYTES) for value in values]
