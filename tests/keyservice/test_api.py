"""The key service's API: members' batches are evaluated under the network key (and finalize to
the same outputs a known input gives), only the hub registers members, the hub never evaluates,
and every refusal is an error code, never a crash, with its audit entry."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from django.test import Client

from aigaq.audit.models import Action, AuditEntry
from aigaq.keyservice import keyfiles, wire
from aigaq.keyservice.models import EvaluationCount
from aigaq.lib.crypto import oprf
from aigaq.lib.crypto.signing import public_key_of, sign_request
from aigaq.peers.models import Peer

from .helpers import Party, new_party, post

pytestmark = pytest.mark.urls("aigaq.keyservice.urls")

INPUTS = [b"phone:+77015551234", b"plate:123abc02", b"name:seitov zhanibek"]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("id").last()
    assert entry is not None
    return entry


def test_identity_gives_the_keys_to_pin_without_a_signature(client: Client, holder: oprf.KeyHolder) -> None:
    answer = client.get("/v1/identity")
    assert answer.status_code == 200
    assert answer.json() == {"oprf_public_key": b64(holder.public_key),
                             "signing_public_key": public_key_of(keyfiles.signing_key()),
                             "info": "aigaq-network-v1"}


def test_a_members_batch_finalizes_to_the_outputs_of_its_inputs(client: Client, holder: oprf.KeyHolder,
                                                                member: Party) -> None:
    blinded = oprf.blind(INPUTS)
    answer = post(client, "/v1/evaluate", {"blinded": [b64(m) for m in blinded.messages]}, party=member)
    assert answer.status_code == 200, answer.content
    public_key = unb64(client.get("/v1/identity").json()["oprf_public_key"])
    outputs = oprf.finalize(blinded, unb64(answer.json()["evaluated"]), public_key)
    assert outputs == [holder.evaluate_known(value) for value in INPUTS]
    assert EvaluationCount.objects.get(member=member.name).count == len(INPUTS)
    entry = last_entry()
    assert (entry.action, entry.organisation_code, entry.extra) == (Action.NETWORK_EVALUATED, member.name,
                                                                    {"count": len(INPUTS)})


def test_counts_add_up_over_requests_in_one_hour(client: Client, holder: oprf.KeyHolder, member: Party) -> None:
    for size in (2, 3):
        messages = oprf.blind(INPUTS[:1] * size).messages
        assert post(client, "/v1/evaluate", {"blinded": [b64(m) for m in messages]}, party=member).status_code == 200
    assert EvaluationCount.objects.get(member=member.name).count == 5


def test_the_hub_cannot_evaluate(client: Client, holder: oprf.KeyHolder, hub: Party) -> None:
    messages = oprf.blind(INPUTS).messages
    answer = post(client, "/v1/evaluate", {"blinded": [b64(m) for m in messages]}, party=hub)
    assert (answer.status_code, answer.json()) == (401, {"error": "unknown_sender"})
    assert not EvaluationCount.objects.exists()
    entry = last_entry()
    assert (entry.action, entry.organisation_code, entry.extra) == (Action.NETWORK_REQUEST_REFUSED, "hub",
                                                                    {"reason": "unknown_sender"})


def test_the_hub_registers_members_idempotently_and_they_can_then_evaluate(client: Client, holder: oprf.KeyHolder,
                                                                          hub: Party) -> None:
    newcomer = new_party("m-new", register=False)
    for _ in range(2):
        answer = post(client, "/v1/members", {"member": newcomer.name, "public_key": newcomer.public_key}, party=hub)
        assert (answer.status_code, answer.json()) == (200, {"ok": True})
    assert Peer.objects.get(name=newcomer.name).public_key == newcomer.public_key
    changes = [e.extra["change"] for e in AuditEntry.objects.filter(action=Action.NETWORK_MEMBER_JOINED)]
    assert changes == ["new", "same"]
    messages = oprf.blind(INPUTS).messages
    assert post(client, "/v1/evaluate", {"blinded": [b64(m) for m in messages]}, party=newcomer).status_code == 200
    rotated = new_party("m-new", register=False)
    post(client, "/v1/members", {"member": rotated.name, "public_key": rotated.public_key}, party=hub)
    assert Peer.objects.get(name=newcomer.name).public_key == rotated.public_key
    assert last_entry().extra == {"change": "key_changed"}


def test_a_member_cannot_register_members(client: Client, holder: oprf.KeyHolder, member: Party) -> None:
    intruder = new_party("m-intruder", register=False)
    answer = post(client, "/v1/members", {"member": intruder.name, "public_key": intruder.public_key}, party=member)
    assert (answer.status_code, answer.json()) == (401, {"error": "unknown_sender"})
    assert not Peer.objects.filter(name=intruder.name).exists()
    assert last_entry().action == Action.NETWORK_REQUEST_REFUSED


@pytest.mark.parametrize("body", [
    {"member": "hub", "public_key": "x" * 43},
    {"member": "", "public_key": "x" * 43},
    {"member": "a" * 33, "public_key": "x" * 43},
    {"member": "m/1", "public_key": "x" * 43},
    {"member": "m-1", "public_key": "not a key"},
    {"member": "m-1"},
    ["m-1"],
])
def test_a_bad_registration_is_a_bad_request(client: Client, holder: oprf.KeyHolder, hub: Party, body: Any) -> None:
    answer = post(client, "/v1/members", body, party=hub)
    assert (answer.status_code, answer.json()) == (400, {"error": "bad_request"})
    assert list(Peer.objects.values_list("name", flat=True)) == ["hub"]
    assert last_entry().extra == {"reason": "bad_request", "count": 0}


def _refused(client: Client, member: Party, case: str) -> Any:
    body = json.dumps({"blinded": [b64(m) for m in oprf.blind(INPUTS).messages]}).encode()
    if case == "unknown_sender":
        return post(client, "/v1/evaluate", raw=body, party=new_party("m-stranger", register=False))
    if case == "bad_signature":
        impostor = Party(name=member.name, private_key=new_party("impostor", register=False).private_key)
        return post(client, "/v1/evaluate", raw=body, party=impostor)
    if case == "expired":
        return post(client, "/v1/evaluate", raw=body, party=member, now=time.time() - 1000)
    if case == "unsigned":
        return post(client, "/v1/evaluate", raw=body, party=None)
    headers = sign_request(private_key=member.private_key, sender=member.name, method="POST", path="/v1/evaluate",
                           body=body)
    first = client.post("/v1/evaluate", data=body, content_type="application/json", headers=headers)
    assert first.status_code == 200
    return client.post("/v1/evaluate", data=body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("case", ["unknown_sender", "bad_signature", "expired", "replayed", "unsigned"])
def test_a_request_not_properly_signed_is_refused_and_audited(client: Client, holder: oprf.KeyHolder,
                                                              member: Party, case: str) -> None:
    answer = _refused(client, member, case)
    assert (answer.status_code, answer.json()) == (401, {"error": case})
    assert b"evaluated" not in answer.content
    entry = last_entry()
    assert (entry.action, entry.extra) == (Action.NETWORK_REQUEST_REFUSED, {"reason": case})
    counted = EvaluationCount.objects.filter(member=member.name).first()
    assert (counted.count if counted else 0) == (len(INPUTS) if case == "replayed" else 0)  # the first one only


def test_an_oversized_batch_is_a_bad_request(client: Client, holder: oprf.KeyHolder, member: Party) -> None:
    one = b64(oprf.blind(INPUTS[:1]).messages[0])
    answer = post(client, "/v1/evaluate", {"blinded": [one] * 2001}, party=member)
    assert (answer.status_code, answer.json()) == (400, {"error": "bad_request"})
    assert not EvaluationCount.objects.exists()
    assert post(client, "/v1/evaluate", {"blinded": [one] * 2000}, party=member).status_code == 200


def test_the_batch_limit_is_a_setting(client: Client, holder: oprf.KeyHolder, member: Party, settings: Any) -> None:
    settings.KEYSERVICE_MAX_BATCH = 2
    one = b64(oprf.blind(INPUTS[:1]).messages[0])
    assert post(client, "/v1/evaluate", {"blinded": [one] * 3}, party=member).status_code == 400
    assert post(client, "/v1/evaluate", {"blinded": [one] * 2}, party=member).status_code == 200


NOT_A_POINT = b64(b"\xff" * 32)


@pytest.mark.parametrize("raw", [
    json.dumps({"blinded": [NOT_A_POINT]}).encode(),
    json.dumps({"blinded": ["not base64!"]}).encode(),
    json.dumps({"blinded": [b64(b"short")]}).encode(),
    json.dumps({"blinded": [b64(b"\x01" * 64)]}).encode(),
    json.dumps({"blinded": [7]}).encode(),
    json.dumps({"blinded": []}).encode(),
    json.dumps({"blinded": NOT_A_POINT}).encode(),
    json.dumps([NOT_A_POINT]).encode(),
    b"not json",
    b"\xff\xfe",
])
def test_a_malformed_batch_is_a_bad_request_not_a_crash(client: Client, holder: oprf.KeyHolder, member: Party,
                                                        raw: bytes) -> None:
    answer = post(client, "/v1/evaluate", raw=raw, party=member)
    assert (answer.status_code, answer.json()) == (400, {"error": "bad_request"})
    assert not EvaluationCount.objects.exists()
    entry = last_entry()
    assert (entry.action, entry.organisation_code, entry.extra["reason"]) == (
        Action.NETWORK_REQUEST_REFUSED, member.name, "bad_request")


def test_a_get_is_not_an_evaluation(client: Client, holder: oprf.KeyHolder, db: Any) -> None:
    assert client.get("/v1/evaluate").status_code == 405
    assert client.post("/v1/identity").status_code == 405
    assert not AuditEntry.objects.exists()


def test_the_audit_log_holds_counts_never_values(client: Client, holder: oprf.KeyHolder, member: Party) -> None:
    messages = oprf.blind(INPUTS).messages
    answer = post(client, "/v1/evaluate", {"blinded": [b64(m) for m in messages]}, party=member)
    logged = json.dumps([e.extra for e in AuditEntry.objects.all()])
    for text in [*(b64(m) for m in messages), answer.json()["evaluated"][:40], *(v.decode() for v in INPUTS)]:
        assert text not in logged


def test_wire_reads_back_what_it_writes() -> None:
    assert wire.unb64(wire.b64(b"\x00" * 32), size=32) == b"\x00" * 32
