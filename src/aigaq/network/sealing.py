"""The network's secrets at rest: the member's signing key and the coordinators' contact details.

Sealed as accounts.totp seals TOTP secrets: `seal_text(subkey("network"), value, aad=place)`, the
subkey an HKDF subkey of the key file's index root (nothing here belongs to a case, so no case key
applies), the place naming the table, row and field so a value pasted elsewhere fails to open. A
copy of the database without the key file gives neither the key nor a contact.
"""

from __future__ import annotations

from aigaq.keys.store import keyring
from aigaq.lib import crypto

PURPOSE = "network"
SIGNING_KEY_PLACE = "network_networkconfig:1:signing_key"


def _key() -> bytes:
    return keyring().subkey(PURPOSE)


def alert_place(alert_code: str, field: str) -> str:
    return f"network_networkalert:{alert_code}:{field}"


def seal(value: str, *, place: str) -> str:
    """The column value for `value` ("" stays "": emptiness is not hidden, as in sealed fields)."""
    return crypto.seal_text(_key(), value, aad=place) if value else ""


def unseal(sealed: str, *, place: str) -> str:
    """Raises crypto.DecryptionError for a value that is not this place's."""
    return crypto.open_text(_key(), sealed, aad=place) if sealed else ""
