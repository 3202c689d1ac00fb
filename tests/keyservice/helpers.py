"""Signing parties and signed requests for the key service's tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from aigaq.lib.crypto.signing import new_signing_key, public_key_of, sign_request
from aigaq.peers.signed import peer_register


@dataclass(frozen=True)
class Party:
    """Someone who signs requests to the key service."""

    name: str
    private_key: bytes

    @property
    def public_key(self) -> str:
        return public_key_of(self.private_key)


def new_party(name: str, *, register: bool = True) -> Party:
    party = Party(name=name, private_key=new_signing_key())
    if register:
        peer_register(name=name, public_key=party.public_key)
    return party


def post(client: Client, path: str, body: Any = None, *, party: Party | None, raw: bytes | None = None,
         **sign: Any) -> Any:
    """A POST signed by `party` (unsigned when None); `sign` goes to sign_request (e.g. `now`)."""
    data = raw if raw is not None else json.dumps(body).encode()
    headers = {} if party is None else sign_request(private_key=party.private_key, sender=party.name,
                                                    method="POST", path=path, body=data, **sign)
    return client.post(path, data=data, content_type="application/json", headers=headers)
