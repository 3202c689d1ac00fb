"""POST /v1/join: a good invitation makes a member (registered at the key service first); a used,
expired or wrong one is refused; a key service that cannot be reached leaves nothing done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aigaq.audit.models import Action, AuditEntry
from aigaq.hub import services
from aigaq.hub.errors import HubError
from aigaq.hub.identity import SENDER, hub_public_key
from aigaq.hub.models import Invitation, Member
from aigaq.hub.services import invitation_issue
from aigaq.lib.crypto.signing import new_signing_key, public_key_of
from aigaq.peers.models import Peer

from .conftest import KEYSERVICE_URL, KeyServiceCalls, post

pytestmark = pytest.mark.urls("aigaq.hub.urls")


def _join(client: Client, code: str, key: bytes | None = None, **extra: Any) -> Any:
    body = {"invitation": code, "name": "Whatever it calls itself", "city": "Oral",
            "public_key": public_key_of(key or new_signing_key())} | extra
    return post(client, None, "/v1/join", body)


def test_a_good_invitation_makes_a_member_registered_at_the_key_service(hub: KeyServiceCalls, client: Client) -> None:
    invitation, code = invitation_issue(name="Oral network")
    key = new_signing_key()
    response = _join(client, code, key)
    assert response.status_code == 200
    answer = response.json()
    member = Member.objects.get(code=answer["member"])
    assert answer == {"member": member.code, "keyservice_url": KEYSERVICE_URL,
                      "keyservice_oprf_public_key": "oprf-key", "hub_public_key": hub_public_key()}
    # The name others see is the one the hub invited, not the one the joiner gave itself.
    assert (member.name, member.city) == ("Oral network", "Oral")
    assert Peer.objects.get(name=member.code).public_key == public_key_of(key)
    [(method, path, body, identity)] = hub.calls
    assert (method, path, body) == ("POST", "/v1/members", {"member": member.code, "public_key": public_key_of(key)})
    assert identity is not None and identity.sender == SENDER
    invitation.refresh_from_db()
    assert invitation.used_at is not None and invitation.member == member
    entry = AuditEntry.objects.get(action=Action.NETWORK_MEMBER_JOINED)
    assert entry.organisation_code == member.code


def test_an_invitation_works_once(hub: KeyServiceCalls, client: Client) -> None:
    _, code = invitation_issue(name="Oral network")
    assert _join(client, code).status_code == 200
    again = _join(client, code)
    assert (again.status_code, again.json()) == (400, {"error": "bad_invitation"})
    assert Member.objects.count() == 1 and len(hub.calls) == 1


def test_an_expired_invitation_is_refused(hub: KeyServiceCalls, client: Client) -> None:
    invitation, code = invitation_issue(name="Oral network")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _join(client, code)
    assert (response.status_code, response.json()) == (400, {"error": "bad_invitation"})
    assert not Member.objects.exists() and not hub.calls


def test_a_wrong_invitation_is_refused_and_audited(hub: KeyServiceCalls, client: Client) -> None:
    invitation_issue(name="Oral network")
    response = _join(client, "not-the-code")
    assert (response.status_code, response.json()) == (400, {"error": "bad_invitation"})
    entry = AuditEntry.objects.get(action=Action.NETWORK_REQUEST_REFUSED)
    assert entry.extra == {"reason": "bad_invitation"}
    assert not Member.objects.exists() and not Peer.objects.exists()


@pytest.mark.parametrize("failure", ["unreachable", "unknown_sender"])
def test_a_key_service_that_does_not_register_leaves_the_invitation_unused(
        hub: KeyServiceCalls, client: Client, failure: str) -> None:
    invitation, code = invitation_issue(name="Oral network")
    hub.fail = failure
    response = _join(client, code)
    assert (response.status_code, response.json()) == (503, {"error": "unavailable"})
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert not Member.objects.exists() and not Peer.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.NETWORK_MEMBER_JOINED).exists()
    hub.fail = ""
    assert _join(client, code).status_code == 200, "the same invitation works once the key service is back"


def test_a_hub_without_a_key_service_cannot_take_members(db: Any, client: Client,
                                                         keyservice_calls: KeyServiceCalls) -> None:
    _, code = invitation_issue(name="Oral network")
    response = _join(client, code)
    assert (response.status_code, response.json()) == (503, {"error": "unavailable"})
    assert not keyservice_calls.calls


def test_a_hub_without_its_signing_key_cannot_take_members(hub: KeyServiceCalls, client: Client,
                                                           settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path / "elsewhere"
    _, code = invitation_issue(name="Oral network")
    response = _join(client, code)
    assert (response.status_code, response.json()) == (503, {"error": "unavailable"})
    assert not hub.calls


@pytest.mark.parametrize("change", [
    {"public_key": "not a key"}, {"public_key": "A" * 42}, {"city": 7}, {"invitation": ""}, {"name": ["x"]},
])
def test_a_malformed_join_is_a_bad_request(hub: KeyServiceCalls, client: Client, change: dict[str, Any]) -> None:
    _, code = invitation_issue(name="Oral network")
    response = _join(client, code, **change)
    assert (response.status_code, response.json()) == (400, {"error": "bad_request"})
    assert not Member.objects.exists()


def test_a_body_that_is_not_json_is_a_bad_request(hub: KeyServiceCalls, client: Client) -> None:
    response = client.post("/v1/join", data=b"\xff{", content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"error": "bad_request"})
    assert client.get("/v1/join").status_code == 405


def test_of_two_joins_racing_with_one_invitation_only_one_becomes_a_member(hub: KeyServiceCalls,
                                                                          client: Client) -> None:
    invitation, code = invitation_issue(name="Oral network")
    assert _join(client, code).status_code == 200
    # The other join had checked the invitation and registered at the key service before this one wrote.
    with pytest.raises(HubError) as refused:
        services._member_create(invitation_id=invitation.pk, code="late", city="Oral",
                                public_key=public_key_of(new_signing_key()))
    assert refused.value.code == "bad_invitation"
    assert Member.objects.count() == 1 and not Peer.objects.filter(name="late").exists()
