"""The coordinators' network alerts page: who sees it, what it shows (never the other side's case),
and her answers reaching the hub at once, with nothing lost when it cannot be reached."""

from __future__ import annotations

import pytest
from django.test import Client

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.network import services
from aigaq.network.models import NetworkAlert, NetworkConfig, NetworkSuspect
from aigaq.network.sync import network_sync
from tests.conftest import client_for

from .conftest import HUB, FakeNetwork, hub_alert

URL = "/network/"


@pytest.fixture
def alert(joined: NetworkConfig, network: FakeNetwork, consenting_case: Case) -> NetworkAlert:
    network_sync()
    network.alerts = [hub_alert(NetworkSuspect.objects.get().ref)]
    network_sync()
    return NetworkAlert.objects.get()


def _page(client: Client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_other_organisation_the_evidence_kinds_and_her_case(
    alert: NetworkAlert, cora: User, consenting_case: Case
) -> None:
    page = _page(client_for(cora))
    assert "Oral crisis centre" in page and "Oral" in page
    assert "93%" in page
    assert "whole name, surname and initial" in page
    assert "2025-05" in page and "2025-11" in page
    assert f'href="/cases/{consenting_case.code}/"' in page
    assert consenting_case.short_code in page
    assert "Жәнібек" not in page, "the page names no suspect"


def test_the_footer_says_truthfully_that_this_page_talks_to_the_hub(alert: NetworkAlert, cora: User) -> None:
    # base.html's footer says nothing on the page is sent anywhere else: not true here.
    page = _page(client_for(cora))
    assert "Nothing on this page is sent anywhere else" not in page
    assert "come from the network's hub" in page


@pytest.mark.parametrize("who", ["alice", "bob", "ann", "olga"])
def test_no_one_but_her_organisations_coordinators_gets_the_page(
    alert: NetworkAlert, who: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert client.post(f"{URL}{alert.code}/decide/", {"decision": "confirmed"}).status_code == 404
    assert NetworkAlert.objects.get().my_decision == ""


def test_someone_signed_out_is_sent_to_sign_in(alert: NetworkAlert) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_before_joining_the_page_says_what_it_is_for_and_how_to_join(network: FakeNetwork, cora: User) -> None:
    page = _page(client_for(cora))
    assert "not in a network yet" in page
    assert "aigaq network join" in page


def test_an_empty_page_says_what_will_appear(joined: NetworkConfig, cora: User) -> None:
    assert "No network alerts yet." in _page(client_for(cora))


def test_the_menu_links_to_it_for_her_coordinators_once_joined(
    network: FakeNetwork, cora: User, alice: User, olga: User
) -> None:
    assert 'href="/network/"' not in client_for(cora).get("/cases/").content.decode()
    services.network_join(hub_url=HUB, invitation="INVITE-1", organisation=cora.membership.organisation,
                          name="Astana centre", city="Astana")
    assert 'href="/network/"' in client_for(cora).get("/cases/").content.decode()
    assert 'href="/network/"' not in client_for(alice).get("/cases/").content.decode()
    assert 'href="/network/"' not in client_for(olga).get("/cases/").content.decode()


def test_confirming_tells_the_hub_at_once_and_is_audited(
    alert: NetworkAlert, cora: User, network: FakeNetwork
) -> None:
    response = client_for(cora).post(f"{URL}{alert.code}/decide/", {"decision": "confirmed"})
    assert response.status_code == 302
    [sent] = network.paths("/v1/alerts/alert1/decision")
    assert sent.body == {"decision": "confirmed"} and sent.sender == "m-astana"
    alert.refresh_from_db()
    assert alert.my_decision == "confirmed"
    entry = AuditEntry.objects.get(action=Action.NETWORK_ALERT_REVIEWED)
    assert entry.object_code == alert.code and entry.extra == {"decision": "confirmed"}
    assert entry.actor_name == "cora"


def test_rejecting_is_sent_as_well(alert: NetworkAlert, cora: User, network: FakeNetwork) -> None:
    client_for(cora).post(f"{URL}{alert.code}/decide/", {"decision": "rejected"})
    assert network.paths("/v1/alerts/alert1/decision")[0].body == {"decision": "rejected"}
    assert NetworkAlert.objects.get().my_decision == "rejected"


def test_a_hub_that_cannot_be_reached_changes_nothing_and_says_so(
    alert: NetworkAlert, cora: User, network: FakeNetwork
) -> None:
    network.down.add(HUB)
    response = client_for(cora).post(f"{URL}{alert.code}/decide/", {"decision": "confirmed"})
    assert response.status_code == 503
    assert "could not be reached" in response.content.decode()
    assert NetworkAlert.objects.get().my_decision == ""
    assert not AuditEntry.objects.filter(action=Action.NETWORK_ALERT_REVIEWED).exists()


def test_a_decision_that_is_not_one_is_refused(alert: NetworkAlert, cora: User, network: FakeNetwork) -> None:
    client_for(cora).post(f"{URL}{alert.code}/decide/", {"decision": "maybe"})
    assert network.paths("/v1/alerts/alert1/decision") == []


def test_an_unknown_alert_is_404(alert: NetworkAlert, cora: User) -> None:
    assert client_for(cora).post(f"{URL}nosuchalert/decide/", {"decision": "confirmed"}).status_code == 404


def _both_confirmed(network: FakeNetwork, **contact: object) -> None:
    network.alerts[0].update(my_decision="confirmed", other_decision="confirmed", contact=contact or None)
    network_sync()


def test_contact_is_offered_only_when_both_sides_confirmed(
    alert: NetworkAlert, cora: User, network: FakeNetwork
) -> None:
    client = client_for(cora)
    assert "Ask for contact" not in _page(client)
    _both_confirmed(network)
    assert "Ask for contact" in _page(client)


def test_asking_for_contact_sends_her_message_and_work_contact(
    alert: NetworkAlert, cora: User, network: FakeNetwork
) -> None:
    _both_confirmed(network)
    client = client_for(cora)
    response = client.post(f"{URL}{alert.code}/contact/", {"message": "Could we talk this week?",
                                                            "contact": "Cora, +7 717 000 00 00"})
    assert response.status_code == 302
    [sent] = network.paths("/v1/alerts/alert1/contact")
    assert sent.body == {"message": "Could we talk this week?", "contact": "Cora, +7 717 000 00 00"}
    alert.refresh_from_db()
    assert (alert.contact_requested_by, alert.contact_state) == ("me", "pending")
    assert alert.contact_mine == "Cora, +7 717 000 00 00"
    assert "+7 717" not in alert.contact_mine_sealed
    assert "Waiting for their answer" in _page(client)
    assert AuditEntry.objects.filter(action=Action.NETWORK_CONTACT_REQUESTED, object_code=alert.code).exists()


def test_a_request_that_cannot_reach_the_hub_keeps_what_she_wrote(
    alert: NetworkAlert, cora: User, network: FakeNetwork
) -> None:
    _both_confirmed(network)
    network.down.add(HUB)
    response = client_for(cora).post(f"{URL}{alert.code}/contact/", {"message": "Could we talk this week?",
                                                                      "contact": "Cora, +7 717 000 00 00"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "Could we talk this week?" in page and "Cora, +7 717 000 00 00" in page
    assert NetworkAlert.objects.get().contact_state == ""


def test_a_request_without_a_contact_is_sent_back_to_her(
    alert: NetworkAlert, cora: User, network: FakeNetwork
) -> None:
    _both_confirmed(network)
    response = client_for(cora).post(f"{URL}{alert.code}/contact/", {"message": "Could we talk?"})
    assert response.status_code == 400
    assert network.paths("/v1/alerts/alert1/contact") == []


def test_asking_before_both_confirmed_sends_nothing(alert: NetworkAlert, cora: User, network: FakeNetwork) -> None:
    client_for(cora).post(f"{URL}{alert.code}/contact/", {"message": "Hello", "contact": "Cora"})
    assert network.paths("/v1/alerts/alert1/contact") == []


def test_accepting_their_request_shares_contacts_both_ways(
    alert: NetworkAlert, cora: User, network: FakeNetwork
) -> None:
    _both_confirmed(network, requested_by="other", message="Shall we talk?", state="pending", other_contact="")
    client = client_for(cora)
    page = _page(client)
    assert "Shall we talk?" in page and "Accept and share my contact" in page
    response = client.post(f"{URL}{alert.code}/contact/answer/",
                           {"answer": "accept", "contact": "Cora, cora@centre.kz"})
    assert response.status_code == 302
    assert network.paths("/v1/alerts/alert1/contact/answer")[0].body == {"accept": True,
                                                                          "contact": "Cora, cora@centre.kz"}
    alert.refresh_from_db()
    assert alert.contact_state == "accepted"
    assert alert.contact_other == "Gulnara, Oral centre, +7 711 000 00 00"
    page = _page(client)
    assert "Gulnara, Oral centre" in page and "cora@centre.kz" in page
    entry = AuditEntry.objects.get(action=Action.NETWORK_CONTACT_ANSWERED)
    assert entry.extra == {"accept": True}


def test_accepting_needs_her_contact(alert: NetworkAlert, cora: User, network: FakeNetwork) -> None:
    _both_confirmed(network, requested_by="other", message="Shall we talk?", state="pending", other_contact="")
    response = client_for(cora).post(f"{URL}{alert.code}/contact/answer/", {"answer": "accept", "contact": ""})
    assert response.status_code == 400
    assert network.paths("/v1/alerts/alert1/contact/answer") == []


def test_declining_shares_nothing(alert: NetworkAlert, cora: User, network: FakeNetwork) -> None:
    _both_confirmed(network, requested_by="other", message="Shall we talk?", state="pending", other_contact="")
    client_for(cora).post(f"{URL}{alert.code}/contact/answer/", {"answer": "decline", "contact": "Cora"})
    assert network.paths("/v1/alerts/alert1/contact/answer")[0].body == {"accept": False, "contact": ""}
    alert.refresh_from_db()
    assert alert.contact_state == "declined" and alert.contact_mine == ""
    assert "was declined" in _page(client_for(cora))


def test_a_closed_alert_says_why_and_offers_no_decision(alert: NetworkAlert, cora: User, network: FakeNetwork) -> None:
    network.alerts[0].update(state="closed", closed_reason="withdrawn")
    network_sync()
    page = _page(client_for(cora))
    assert "left the network" in page
    assert 'value="confirmed"' not in page
    client_for(cora).post(f"{URL}{alert.code}/decide/", {"decision": "confirmed"})
    assert network.paths("/v1/alerts/alert1/decision") == [], "a closed alert is not decided"


def test_the_page_in_kazakh(alert: NetworkAlert, cora: User) -> None:
    cora.language = "kk"
    cora.save()
    client = client_for(cora)
    client.post("/lang/", {"language": "kk", "next": URL})
    page = _page(client)
    assert "Желі ескертулері" in page
    assert "толық аты" in page


def test_a_chained_alert_is_labelled_as_such_in_kazakh_russian_and_english(
    joined: NetworkConfig, network: FakeNetwork, consenting_case: Case, cora: User
) -> None:
    network_sync()
    ref = NetworkSuspect.objects.get().ref
    network.alerts = [hub_alert(ref, id="alert2", chained=True, evidence_kinds=["region"], strength=0.81)]
    network_sync()
    assert NetworkAlert.objects.get().chained
    page = _page(client_for(cora))
    assert "Chained" in page and "through other suspects" in page
    assert "What the two share directly" in page and "region" in page
    for language, label in [("kk", "Тізбекті"), ("ru", "Цепочка")]:
        cora.language = language
        cora.save()
        client = client_for(cora)
        client.post("/lang/", {"language": language, "next": URL})
        assert label in _page(client)


def test_a_direct_alert_carries_no_chained_label(alert: NetworkAlert, cora: User) -> None:
    assert not alert.chained
    page = _page(client_for(cora))
    assert "flag-chained" not in page and "What agreed" in page
