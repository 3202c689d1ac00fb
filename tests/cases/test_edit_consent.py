"""Correcting her record's consents has the same effects as the consent form: consent to matching
withdrawn takes her suspects out of matching at once (and consent to network matching, out of the
network), consent to statistics withdrawn takes her case out of the figures from then on."""

from __future__ import annotations

from collections.abc import Callable

from aigaq.accounts.models import User
from aigaq.cases.inputs import SurvivorInput
from aigaq.cases.models import Case
from aigaq.insights.models import CaseFigures
from aigaq.matching.models import MatchAlert, Status, SuspectEncoding
from aigaq.network.models import NetworkSuspect, Tombstone

from ..conftest import client_for
from ..matching.conftest import LATIN, ORAL
from .edit_helpers import edit_post


def test_withdrawing_matching_consent_in_her_record_takes_her_suspects_out_of_matching_at_once(
    alice: User, make_case: Callable[..., Case]
) -> None:
    astana = make_case(alice)
    oral = make_case(alice, incident=ORAL, suspects=[LATIN])
    assert MatchAlert.objects.get().status == Status.OPEN
    response = edit_post(client_for(alice), f"/cases/{oral.code}/survivor/edit/", "survivor", oral.survivor,
                         consent_matching=False)
    assert response.status_code == 302
    assert MatchAlert.objects.get().status == Status.WITHDRAWN
    assert not SuspectEncoding.objects.filter(case=oral).exists()
    assert SuspectEncoding.objects.filter(case=astana).exists()


def test_giving_matching_consent_in_her_record_brings_the_alert_back(
    alice: User, make_case: Callable[..., Case]
) -> None:
    make_case(alice)
    oral = make_case(alice, incident=ORAL, suspects=[LATIN])
    client = client_for(alice)
    url = f"/cases/{oral.code}/survivor/edit/"
    edit_post(client, url, "survivor", oral.survivor, consent_matching=False)
    oral.survivor.refresh_from_db()
    edit_post(client, url, "survivor", oral.survivor, consent_matching=True)
    assert MatchAlert.objects.get().status == Status.OPEN


def test_withdrawing_statistics_consent_in_her_record_takes_the_case_out_of_the_figures(
    alice: User, case: Case
) -> None:
    assert CaseFigures.objects.filter(case_id=case.pk).exists()
    edit_post(client_for(alice), f"/cases/{case.code}/survivor/edit/", "survivor", case.survivor,
              consent_statistics=False)
    assert not CaseFigures.objects.filter(case_id=case.pk).exists()


def test_a_corrected_incident_moves_the_case_in_the_figures(alice: User, case: Case) -> None:
    edit_post(client_for(alice), f"/cases/{case.code}/incident/edit/", "incident", case.incident,
              region="KZ-27", city="oral")
    assert CaseFigures.objects.get(case_id=case.pk).region == "KZ-27"


def test_withdrawing_network_consent_in_her_record_withdraws_her_suspects_from_the_network(
    alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(alice, survivor=SurvivorInput(sex="female", consent_matching=True, consent_network=True))
    ref = NetworkSuspect.objects.get().ref
    edit_post(client_for(alice), f"/cases/{case.code}/survivor/edit/", "survivor", case.survivor,
              consent_network=False)
    assert list(Tombstone.objects.values_list("ref", flat=True)) == [ref]
    assert not NetworkSuspect.objects.exists()
