"""Pathway events are the case's history: a correction supersedes an event, a retraction marks one
entered in error; neither edits it in place. The stage, the flags and the statistics use only the
current facts; the timeline keeps the rest struck through with its reason."""

from __future__ import annotations

import datetime as dt

import pytest

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import services
from aigaq.cases.listing import case_list, case_rows
from aigaq.cases.models import Case, PathwayEvent
from aigaq.cases.selectors import derived_for
from aigaq.insights.models import CaseFigures

from ..conftest import client_for

DAY = dt.date(2025, 5, 4)


def _refusal(alice: User, case: Case) -> PathwayEvent:
    services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=DAY, data={})
    return services.pathway_event_add(actor=alice, case=case, event_type="report_refused", date=DAY,
                                      data={"reason": "natural_instincts", "unit": "УП Есиль"})


def test_a_correction_supersedes_the_event_and_leaves_the_old_one_as_it_was(alice: User, case: Case) -> None:
    refusal = _refusal(alice, case)
    new = services.pathway_event_correct(actor=alice, event=refusal, date=DAY + dt.timedelta(days=1),
                                         data={"reason": "no_evidence", "unit": "УП Есиль"},
                                         reason="The refusal was the next day, for lack of evidence.")
    old = PathwayEvent.objects.get(pk=refusal.pk)
    # The unit written as a name is stored as its office's code (cases.offices).
    assert (old.date, old.facts) == (DAY, {"reason": "natural_instincts", "unit": "kz-71-up-yesil"})
    assert old.superseded_at is not None and not old.is_current
    assert new.is_current and new.corrects_id == old.pk and new.facts["reason"] == "no_evidence"
    assert list(case.events.current().filter(type="report_refused")) == [new]


def test_a_correction_and_a_retraction_need_a_reason(alice: User, case: Case) -> None:
    refusal = _refusal(alice, case)
    with pytest.raises(services.EventNotCorrectable):
        services.pathway_event_correct(actor=alice, event=refusal, date=DAY, data={"reason": "other"}, reason=" ")
    with pytest.raises(services.EventNotCorrectable):
        services.pathway_event_retract(actor=alice, event=refusal, reason="")
    assert PathwayEvent.objects.get(pk=refusal.pk).is_current


def test_an_event_already_corrected_or_retracted_cannot_be_corrected_again(alice: User, case: Case) -> None:
    refusal = _refusal(alice, case)
    services.pathway_event_retract(actor=alice, event=refusal, reason="Entered in the wrong case.")
    with pytest.raises(services.EventNotCorrectable):
        services.pathway_event_correct(actor=alice, event=refusal, date=DAY, data={"reason": "other"}, reason="x")
    with pytest.raises(services.EventNotCorrectable):
        services.pathway_event_retract(actor=alice, event=refusal, reason="again")


def test_the_incident_event_is_corrected_through_the_incident_not_here(alice: User, case: Case) -> None:
    incident = case.events.get(type="incident")
    with pytest.raises(services.EventNotCorrectable):
        services.pathway_event_retract(actor=alice, event=incident, reason="wrong")
    assert client_for(alice).get(f"/cases/{case.code}/event/{incident.code}/").status_code == 404


def test_retracting_an_event_takes_the_stage_and_the_flag_back(alice: User, case: Case) -> None:
    refusal = _refusal(alice, case)
    assert (derived_for(case).stage, derived_for(case).refused_registration) == ("refused", True)
    services.pathway_event_retract(actor=alice, event=refusal, reason="Entered in the wrong case.")
    derived = derived_for(case)
    assert (derived.stage, derived.refused_registration) == ("police", False)
    [row] = case_rows(case_list(alice))
    assert row.derived.stage == "police"
    assert list(case_list(alice, flag="refused_registration")) == []


def test_a_correction_keeps_the_place_of_the_event_it_corrects_among_the_events_of_its_day(
    alice: User, case: Case
) -> None:
    contacted = services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=DAY,
                                           data={"unit": "УП Есиль"})
    services.pathway_event_add(actor=alice, case=case, event_type="report_registered", date=DAY,
                               data={"initial_article": "CC-121"})
    services.pathway_event_correct(actor=alice, event=contacted, date=DAY, data={"unit": "УП Алматы"},
                                   reason="Wrong unit.")
    assert derived_for(case).stage == "investigation"
    types = [e.type for e in case.events.current()]
    assert types == ["incident", "police_contacted", "report_registered"]


def test_the_statistics_count_only_the_current_facts(alice: User, case: Case) -> None:
    refusal = _refusal(alice, case)
    assert CaseFigures.objects.get(case_id=case.pk).refused is True
    services.pathway_event_retract(actor=alice, event=refusal, reason="Entered in the wrong case.")
    assert CaseFigures.objects.get(case_id=case.pk).refused is False


