"""Leaving a hub and joining another (key rotation, docs/network.md): `aigaq network leave` asks the
hub to delete every ref first, `join --rejoin` moves at once; either way the old hub's alerts close
here, every consenting suspect is queued again under a new ref, and `join` works again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.lib.crypto.signing import public_key_of
from aigaq.network.models import NetworkAlert, NetworkConfig, NetworkSuspect, Tombstone
from aigaq.network.sync import network_sync

from .conftest import HUB, HUB2, FakeNetwork, hub_alert

NEW_HUB = HUB2


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def synced(joined: NetworkConfig, network: FakeNetwork, consenting_case: Case) -> str:
    """One consenting suspect at the hub, with an open alert: his ref."""
    network_sync()
    ref = NetworkSuspect.objects.get().ref
    network.alerts = [hub_alert(ref)]
    network_sync()
    assert not NetworkSuspect.objects.get().dirty and NetworkAlert.objects.get().state == "open"
    return ref


def test_leave_deletes_every_ref_at_the_hub_then_forgets_the_membership(network: FakeNetwork, synced: str) -> None:
    out = run("network_leave")
    assert "left the network" in out and "1 consenting suspects are queued" in out
    [sync] = [r for r in network.paths("/v1/sync") if r.body["deletes"]]
    assert sync.body["deletes"] == [{"ref": synced}] and network.stored == {}
    assert NetworkConfig.current() is None
    row = NetworkSuspect.objects.get()
    assert row.dirty and row.ref != synced, "queued again under a ref the old hub never saw"
    alert = NetworkAlert.objects.get()
    assert (alert.state, alert.closed_reason) == ("closed", "left")
    entry = AuditEntry.objects.filter(action=Action.NETWORK_LEFT).get()
    assert entry.extra == {"member": "m-astana", "hub_told": True, "deleted": 1, "queued": 1}


def test_join_works_again_after_leaving_and_sends_every_suspect_to_the_new_hub(
        network: FakeNetwork, synced: str) -> None:
    run("network_leave")
    network.stored.clear()
    run("network_join", NEW_HUB, "INVITE-1", "--city", "Astana")
    config = NetworkConfig.objects.get()
    assert config.hub_url == NEW_HUB and public_key_of(config.identity().private_key) == network.member_key
    network.alerts = []
    network_sync()
    new_ref = NetworkSuspect.objects.get().ref
    assert list(network.stored) == [new_ref] and new_ref != synced
    assert not NetworkSuspect.objects.get().dirty


def test_leave_with_the_hub_down_changes_nothing(network: FakeNetwork, synced: str) -> None:
    network.down.add(HUB)
    with pytest.raises(CommandError, match="nothing changed"):
        run("network_leave")
    assert NetworkConfig.current() is not None and NetworkSuspect.objects.get().ref == synced
    assert not AuditEntry.objects.filter(action=Action.NETWORK_LEFT).exists()


def test_leave_offline_does_not_contact_the_hub_and_names_the_member_to_remove(
        network: FakeNetwork, synced: str) -> None:
    network.down.add(HUB)
    out = run("network_leave", "--offline")
    assert "aigaq network hub remove m-astana" in out
    assert NetworkConfig.current() is None and NetworkSuspect.objects.get().dirty
    assert not Tombstone.objects.exists()


def test_join_while_a_member_points_to_leave_and_rejoin(joined: NetworkConfig) -> None:
    with pytest.raises(CommandError, match="--rejoin"):
        run("network_join", NEW_HUB, "INVITE-1", "--city", "Astana")
    assert NetworkConfig.objects.get().hub_url == HUB


def test_rejoin_moves_to_the_new_hub_with_every_row_marked_dirty(network: FakeNetwork, synced: str) -> None:
    old_key = NetworkConfig.objects.get().identity().private_key
    out = run("network_join", NEW_HUB, "INVITE-1", "--city", "Astana", "--rejoin")
    assert "queued for the new hub" in out
    config = NetworkConfig.objects.get()
    assert config.hub_url == NEW_HUB and config.identity().private_key != old_key, "a new signing key"
    row = NetworkSuspect.objects.get()
    assert row.dirty and row.ref != synced
    assert NetworkAlert.objects.get().closed_reason == "left"
    assert not [r for r in network.paths("/v1/sync") if r.url == HUB and r.body["deletes"]], \
        "the old hub is not told"
    joined = AuditEntry.objects.filter(action=Action.NETWORK_JOINED).order_by("id").last()
    assert joined is not None and joined.extra["rejoined"] is True
    assert AuditEntry.objects.filter(action=Action.NETWORK_LEFT).get().extra["hub_told"] is False


def test_a_failed_rejoin_keeps_the_old_membership(network: FakeNetwork, synced: str) -> None:
    with pytest.raises(CommandError):
        run("network_join", NEW_HUB, "WRONG", "--city", "Astana", "--rejoin")
    assert NetworkConfig.objects.get().hub_url == HUB and NetworkSuspect.objects.get().ref == synced


def test_leave_before_joining_says_so(network: FakeNetwork, db: object) -> None:
    with pytest.raises(CommandError, match="not a member"):
        run("network_leave")
