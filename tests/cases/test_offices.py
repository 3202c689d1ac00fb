"""Coded offices on the pathway: a written name is matched onto the list in any script, the event
forms offer the case's region first and an "other" that a coordinator later maps onto an entry,
and existing free text is migrated by best match with a review list for what did not match."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import office_map, offices, services
from aigaq.cases.forms import EventForm
from aigaq.cases.models import Case, PathwayEvent, Survivor
from aigaq.cases.pathway import SPECS
from aigaq.insights.models import CaseFigures

from ..conftest import INCIDENT, case_data, client_for

DAY = dt.date(2025, 5, 5)


@pytest.mark.parametrize(("text", "kind", "code"), [
    ("УП г. Орал", "police", "kz-27-up-oral"),
    ("Орал қ. ПБ", "police", "kz-27-up-oral"),
    ("УП г. Уральска", "police", "kz-27-up-oral"),
    ("Oral City Police Department", "police", "kz-27-up-oral"),
    ("Орал қалалық полиция басқармасы", "police", "kz-27-up-oral"),
    ("УП Есильского района г. Астаны", "police", "kz-71-up-yesil"),
    ("ДП Актюбинской обл.", "police", "kz-15-dp"),
    ("прокуратура ЗКО", "prosecutor", "kz-27-prosecutor"),
    ("Специализированный межрайонный административный суд г. Астаны", "court", "kz-71-court-admin"),
    ("Орал мамандандырылған әкімшілік соты", "court", "kz-27-court-admin-oral"),
    ("Есильский районный суд г. Астаны", "court", "kz-71-court-yesil"),
])
def test_a_written_office_is_matched_onto_its_entry_in_any_script(text: str, kind: str, code: str) -> None:
    found = offices.best_match(text, kind=kind)
    assert found is not None and found.code == code


def test_the_two_spellings_of_one_unit_are_one_unit() -> None:
    assert offices.resolve("УП г. Орал", kind="police") == offices.resolve("Орал қ. ПБ", kind="police")


@pytest.mark.parametrize(("text", "kind"), [
    ("районный отдел полиции", "police"),  # no place: could be any
    ("Шонжы ауылдық полиция бекеті", "police"),  # not in the list
    ("УП г. Орал", "court"),  # a police unit is not a court
    ("Алгебра", "police"),
])
def test_a_name_that_fits_no_entry_is_kept_as_other(text: str, kind: str) -> None:
    assert offices.resolve(text, kind=kind) == (offices.OTHER, text)


def test_every_name_of_every_entry_matches_that_entry() -> None:
    from aigaq import reference

    wrong = [
        (entry.code, name) for entry in reference.offices() for name in (*entry.labels.values(), *entry.alt_names)
        if (found := offices.best_match(name, kind=entry.kind)) is None or found.code != entry.code
    ]
    assert wrong == []


def test_the_event_form_offers_the_offices_of_the_case_s_region_first_grouped_by_region() -> None:
    html = str(EventForm(SPECS["police_contacted"], region="KZ-27")["unit"])
    groups = re.findall(r'<optgroup label="([^"]+)"', html)
    assert groups[0] == "West Kazakhstan Region" and len(groups) == 20
    assert 'value="kz-27-up-oral"' in html and 'value="other"' in html
    assert str(EventForm(SPECS["police_contacted"], region="KZ-71")["unit"]).count("<optgroup") == 20
    first = re.findall(r'<optgroup label="([^"]+)"', str(EventForm(SPECS["police_contacted"], region="KZ-71")["unit"]))
    assert first[0] == "Astana (city)"


def test_other_without_its_name_is_refused_and_the_typed_values_are_kept(alice: User, case: Case) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/events/police_contacted/", {
        "police_contacted-date": "2025-05-05", "police_contacted-unit": "other",
        "police_contacted-note": "Called 102 twice",
    })
    body = response.content.decode()
    assert response.status_code == 400
    assert "Write the name of the office that is not in the list." in body
    assert "Called 102 twice" in body
    assert not PathwayEvent.objects.filter(case=case, type="police_contacted").exists()


def test_a_name_written_for_other_is_sealed_in_the_details_and_shown_on_the_timeline(
    alice: User, case: Case
) -> None:
    client = client_for(alice)
    response = client.post(f"/cases/{case.code}/events/police_contacted/", {
        "police_contacted-date": "2025-05-05", "police_contacted-unit": "other",
        "police_contacted-unit_other": "Шонжы ауылдық полиция бекеті",
    })
    assert response.status_code == 302
    event = PathwayEvent.objects.get(case=case, type="police_contacted")
    assert event.facts == {"unit": "other"}
    assert event.details == {"unit_other": "Шонжы ауылдық полиция бекеті"}
    body = client.get(f"/cases/{case.code}/").content.decode()
    assert "Шонжы ауылдық полиция бекеті (not in the list)" in body


def test_a_chosen_office_is_stored_by_code_and_shown_by_its_label(alice: User, case: Case) -> None:
    client = client_for(alice)
    assert client.post(f"/cases/{case.code}/events/sent_to_court/", {
        "sent_to_court-date": "2025-05-05", "sent_to_court-article": "CC 120",
        "sent_to_court-court": "kz-71-court-yesil", "sent_to_court-prosecutor": "kz-71-prosecutor",
    }).status_code == 302
    event = PathwayEvent.objects.get(case=case, type="sent_to_court")
    assert event.facts == {"article": "CC-120", "court": "kz-71-court-yesil", "prosecutor": "kz-71-prosecutor"}
    body = client.get(f"/cases/{case.code}/").content.decode()
    assert "Yesil District Court, Astana" in body


def _other_unit(actor: User, case: Case, text: str) -> PathwayEvent:
    return services.pathway_event_add(actor=actor, case=case, event_type="police_contacted", date=DAY,
                                      data={"unit": "other", "unit_other": text})


def test_the_coordinator_maps_a_written_office_onto_the_list_for_every_case_that_names_it(
    alice: User, cora: User, make_case: object
) -> None:
    first = make_case(alice)  # type: ignore[operator]
    second = make_case(alice)  # type: ignore[operator]
    _other_unit(alice, first, "Шонжы полиция бекеті")
    _other_unit(alice, second, "ШОНЖЫ полиция бекеті")  # folds to the same words: one row
    client = client_for(cora)
    page = client.get("/cases/offices/")
    body = page.content.decode()
    assert page.status_code == 200 and "Шонжы полиция бекеті" in body and "2 events" in body
    key = re.search(r'name="map-([0-9a-f]+)-key"', body)
    assert key is not None
    prefix = f"map-{key.group(1)}"
    saved = client.post("/cases/offices/", {f"{prefix}-key": key.group(1), f"{prefix}-office": "kz-19-dp"})
    assert saved.status_code == 302
    units = {e.facts["unit"] for e in PathwayEvent.objects.filter(type="police_contacted")}
    assert units == {"kz-19-dp"}
    assert CaseFigures.objects.get(case_id=first.pk).police_unit == "kz-19-dp"
    entries = AuditEntry.objects.filter(action=Action.OFFICE_MAPPED)
    assert entries.count() == 2
    assert all("бекеті" not in str(e.extra) for e in entries)
    assert "Nothing to map" in client.get("/cases/offices/").content.decode()


def test_offices_to_map_is_for_coordinators_only(alice: User, olga: User, case: Case) -> None:
    _other_unit(alice, case, "Шонжы полиция бекеті")
    assert client_for(alice).get("/cases/offices/").status_code == 404
    other_org = client_for(olga).get("/cases/offices/")
    assert other_org.status_code == 200 and "Шонжы" not in other_org.content.decode()


def test_mapping_onto_an_office_of_another_kind_is_refused(alice: User, cora: User, case: Case) -> None:
    _other_unit(alice, case, "Шонжы полиция бекеті")
    client = client_for(cora)
    key = re.search(r'name="map-([0-9a-f]+)-key"', client.get("/cases/offices/").content.decode())
    assert key is not None
    prefix = f"map-{key.group(1)}"
    response = client.post("/cases/offices/", {f"{prefix}-key": key.group(1), f"{prefix}-office": "kz-19-court"})
    assert response.status_code == 400
    assert PathwayEvent.objects.get(case=case, type="police_contacted").facts == {"unit": "other"}


@pytest.mark.django_db(transaction=True)
def test_the_migration_codes_free_text_offices_seals_the_rest_and_the_pseudonym(alice: User, cora: User) -> None:
    migration = importlib.import_module("aigaq.cases.migrations.0008_offices_coded_pseudonym_sealed")
    case = services.case_create(actor=alice, **case_data(incident=dataclasses.replace(INCIDENT, region="KZ-27")))
    matched = services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=DAY, data={})
    unmatched = services.pathway_event_add(actor=alice, case=case, event_type="sent_to_court", date=DAY,
                                           data={"article": "CC-120"})
    # As an older version stored them: names in the plaintext facts, the pseudonym in clear.
    PathwayEvent.objects.filter(pk=matched.pk).update(facts={"unit": "Орал қ. ПБ"})
    PathwayEvent.objects.filter(pk=unmatched.pk).update(facts={"article": "CC-120", "court": "Суд у реки-Q7"})
    Survivor.objects.filter(case=case).update(pseudonym="Жұлдыз-Old9")
    # The models as they stood before the migration (no data_key(): sealed fields must be read raw).
    before = MigrationExecutor(connection).loader.project_state(("cases", "0007_case_list_summary")).apps
    migration.code_offices_and_seal(before, None)
    assert PathwayEvent.objects.get(pk=matched.pk).facts == {"unit": "kz-27-up-oral"}
    moved = PathwayEvent.objects.get(pk=unmatched.pk)
    assert moved.facts == {"article": "CC-120", "court": "other"}
    assert moved.details == {"court_other": "Суд у реки-Q7"}
    assert Survivor.objects.get(case=case).pseudonym == "Жұлдыз-Old9"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pseudonym FROM cases_survivor")
        stored = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT facts FROM cases_pathwayevent")
        facts = " ".join(str(row[0]) for row in cursor.fetchall())
    assert "Жұлдыз-Old9" not in " ".join(stored) and "Суд у реки" not in facts
    # What did not match is on the coordinator's review list.
    rows = office_map.offices_to_map(cora)
    assert [(r.kind, r.text, r.count) for r in rows] == [("court", "Суд у реки-Q7", 1)]


def test_a_name_that_fits_offices_of_two_regions_is_read_as_the_case_s_region_s() -> None:
    in_astana = offices.best_match("УП Есиль", kind="police", region="KZ-71")
    in_akmola = offices.best_match("УП Есиль", kind="police", region="KZ-11")
    assert in_astana is not None and in_astana.code == "kz-71-up-yesil"
    assert in_akmola is not None and in_akmola.code == "kz-11-up-esil"
