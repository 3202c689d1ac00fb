"""Properties of aigaq.lib.crypto, each test named after what it proves."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import stat
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from aigaq.lib import crypto
from aigaq.lib.crypto import DecryptionError, KeyFileError, KeyRing
from aigaq.lib.crypto.sealing import _seal_with_nonce

AAD = "cases_survivor:k7q2m4xz:contact_phone"
PHONE = "+7 701 555 12 34"
CASE = "case:k7q2m4xz"


def _ring() -> KeyRing:
    return KeyRing(primary_id="0a1b2c3d", keks={"0a1b2c3d": os.urandom(32)}, index_root=os.urandom(32))


DEK = crypto.new_data_key()
SEALED = crypto.seal(DEK, PHONE.encode(), aad=AAD)
RING = _ring()
WRAPPED = crypto.wrap_data_key(RING, DEK, context=CASE)


# --- Fields -----------------------------------------------------------------------------------


def test_sealed_value_round_trips() -> None:
    assert crypto.open_sealed(DEK, SEALED, aad=AAD) == PHONE.encode()


@given(st.text(), st.text())
@settings(max_examples=50, deadline=None)
def test_sealed_text_round_trips_any_unicode(text: str, aad: str) -> None:
    token = crypto.seal_text(DEK, text, aad=aad)
    assert "\n" not in token
    assert crypto.open_text(DEK, token, aad=aad) == text


def test_plaintext_absent_from_sealed_output() -> None:
    secret = "Айгүл Сәрсенова, ИИН 900101400123".encode()
    blob = crypto.seal(DEK, secret, aad=AAD)
    assert secret not in blob
    assert secret[:8] not in blob
    assert secret.decode() not in crypto.seal_text(DEK, secret.decode(), aad=AAD)


def test_sealing_twice_gives_different_ciphertexts() -> None:
    assert crypto.seal(DEK, b"same", aad=AAD) != crypto.seal(DEK, b"same", aad=AAD)


def test_ciphertext_moved_to_another_row_fails_to_decrypt() -> None:
    with pytest.raises(DecryptionError):
        crypto.open_sealed(DEK, SEALED, aad="cases_survivor:zz9x8w7v:contact_phone")


def test_ciphertext_moved_to_another_field_fails_to_decrypt() -> None:
    with pytest.raises(DecryptionError):
        crypto.open_sealed(DEK, SEALED, aad="cases_survivor:k7q2m4xz:full_name")


def test_wrong_key_fails_to_decrypt() -> None:
    with pytest.raises(DecryptionError):
        crypto.open_sealed(crypto.new_data_key(), SEALED, aad=AAD)


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_tampered_byte_anywhere_fails_to_decrypt(data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(SEALED) - 1))
    flip = data.draw(st.integers(1, 255))
    tampered = bytearray(SEALED)
    tampered[position] ^= flip
    with pytest.raises(DecryptionError):
        crypto.open_sealed(DEK, bytes(tampered), aad=AAD)


SEALED_TEXT = crypto.seal_text(DEK, PHONE, aad=AAD)


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_tampered_character_in_sealed_text_fails_to_decrypt(data: st.DataObject) -> None:
    # One fixed token: a fresh one per example would have a random nonce, and hypothesis needs
    # the same draws to mean the same thing on replay.
    token = SEALED_TEXT
    position = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/!").filter(
            lambda c: c != token[position]
        )
    )
    tampered = token[:position] + replacement + token[position + 1 :]
    with pytest.raises(DecryptionError):
        crypto.open_text(DEK, tampered, aad=AAD)


@pytest.mark.parametrize("length", [0, 1, 2, 13, 14, 29, len(SEALED) - 1])
def test_truncated_ciphertext_fails_to_decrypt(length: int) -> None:
    with pytest.raises(DecryptionError):
        crypto.open_sealed(DEK, SEALED[:length], aad=AAD)


def test_extended_ciphertext_fails_to_decrypt() -> None:
    with pytest.raises(DecryptionError):
        crypto.open_sealed(DEK, SEALED + b"\x00", aad=AAD)


@pytest.mark.parametrize("version", [0, 2, 255])
def test_unknown_version_is_refused(version: int) -> None:
    blob = SEALED[:1] + bytes([version]) + SEALED[2:]
    with pytest.raises(DecryptionError, match="version"):
        crypto.open_sealed(DEK, blob, aad=AAD)


def test_malformed_data_key_is_refused_not_used() -> None:
    with pytest.raises(DecryptionError):
        crypto.open_sealed(DEK[:16], SEALED, aad=AAD)
    with pytest.raises(crypto.CryptoError):
        crypto.seal(b"short", b"x", aad=AAD)


def test_seal_matches_independent_known_answer_vector() -> None:
    key = bytes(range(32))
    nonce = bytes(range(100, 112))
    plaintext = "Қарағанды, +77015551234".encode()
    aad = "cases_suspect:abc:phone"
    header = b"E\x01" + hashlib.sha256(b"aigaq-data-key-id:" + key).digest()[:4]
    expected = header + nonce + AESGCM(key).encrypt(nonce, plaintext, header + aad.encode("utf-8"))
    assert _seal_with_nonce(key, plaintext, aad=aad, nonce=nonce) == expected
    assert crypto.open_sealed(key, expected, aad=aad) == plaintext


def test_seal_format_is_magic_version_key_id_nonce_ciphertext_tag() -> None:
    assert SEALED[:2] == b"E\x01"
    assert SEALED[2:6] == crypto.data_key_id(DEK)
    assert len(SEALED) == 6 + 12 + len(PHONE.encode()) + 16


def test_a_value_sealed_under_another_key_names_the_key_it_needs() -> None:
    other = crypto.new_data_key()
    with pytest.raises(DecryptionError, match=crypto.data_key_id(DEK).hex()):
        crypto.open_sealed(other, SEALED, aad=AAD)


# --- Data keys and rotation -------------------------------------------------------------------


def test_wrapped_data_key_round_trips() -> None:
    assert crypto.unwrap_data_key(RING, WRAPPED, context=CASE) == DEK
    assert crypto.wrapped_key_id(WRAPPED) == "0a1b2c3d"
    assert WRAPPED[:10] == b"W\x010a1b2c3d"
    assert DEK not in WRAPPED


def test_wrapped_key_moved_to_another_case_fails() -> None:
    with pytest.raises(DecryptionError):
        crypto.unwrap_data_key(RING, WRAPPED, context="case:zz9x8w7v")


@given(st.data())
@settings(max_examples=100, deadline=None)
def test_tampered_wrapped_key_fails_to_unwrap(data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(WRAPPED) - 1))
    tampered = bytearray(WRAPPED)
    tampered[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(DecryptionError):
        crypto.unwrap_data_key(RING, bytes(tampered), context=CASE)


def test_wrapped_key_under_another_key_file_fails() -> None:
    other = KeyRing(primary_id="0a1b2c3d", keks={"0a1b2c3d": os.urandom(32)}, index_root=os.urandom(32))
    with pytest.raises(DecryptionError):
        crypto.unwrap_data_key(other, WRAPPED, context=CASE)


def test_truncated_wrapped_key_fails() -> None:
    with pytest.raises(DecryptionError):
        crypto.unwrap_data_key(RING, WRAPPED[:-1], context=CASE)


def test_rotation_keeps_old_keys_readable_until_retired(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "aigaq.key"
    old_ring = crypto.generate_key_file(path)
    old_id = old_ring.primary_id
    dek_a, dek_b = crypto.new_data_key(), crypto.new_data_key()
    wrapped_a = crypto.wrap_data_key(old_ring, dek_a, context="case:a")
    wrapped_b = crypto.wrap_data_key(old_ring, dek_b, context="case:b")

    new_ring = crypto.add_primary_kek(path)
    assert new_ring.primary_id != old_id
    assert set(new_ring.keks) == {old_id, new_ring.primary_id}
    assert crypto.load_key_file(path) == new_ring
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    rewrapped_a = crypto.rewrap_data_key(new_ring, wrapped_a, context="case:a")
    assert crypto.wrapped_key_id(rewrapped_a) == new_ring.primary_id
    assert crypto.unwrap_data_key(new_ring, rewrapped_a, context="case:a") == dek_a
    assert crypto.unwrap_data_key(new_ring, wrapped_b, context="case:b") == dek_b

    retired = crypto.retire_kek(path, old_id)
    assert set(retired.keks) == {new_ring.primary_id}
    assert crypto.unwrap_data_key(retired, rewrapped_a, context="case:a") == dek_a
    with pytest.raises(DecryptionError, match=old_id):
        crypto.unwrap_data_key(retired, wrapped_b, context="case:b")
    assert [p.name for p in path.parent.iterdir()] == ["aigaq.key"]


def test_primary_key_cannot_be_retired(tmp_path: Path) -> None:
    path = tmp_path / "aigaq.key"
    ring = crypto.generate_key_file(path)
    with pytest.raises(KeyFileError, match="primary"):
        crypto.retire_kek(path, ring.primary_id)
    with pytest.raises(KeyFileError, match="no key-encryption key"):
        crypto.retire_kek(path, "ffffffff")


# --- Key file ---------------------------------------------------------------------------------


def test_key_file_created_with_mode_0600_and_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "aigaq.key"
    old_umask = os.umask(0)
    try:
        ring = crypto.generate_key_file(path)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.load_key_file(path) == ring
    doc = json.loads(path.read_text())
    assert doc["version"] == 1
    assert doc["primary"] == ring.primary_id
    assert len(base64.b64decode(doc["keks"][ring.primary_id])) == 32
    assert len(base64.b64decode(doc["index_root"])) == 32


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "aigaq.key"
    crypto.generate_key_file(path)
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600") as excinfo:
        crypto.load_key_file(path)
    assert str(path) in str(excinfo.value)


def test_key_file_never_overwritten_by_default(tmp_path: Path) -> None:
    path = tmp_path / "aigaq.key"
    crypto.generate_key_file(path)
    before = path.read_bytes()
    with pytest.raises(KeyFileError, match="already exists"):
        crypto.generate_key_file(path)
    assert path.read_bytes() == before
    replaced = crypto.generate_key_file(path, overwrite=True)
    assert crypto.load_key_file(path) == replaced
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_missing_key_file_names_path_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.key"
    with pytest.raises(KeyFileError, match="aigaq keys init") as excinfo:
        crypto.load_key_file(path)
    assert str(path) in str(excinfo.value)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'{"version": 2, "primary": "0a1b2c3d", "keks": {}, "index_root": ""}',
        b'{"version": 1, "primary": "0a1b2c3d", "keks": {"0a1b2c3d": "c2hvcnQ="}, "index_root": "AA=="}',
        b'{"version": 1, "primary": "deadbeef", "keks": {"0a1b2c3d": "'
        + base64.b64encode(bytes(32))
        + b'"}, "index_root": "'
        + base64.b64encode(bytes(32))
        + b'"}',
    ],
)
def test_malformed_key_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "aigaq.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match="malformed"):
        crypto.load_key_file(path)


def test_key_ring_repr_shows_no_key_material() -> None:
    assert RING.keks["0a1b2c3d"].hex() not in repr(RING)
    assert "index_root" not in repr(RING)


# --- Blind indexes and subkeys ----------------------------------------------------------------


def test_blind_index_is_deterministic_per_purpose() -> None:
    first = RING.blind_index("phone", "+77015551234")
    assert first == RING.blind_index("phone", "+77015551234")
    assert len(first) == 32
    assert int(first, 16) >= 0


def test_blind_index_differs_across_purposes_values_and_key_files() -> None:
    value = "+77015551234"
    assert RING.blind_index("phone", value) != RING.blind_index("handle", value)
    assert RING.blind_index("phone", value) != RING.blind_index("phone", "+77015551235")
    assert RING.blind_index("phone", value) != _ring().blind_index("phone", value)


def test_blind_index_does_not_contain_the_plaintext() -> None:
    # Values that could not turn up in a hex digest by chance ("abc" did, once in about 70 runs:
    # three hex letters appear in 64 random hex digits that often).
    for value in ["7015551234", "zhanibek", "Сейітов", "900101400123"]:
        assert value not in RING.blind_index("iin", value)


def test_subkeys_are_independent_of_blind_index_keys_and_each_other() -> None:
    linkage = RING.subkey("linkage")
    assert len(linkage) == 32
    assert linkage == RING.subkey("linkage")
    assert linkage != RING.subkey("export")
    assert len(RING.subkey("linkage", 64)) == 64
    assert linkage != RING.index_root
    with pytest.raises(crypto.CryptoError):
        RING.subkey("")


# --- Streams ----------------------------------------------------------------------------------

STREAM_AAD = "evidence:k7q2m4xz:f3"
CHUNK = 64 * 1024  # small chunks make the tamper tests fast; format is the same at 1 MiB


def _sealed_stream(data: bytes, chunk_size: int = CHUNK) -> tuple[bytes, str]:
    out = io.BytesIO()
    digest = crypto.seal_stream(DEK, io.BytesIO(data), out, aad=STREAM_AAD, chunk_size=chunk_size)
    return out.getvalue(), digest


def _records(blob: bytes, chunk_size: int = CHUNK) -> tuple[bytes, list[bytes]]:
    size = chunk_size + 16
    body = blob[14:]
    return blob[:14], [body[i : i + size] for i in range(0, len(body), size)]


def _open(blob: bytes) -> tuple[bytes, str]:
    out = io.BytesIO()
    digest = crypto.open_stream(DEK, io.BytesIO(blob), out, aad=STREAM_AAD)
    return out.getvalue(), digest


def test_large_file_round_trips_with_its_sha256() -> None:
    import hashlib

    data = os.urandom(3 * (1 << 20) + (1 << 19))  # 3.5 MiB, default 1 MiB chunks
    out = io.BytesIO()
    digest = crypto.seal_stream(DEK, io.BytesIO(data), out, aad=STREAM_AAD)
    assert digest == hashlib.sha256(data).hexdigest()
    assert data[:64] not in out.getvalue()
    plain = io.BytesIO()
    assert crypto.open_stream(DEK, io.BytesIO(out.getvalue()), plain, aad=STREAM_AAD) == digest
    assert plain.getvalue() == data


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK])
def test_stream_round_trips_at_chunk_boundaries(size: int) -> None:
    data = os.urandom(size)
    blob, digest = _sealed_stream(data)
    assert _open(blob) == (data, digest)


def _assert_stream_rejected(blob: bytes) -> None:
    out = io.BytesIO()
    with pytest.raises(DecryptionError):
        crypto.open_stream(DEK, io.BytesIO(blob), out, aad=STREAM_AAD)
    assert out.getvalue() == b"", "nothing may be released from a stream that fails verification"


def test_stream_with_swapped_chunks_fails() -> None:
    header, records = _records(_sealed_stream(os.urandom(3 * CHUNK + 100))[0])
    records[0], records[1] = records[1], records[0]
    _assert_stream_rejected(header + b"".join(records))


def test_stream_with_dropped_chunk_fails() -> None:
    header, records = _records(_sealed_stream(os.urandom(3 * CHUNK + 100))[0])
    _assert_stream_rejected(header + b"".join(records[:1] + records[2:]))


def test_stream_truncated_at_a_chunk_boundary_fails() -> None:
    header, records = _records(_sealed_stream(os.urandom(3 * CHUNK))[0])
    _assert_stream_rejected(header + b"".join(records[:-1]))


def test_stream_with_appended_chunk_fails() -> None:
    header, records = _records(_sealed_stream(os.urandom(2 * CHUNK + 100))[0])
    _assert_stream_rejected(header + b"".join([*records, records[0]]))
    _assert_stream_rejected(header + b"".join(records) + b"\x00")


def test_stream_from_another_file_spliced_in_fails() -> None:
    header, records = _records(_sealed_stream(os.urandom(2 * CHUNK + 100))[0])
    _, other = _records(_sealed_stream(os.urandom(2 * CHUNK + 100))[0])
    _assert_stream_rejected(header + records[0] + other[1] + records[2])


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_stream_tampered_byte_anywhere_fails(data: st.DataObject) -> None:
    blob, _ = _sealed_stream(bytes(300), chunk_size=100)
    position = data.draw(st.integers(0, len(blob) - 1))
    tampered = bytearray(blob)
    tampered[position] ^= data.draw(st.integers(1, 255))
    _assert_stream_rejected(bytes(tampered))


def test_stream_moved_to_another_evidence_record_fails() -> None:
    blob, _ = _sealed_stream(b"photo")
    with pytest.raises(DecryptionError):
        crypto.open_stream(DEK, io.BytesIO(blob), io.BytesIO(), aad="evidence:k7q2m4xz:f4")


def test_stream_with_wrong_key_or_unknown_version_fails() -> None:
    blob, _ = _sealed_stream(b"photo")
    with pytest.raises(DecryptionError):
        crypto.open_stream(crypto.new_data_key(), io.BytesIO(blob), io.BytesIO(), aad=STREAM_AAD)
    _assert_stream_rejected(blob[:1] + b"\x02" + blob[2:])


def test_stream_header_with_huge_chunk_size_is_refused() -> None:
    blob, _ = _sealed_stream(b"photo")
    forged = blob[:10] + struct.pack(">I", 1 << 31) + blob[14:]
    _assert_stream_rejected(forged)


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._inner.read(min(len(buffer), 7))  # short reads, as from a pipe
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_stream_opens_from_unseekable_source_with_short_reads() -> None:
    data = os.urandom(3 * 1000 + 5)
    blob, digest = _sealed_stream(data, chunk_size=1000)
    out = io.BytesIO()
    assert crypto.open_stream(DEK, _Unseekable(blob), out, aad=STREAM_AAD) == digest  # type: ignore[arg-type]
    assert out.getvalue() == data


# --- Hashing, comparison, codes ---------------------------------------------------------------


def test_hash_chain_is_sha256_of_previous_hash_newline_entry() -> None:
    import hashlib

    entry = crypto.canonical_json({"b": 1, "a": "Әлия"})
    assert entry == '{"a":"Әлия","b":1}'.encode()
    first = crypto.hash_chain("0" * 64, entry)
    assert first == hashlib.sha256(b"0" * 64 + b"\n" + entry).hexdigest()
    assert crypto.hash_chain(first, entry) != first
    assert crypto.hash_chain("0" * 64, entry.replace(b"1", b"2")) != first


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        crypto.canonical_json({"x": float("nan")})


def test_constant_time_equals_compares_str_and_bytes() -> None:
    assert crypto.constant_time_equals("abc", "abc")
    assert crypto.constant_time_equals("Әлия", "Әлия".encode())
    assert not crypto.constant_time_equals(b"abc", b"abd")
    assert not crypto.constant_time_equals("abc", "abcd")


def test_random_code_is_lowercase_base32_with_128_bits() -> None:
    codes = {crypto.random_code() for _ in range(1000)}
    assert len(codes) == 1000
    for code in codes:
        assert len(code) == 26
        assert set(code) <= set("abcdefghijklmnopqrstuvwxyz234567")
    assert len(crypto.random_code(5)) == 8
