"""A hub in the test database: its signing key in a throw-away data directory, a key service it
knows (its one HTTP call, POST /v1/members, replaced at the netproto boundary), members that
join with invitations, and requests signed by them as the member side would sign them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from aigaq.hub.identity import signing_key_ensure
from aigaq.hub.models import KeyService
from aigaq.hub.services import invitation_issue
from aigaq.lib import netproto
from aigaq.lib.crypto import oprf
from aigaq.lib.crypto.signing import new_signing_key, public_key_of, sign_request

KEYSERVICE_URL = "http://keyservice.invalid"
_HOLDER = oprf.KeyHolder(b"k" * 32)  # a stand-in for the key service's network key


@cache
def tok(kind: str, value: str) -> str:
    """The token a member would send for one plaintext value of one kind."""
    return oprf.token(_HOLDER.evaluate_known(f"{kind}:{value}".encode()), kind)


@dataclass
class KeyServiceCalls:
    """What the hub asked the key service; `fail` makes the next calls fail like an unreachable one."""

    calls: list[tuple[str, str, Any, netproto.Identity | None]] = field(default_factory=list)
    fail: str = ""

    def __call__(self, base_url: str, method: str, path: str, body: Any = None, *,
                 identity: netproto.Identity | None = None) -> Any:
        if self.fail:
            raise netproto.NetworkError(self.fail, status=401 if self.fail == "unknown_sender" else 0)
        self.calls.append((method, path, body, identity))
        assert base_url == KEYSERVICE_URL
        return {"ok": True}


@pytest.fixture
def keyservice_calls(monkeypatch: pytest.MonkeyPatch) -> KeyServiceCalls:
    calls = KeyServiceCalls()
    monkeypatch.setattr(netproto, "call", calls)
    return calls


@pytest.fixture
def hub(db: Any, settings: Any, tmp_path: Path, keyservice_calls: KeyServiceCalls) -> KeyServiceCalls:
    """An initialised hub: signing key, key service known. Returns the key service's call log."""
    settings.DATA_DIR = tmp_path / "hub"
    signing_key_ensure()
    KeyService.objects.create(pk=1, url=KEYSERVICE_URL, oprf_public_key="oprf-key", signing_public_key="sign-key")
    return keyservice_calls


@dataclass
class Party:
    """A member as the hub knows it: its id and its signing key."""

    code: str
    key: bytes
    name: str

    def headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        return sign_request(private_key=self.key, sender=self.code, method=method, path=path, body=body)


def post(client: Client, party: Party | None, path: str, payload: Any) -> Any:
    """A POST signed by `party` (unsigned when None); the response."""
    body = json.dumps(payload).encode()
    headers = party.headers("POST", path, body) if party is not None else {}
    return client.post(path, data=body, content_type="application/json", headers=headers)


def get(client: Client, party: Party, path: str) -> Any:
    return client.get(path, headers=party.headers("GET", path, b""))


def join(client: Client, name: str, city: str = "Almaty") -> Party:
    _, code = invitation_issue(name=name)
    key = new_signing_key()
    response = post(client, None, "/v1/join", {"invitation": code, "name": name, "city": city,
                                               "public_key": public_key_of(key)})
    assert response.status_code == 200, response.content
    return Party(code=response.json()["member"], key=key, name=name)


@pytest.fixture
def joiner(hub: KeyServiceCalls, client: Client) -> Callable[..., Party]:
    return lambda name, city="Almaty": join(client, name, city)


def upsert(ref: str, version: int = 1, *, year_month: str = "2025-05", region: str = "KZ-75",
           **values: list[str]) -> dict[str, Any]:
    """An upsert with the tokens of these plaintext values (kind=[values])."""
    return {"ref": ref, "version": version, "year_month": year_month, "region": region,
            "tokens": {kind: [tok(kind, v) for v in vs] for kind, vs in values.items()}}


def sync(client: Client, party: Party, upserts: Sequence[dict[str, Any]] = (), deletes: Sequence[str] = (),
         batch: str | None = None) -> Any:
    response = post(client, party, "/v1/sync", {"batch": batch or str(uuid.uuid4()), "upserts": list(upserts),
                                                "deletes": [{"ref": r} for r in deletes]})
    assert response.status_code == 200, response.content
    return response.json()


def alerts(client: Client, party: Party) -> list[dict[str, Any]]:
    response = get(client, party, "/v1/alerts")
    assert response.status_code == 200, response.content
    return list(response.json()["alerts"])


@pytest.fixture
def two(joiner: Callable[..., Party]) -> Iterator[tuple[Party, Party]]:
    yield joiner("Crisis centre Almaty", "Almaty"), joiner("Oral network", "Oral")
