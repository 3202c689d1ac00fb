"""The keyed primitives of the linkage encodings, checked against the standard library on its own.

Each test recomputes a primitive from its definition (RFC 5869 HKDF, HMAC-SHA256, keyed BLAKE2b)
with hashlib and hmac only, so a change to aigaq.lib.crypto.linkage that would change stored
encodings fails here by name, before tests/linkage/test_encoding_fixed.py shows the digests moved.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pytest

from aigaq.lib.crypto.linkage import (
    BLOOM_BITS,
    BLOOM_K,
    ENCODE_BITS,
    PURPOSES,
    TOKEN_BYTES,
    WORDS,
    LinkageKeys,
    generate_key,
)

KEY = bytes(range(32))


def _hkdf_sha256(key: bytes, info: bytes) -> bytes:
    """RFC 5869 with no salt (a string of zeros) and 32 bytes of output: one Expand block."""
    prk = hmac.digest(b"\x00" * 32, key, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")


def test_each_purpose_has_its_own_hkdf_subkey() -> None:
    keys = LinkageKeys(KEY).keys
    assert set(keys) == set(PURPOSES)
    for purpose in PURPOSES:
        assert keys[purpose] == _hkdf_sha256(KEY, b"aigaq-linkage/v1/" + purpose.encode())
    assert len(set(keys.values())) == len(PURPOSES)
    assert keys["phone"].hex() == "660265068db327253f8af2a289f3873304885336ee75b22c1d6597c41df3b9c1"


def test_a_token_is_the_first_16_bytes_of_hmac_sha256_in_hex() -> None:
    keyed = LinkageKeys(KEY)
    expected = hmac.digest(keyed.keys["phone"], b"77015551234", "sha256")[:TOKEN_BYTES].hex()
    assert keyed.token("phone", "77015551234") == expected == "117d922fac0391d714b437dcabf9ae75"
    assert keyed.token("plate", "77015551234") != expected  # the same value under another purpose


def test_bloom_positions_are_a_keyed_blake2b_digest_read_as_little_endian_16_bit_words() -> None:
    keyed = LinkageKeys(KEY)
    digest = hashlib.blake2b("_ж".encode(), key=keyed.keys["bloom-name"], digest_size=2 * BLOOM_K).digest()
    expected = [int.from_bytes(digest[k : k + 2], "little") % ENCODE_BITS for k in range(0, len(digest), 2)]
    assert keyed.positions("bloom-name", "_ж").tolist() == expected
    assert expected[:4] == [581, 134, 717, 817]


def test_a_stored_filter_is_the_wide_filter_of_its_grams_folded_in_half_by_xor() -> None:
    keyed = LinkageKeys(KEY)
    grams = ["_ж", "жа", "ан", "н_"]
    wide = np.zeros(ENCODE_BITS, dtype=bool)
    for g in grams:
        wide[keyed.positions("bloom-name", g)] = True
    folded = wide[:BLOOM_BITS] ^ wide[BLOOM_BITS:]
    stored = keyed.bloom("bloom-name", grams)
    assert stored.dtype == np.uint64 and stored.shape == (WORDS,)
    assert np.array_equal(np.unpackbits(stored.view(np.uint8), bitorder="little").astype(bool), folded)


def test_names_and_addresses_are_filtered_under_different_keys() -> None:
    keyed = LinkageKeys(KEY)
    assert not np.array_equal(keyed.bloom("bloom-name", ["аб"]), keyed.bloom("bloom-address", ["аб"]))


@pytest.mark.parametrize("purpose", ["phone", "bloom-name"])
def test_another_master_key_gives_unrelated_subkeys(purpose: str) -> None:
    assert LinkageKeys(KEY).keys[purpose] != LinkageKeys(generate_key()).keys[purpose]
