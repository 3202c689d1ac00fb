"""Every endpoint but /v1/join takes only a member's fresh, correctly signed request; the rest are
refused with 401 and written to the hub's audit log."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable

import pytest
from django.test import Client

from aigaq.audit.models import Action, AuditEntry
from aigaq.hub.models import Encoding
from aigaq.lib.crypto.signing import new_signing_key, public_key_of, sign_request
from aigaq.peers.signed import peer_register

from .conftest import Party, post

pytestmark = pytest.mark.urls("aigaq.hub.urls")

SYNC = json.dumps({"batch": str(uuid.uuid4()), "upserts": [{"ref": "r1", "version": 1}]}).encode()


@pytest.fixture
def member(joiner: Callable[..., Party]) -> Party:
    return joiner("Crisis centre Almaty")


def _refused(response: object, reason: str) -> None:
    assert (response.status_code, response.json()) == (401, {"error": reason})  # type: ignore[attr-defined]
    entry = AuditEntry.objects.filter(action=Action.NETWORK_REQUEST_REFUSED).order_by("id").last()
    assert entry is not None and entry.extra == {"reason": reason}
    assert not Encoding.objects.exists()


@pytest.mark.parametrize("path", ["/v1/sync", "/v1/alerts/x/decision", "/v1/alerts/x/contact",
                                  "/v1/alerts/x/contact/answer"])
def test_an_unsigned_request_is_refused(client: Client, member: Party, path: str) -> None:
    _refused(client.post(path, data=SYNC, content_type="application/json"), "unsigned")


def test_an_unsigned_read_of_alerts_is_refused(client: Client, member: Party) -> None:
    _refused(client.get("/v1/alerts"), "unsigned")


def test_a_request_signed_with_another_key_is_refused(client: Client, member: Party) -> None:
    headers = sign_request(private_key=new_signing_key(), sender=member.code, method="POST", path="/v1/sync",
                           body=SYNC)
    _refused(client.post("/v1/sync", data=SYNC, content_type="application/json", headers=headers), "bad_signature")


def test_a_body_changed_after_signing_is_refused(client: Client, member: Party) -> None:
    headers = member.headers("POST", "/v1/sync", SYNC)
    _refused(client.post("/v1/sync", data=SYNC + b" ", content_type="application/json", headers=headers),
             "bad_signature")


def test_a_replayed_request_is_refused(client: Client, member: Party) -> None:
    headers = member.headers("POST", "/v1/sync", SYNC)
    assert client.post("/v1/sync", data=SYNC, content_type="application/json", headers=headers).status_code == 200
    Encoding.objects.all().delete()
    _refused(client.post("/v1/sync", data=SYNC, content_type="application/json", headers=headers), "replayed")


def test_an_old_request_is_refused(client: Client, member: Party) -> None:
    headers = sign_request(private_key=member.key, sender=member.code, method="POST", path="/v1/sync", body=SYNC,
                           now=time.time() - 3600)
    _refused(client.post("/v1/sync", data=SYNC, content_type="application/json", headers=headers), "expired")


def test_an_unknown_sender_is_refused(client: Client, member: Party) -> None:
    stranger = Party(code="stranger", key=new_signing_key(), name="")
    _refused(post(client, stranger, "/v1/sync", json.loads(SYNC)), "unknown_sender")


def test_a_peer_that_is_not_a_member_is_refused(client: Client, member: Party) -> None:
    # A key this process knows for another reason (the key service's trusted hub shares the
    # peers table in the tests' one database) is no member of the hub.
    key = new_signing_key()
    peer_register(name="hub", public_key=public_key_of(key))
    response = post(client, Party(code="hub", key=key, name=""), "/v1/sync", json.loads(SYNC))
    assert (response.status_code, response.json()) == (401, {"error": "unknown_sender"})
    assert not Encoding.objects.exists()
