"""`aigaq network hub remove` (a member's refs deleted, its alerts closed for the other side with
the reason a withdrawn suspect gives, its key refused afterwards) and `aigaq network hub rematch`
(every ref matched again; a second run changes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from aigaq.audit.models import Action, AuditEntry
from aigaq.hub.models import Alert, Encoding, Link, Member
from aigaq.peers.models import Peer

from .conftest import Party, alerts, post, sync, upsert

pytestmark = pytest.mark.urls("aigaq.hub.urls")

P1, P2 = "+77015551234", "+77017770000"


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def three(client: Client, joiner: Callable[..., Party]) -> tuple[Party, Party, Party]:
    """A chain: Almaty–Astana share P1, Astana–Oral share P2 (Almaty–Oral chained)."""
    almaty, astana, oral = joiner("Crisis centre Almaty"), joiner("Astana centre", "Astana"), joiner("Oral network")
    sync(client, almaty, [upsert("a-ref", phone=[P1])])
    sync(client, astana, [upsert("b-ref", phone=[P1, P2])])
    sync(client, oral, [upsert("c-ref", phone=[P2])])
    assert Alert.objects.filter(state="open").count() == 3
    return almaty, astana, oral


def test_removing_a_member_deletes_its_refs_and_closes_its_alerts_neutrally(
        client: Client, three: tuple[Party, Party, Party]) -> None:
    almaty, astana, oral = three
    assert "would remove member" in _run("hub_remove", "Astana centre")  # without --yes: nothing
    assert Encoding.objects.filter(member__code=astana.code).exists()
    out = _run("hub_remove", "Astana centre", "--yes")
    assert f"aigaq network keyservice remove {astana.code}" in out
    assert not Encoding.objects.filter(member__code=astana.code).exists() and not Link.objects.exists()
    for party in (almaty, oral):
        reasons = {a["other_member"]: (a["state"], a["closed_reason"]) for a in alerts(client, party)}
        other = "Oral network" if party is almaty else "Crisis centre Almaty"
        # Its own alert: "withdrawn", as any withdrawn suspect; the chain through it: "no_longer_matches".
        assert reasons == {"Astana centre": ("closed", "withdrawn"), other: ("closed", "no_longer_matches")}
    entry = AuditEntry.objects.filter(action=Action.NETWORK_MEMBER_REMOVED).get()
    assert (entry.organisation_code, entry.extra["refs"]) == (astana.code, 1)
    assert "already removed" in _run("hub_remove", astana.code, "--yes")


def test_a_removed_members_key_is_refused(client: Client, three: tuple[Party, Party, Party]) -> None:
    _, astana, _ = three
    _run("hub_remove", astana.code, "--yes")
    assert not Peer.objects.filter(name=astana.code).exists()
    response = post(client, astana, "/v1/sync", {"batch": "00000000-0000-0000-0000-000000000001",
                                                 "upserts": [upsert("b-ref", 2, phone=[P1])], "deletes": []})
    assert (response.status_code, response.json()) == (401, {"error": "unknown_sender"})
    assert not Encoding.objects.filter(ref="b-ref").exists()


def test_remove_names_the_member_it_cannot_find_or_tell_apart(joiner: Callable[..., Party]) -> None:
    joiner("Twin centre", "Almaty")
    joiner("Twin centre", "Oral")
    with pytest.raises(CommandError, match="several members are named"):
        _run("hub_remove", "Twin centre", "--yes")
    with pytest.raises(CommandError, match="no member with the id or name"):
        _run("hub_remove", "Nobody", "--yes")
    assert not Member.objects.filter(removed_at__isnull=False).exists()


def test_status_lists_the_members_with_their_ids(joiner: Callable[..., Party]) -> None:
    party = joiner("Crisis centre Almaty")
    out = _run("hub_status", "--members")
    assert party.code in out and "Crisis centre Almaty" in out


def test_rematch_rebuilds_what_a_new_model_would_and_a_second_run_changes_nothing(
        client: Client, three: tuple[Party, Party, Party]) -> None:
    almaty, *_ = three
    before = sorted((a["id"], a["strength"], a["chained"]) for a in alerts(client, almaty))
    # As after an upgrade that added chaining: no links, no chained alert yet.
    Link.objects.all().delete()
    Alert.objects.filter(chained=True).delete()
    out = _run("hub_rematch")
    assert "1 opened" in out
    assert sorted((a["strength"], a["chained"]) for a in alerts(client, almaty)) == sorted(s[1:] for s in before)
    assert Link.objects.count() == 2
    assert "0 opened, 0 updated, 0 closed" in _run("hub_rematch")
    entries = AuditEntry.objects.filter(action=Action.NETWORK_REMATCHED).order_by("id")
    assert [e.extra["alerts_opened"] for e in entries] == [1, 0] and entries[0].extra["encodings"] == 3
