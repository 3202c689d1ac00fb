"""The running server's key ring and each case's data key.

The key file is read once per process; a missing or unsafe key file stops the server with a
message that says how to create one (`aigaq keys init`).
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from aigaq.lib import crypto

_lock = threading.Lock()
_rings: dict[Path, crypto.KeyRing] = {}


def keyring() -> crypto.KeyRing:
    path = Path(settings.KEY_FILE)
    ring = _rings.get(path)
    if ring is None:
        with _lock:
            try:
                ring = crypto.load_key_file(path)
            except crypto.KeyFileError as exc:
                raise ImproperlyConfigured(f"{exc} (create one with `aigaq keys init`)") from exc
            _rings[path] = ring
    return ring


def forget_keyring() -> None:
    """Drops the cached key ring, after rotation or when tests switch key files."""
    with _lock:
        _rings.clear()


def blind_index(purpose: str, value: str) -> str:
    return keyring().blind_index(purpose, value)
