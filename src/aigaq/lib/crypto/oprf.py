"""The network's oblivious PRF (RFC 9497, ristretto255-SHA512, verifiable mode), through the
maintained `voprf` package: never our own elliptic-curve arithmetic.

A member blinds its inputs (`blind`), the key service evaluates them under the network key without
learning them (`KeyHolder.evaluate`), and the member unblinds (`finalize`) with a proof that the
same key was used for everyone (the key service's public key, which every member pins when it
joins). The outputs are 64 bytes; `token` turns one into a short keyed value for one purpose.

voprf reports a failed proof or a malformed value as a Rust panic (pyo3's PanicException, which
derives from BaseException, not Exception): every call is wrapped so that callers see OprfError.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import voprf.ristretto as _r

INFO = b"aigaq-network-v1"  # public: binds the key to this protocol version
SEED_BYTES = 32

T = TypeVar("T")


class OprfError(ValueError):
    """A proof did not verify, or a value was not a valid encoding."""


def _guard(call: Callable[[], T]) -> T:
    try:
        return call()
    except Exception as exc:
        raise OprfError(str(exc)) from exc
    except BaseException as exc:  # pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        raise OprfError(str(exc)) from None


@dataclass(frozen=True)
class Blinded:
    """What a member keeps (`state`, secret) and sends (`message`) for one batch of inputs."""

    state: list[Any]
    messages: list[bytes]


def blind(inputs: Sequence[bytes]) -> Blinded:
    def run() -> list[tuple[Any, Any]]:
        return [_r.Client.blind(m) for m in inputs]

    pairs = _guard(run)
    return Blinded(state=[p[0] for p in pairs], messages=[bytes(p[1].serialize()) for p in pairs])


def finalize(blinded: Blinded, evaluated: bytes, public_key: bytes) -> list[bytes]:
    """The OPRF outputs of the blinded inputs, in order; OprfError if the proof does not hold for
    `public_key` (a key service that used another key, or tampered answers)."""
    if not blinded.state:
        return []

    def run() -> list[bytes]:
        output = _r.VerifiableBatchOutput.deserialize(evaluated)
        key = _r.PublicKey.deserialize(public_key)
        return [bytes(b) for b in _r.Client.finalize_batch(blinded.state, output, key)]

    return _guard(run)


class KeyHolder:
    """The key service's side: the network key, from a 32-byte secret seed."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != SEED_BYTES:
            raise ValueError(f"an OPRF seed is {SEED_BYTES} bytes")
        self._evaluator = _r.Evaluator.from_seed(seed, INFO)

    @property
    def public_key(self) -> bytes:
        return bytes(self._evaluator.public_key.serialize())

    def evaluate(self, messages: Sequence[bytes]) -> bytes:
        """One batch answer (evaluated elements and one proof) for the blinded messages."""

        def run() -> bytes:
            inputs = [_r.BlindedInput.deserialize(m) for m in messages]
            return bytes(self._evaluator.evaluate_batch(inputs).serialize())

        return _guard(run)

    def evaluate_known(self, value: bytes) -> bytes:
        """The output for an input the caller knows (tests, benchmarks): never served."""
        return bytes(_guard(lambda: self._evaluator.evaluate_known_input(value)))


def token(output: bytes, purpose: str) -> str:
    """A 128-bit hex token of one OPRF output for one purpose: the hub stores only these."""
    return hashlib.blake2b(output, digest_size=16, person=purpose.encode()[:16]).hexdigest()
