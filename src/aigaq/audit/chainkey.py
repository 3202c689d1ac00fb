"""The key that anchors the audit chain: an HKDF subkey ("audit-chain") of the key file that also
wraps the case keys, so it is held, backed up and kept apart exactly as the key store is.

The audit app sits below `aigaq.keys` (docs/architecture.md), so it reads the key file itself
through `aigaq.lib.crypto`; the subkey comes from the index root, which KEK rotation leaves as it
is. The hub and the key service have no key file (their settings name none): their logs stay
unkeyed, as before, and are checked by checkpoints only.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from django.conf import settings

from aigaq.lib import crypto

PURPOSE = "audit-chain"

_lock = threading.Lock()
_cache: dict[tuple[str, int, int, int], bytes] = {}


def configured() -> bool:
    """Whether this process is meant to key its chain (it has a key file setting)."""
    return getattr(settings, "KEY_FILE", None) is not None


def chain_key() -> bytes | None:
    """The chain's key, or None without a usable key file (the entry is then written unkeyed,
    and `aigaq audit verify` reports it). Cached by the file's identity, so a new key file (tests,
    a restore) is read again."""
    if not configured():
        return None
    path = Path(settings.KEY_FILE)
    try:
        st = os.stat(path)
    except OSError:
        return None
    ident = (str(path), st.st_ino, st.st_mtime_ns, st.st_size)
    key = _cache.get(ident)
    if key is None:
        try:
            key = crypto.load_key_file(path).subkey(PURPOSE)
        except crypto.KeyFileError:
            return None
        with _lock:
            _cache.clear()
            _cache[ident] = key
    return key


def entry_link(key: bytes, entry_hash: str) -> str:
    return crypto.keyed_link(key, f"aigaq-audit-entry:{entry_hash}")


def head_link(key: bytes, *, keyed_since: int, count: int, last_hash: str) -> str:
    return crypto.keyed_link(key, f"aigaq-audit-head:{keyed_since}:{count}:{last_hash}")
