"""A hub and a key service faked at the wire (`lib.netproto.call`), so the member side is tested on
its own; the real processes talking to each other are the end-to-end test's.

The fake key service holds a real OPRF key and evaluates what it is sent, as the real one does;
the fake hub keeps each ref's newest version, answers deletes, and serves alerts the test writes.
Both check that signed requests come from the member's registered key."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from aigaq.accounts.models import Organisation, User
from aigaq.cases.inputs import SurvivorInput
from aigaq.cases.models import Case
from aigaq.lib import netproto
from aigaq.lib.crypto import oprf
from aigaq.lib.crypto.signing import public_key_of
from aigaq.lib.netproto import Identity, NetworkError
from aigaq.network import services
from aigaq.network.models import NetworkConfig

HUB = "http://hub.test"
HUB2 = "http://hub2.test"  # another hub, for leaving one and joining another
KEYSERVICE = "http://keys.test"
SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Request:
    url: str
    method: str
    path: str
    body: Any
    sender: str


@dataclass
class FakeNetwork:
    key: oprf.KeyHolder = field(default_factory=lambda: oprf.KeyHolder(SEED))
    evaluating_key: oprf.KeyHolder | None = None  # another key: the answers fail the proof
    down: set[str] = field(default_factory=set)  # base URLs that cannot be reached
    refusals: dict[str, NetworkError] = field(default_factory=dict)  # path -> the error it answers
    requests: list[Request] = field(default_factory=list)
    member_key: str = ""  # the public key registered at the join
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)  # ref -> newest upsert
    alerts: list[dict[str, Any]] = field(default_factory=list)
    on_sync: Callable[[], None] | None = None  # runs while the hub handles a sync

    def paths(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def call(self, base_url: str, method: str, path: str, body: Any = None, *,
             identity: Identity | None = None) -> Any:
        # Through the real encoder, as the wire would carry it.
        wire = json.loads(netproto.encode(body)) if body is not None else None
        self.requests.append(Request(base_url, method, path, wire, identity.sender if identity else ""))
        if base_url in self.down:
            raise NetworkError("unreachable")
        if path in self.refusals:
            raise self.refusals[path]
        if path == "/v1/join":
            return self._join(wire)
        assert identity is not None, f"{path} must be signed"
        assert public_key_of(identity.private_key) == self.member_key, "signed with the member's key"
        if base_url == KEYSERVICE and path == "/v1/evaluate":
            holder = self.evaluating_key or self.key
            return {"evaluated": b64(holder.evaluate([unb64(m) for m in wire["blinded"]]))}
        if base_url in {HUB, HUB2}:
            return self._hub(method, path, wire)
        raise AssertionError(f"unexpected request {method} {base_url}{path}")

    def _join(self, body: dict[str, Any]) -> Any:
        if body["invitation"] != "INVITE-1":
            raise NetworkError("bad_invitation", status=400)
        self.member_key = body["public_key"]
        return {"member": "m-astana", "keyservice_url": KEYSERVICE,
                "keyservice_oprf_public_key": b64(self.key.public_key), "hub_public_key": "hub-public-key"}

    def _hub(self, method: str, path: str, body: Any) -> Any:
        if path == "/v1/sync":
            if self.on_sync:
                self.on_sync()
            accepted = 0
            for upsert in body["upserts"]:
                old = self.stored.get(upsert["ref"])
                if old is None or upsert["version"] > old["version"]:
                    self.stored[upsert["ref"]] = upsert
                    accepted += 1
            for delete in body["deletes"]:
                self.stored.pop(delete["ref"], None)
            return {"accepted": accepted, "deleted": len(body["deletes"])}
        if path == "/v1/alerts" and method == "GET":
            return {"alerts": self.alerts}
        alert = next(a for a in self.alerts if path.startswith(f"/v1/alerts/{a['id']}/"))
        if path.endswith("/decision"):
            alert["my_decision"] = body["decision"]
        elif path.endswith("/contact/answer"):
            alert["contact"]["state"] = "accepted" if body["accept"] else "declined"
            if body["accept"]:
                alert["contact"]["other_contact"] = "Gulnara, Oral centre, +7 711 000 00 00"
        elif path.endswith("/contact"):
            alert["contact"] = {"requested_by": "me", "message": body["message"], "state": "pending",
                                "other_contact": ""}
        return {"ok": True}

    def expected_token(self, kind: str, value: str) -> str:
        return oprf.token(self.key.evaluate_known(f"{kind}:{value}".encode()), kind)


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNetwork]:
    fake = FakeNetwork()
    monkeypatch.setattr(netproto, "call", fake.call)
    yield fake


@pytest.fixture
def joined(network: FakeNetwork, org: Organisation) -> NetworkConfig:
    return services.network_join(hub_url=HUB, invitation="INVITE-1", organisation=org, name=org.name, city="Astana")


def hub_alert(ref: str, **overrides: Any) -> dict[str, Any]:
    alert = {
        "id": "alert1", "my_ref": ref, "other_member": "Oral crisis centre", "other_city": "Oral",
        "strength": 0.93, "evidence_kinds": ["name", "name_initial"], "my_year_month": "2025-05",
        "other_year_month": "2025-11", "state": "open", "closed_reason": "", "my_decision": "",
        "other_decision": "", "contact": None,
    }
    alert.update(overrides)
    return alert


@pytest.fixture
def consenting_case(alice: User, make_case: Callable[..., Case]) -> Case:
    """Astana, May 2025: "Жәнібек Сейітов", "8 (701) 555-12-34"; she agreed to network matching."""
    return make_case(alice, survivor=SurvivorInput(sex="female", consent_matching=True, consent_network=True))