def test_the_audit_names_the_fields_that_changed_and_never_their_values_or_the_reason(
    alice: User, case: Case
) -> None:
    refusal = _refusal(alice, case)
    new = services.pathway_event_correct(actor=alice, event=refusal, date=DAY,
                                         data={"reason": "no_evidence", "unit": "УП Есиль", "officer": "Серік"},
                                         reason="Secret-reason-42")
    entry = AuditEntry.objects.get(action=Action.EVENT_CORRECTED)
    assert (entry.case_code, entry.object_code) == (case.code, new.code)
    assert entry.extra == {"type": "report_refused", "corrects": refusal.code, "fields": ["officer", "reason"]}
    services.pathway_event_retract(actor=alice, event=new, reason="Secret-reason-43")
    retracted = AuditEntry.objects.get(action=Action.EVENT_RETRACTED)
    assert retracted.extra == {"type": "report_refused"}
    for logged in AuditEntry.objects.all():
        assert "Secret-reason" not in str(logged.extra) and "Серік" not in str(logged.extra)


def test_the_reasons_are_stored_sealed(alice: User, case: Case) -> None:
    refusal = _refusal(alice, case)
    new = services.pathway_event_correct(actor=alice, event=refusal, date=DAY, data={"reason": "other"},
                                         reason="Sealed-reason-7")
    services.pathway_event_retract(actor=alice, event=new, reason="Sealed-reason-8")
    raw = PathwayEvent.objects.filter(pk=new.pk).values_list("correction_reason", "retraction_reason").get()
    assert all(value and "Sealed-reason" not in value for value in raw)


def test_the_timeline_shows_the_superseded_and_the_retracted_entries_struck_through_with_their_reason(
    alice: User, case: Case
) -> None:
    client = client_for(alice)
    refusal = _refusal(alice, case)
    page = client.get(f"/cases/{case.code}/event/{refusal.code}/")
    assert page.status_code == 200 and 'value="2025-05-04"' in page.content.decode()
    saved = client.post(f"/cases/{case.code}/event/{refusal.code}/", {
        "correct-date": "2025-05-05", "correct-reason": "no_evidence", "correct-unit": "kz-71-up-yesil",
        "correct-correction_reason": "It was the next day.",
    })
    assert saved.status_code == 302
    new = case.events.current().get(type="report_refused")
    contacted = case.events.get(type="police_contacted")
    assert client.post(f"/cases/{case.code}/event/{contacted.code}/retract/",
                       {"retract-reason": "She never called them."}).status_code == 302
    body = client.get(f"/cases/{case.code}/").content.decode()
    old_item = body[body.index(f'id="event-{refusal.code}"'):]
    old_item = old_item[:old_item.index("</li>")]
    assert "event-superseded" in body and "<del>" in old_item and "It was the next day." in old_item
    retracted_item = body[body.index(f'id="event-{contacted.code}"'):]
    retracted_item = retracted_item[:retracted_item.index("</li>")]
    assert "<del>" in retracted_item and "She never called them." in retracted_item
    new_item = body[body.index(f'id="event-{new.code}"'):]
    new_item = new_item[:new_item.index("</li>")]
    assert "<del>" not in new_item and "Corrects the entry of 2025-05-04" in new_item
    assert f"/event/{refusal.code}/" not in body and f"/event/{new.code}/" in body


def test_a_correction_without_a_reason_is_refused_and_keeps_what_she_typed(alice: User, case: Case) -> None:
    refusal = _refusal(alice, case)
    response = client_for(alice).post(f"/cases/{case.code}/event/{refusal.code}/", {
        "correct-date": "2025-05-05", "correct-reason": "no_evidence", "correct-quote": "Иди домой",
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert "Иди домой" in body and 'value="2025-05-05"' in body
    assert PathwayEvent.objects.get(pk=refusal.pk).is_current
    assert not AuditEntry.objects.filter(action=Action.EVENT_CORRECTED).exists()


def test_another_organisation_can_neither_correct_nor_retract_an_event(olga: User, alice: User, case: Case) -> None:
    refusal = _refusal(alice, case)
    client = client_for(olga)
    assert client.get(f"/cases/{case.code}/event/{refusal.code}/").status_code == 404
    assert client.post(f"/cases/{case.code}/event/{refusal.code}/retract/",
                       {"retract-reason": "x"}).status_code == 404
    assert PathwayEvent.objects.get(pk=refusal.pk).is_current


def test_an_event_of_another_case_is_not_found_through_this_case(
    alice: User, case: Case, make_case: object
) -> None:
    other = make_case(alice)  # type: ignore[operator]
    refusal = _refusal(alice, other)
    url = f"/cases/{case.code}/event/{refusal.code}/retract/"
    assert client_for(alice).post(url, {"retract-reason": "x"}).status_code == 404
    assert PathwayEvent.objects.get(pk=refusal.pk).is_current
