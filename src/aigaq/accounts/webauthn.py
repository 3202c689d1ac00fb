"""Passkeys and security keys as a second factor, after healthchecks' hc/lib/webauthn.py.

The browser side is static/js/webauthn.js: it reads the options from a JSON data block, calls
navigator.credentials.create/get and submits the result in an ordinary form. The state (the
challenge) stays in the server-side session between the two requests.
"""

from __future__ import annotations

import json
from secrets import token_bytes
from typing import Any

from fido2.server import Fido2Server
from fido2.webauthn import (
    AttestedCredentialData,
    PublicKeyCredentialRpEntity,
    PublicKeyCredentialUserEntity,
    UserVerificationRequirement,
)

RP_NAME = "Aigaq"


def _server(rp_id: str) -> Fido2Server:
    return Fido2Server(PublicKeyCredentialRpEntity(id=rp_id, name=RP_NAME))


def register_begin(rp_id: str, username: str, existing: list[bytes]) -> tuple[dict[str, Any], Any]:
    # The user handle lets a passkey find its account without a username. We use keys only as a
    # second factor, so the handle is random and not kept: no personal data on the authenticator
    # beyond the login name she already types.
    user = PublicKeyCredentialUserEntity(id=token_bytes(16), name=username, display_name=username)
    options, state = _server(rp_id).register_begin(
        user,
        [AttestedCredentialData(blob) for blob in existing],
        user_verification=UserVerificationRequirement.DISCOURAGED,
    )
    return dict(options), state


def register_complete(rp_id: str, state: Any, response_json: str) -> bytes | None:
    """The new credential's data, or None for anything forged, replayed or malformed."""
    try:
        auth_data = _server(rp_id).register_complete(state, json.loads(response_json))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return bytes(auth_data.credential_data) if auth_data.credential_data is not None else None


def authenticate_begin(rp_id: str, credentials: list[bytes]) -> tuple[dict[str, Any], Any]:
    options, state = _server(rp_id).authenticate_begin(
        [AttestedCredentialData(blob) for blob in credentials],
        user_verification=UserVerificationRequirement.DISCOURAGED,
    )
    return dict(options), state


def authenticate_complete(
    rp_id: str, state: Any, credentials: list[bytes], response_json: str
) -> bytes | None:
    """The credential id that signed, or None."""
    try:
        cred = _server(rp_id).authenticate_complete(
            state, [AttestedCredentialData(blob) for blob in credentials], json.loads(response_json)
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return bytes(cred.credential_id)
