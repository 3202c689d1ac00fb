"""Two people correcting the same record at once: the second save, made from the version both
loaded, is refused with a clear message and her input kept, never a silent last-write-wins."""

from __future__ import annotations

import dataclasses

import pytest

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import services
from aigaq.cases.forms import edit_initial
from aigaq.cases.inputs import SurvivorInput, SuspectInput, WitnessInput
from aigaq.cases.models import Case

from ..conftest import client_for
from ..protection.helpers import step_up_session
from .edit_helpers import as_posted


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_her_input(
    alice: User, cora: User, case: Case
) -> None:
    url = f"/cases/{case.code}/survivor/edit/"
    loaded = edit_initial(case.survivor)  # both open the form at version 1
    first, second = client_for(cora), client_for(alice)
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200
    assert first.post(url, as_posted("survivor", {**loaded, "contact": "Call her sister"})).status_code == 302
    response = second.post(url, as_posted("survivor", {**loaded, "pseudonym": "Aru", "contact": "Only SMS"}))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record while you were correcting it" in page
    assert 'value="Aru"' in page and "Only SMS" in page  # her input, kept
    assert 'name="survivor-version" value="2"' in page  # saving again is now her choice
    assert "cora · corrected the survivor&#x27;s record: contact details" in page
    case.survivor.refresh_from_db()
    assert (case.survivor.contact, case.survivor.version) == ("Call her sister", 2)
    assert AuditEntry.objects.filter(action=Action.SURVIVOR_CHANGED).count() == 1


def test_after_the_refusal_saving_again_keeps_her_correction(alice: User, cora: User, case: Case) -> None:
    url = f"/cases/{case.code}/survivor/edit/"
    loaded = edit_initial(case.survivor)
    client_for(cora).post(url, as_posted("survivor", {**loaded, "contact": "Call her sister"}))
    refused = client_for(alice).post(url, as_posted("survivor", {**loaded, "contact": "Only SMS"}))
    assert refused.status_code == 409
    again = client_for(alice).post(url, as_posted("survivor", {**loaded, "contact": "Only SMS", "version": 2}))
    assert again.status_code == 302
    case.survivor.refresh_from_db()
    assert (case.survivor.contact, case.survivor.version) == ("Only SMS", 3)


def test_a_stale_suspect_save_changes_neither_him_nor_his_matching(alice: User, cora: User, case: Case) -> None:
    suspect = case.suspects.get()
    url = f"/cases/{case.code}/suspects/{suspect.code}/edit/"
    loaded = edit_initial(suspect)
    assert step_up_session(client_for(cora)).post(
        url, as_posted("suspect", {**loaded, "approx_age": 35})).status_code == 302
    response = step_up_session(client_for(alice)).post(
        url, as_posted("suspect", {**loaded, "full_name": "Ерлан Омаров"}))
    assert response.status_code == 409
    suspect.refresh_from_db()
    assert (suspect.full_name, suspect.approx_age, suspect.version) == ("Жәнібек Сейітов", 35, 2)


def test_the_service_refuses_a_stale_version_and_writes_nothing(alice: User, cora: User, case: Case) -> None:
    witness = services.witness_add(actor=alice, case=case, data=WitnessInput(name="Дана"))
    stale_copy = type(witness).objects.get(pk=witness.pk)  # what the second person loaded
    services.witness_update(actor=cora, witness=witness, data=WitnessInput(name="Дана С."), version=1)
    with pytest.raises(services.StaleVersion):
        services.witness_update(actor=alice, witness=stale_copy, data=WitnessInput(name="Дана Б."), version=1)
    witness.refresh_from_db()
    assert (witness.name, witness.version) == ("Дана С.", 2)


def test_each_save_moves_the_record_to_its_next_version(alice: User, case: Case) -> None:
    survivor = case.survivor
    for n, contact in enumerate(["a", "b", "c"], start=1):
        services.survivor_update(actor=alice, survivor=survivor,
                                 data=dataclasses.replace(SurvivorInput.of(survivor), contact=contact), version=n)
    survivor.refresh_from_db()
    assert survivor.version == 4


def test_a_suspect_saved_from_an_old_version_by_a_service_is_refused(alice: User, case: Case) -> None:
    suspect = case.suspects.get()
    services.suspect_update(actor=alice, suspect=suspect,
                            data=dataclasses.replace(SuspectInput.of(suspect), approx_age=40), version=1)
    with pytest.raises(services.StaleVersion):
        services.suspect_update(actor=alice, suspect=suspect,
                                data=dataclasses.replace(SuspectInput.of(suspect), approx_age=41), version=1)
