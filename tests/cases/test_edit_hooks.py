"""A correction tells the feature apps what they need, through cases/hooks.py: matching hears of a
suspect whose matching inputs may have changed, insights of a case whose figures may have."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.inputs import CostInput, IncidentInput, SurvivorInput, WitnessInput
from aigaq.cases.models import Case

from ..conftest import client_for
from .edit_helpers import edit_post


def test_a_new_incident_place_or_date_matches_each_of_the_cases_suspects_again(
    heard: list[tuple[str, Any]], alice: User, case: Case
) -> None:
    suspect = case.suspects.get()
    heard.clear()
    services.incident_update(actor=alice, incident=case.incident, version=1,
                             data=dataclasses.replace(IncidentInput.of(case.incident), city="", region="KZ-27"))
    assert heard == [("suspect", suspect.code), ("case", case.code)]


def test_a_corrected_account_of_the_incident_does_not_match_his_suspects_again(
    heard: list[tuple[str, Any]], alice: User, case: Case
) -> None:
    heard.clear()
    services.incident_update(actor=alice, incident=case.incident, version=1,
                             data=dataclasses.replace(IncidentInput.of(case.incident), account="Басқаша"))
    assert heard == [("case", case.code)]


def test_corrected_consents_tell_which_consents_changed(
    heard: list[tuple[str, Any]], alice: User, case: Case
) -> None:
    heard.clear()
    services.survivor_update(actor=alice, survivor=case.survivor, version=1, data=dataclasses.replace(
        SurvivorInput.of(case.survivor), consent_matching=False, consent_network=True))
    assert heard == [("consent", ("matching", "network")), ("case", case.code)]


def test_a_corrected_cost_changes_the_figures_and_a_witness_does_not(
    heard: list[tuple[str, Any]], alice: User, case: Case
) -> None:
    cost = services.cost_add(actor=alice, case=case, data=CostInput(
        kind="travel", amount=Decimal(2000), payer="survivor", paid_on=dt.date(2025, 5, 6)))
    witness = services.witness_add(actor=alice, case=case, data=WitnessInput(name="Дана"))
    heard.clear()
    services.witness_update(actor=alice, witness=witness, data=WitnessInput(name="Дана С."), version=1)
    assert heard == []
    services.cost_update(actor=alice, cost=cost, version=1,
                         data=dataclasses.replace(CostInput.of(cost), amount=Decimal(2500)))
    assert heard == [("case", case.code)]


def test_a_consent_changed_on_the_case_page_makes_an_open_edit_form_stale(alice: User, case: Case) -> None:
    """Otherwise saving her record, opened before, would silently undo the consent change."""
    loaded = case.survivor
    client = client_for(alice)
    client.post(f"/cases/{case.code}/consent/", {"consent-statistics": "on"})  # matching withdrawn
    response = edit_post(client, f"/cases/{case.code}/survivor/edit/", "survivor", loaded, contact="SMS")
    assert response.status_code == 409
    case.survivor.refresh_from_db()
    assert case.survivor.consent_matching is False and case.survivor.contact == ""
