"""The intake form: one step creates survivor, incident and suspects; bad input loses nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from aigaq.accounts.models import User
from aigaq.cases.models import Case, PathwayEvent, Suspect

from ..conftest import client_for


def intake(**overrides: str) -> dict[str, str]:
    data = {
        "survivor-pseudonym": "Айгүл",
        "survivor-sex": "female",
        "survivor-consent_matching": "on",
        "incident-date_from": "2025-05-04",
        "incident-region": "KZ-71",
        "incident-city": "astana",
        "incident-area": "urban",
        "incident-place_type": "park",
        "incident-gbv_sexual_assault": "on",
        "incident-account": "Екі ер адам саябақта соңымнан жүгірді.",
        "suspects-TOTAL_FORMS": "2",
        "suspects-INITIAL_FORMS": "0",
        "suspects-0-full_name": "Жәнібек Сейітов",
        "suspects-0-phones": "8 (701) 555-12-34",
        "suspects-0-sex": "male",
        "suspects-0-relation": "stranger",
        "suspects-1-sex": "male",
        "suspects-1-relation": "unknown",
    }
    data.update(overrides)
    return data


def post(client: Client, **overrides: str) -> Any:
    return client.post("/cases/new/", intake(**overrides))


def test_it_creates_the_case_with_survivor_incident_and_suspect(alice: User) -> None:
    response = post(client_for(alice))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.code}/"
    assert case.survivor.pseudonym == "Айгүл"
    assert case.survivor.consent_matching and not case.survivor.consent_statistics
    assert case.incident.account == "Екі ер адам саябақта соңымнан жүгірді."
    assert [s.full_name for s in case.suspects.all()] == ["Жәнібек Сейітов"]
    assert PathwayEvent.objects.filter(case=case, type="incident").count() == 1


def test_the_gbvims_type_is_the_first_true_statement_in_gbvims_order(alice: User) -> None:
    post(client_for(alice), **{"incident-gbv_rape": "on", "incident-gbv_physical_assault": "on"})
    assert Case.objects.get().incident.gbv_type == "rape"


def test_no_statement_true_means_not_gender_based_violence(alice: User) -> None:
    data = intake()
    del data["incident-gbv_sexual_assault"]
    client_for(alice).post("/cases/new/", data)
    assert Case.objects.get().incident.gbv_type == "non_gbv"


def _rejected(response: Any, text: str) -> None:
    body = response.content.decode()
    assert response.status_code == 400
    assert text in body
    assert Case.objects.count() == 0
    assert Suspect.objects.count() == 0


def test_a_date_in_the_future_is_refused_and_nothing_is_saved(alice: User) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post(client_for(alice), **{"incident-date_from": tomorrow})
    _rejected(response, "This date is in the future.")


def test_an_end_before_its_start_is_refused(alice: User) -> None:
    response = post(client_for(alice), **{"incident-date_to": "2025-05-01"})
    _rejected(response, "The end of the period is before its start.")


def test_a_phone_that_is_not_a_phone_is_refused_next_to_the_field_and_typed_text_is_kept(alice: User) -> None:
    response = post(client_for(alice), **{"suspects-0-phones": "call me maybe"})
    _rejected(response, "is not a phone number")
    body = response.content.decode()
    # What she typed is still there, in every section.
    assert "Жәнібек Сейітов" in body
    assert "Екі ер адам саябақта соңымнан жүгірді." in body
    assert "call me maybe" in body


def test_an_iin_with_a_wrong_check_digit_is_refused(alice: User) -> None:
    response = post(client_for(alice), **{"suspects-0-iins": "900101300001"})
    _rejected(response, "check digit")


def test_a_city_outside_the_chosen_region_is_refused(alice: User) -> None:
    response = post(client_for(alice), **{"incident-city": "oral"})
    _rejected(response, "This city is not in the chosen region.")


def test_errors_come_in_the_users_language(alice: User) -> None:
    alice.language = "ru"
    alice.save()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post(client_for(alice), **{"incident-date_from": tomorrow})
    assert response.status_code == 400
    assert "Эта дата в будущем." in response.content.decode()


def test_the_creator_is_assigned_and_sees_the_case(alice: User) -> None:
    post(client_for(alice))
    case = Case.objects.get()
    assert client_for(alice).get(f"/cases/{case.code}/").status_code == 200
