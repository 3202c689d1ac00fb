"""Sealed until he does it again, across the network: a sealed report (choice c) whose survivor
ticked "also look for him in other organisations of the network" is keyed while her data is in
hand and goes up at the sync as tokens only; a hub alert on it asks her, as a match inside the
organisation does, and the coordinator answers it only after her yes. Without the box, nothing
leaves; deleting it, unticking the box or leaving (c) withdraws its ref."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from aigaq.accounts.models import Organisation, User
from aigaq.network import services
from aigaq.network.models import NetworkAlert, NetworkConfig, NetworkReport
from aigaq.network.selectors import network_status
from aigaq.network.sync import network_sync
from aigaq.reports.models import Report
from tests.conftest import client_for
from tests.reports.helpers import ACCOUNT, HIS_NAME, open_with, send_report

from .conftest import KEYSERVICE, FakeNetwork, hub_alert

SEALED = {"choice": "sealed", "contact_way": "none", "contact_details": "", "safe_times": "",
          "his_phones": "+7 701 999 12 34"}
PLAINTEXT = ("Ерлан", "Қасымов", "erlan", "kasymov", "7019991234", "999 12 34", "erlan_k", "123abc02",
             "подъезд", "шрам")


def _uploads(network: FakeNetwork) -> list[dict]:
    return [u for r in network.paths("/v1/sync") for u in r.body["upserts"]]


def _deletes(network: FakeNetwork) -> list[str]:
    return [d["ref"] for r in network.paths("/v1/sync") for d in r.body["deletes"]]


def _no_plaintext(text: str) -> list[str]:
    return [p for p in PLAINTEXT if p.lower() in text.lower()]


def _choices(client: Client, **overrides: str) -> None:
    data = {"choice-choice": "sealed", "choice-network": "on", "choice-contact_way": "none",
            "choice-contact_details": "", "choice-safe_times": "", **overrides}
    data = {k: v for k, v in data.items() if v is not None}
    assert client.post("/report/mine/choice/", data).status_code == 302


@pytest.fixture
def keyed(joined: NetworkConfig, network: FakeNetwork) -> tuple[Client, str]:
    """Her browser, with the report opened, and its receipt code."""
    client, code = send_report(joined.organisation, **SEALED, network="on")
    open_with(client, code)
    return client, code


def test_a_report_with_the_box_goes_up_at_the_sync_as_keyed_tokens_only(
    keyed: tuple[Client, str], network: FakeNetwork
) -> None:
    report = Report.objects.get()
    assert report.network and report.key_wrap == Report.KeyWrap.SURVIVOR
    row = NetworkReport.objects.get()
    assert row.report_code == report.code and row.dirty
    assert row.tokens["phone"] == [network.expected_token("phone", "+77019991234")]
    assert not _no_plaintext(json.dumps(row.tokens, ensure_ascii=False))
    assert len(network.paths("/v1/evaluate")) == 1  # keyed when she sent it
    result = network_sync()
    assert result.ok and result.uploaded == 1
    [upsert] = _uploads(network)
    assert upsert["ref"] == row.ref and upsert["year_month"] == "2025-03" and upsert["region"] == ""
    assert {"phone", "handle", "plate", "name"} <= set(upsert["tokens"])
    assert len(network.paths("/v1/evaluate")) == 1, "the sync decrypts and evaluates nothing of a sealed report"
    wire = json.dumps([r.body for r in network.requests], ensure_ascii=False)
    assert not _no_plaintext(wire), "no plaintext in any request"
    assert not NetworkReport.objects.get().dirty


def test_without_the_box_nothing_is_sent(joined: NetworkConfig, network: FakeNetwork) -> None:
    send_report(joined.organisation, **SEALED)
    assert not Report.objects.get().network
    result = network_sync()
    assert result.ok and result.uploaded == 0
    assert not NetworkReport.objects.exists() and not _uploads(network) and not network.paths("/v1/evaluate")


def test_the_box_counts_only_with_a_sealed_report(joined: NetworkConfig, network: FakeNetwork) -> None:
    send_report(joined.organisation, network="on")  # choice (b)
    assert not Report.objects.get().network and not NetworkReport.objects.exists()


def test_the_box_is_offered_only_when_the_organisation_is_in_a_network(
    network: FakeNetwork, org: Organisation
) -> None:
    assert 'name="network"' not in Client().get(f"/report/{org.code}/").content.decode()
    services.network_join(hub_url="http://hub.test", invitation="INVITE-1", organisation=org, name=org.name,
                          city="Astana")
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/report/{org.code}/").content.decode()
    assert 'name="network"' in page and "Also look for him in other organisations of the network" in page
    assert 'name="network" checked' not in page, "off by default"


def test_a_hub_alert_on_it_marks_it_matched_and_asks_her_and_the_coordinator_answers_after_her_yes(
    keyed: tuple[Client, str], network: FakeNetwork, cora: User
) -> None:
    _, code = keyed
    network_sync()
    network.alerts = [hub_alert(NetworkReport.objects.get().ref, evidence_kinds=["phone"])]
    network_sync()
    report = Report.objects.get()
    assert report.release == Report.Release.ASKED and report.matched_at is not None
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    assert 'id="share-question"' in survivor.get("/report/mine/").content.decode()

    coordinator = client_for(cora)
    alert = NetworkAlert.objects.get()
    page = coordinator.get("/network/").content.decode()
    assert f'id="report-{alert.code}"' in page and "sealed report, not a case" in page
    assert "Oral crisis centre" in page and "phone" in page
    assert ACCOUNT not in page and HIS_NAME not in page
    assert 'value="confirmed"' not in page, "nothing to answer before her yes"
    with pytest.raises(PermissionError):
        services.alert_review(actor=cora, alert=alert, decision="confirmed")
    assert coordinator.post(f"/network/{alert.code}/decide/", {"decision": "confirmed"}).status_code == 302
    assert not [r for r in network.requests if r.path.endswith("/decision")], "nothing sent before her yes"
    assert ACCOUNT not in coordinator.get(f"/report/queue/{report.code}/").content.decode()

    survivor.post("/report/mine/share/", {"answer": "yes"})
    assert ACCOUNT in coordinator.get(f"/report/queue/{report.code}/").content.decode()
    page = coordinator.get("/network/").content.decode()
    assert 'value="confirmed"' in page
    services.alert_review(actor=cora, alert=alert, decision="confirmed")
    assert network.alerts[0]["my_decision"] == "confirmed"


def test_when_she_says_no_the_alert_stays_unanswerable(
    keyed: tuple[Client, str], network: FakeNetwork, cora: User
) -> None:
    client, code = keyed
    network_sync()
    network.alerts = [hub_alert(NetworkReport.objects.get().ref)]
    network_sync()
    open_with(client, code)
    client.post("/report/mine/share/", {"answer": "no"})
    assert Report.objects.get().release == Report.Release.REFUSED
    with pytest.raises(PermissionError):
        services.alert_review(actor=cora, alert=NetworkAlert.objects.get(), decision="confirmed")


def test_deleting_the_report_withdraws_its_ref(keyed: tuple[Client, str], network: FakeNetwork) -> None:
    client, _ = keyed
    network_sync()
    ref = NetworkReport.objects.get().ref
    assert ref in network.stored
    client.post("/report/mine/delete/", {"delete-confirm": "on"})
    assert not Report.objects.exists() and not NetworkReport.objects.exists()
    network_sync()
    assert ref in _deletes(network) and ref not in network.stored


def test_unticking_the_box_withdraws_its_ref(keyed: tuple[Client, str], network: FakeNetwork) -> None:
    client, _ = keyed
    network_sync()
    ref = NetworkReport.objects.get().ref
    _choices(client, **{"choice-network": None})
    assert not Report.objects.get().network and not NetworkReport.objects.exists()
    network_sync()
    assert ref in _deletes(network) and ref not in network.stored


def test_leaving_the_sealed_choice_withdraws_its_ref(keyed: tuple[Client, str], network: FakeNetwork) -> None:
    client, _ = keyed
    network_sync()
    ref = NetworkReport.objects.get().ref
    _choices(client, **{"choice-choice": "record"})
    report = Report.objects.get()
    assert report.choice == "record" and not report.network and not NetworkReport.objects.exists()
    network_sync()
    assert ref in _deletes(network)


def test_ticking_the_box_later_keys_it_then(joined: NetworkConfig, network: FakeNetwork) -> None:
    client, code = send_report(joined.organisation, **SEALED)
    assert not NetworkReport.objects.exists()
    open_with(client, code)
    _choices(client)
    assert Report.objects.get().network and NetworkReport.objects.get().dirty


def test_a_key_service_down_when_she_sends_it_is_tried_again_at_her_next_visit(
    joined: NetworkConfig, network: FakeNetwork
) -> None:
    network.down.add(KEYSERVICE)
    _, code = send_report(joined.organisation, **SEALED, network="on")
    assert Report.objects.get().network and not NetworkReport.objects.exists()
    network.down.clear()
    open_with(Client(HTTP_ACCEPT_LANGUAGE="en"), code)
    assert NetworkReport.objects.get().tokens["phone"]
    open_with(Client(HTTP_ACCEPT_LANGUAGE="en"), code)
    assert len(network.paths("/v1/evaluate")) == 2, "a report already keyed is not keyed again"


def test_leaving_the_network_deletes_its_ref_at_the_hub_and_its_tokens_here(
    keyed: tuple[Client, str], network: FakeNetwork
) -> None:
    network_sync()
    ref = NetworkReport.objects.get().ref
    services.network_leave()
    assert ref in _deletes(network) and not NetworkReport.objects.exists()


def test_status_counts_a_report_waiting_to_go_up(keyed: tuple[Client, str]) -> None:
    assert network_status().pending_uploads == 1
    network_sync()
    assert network_status().pending_uploads == 0
