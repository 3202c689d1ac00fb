"""Who the hub is (its signing key, `$AIGAQ_DATA_DIR/signing-key`) and which key service it uses."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from aigaq.lib.crypto.signing import new_signing_key, public_key_of
from aigaq.lib.netproto import Identity

from .errors import HubError
from .files import SecretFileError, secret_read, secret_write
from .models import KeyService

SENDER = "hub"  # the name the hub signs as; the key service trusts it under this name
SIGNING_KEY_FILE = "signing-key"
KEY_BYTES = 32


def signing_key_path() -> Path:
    return Path(settings.DATA_DIR) / SIGNING_KEY_FILE


def signing_key() -> bytes:
    """The hub's private signing key; SecretFileError when it is missing or unsafe."""
    key = secret_read(signing_key_path())
    if len(key) != KEY_BYTES:
        raise SecretFileError(f"{signing_key_path()} is not a signing key ({KEY_BYTES} bytes)")
    return key


def signing_key_ensure() -> tuple[bytes, bool]:
    """The signing key, created (mode 0600) if there is none yet; and whether it was created."""
    if signing_key_path().exists():
        return signing_key(), False
    key = new_signing_key()
    secret_write(signing_key_path(), key)
    return key, True


def hub_identity() -> Identity:
    return Identity(sender=SENDER, private_key=signing_key())


def hub_public_key() -> str:
    return public_key_of(signing_key())


def keyservice() -> KeyService:
    """The key service set by `aigaq network hub init`; HubError 503 before it is set."""
    found = KeyService.objects.order_by("pk").first()
    if found is None:
        raise HubError("unavailable", 503)
    return found
