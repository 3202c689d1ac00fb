"""The key service's two secrets, in its data directory (mode 0600): the network's OPRF seed and
its own signing key. Only `init` creates them; every other use reads them and fails loudly when
they are missing or unsafe (aigaq.peers.files)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from aigaq.lib.crypto.oprf import INFO, SEED_BYTES, KeyHolder
from aigaq.lib.crypto.signing import public_key_of
from aigaq.peers.files import secret_file

SEED_FILE = "oprf-seed"
SIGNING_KEY_FILE = "signing-key"
SIGNING_KEY_BYTES = 32


def seed_path() -> Path:
    return Path(settings.DATA_DIR) / SEED_FILE


def signing_key_path() -> Path:
    return Path(settings.DATA_DIR) / SIGNING_KEY_FILE


@lru_cache(maxsize=4)
def _holder(path: Path) -> KeyHolder:
    # Cached per path: the seed file is never replaced, and every request needs its key.
    return KeyHolder(secret_file(path, SEED_BYTES, create=False))


def key_holder(*, create: bool = False) -> KeyHolder:
    """The network's OPRF key (with `create`: made first if there is none; `init` only)."""
    path = seed_path()
    if create:
        secret_file(path, SEED_BYTES, create=True)
    return _holder(path)


def signing_key(*, create: bool = False) -> bytes:
    """This service's Ed25519 key, 32 raw bytes (with `create`: made first if there is none)."""
    return secret_file(signing_key_path(), SIGNING_KEY_BYTES, create=create)


@dataclass(frozen=True)
class Identity:
    """What GET /v1/identity tells anyone: the keys to pin, never a secret."""

    oprf_public_key: bytes
    signing_public_key: str
    info: str


def identity() -> Identity:
    return Identity(oprf_public_key=key_holder().public_key, signing_public_key=public_key_of(signing_key()),
                    info=INFO.decode())
