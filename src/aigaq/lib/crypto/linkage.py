"""The keyed primitives of aigaq.linkage's private encodings: linkage keys, tokens, Bloom filters.

* One master key (shared by the organisations that link together; 32+ random bytes, kept off the
  database server) yields an independent 256-bit subkey per purpose (``PURPOSES``) by HKDF-SHA256
  with info "aigaq-linkage/v1/<purpose>", so a phone token cannot be compared with a plate token.
* Exact values become HMAC-SHA256 tokens, cut to ``TOKEN_BYTES`` and written as hex.
* A Bloom filter of grams (bigrams of name words, of addresses): every gram sets ``BLOOM_K``
  positions of an ``ENCODE_BITS``-bit filter drawn from one keyed BLAKE2b digest (independent
  positions; no double hashing, which Kroll & Steinmetzer exploit), and the filter is then
  XOR-folded to ``BLOOM_BITS`` (first half XOR second half; Schnell & Borgs 2016), so a gram's
  positions are no longer set together in every filter that holds it.

Stored suspects and other organisations' pools are encoded with these: any change to a derivation,
a size or a byte order makes new encodings stop meeting stored ones (tests/linkage/
test_encoding_fixed.py pins them), and needs a re-encoding migration.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .primitives import hkdf_sha256

BLOOM_BITS = 512  # bits of a stored (folded) filter
WORDS = BLOOM_BITS // 64
ENCODE_BITS = 2 * BLOOM_BITS  # bits a filter is encoded at before XOR folding halves it
BLOOM_K = 20  # positions per gram in the ENCODE_BITS filter
TOKEN_BYTES = 16
KEY_MIN_BYTES = 32
PURPOSES = ("phone", "handle", "plate", "iin", "other_id", "patronymic", "sex", "city", "region",
            "name", "date", "block", "bloom-name", "bloom-address")  # fmt: skip


def generate_key() -> bytes:
    """32 random bytes for a new key file (write it as hex; keep it off the database server)."""
    return secrets.token_bytes(KEY_MIN_BYTES)


def load_key(path: str | os.PathLike[str]) -> bytes:
    """Read a key file: hex text (64+ hex digits) or 32+ raw bytes. Raises ValueError otherwise."""
    data = Path(path).read_bytes()
    text = data.strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = data
    if len(key) < KEY_MIN_BYTES:
        raise ValueError(f"key file {path} holds {len(key)} bytes; at least {KEY_MIN_BYTES} are needed")
    return key


@lru_cache(maxsize=64)
def _subkey(key: bytes, purpose: str) -> bytes:
    return hkdf_sha256(key, b"aigaq-linkage/v1/" + purpose.encode(), 32)


class LinkageKeys:
    """Per-purpose HMAC tokens and Bloom filters under one master key (with caches)."""

    def __init__(self, key: bytes) -> None:
        self.keys = {p: _subkey(key, p) for p in PURPOSES}
        self._pos: dict[tuple[str, str], np.ndarray] = {}
        self._mask: dict[tuple[str, str], int] = {}

    def token(self, purpose: str, value: str) -> str:
        d = hmac.digest(self.keys[purpose], value.encode("utf-8"), "sha256")
        return d[:TOKEN_BYTES].hex()

    def positions(self, purpose: str, gram: str) -> np.ndarray:
        """The gram's ``BLOOM_K`` positions in the ``ENCODE_BITS``-bit filter (before folding)."""
        pos = self._pos.get((purpose, gram))
        if pos is None:
            digest = hashlib.blake2b(gram.encode("utf-8"), key=self.keys[purpose], digest_size=2 * BLOOM_K).digest()
            pos = np.frombuffer(digest, dtype="<u2") % ENCODE_BITS  # a power of two: no modulo bias
            self._pos[(purpose, gram)] = pos
        return pos

    def _wide(self, purpose: str, grams: Sequence[str]) -> int:
        # Each gram's positions as one Python integer bit mask (cached): a filter is then a few
        # integer ORs, several times faster than setting bits in a numpy array per mention.
        bits = 0
        for g in grams:
            mask = self._mask.get((purpose, g))
            if mask is None:
                mask = sum(1 << int(p) for p in set(self.positions(purpose, g).tolist()))
                self._mask[(purpose, g)] = mask
            bits |= mask
        return bits

    def bloom(self, purpose: str, grams: Sequence[str]) -> np.ndarray:
        """The stored filter: the ``ENCODE_BITS``-bit filter of the grams, XOR-folded in half."""
        bits = self._wide(purpose, grams)
        folded = (bits & ((1 << BLOOM_BITS) - 1)) ^ (bits >> BLOOM_BITS)
        return np.frombuffer(folded.to_bytes(BLOOM_BITS // 8, "little"), dtype="<u8").astype(np.uint64)
