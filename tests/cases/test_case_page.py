"""The case page: timeline, event forms, and what is derived."""

from __future__ import annotations

import re

from aigaq.accounts.models import User
from aigaq.cases.models import Case, PathwayEvent

from ..conftest import PASSWORD, client_for


def test_it_shows_the_suspects_name_and_masks_his_phone(alice: User, case: Case) -> None:
    body = client_for(alice).get(f"/cases/{case.code}/").content.decode()
    assert "Жәнібек Сейітов" in body
    assert "555-12-34" not in body
    assert "•34" in body


def test_his_identifiers_are_shown_after_step_up_and_the_viewing_is_audited(alice: User, case: Case) -> None:
    from aigaq.audit.models import Action, AuditEntry

    client = client_for(alice)
    suspect = case.suspects.get()
    url = f"/cases/{case.code}/suspects/{suspect.code}/reveal/"
    confirm = client.post(url)
    assert confirm.status_code == 200  # the step-up form, nothing revealed yet
    assert not AuditEntry.objects.filter(action=Action.SUSPECT_REVEALED).exists()
    done = client.post(url, {"step_up_method": "POST", "step_up_password": PASSWORD})
    assert done.status_code == 302
    body = client.get(f"/cases/{case.code}/").content.decode()
    assert "8 (701) 555-12-34" in body
    entry = AuditEntry.objects.get(action=Action.SUSPECT_REVEALED)
    assert (entry.case_code, entry.object_code, entry.actor_id) == (case.code, suspect.code, alice.id)


def test_another_organisation_cannot_reveal_a_suspect_nor_see_the_confirmation(olga: User, case: Case) -> None:
    suspect = case.suspects.get()
    url = f"/cases/{case.code}/suspects/{suspect.code}/reveal/"
    assert client_for(olga).post(url).status_code == 404
    response = client_for(olga).post(url, {"step_up_method": "POST", "step_up_password": PASSWORD})
    assert response.status_code == 404


def test_a_refusal_is_added_with_its_reason_and_the_officers_words(alice: User, case: Case) -> None:
    client = client_for(alice)
    response = client.post(f"/cases/{case.code}/events/report_refused/", {
        "report_refused-date": "2025-05-04", "report_refused-reason": "natural_instincts",
        "report_refused-quote": "Это естественные инстинкты мужчины", "report_refused-unit": "kz-71-up-yesil",
    })
    assert response.status_code == 302
    event = PathwayEvent.objects.get(case=case, type="report_refused")
    assert event.facts == {"reason": "natural_instincts", "unit": "kz-71-up-yesil"}
    assert event.details == {"quote": "Это естественные инстинкты мужчины"}
    body = client.get(f"/cases/{case.code}/").content.decode()
    assert "Это естественные инстинкты мужчины" in body
    assert "Registration refused" in body or "refused" in body


def test_an_article_that_does_not_exist_is_refused_and_the_form_stays_open(alice: User, case: Case) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/events/report_registered/", {
        "report_registered-date": "2025-05-05", "report_registered-initial_article": "УК 999",
        "report_registered-erdr_number": "251234567890",
    })
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is no article" in body
    assert "251234567890" in body  # what was typed is kept
    assert re.search(r'<details class="event-form"\s+open\s+id="add-report_registered"', body)
    assert not PathwayEvent.objects.filter(case=case, type="report_registered").exists()


def test_an_article_can_be_typed_the_way_lawyers_write_it(alice: User, case: Case) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/events/requalified/", {
        "requalified-date": "2025-06-01", "requalified-from_article": "ст. 120 УК",
        "requalified-to_article": "КоАП 434",
    })
    assert response.status_code == 302
    event = PathwayEvent.objects.get(case=case, type="requalified")
    assert event.facts == {"from_article": "CC-120", "to_article": "CAO-434"}
    body = client_for(alice).get(f"/cases/{case.code}/").content.decode()
    assert "Downgraded" in body


def test_an_event_before_the_incident_is_refused(alice: User, case: Case) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/events/police_contacted/", {
        "police_contacted-date": "2020-01-01"})
    assert response.status_code == 400
    assert "before the incident" in response.content.decode()


def test_notes_referrals_costs_and_witnesses_are_added(alice: User, case: Case) -> None:
    client = client_for(alice)
    assert client.post(f"/cases/{case.code}/notes/", {"note-text": "Бес сағат күттік."}).status_code == 302
    assert client.post(f"/cases/{case.code}/referrals/", {
        "referral-kind": "legal_aid", "referral-status": "made", "referral-referred_on": "2025-05-05",
        "referral-provider": "pro bono lawyer"}).status_code == 302
    assert client.post(f"/cases/{case.code}/costs/", {
        "cost-kind": "lawyer", "cost-amount": "50000", "cost-payer": "survivor"}).status_code == 302
    assert client.post(f"/cases/{case.code}/witnesses/", {"witness-name": "A passer-by"}).status_code == 302
    body = client.get(f"/cases/{case.code}/").content.decode()
    for text in ("Бес сағат күттік.", "pro bono lawyer", "50000", "A passer-by"):
        assert text in body


def test_a_referral_closed_before_it_was_made_is_refused(alice: User, case: Case) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/referrals/", {
        "referral-kind": "medical", "referral-status": "completed", "referral-referred_on": "2025-05-05",
        "referral-closed_on": "2025-05-01"})
    assert response.status_code == 400
    assert case.referrals.count() == 0
