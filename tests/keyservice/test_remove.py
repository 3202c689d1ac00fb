"""`aigaq network keyservice remove MEMBER_ID`: a removed member's evaluations are refused, and the
hub cannot register it again."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from aigaq.audit.models import Action, AuditEntry
from aigaq.lib.crypto import oprf
from aigaq.peers.models import Peer

from .helpers import Party, new_party, post

pytestmark = pytest.mark.urls("aigaq.keyservice.urls")


def _evaluate(client: Client, party: Party) -> object:
    messages = oprf.blind([b"phone:+77015551234"]).messages
    return post(client, "/v1/evaluate", {"blinded": [base64.urlsafe_b64encode(m).decode().rstrip("=")
                                                     for m in messages]}, party=party)


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_removed_members_requests_are_refused_and_audited(client: Client, holder: oprf.KeyHolder,
                                                            member: Party) -> None:
    assert _evaluate(client, member).status_code == 200  # type: ignore[attr-defined]
    assert "removed member m-aq1" in _run("keyservice_remove", member.name)
    answer = _evaluate(client, member)
    assert (answer.status_code, answer.json()) == (401, {"error": "unknown_sender"})  # type: ignore[attr-defined]
    assert not Peer.objects.filter(name=member.name).exists()
    removed = AuditEntry.objects.filter(action=Action.NETWORK_MEMBER_REMOVED).get()
    assert (removed.organisation_code, removed.extra) == (member.name, {"was_registered": True})


def test_the_hub_cannot_register_a_removed_member_again(client: Client, holder: oprf.KeyHolder, hub: Party,
                                                        member: Party) -> None:
    _run("keyservice_remove", member.name)
    again = new_party(member.name, register=False)
    answer = post(client, "/v1/members", {"member": again.name, "public_key": again.public_key}, party=hub)
    assert (answer.status_code, answer.json()) == (403, {"error": "removed"})
    assert not Peer.objects.filter(name=member.name).exists()
    refused = AuditEntry.objects.filter(action=Action.NETWORK_REQUEST_REFUSED).order_by("id").last()
    assert refused is not None and refused.extra["reason"] == "removed"


def test_removing_twice_or_an_unknown_member_is_said_plainly(holder: oprf.KeyHolder, member: Party) -> None:
    _run("keyservice_remove", member.name)
    assert "already removed" in _run("keyservice_remove", member.name)
    assert "was not registered here" in _run("keyservice_remove", "m-unknown")
    assert AuditEntry.objects.filter(action=Action.NETWORK_MEMBER_REMOVED).count() == 2
    with pytest.raises(CommandError, match="not the hub"):
        _run("keyservice_remove", "hub")
