"""`network_sync`: only keyed tokens leave, a key service with another key is caught, and a hub that
is down loses nothing: what was not accepted goes at the next run, once."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import replace

from django.core.management import call_command

from aigaq.accounts.models import Organisation, User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import erasure, services
from aigaq.cases.inputs import SurvivorInput, SuspectInput
from aigaq.cases.models import Case, Survivor
from aigaq.lib.crypto import oprf
from aigaq.lib.netproto import NetworkError
from aigaq.network import queue
from aigaq.network import services as network_services
from aigaq.network.models import NetworkAlert, NetworkConfig, NetworkSuspect, Tombstone
from aigaq.network.sync import network_sync
from tests.conftest import make_user

from .conftest import HUB, KEYSERVICE, OTHER_SEED, FakeNetwork, hub_alert

PLAINTEXT = ("Жәнібек", "Сейітов", "zhanibek", "seitov", "7015551234", "555-12-34", "5551234")


def _uploads(network: FakeNetwork) -> list[dict]:
    return [u for r in network.paths("/v1/sync") for u in r.body["upserts"]]


def _deletes(network: FakeNetwork) -> list[str]:
    return [d["ref"] for r in network.paths("/v1/sync") for d in r.body["deletes"]]


def test_without_joining_nothing_is_sent(network: FakeNetwork, consenting_case: Case) -> None:
    result = network_sync()
    assert not result.joined and not result.ok
    assert network.requests == []


def test_a_consenting_suspect_goes_up_as_tokens_only(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    result = network_sync()
    assert result.ok and result.uploaded == 1
    [upsert] = _uploads(network)
    row = NetworkSuspect.objects.get()
    assert upsert["ref"] == row.ref and upsert["version"] == row.version
    assert upsert["year_month"] == "2025-05" and upsert["region"] == "KZ-71"
    assert set(upsert) == {"ref", "version", "year_month", "region", "tokens"}
    assert {"phone", "name", "name_initial"} <= set(upsert["tokens"])
    for tokens in upsert["tokens"].values():
        assert tokens and all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)
    assert upsert["tokens"]["phone"] == [network.expected_token("phone", "+77015551234")]
    wire = json.dumps([r.body for r in network.requests], ensure_ascii=False).lower()
    assert not [p for p in PLAINTEXT if p.lower() in wire], "no plaintext in any request"
    assert not NetworkSuspect.objects.get().dirty


def test_evaluations_are_blinded_and_signed_by_the_member(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    network_sync()
    [evaluate] = network.paths("/v1/evaluate")
    assert evaluate.url == KEYSERVICE and evaluate.sender == "m-astana"
    assert len(evaluate.body["blinded"]) == sum(len(t) for t in _uploads(network)[0]["tokens"].values())
    assert all(r.sender == "m-astana" for r in network.requests if r.path != "/v1/join")


def test_a_key_service_answering_with_another_key_fails_the_proof_and_nothing_is_marked_clean(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    network.evaluating_key = oprf.KeyHolder(OTHER_SEED)
    result = network_sync()
    assert result.error == "bad_proof" and result.uploaded == 0
    assert NetworkSuspect.objects.get().dirty
    assert _uploads(network) == [], "nothing reaches the hub"
    config = NetworkConfig.objects.get()
    assert config.last_error == "bad_proof" and config.last_sync_at is None


def test_a_hub_that_is_down_loses_nothing_and_the_next_sync_sends_it(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    network.down.add(HUB)
    result = network_sync()
    assert result.error == "unreachable" and not result.ok
    assert NetworkSuspect.objects.get().dirty
    assert NetworkConfig.objects.get().last_error == "unreachable"
    network.down.clear()
    assert network_sync().ok
    assert len(network.stored) == 1
    assert not NetworkSuspect.objects.get().dirty
    assert NetworkConfig.objects.get().last_error == ""


def test_a_sync_with_nothing_new_sends_nothing_again(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    network_sync()
    network.requests.clear()
    result = network_sync()
    assert result.ok and result.uploaded == 0 and result.deleted == 0
    assert [r.path for r in network.requests] == ["/v1/alerts"]


def test_a_changed_suspect_goes_again_with_a_higher_version(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case, alice: User
) -> None:
    network_sync()
    first = NetworkSuspect.objects.get().version
    services.suspect_update(actor=alice, suspect=(_s := consenting_case.suspects.get()),
        data=replace(SuspectInput.of(_s), phones="+7 702 111 22 33"), version=_s.version)
    network_sync()
    stored = network.stored[NetworkSuspect.objects.get().ref]
    assert stored["version"] > first
    assert stored["tokens"]["phone"] == [network.expected_token("phone", "+77021112233")]


def test_a_change_made_while_syncing_is_sent_at_the_next_run(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    sent = NetworkSuspect.objects.get().version
    network.on_sync = lambda: queue.suspects_enqueue(consenting_case.suspects.all())
    network_sync()
    row = NetworkSuspect.objects.get()
    assert row.dirty and row.version > sent, "the hub got the first version; the newer one is still to go"
    network.on_sync = None
    network_sync()
    assert network.stored[row.ref]["version"] == row.version
    assert not NetworkSuspect.objects.get().dirty


def test_withdrawing_consent_sends_a_delete(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case, alice: User
) -> None:
    network_sync()
    ref = NetworkSuspect.objects.get().ref
    services.survivor_consent_update(actor=alice, case=consenting_case, services=False, matching=True,
                                     statistics=True, network=False)
    result = network_sync()
    assert result.deleted == 1 and _deletes(network) == [ref]
    assert network.stored == {} and not Tombstone.objects.exists()


def test_erasing_a_case_sends_a_delete(
    joined: NetworkConfig, network: FakeNetwork, cora: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(cora, survivor=SurvivorInput(sex="female", consent_network=True))
    network_sync()
    ref = NetworkSuspect.objects.get().ref
    erasure.case_erase(actor=cora, case=case)
    network_sync()
    assert _deletes(network) == [ref] and network.stored == {}


def test_a_delete_the_hub_did_not_get_is_sent_at_the_next_run(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case, alice: User
) -> None:
    network_sync()
    services.survivor_consent_update(actor=alice, case=consenting_case, services=False, matching=True,
                                     statistics=True, network=False)
    network.down.add(HUB)
    assert network_sync().error == "unreachable"
    assert Tombstone.objects.count() == 1
    network.down.clear()
    assert network_sync().deleted == 1
    assert network.stored == {}


def test_a_rate_limit_stops_the_run_and_says_when_to_retry(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    network.refusals["/v1/evaluate"] = NetworkError("rate_limited", status=429, retry_after=120)
    result = network_sync()
    assert result.error == "rate_limited" and result.retry_after == 120
    assert NetworkSuspect.objects.get().dirty


def test_cases_without_network_consent_and_other_organisations_stay_out(
    joined: NetworkConfig, network: FakeNetwork, case: Case, other_org: Organisation, make_case: Callable[..., Case]
) -> None:
    olga = make_user("olga", other_org, "coordinator")
    make_case(olga, survivor=SurvivorInput(sex="female", consent_network=True))
    assert network_sync().uploaded == 0
    assert _uploads(network) == []


def test_suspects_enrolled_before_joining_go_at_the_first_sync(
    network: FakeNetwork, consenting_case: Case, org: Organisation
) -> None:
    network_services.network_join(hub_url=HUB, invitation="INVITE-1", organisation=org, name="A", city="Astana")
    assert network_sync().uploaded == 1


def test_a_suspect_with_nothing_to_key_is_deleted_at_the_hub(
    joined: NetworkConfig, network: FakeNetwork, alice: User, make_case: Callable[..., Case]
) -> None:
    make_case(alice, survivor=SurvivorInput(sex="female", consent_network=True),
              suspects=[SuspectInput(description="tall, a scar on the left hand")])
    result = network_sync()
    assert result.uploaded == 1 and _uploads(network) == []
    assert _deletes(network) == [NetworkSuspect.objects.get().ref]
    assert not NetworkSuspect.objects.get().dirty


def test_consent_written_around_the_hooks_is_still_followed(
    joined: NetworkConfig, network: FakeNetwork, case: Case
) -> None:
    # Bulk updates (an import, a data fix) call no hook: the sync still enrols, then withdraws him.
    Survivor.objects.update(consent_network=True)
    assert network_sync().uploaded == 1
    ref = NetworkSuspect.objects.get().ref
    Survivor.objects.update(consent_network=False)
    network_sync()
    assert _deletes(network) == [ref] and network.stored == {}


def test_sync_all_sends_every_suspect_again(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    network_sync()
    first = NetworkSuspect.objects.get().version
    call_command("network_sync", "--all", stdout=io.StringIO())
    assert len(_uploads(network)) == 2
    assert network.stored[NetworkSuspect.objects.get().ref]["version"] > first


def test_alerts_are_stored_and_updated(joined: NetworkConfig, network: FakeNetwork, consenting_case: Case) -> None:
    network_sync()
    ref = NetworkSuspect.objects.get().ref
    network.alerts = [hub_alert(ref)]
    assert network_sync().new_alerts == 1
    alert = NetworkAlert.objects.get()
    assert (alert.other_member, alert.other_city, alert.strength) == ("Oral crisis centre", "Oral", 0.93)
    assert alert.evidence_kinds == ["name", "name_initial"] and alert.my_ref == ref
    network.alerts[0].update(other_decision="confirmed", contact={
        "requested_by": "other", "message": "Could we talk?", "state": "pending", "other_contact": ""})
    result = network_sync()
    assert result.new_alerts == 0 and result.alerts == 1
    alert.refresh_from_db()
    assert alert.other_decision == "confirmed"
    assert (alert.contact_requested_by, alert.contact_state, alert.contact_message) == ("other", "pending",
                                                                                        "Could we talk?")
    assert "Could we talk" not in alert.contact_message_sealed, "sealed at rest"


def test_a_malformed_alert_from_the_hub_is_an_error_not_a_crash(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    network.alerts = [hub_alert("ref", strength="high")]
    assert network_sync().error == "bad_answer"
    assert not NetworkAlert.objects.exists()


def test_each_run_that_did_something_is_audited_with_counts_only(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case
) -> None:
    network_sync()
    network_sync()  # nothing to do: no entry
    network.down.add(HUB)
    network_sync()
    network_sync()  # the same error again: no entry
    entries = list(AuditEntry.objects.filter(action=Action.NETWORK_SYNCED).order_by("id"))
    assert [e.extra["uploaded"] for e in entries] == [1, 0]
    assert [e.extra["error"] for e in entries] == ["", "unreachable"]
    assert set(entries[0].extra) == {"deleted", "uploaded", "alerts", "new_alerts", "error"}
    assert entries[0].organisation_code == joined.organisation.code
