"""Every encryption, key wrap and keyed hash in Aigaq happens in this package, and nowhere else.

Key hierarchy (see docs/crypto.md for the byte formats):

    key file (outside the data directory, mode 0600)
      KEKs: key-encryption keys by id, one primary  ──wraps──▶  per-case data keys (DEKs), stored
      index_root: blind-index secret                             wrapped in the database
                                                                   └──seals──▶ fields and files

Why AES-256-GCM: an AEAD in the `cryptography` package, fast everywhere (AES-NI), with associated
data, so a ciphertext is bound to its table, row and field and cannot be pasted into another row.
Its weakness is nonce reuse, so nonces are 96-bit random and each key encrypts few messages:
NIST SP 800-38D bounds random nonces to 2**32 messages per key (collision chance 2**-32); a per-case
DEK seals at most a few thousand fields and files, and a KEK wraps one DEK per case (plus rewraps).

Why per-case DEKs: erasing a case destroys one small wrapped key (crypto-shredding) instead of
hunting every copy of every field, and a leaked DEK exposes one case, not the whole database.

Why HKDF subkeys: one secret (index_root) yields independent keys per purpose, so the phone index
cannot be compared with the plate index, and nothing keyed for lookup is ever used to encrypt.

This package is pure (no Django) so it can be reviewed and tested on its own. Its modules:
``primitives`` (sizes, errors, random keys, HKDF, the AEAD of a data key), ``keyring`` (the key file,
blind indexes, subkeys, data keys wrapped under KEKs), ``sealing`` (field values), ``stream``
(files), ``hashing`` (hash chain, canonical JSON, constant-time equality, random codes) and
``linkage`` (the keyed tokens and Bloom filters of aigaq.linkage's private encodings; imported by
its full name, not re-exported here, so that loading the key ring does not load numpy), and for the
network of organisations ``oprf`` (RFC 9497 through the voprf package) and ``signing`` (Ed25519
signed requests), also imported by their full names.
"""

from __future__ import annotations

from .hashing import canonical_json, constant_time_equals, hash_chain, keyed_link, random_code
from .keyring import (
    KeyRing,
    add_primary_kek,
    generate_key_file,
    load_key_file,
    retire_kek,
    rewrap_data_key,
    unwrap_data_key,
    wrap_data_key,
    wrapped_key_id,
)
from .primitives import VERSION, CryptoError, DecryptionError, KeyFileError, data_key_id, new_data_key
from .sealing import open_sealed, open_text, seal, seal_text
from .stream import open_stream, seal_stream

__all__ = [
    "VERSION",
    "CryptoError",
    "DecryptionError",
    "KeyFileError",
    "KeyRing",
    "add_primary_kek",
    "canonical_json",
    "constant_time_equals",
    "data_key_id",
    "generate_key_file",
    "hash_chain",
    "keyed_link",
    "load_key_file",
    "new_data_key",
    "open_sealed",
    "open_stream",
    "open_text",
    "random_code",
    "retire_kek",
    "rewrap_data_key",
    "seal",
    "seal_stream",
    "seal_text",
    "unwrap_data_key",
    "wrap_data_key",
    "wrapped_key_id",
]
