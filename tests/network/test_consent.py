"""Consent to network matching: its own consent, off unless she gives it, never carried over from
the consent to matching inside the organisation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import hooks, services
from aigaq.cases.inputs import SurvivorInput
from aigaq.cases.models import Case, Survivor
from aigaq.network.models import NetworkSuspect
from tests.cases.test_intake import post
from tests.conftest import client_for


@pytest.fixture
def changes() -> Iterator[list[frozenset[str]]]:
    heard: list[frozenset[str]] = []
    saved = list(hooks._consent_changed)
    hooks.on_consent_changed(lambda *, case, changed: heard.append(changed))
    yield heard
    hooks._consent_changed[:] = saved


def test_a_new_case_does_not_take_part_unless_she_agrees(case: Case) -> None:
    assert case.survivor.consent_matching  # the default fixture consents to matching inside the organisation
    assert not case.survivor.consent_network
    assert not NetworkSuspect.objects.exists()


def test_the_intake_form_records_her_consent_to_network_matching(alice: User) -> None:
    post(client_for(alice), **{"survivor-consent_network": "on"})
    case = Case.objects.get()
    assert case.survivor.consent_network
    assert NetworkSuspect.objects.filter(suspect__case=case).count() == 1


def test_the_intake_form_offers_it_among_her_consents(alice: User) -> None:
    page = client_for(alice).get("/cases/new/").content.decode()
    consents = page[page.index('class="consent"'):]
    assert 'name="survivor-consent_network"' in consents
    assert "other organisations may learn that a suspect matches" in consents


def test_the_case_page_shows_it_and_its_form_changes_it(
    alice: User, case: Case, changes: list[frozenset[str]]
) -> None:
    client = client_for(alice)
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert "✗ network matching" in page
    assert 'name="consent-network"' in page
    response = client.post(f"/cases/{case.code}/consent/", {
        "consent-matching": "on", "consent-statistics": "on", "consent-network": "on"})
    assert response.status_code == 302
    case.survivor.refresh_from_db()
    assert case.survivor.consent_network and case.survivor.consent_matching
    assert changes == [frozenset({"network"})]
    assert "✓ network matching" in client.get(f"/cases/{case.code}/").content.decode()
    entry = AuditEntry.objects.filter(action=Action.CASE_CHANGED).latest("id")
    assert entry.extra["consent"]["network"] is True


def test_a_caller_that_does_not_name_it_leaves_it_as_it_is(
    alice: User, make_case: Callable[..., Case], changes: list[frozenset[str]]
) -> None:
    case = make_case(alice, survivor=SurvivorInput(sex="female", consent_network=True))
    services.survivor_consent_update(actor=alice, case=case, services=True, matching=False, statistics=False)
    case.survivor.refresh_from_db()
    assert case.survivor.consent_network
    assert "network" not in changes[-1]
    services.survivor_consent_update(actor=alice, case=case, services=True, matching=False, statistics=False,
                                     network=False)
    case.survivor.refresh_from_db()
    assert not case.survivor.consent_network
    assert changes[-1] == frozenset({"network"})


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_cases_no_consent_to_network_matching(alice: User) -> None:
    """Cases recorded before the network existed: she consented to matching inside the
    organisation, never to the network."""
    executor = MigrationExecutor(connection)
    before = [("network", None), ("cases", "0002_case_keys_to_key_store")]
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before[1:]).apps
        old_case = old.get_model("cases", "Case").objects.create(
            code="oldcase", organisation_id=alice.membership.organisation_id)
        old.get_model("cases", "Survivor").objects.create(case=old_case, pseudonym="S-OLD", consent_matching=True)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    survivor: Any = Survivor.objects.get(case__code="oldcase")
    assert survivor.consent_matching and not survivor.consent_network
