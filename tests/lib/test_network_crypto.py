"""The network's primitives: the OPRF hides inputs yet gives every member the same values under
one key, with a proof; signed requests are refused when altered, expired or signed by another key."""

from __future__ import annotations

import os

import pytest

from aigaq.lib.crypto import oprf, signing


def test_the_oprf_gives_the_same_value_to_every_member_and_depends_on_the_key() -> None:
    holder = oprf.KeyHolder(os.urandom(32))
    first, second = oprf.blind([b"phone:+77015551234"]), oprf.blind([b"phone:+77015551234"])
    assert first.messages != second.messages, "blinding is randomised: the key holder cannot tell they are equal"
    out1 = oprf.finalize(first, holder.evaluate(first.messages), holder.public_key)
    out2 = oprf.finalize(second, holder.evaluate(second.messages), holder.public_key)
    assert out1 == out2 == [holder.evaluate_known(b"phone:+77015551234")]
    other = oprf.KeyHolder(os.urandom(32))
    assert other.evaluate_known(b"phone:+77015551234") != out1[0]


def test_an_answer_made_with_another_key_fails_its_proof() -> None:
    holder, impostor = oprf.KeyHolder(os.urandom(32)), oprf.KeyHolder(os.urandom(32))
    blinded = oprf.blind([b"name:seitov zhanibek", b"plate:123abc02"])
    with pytest.raises(oprf.OprfError):
        oprf.finalize(blinded, impostor.evaluate(blinded.messages), holder.public_key)


def test_malformed_blinded_values_are_an_error_not_a_crash() -> None:
    with pytest.raises(oprf.OprfError):
        oprf.KeyHolder(os.urandom(32)).evaluate([b"not a point"])


def test_tokens_differ_by_purpose() -> None:
    out = oprf.KeyHolder(os.urandom(32)).evaluate_known(b"x")
    assert oprf.token(out, "phone") != oprf.token(out, "handle")
    assert len(oprf.token(out, "phone")) == 32


def _signed(body: bytes = b'{"a":1}', **kw: object) -> tuple[str, dict[str, str]]:
    key = signing.new_signing_key()
    headers = signing.sign_request(private_key=key, sender="m1", method="POST", path="/v1/sync", body=body, **kw)
    return signing.public_key_of(key), headers


def test_a_signed_request_verifies() -> None:
    public, headers = _signed()
    verified = signing.verify_request(public_key=public, headers=headers, method="POST", path="/v1/sync",
                                      body=b'{"a":1}')
    assert verified.sender == "m1" and verified.nonce


@pytest.mark.parametrize(("change", "reason"), [
    ({"body": b'{"a":2}'}, "wrong signature"),
    ({"path": "/v1/alerts"}, "wrong signature"),
    ({"method": "GET"}, "wrong signature"),
])
def test_an_altered_request_is_refused(change: dict[str, object], reason: str) -> None:
    public, headers = _signed()
    call = {"method": "POST", "path": "/v1/sync", "body": b'{"a":1}'} | change
    with pytest.raises(signing.SignatureError, match=reason):
        signing.verify_request(public_key=public, headers=headers, **call)  # type: ignore[arg-type]


def test_a_request_signed_with_another_key_or_too_old_is_refused() -> None:
    _, headers = _signed()
    other = signing.public_key_of(signing.new_signing_key())
    with pytest.raises(signing.SignatureError, match="wrong signature"):
        signing.verify_request(public_key=other, headers=headers, method="POST", path="/v1/sync", body=b'{"a":1}')
    public, old = _signed(now=1_000_000.0)
    with pytest.raises(signing.SignatureError, match="expired"):
        signing.verify_request(public_key=public, headers=old, method="POST", path="/v1/sync", body=b'{"a":1}')


def test_an_unsigned_request_is_refused() -> None:
    with pytest.raises(signing.SignatureError, match="unsigned"):
        signing.verify_request(public_key="x", headers={}, method="POST", path="/", body=b"")
