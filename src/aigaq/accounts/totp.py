"""Authenticator-app (TOTP) secrets, sealed so that a copy of the database alone gives none.

A TOTP secret is as good as the second factor itself: whoever has it generates valid codes
(RFC 6238). django-otp's own TOTPDevice keeps it as plain hex in its `key` column, so Aigaq has its
own device model (`accounts.TotpDevice`) whose secret is stored only as

    seal_text(subkey("totp"), hex secret, aad="accounts_totpdevice:<device code>:<user code>:key")

`subkey("totp")` is an HKDF subkey of the key file's index root (like the backup key): accounts are
not cases, so no per-case key applies, and the key file never enters the database or its backups.
The associated data binds the ciphertext to its row and to its owner: pasted into another device
row, or with the row handed to another user, it fails to open instead of letting her codes work
for someone else's account.

The secret of an enrolment not yet confirmed waits in the server-side session, which is also in the
database: it is sealed the same way, bound to the user, so no step of enrolment writes it in clear.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from urllib.parse import quote, urlencode

from aigaq.keys.store import keyring
from aigaq.lib import crypto

PURPOSE = "totp"
SECRET_BYTES = 20  # 160 bits: RFC 4226 §4 (R6) recommends it; django-otp's default too
TABLE = "accounts_totpdevice"
ISSUER = "Aigaq"


def _key() -> bytes:
    return keyring().subkey(PURPOSE)


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def device_aad(device_code: str, user_code: str) -> str:
    return f"{TABLE}:{device_code}:{user_code}:key"


def seal_secret(secret: bytes, *, device_code: str, user_code: str) -> str:
    """The column value for a device's secret."""
    return crypto.seal_text(_key(), secret.hex(), aad=device_aad(device_code, user_code))


def open_secret(sealed: str, *, device_code: str, user_code: str) -> bytes:
    """The device's secret. Raises crypto.DecryptionError for a value that is not this row's."""
    return bytes.fromhex(crypto.open_text(_key(), sealed, aad=device_aad(device_code, user_code)))


def _pending_aad(user_code: str) -> str:
    return f"session:totp-enrolment:{user_code}"


def seal_pending(secret: bytes, *, user_code: str) -> str:
    """A secret shown for enrolment, as kept in her session until a code confirms it."""
    return crypto.seal_text(_key(), secret.hex(), aad=_pending_aad(user_code))


def open_pending(sealed: object, *, user_code: str) -> bytes | None:
    """The pending secret, or None when there is none or it is not hers (a new one is made)."""
    if not isinstance(sealed, str) or not sealed:
        return None
    try:
        return bytes.fromhex(crypto.open_text(_key(), sealed, aad=_pending_aad(user_code)))
    except (crypto.DecryptionError, ValueError):
        return None


def base32(secret: bytes) -> str:
    """The secret as authenticator apps take it when typed (RFC 4648 base32)."""
    return b32encode(secret).decode("ascii")


def provisioning_uri(secret: bytes, username: str) -> str:
    """The otpauth:// URI of the QR code (Google Authenticator's Key Uri Format)."""
    return "otpauth://totp/{label}?{query}".format(
        label=quote(f"{ISSUER}:{username}"),
        query=urlencode({"secret": base32(secret), "issuer": ISSUER, "digits": 6, "period": 30}),
    )
