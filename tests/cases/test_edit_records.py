"""Correcting each kind of record after it was added: the form is filled with the record, it
validates as the creation form does, keeps what she typed on an error, and the correction is
audited by field name and shown in the record's history."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import services
from aigaq.cases.inputs import CostInput, ReferralInput, SurvivorInput, WitnessInput
from aigaq.cases.models import Case

from ..conftest import client_for
from ..protection.helpers import step_up_session
from .edit_helpers import edit_post


def test_the_survivors_form_is_filled_with_her_record_and_saves_a_new_pseudonym(alice: User, case: Case) -> None:
    client = client_for(alice)
    url = f"/cases/{case.code}/survivor/edit/"
    page = client.get(url).content.decode()
    assert f'value="{case.survivor.pseudonym}"' in page
    assert 'name="survivor-version" value="1"' in page
    response = edit_post(client, url, "survivor", case.survivor, pseudonym="Айгүл-2", contact="+7 701 000 00 00")
    assert response.status_code == 302
    case.survivor.refresh_from_db()
    assert (case.survivor.pseudonym, case.survivor.contact, case.survivor.version) == (
        "Айгүл-2", "+7 701 000 00 00", 2)


def test_the_incident_is_corrected_with_its_type_ticked_as_it_was(alice: User, case: Case) -> None:
    client = client_for(alice)
    url = f"/cases/{case.code}/incident/edit/"
    page = client.get(url).content.decode()
    assert 'name="incident-gbv_sexual_assault" id="id_incident-gbv_sexual_assault" checked' in page
    incident = case.incident
    response = edit_post(client, url, "incident", incident, date_from=dt.date(2025, 5, 3), region="KZ-75",
                         city="almaty", gbv_sexual_assault=False, gbv_physical_assault=True)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.date_from, incident.region, incident.city, incident.gbv_type) == (
        dt.date(2025, 5, 3), "KZ-75", "almaty", "physical_assault")


def test_a_corrected_incident_date_and_time_move_the_timelines_first_step(alice: User, case: Case) -> None:
    url = f"/cases/{case.code}/incident/edit/"
    response = edit_post(client_for(alice), url, "incident", case.incident, date_from=dt.date(2025, 5, 2),
                         time_of_day=dt.time(21, 40))
    assert response.status_code == 302
    incident = case.incident
    incident.refresh_from_db()
    step = case.events.get(type="incident")
    assert (incident.date_from, incident.time_of_day) == (dt.date(2025, 5, 2), dt.time(21, 40))
    assert (step.date, step.time_of_day) == (dt.date(2025, 5, 2), dt.time(21, 40))


def test_an_invalid_correction_saves_nothing_and_keeps_every_typed_value(alice: User, case: Case) -> None:
    client = client_for(alice)
    url = f"/cases/{case.code}/incident/edit/"
    response = edit_post(client, url, "incident", case.incident, date_from=dt.date(2025, 6, 1),
                         date_to=dt.date(2025, 5, 1), account="Жаңа мәтін, сақталуы керек")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end of the period is before its start." in page
    assert 'value="2025-06-01"' in page and "Жаңа мәтін, сақталуы керек" in page
    case.incident.refresh_from_db()
    assert case.incident.date_from == dt.date(2025, 5, 4) and case.incident.version == 1


def test_a_city_outside_the_corrected_region_is_refused_as_at_intake(alice: User, case: Case) -> None:
    response = edit_post(client_for(alice), f"/cases/{case.code}/incident/edit/", "incident", case.incident,
                         region="KZ-27")
    assert response.status_code == 400
    assert "This city is not in the chosen region." in response.content.decode()


def test_a_suspects_phone_is_validated_as_when_he_was_added(alice: User, case: Case) -> None:
    suspect = case.suspects.get()
    client = step_up_session(client_for(alice))
    response = edit_post(client, f"/cases/{case.code}/suspects/{suspect.code}/edit/", "suspect", suspect,
                         phones="not a phone")
    assert response.status_code == 400
    assert "is not a phone number" in response.content.decode()
    suspect.refresh_from_db()
    assert suspect.phones == "8 (701) 555-12-34"


def test_his_page_shows_his_identifiers_only_after_step_up_and_audits_it(alice: User, case: Case) -> None:
    suspect = case.suspects.get()
    client = client_for(alice)
    url = f"/cases/{case.code}/suspects/{suspect.code}/edit/"
    confirm = client.get(url)
    assert "555-12-34" not in confirm.content.decode()  # the confirmation form, not his page
    assert not AuditEntry.objects.filter(action=Action.SUSPECT_REVEALED).exists()
    page = step_up_session(client).get(url).content.decode()
    assert "8 (701) 555-12-34" in page
    assert AuditEntry.objects.filter(action=Action.SUSPECT_REVEALED, object_code=suspect.code).exists()


def test_a_witness_referral_cost_and_note_are_each_corrected(alice: User, case: Case) -> None:
    witness = services.witness_add(actor=alice, case=case, data=WitnessInput(name="Дана"))
    referral = services.referral_add(actor=alice, case=case, data=ReferralInput(
        kind="legal_aid", status="made", referred_on=dt.date(2025, 5, 6)))
    cost = services.cost_add(actor=alice, case=case, data=CostInput(kind="travel", amount=Decimal(2000),
                                                                     payer="survivor"))
    note = services.note_add(actor=alice, case=case, text="Қоңырау шалды")
    client = client_for(alice)
    base = f"/cases/{case.code}"
    assert edit_post(client, f"{base}/witnesses/{witness.code}/edit/", "witness", witness,
                     statement="Саябақта көрді").status_code == 302
    assert edit_post(client, f"{base}/referrals/{referral.code}/edit/", "referral", referral,
                     status="completed", closed_on=dt.date(2025, 6, 1)).status_code == 302
    assert edit_post(client, f"{base}/costs/{cost.code}/edit/", "cost", cost, amount="2500").status_code == 302
    assert edit_post(client, f"{base}/notes/{note.code}/edit/", "note", note,
                     text="Қоңырау шалды, кездесті").status_code == 302
    for record in (witness, referral, cost, note):
        record.refresh_from_db()
    assert witness.statement == "Саябақта көрді"
    assert (referral.status, referral.closed_on) == ("completed", dt.date(2025, 6, 1))
    assert cost.amount == Decimal(2500)
    assert note.text == "Қоңырау шалды, кездесті" and note.author == alice


def test_a_referral_closed_before_it_was_made_is_refused(alice: User, case: Case) -> None:
    referral = services.referral_add(actor=alice, case=case, data=ReferralInput(
        kind="legal_aid", status="made", referred_on=dt.date(2025, 5, 6)))
    response = edit_post(client_for(alice), f"/cases/{case.code}/referrals/{referral.code}/edit/", "referral",
                         referral, closed_on=dt.date(2025, 5, 1))
    assert response.status_code == 400
    assert "This date is before the referral." in response.content.decode()


def test_a_correction_is_audited_with_the_field_names_and_never_the_values(alice: User, case: Case) -> None:
    witness = services.witness_add(actor=alice, case=case, data=WitnessInput(name="Дана"))
    edit_post(client_for(alice), f"/cases/{case.code}/witnesses/{witness.code}/edit/", "witness", witness,
              name="Дана Серікова", contact="+7 702 123 45 67")
    entry = AuditEntry.objects.get(action=Action.WITNESS_CHANGED)
    assert (entry.actor_id, entry.case_code, entry.object_code) == (alice.id, case.code, witness.code)
    assert entry.extra == {"fields": ["name", "contact"], "version": 2}
    assert "Серікова" not in repr(entry.extra) and "123 45 67" not in repr(entry.extra)


def test_saving_the_form_unchanged_writes_nothing(alice: User, case: Case) -> None:
    response = edit_post(client_for(alice), f"/cases/{case.code}/survivor/edit/", "survivor", case.survivor)
    assert response.status_code == 302
    case.survivor.refresh_from_db()
    assert case.survivor.version == 1
    assert not AuditEntry.objects.filter(action=Action.SURVIVOR_CHANGED).exists()


def test_the_records_page_shows_who_changed_which_fields(alice: User, cora: User, case: Case) -> None:
    witness = services.witness_add(actor=alice, case=case, data=WitnessInput(name="Дана"))
    services.witness_update(actor=cora, witness=witness, data=WitnessInput(name="Дана", statement="Көрді"),
                            version=1)
    page = client_for(alice).get(f"/cases/{case.code}/witnesses/{witness.code}/edit/").content.decode()
    assert "cora · corrected a witness: what she or he saw" in page
    assert "alice · added a witness" in page


def test_her_records_history_begins_with_the_cases_creation(alice: User, cora: User, case: Case) -> None:
    services.survivor_update(actor=cora, survivor=case.survivor, version=1,
                             data=dataclasses.replace(SurvivorInput.of(case.survivor), contact="SMS only"))
    page = client_for(alice).get(f"/cases/{case.code}/survivor/edit/").content.decode()
    assert page.index("cora · corrected the survivor&#x27;s record: contact details") < page.index(
        "alice · created the case")


def test_the_case_page_links_every_record_to_its_correction(alice: User, case: Case) -> None:
    witness = services.witness_add(actor=alice, case=case, data=WitnessInput(name="Дана"))
    page = client_for(alice).get(f"/cases/{case.code}/").content.decode()
    suspect = case.suspects.get()
    for url in (f"/cases/{case.code}/survivor/edit/", f"/cases/{case.code}/incident/edit/",
                f"/cases/{case.code}/suspects/{suspect.code}/edit/",
                f"/cases/{case.code}/witnesses/{witness.code}/edit/"):
        assert f'href="{url}"' in page


def test_a_record_of_another_case_is_not_found_through_this_case(
    alice: User, case: Case, make_case: Callable[..., Case]
) -> None:
    witness = services.witness_add(actor=alice, case=make_case(alice), data=WitnessInput(name="Дана"))
    assert client_for(alice).get(f"/cases/{case.code}/witnesses/{witness.code}/edit/").status_code == 404


@pytest.mark.parametrize("route", ["survivor/edit/", "incident/edit/"])
def test_another_organisation_cannot_open_or_save_a_records_correction(olga: User, case: Case, route: str) -> None:
    client = client_for(olga)
    assert client.get(f"/cases/{case.code}/{route}").status_code == 404
    assert client.post(f"/cases/{case.code}/{route}", {"survivor-version": "1"}).status_code == 404
    case.survivor.refresh_from_db()
    assert case.survivor.version == 1
