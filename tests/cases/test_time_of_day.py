"""Events and the incident carry an optional time of day, in the organisation's zone (Kazakhstan's
one zone, UTC+5 since March 2024) and stored as a UTC instant, so that "the police refused for five
hours" is on record: the case page shows the interval from police contact to registration."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from aigaq.accounts.models import User
from aigaq.cases import forms, services
from aigaq.cases.models import Case, Incident, PathwayEvent
from aigaq.cases.pathway import Interval
from aigaq.cases.selectors import case_page, derived_for
from aigaq.insights.models import CaseFigures

from ..conftest import client_for
from .test_intake import post

DAY = dt.date(2025, 5, 4)
UTC = dt.UTC


def _contact_and_registration(alice: User, case: Case, *, contacted: dt.time | None, registered: dt.time | None,
                              registered_on: dt.date = DAY) -> None:
    services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=DAY, time=contacted,
                               data={})
    services.pathway_event_add(actor=alice, case=case, event_type="report_registered", date=registered_on,
                               time=registered, data={"initial_article": "CC-121"})


def test_the_organisations_zone_is_kazakhstans_single_zone_at_utc_plus_five() -> None:
    assert settings.TIME_ZONE == "Asia/Almaty"
    assert dt.datetime(2025, 5, 4, 12, tzinfo=timezone.get_default_timezone()).utcoffset() == dt.timedelta(hours=5)


def test_an_events_time_of_day_is_stored_as_a_utc_instant(alice: User, case: Case) -> None:
    event = services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=DAY,
                                       time=dt.time(14, 20), data={})
    stored = PathwayEvent.objects.get(pk=event.pk)
    assert stored.occurred_at == dt.datetime(2025, 5, 4, 9, 20, tzinfo=UTC)
    assert stored.time_of_day == dt.time(14, 20) and stored.date == DAY


def test_an_event_without_a_time_has_no_instant(alice: User, case: Case) -> None:
    event = services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=DAY, data={})
    assert PathwayEvent.objects.get(pk=event.pk).occurred_at is None


def test_changing_the_incidents_date_keeps_its_time_of_day(alice: User) -> None:
    post(client_for(alice), **{"incident-time_of_day": "23:40"})
    incident = Incident.objects.get()
    assert incident.occurred_at == dt.datetime(2025, 5, 4, 18, 40, tzinfo=UTC)
    assert incident.case.events.get(type="incident").occurred_at == incident.occurred_at
    incident.date_from = dt.date(2025, 5, 3)
    incident.save()
    assert Incident.objects.get().occurred_at == dt.datetime(2025, 5, 3, 18, 40, tzinfo=UTC)


def test_the_event_form_takes_a_time_and_the_timeline_shows_it(alice: User, case: Case) -> None:
    client = client_for(alice)
    response = client.post(f"/cases/{case.code}/events/police_contacted/", {
        "police_contacted-date": "2025-05-04", "police_contacted-time": "09:20"})
    assert response.status_code == 302
    assert case.events.get(type="police_contacted").time_of_day == dt.time(9, 20)
    assert "2025-05-04 09:20" in client.get(f"/cases/{case.code}/").content.decode()


def test_five_hours_from_police_contact_to_registration_are_shown_in_hours(alice: User, case: Case) -> None:
    _contact_and_registration(alice, case, contacted=dt.time(9, 20), registered=dt.time(14, 20))
    body = client_for(alice).get(f"/cases/{case.code}/").content.decode()
    interval = body[body.index('id="registration-interval"'):]
    assert "5 hours" in interval[:interval.index("</p>")]


def test_the_interval_is_in_days_without_both_times_or_from_two_days_on(alice: User, case: Case) -> None:
    _contact_and_registration(alice, case, contacted=dt.time(9, 20), registered=None,
                              registered_on=DAY + dt.timedelta(days=3))
    body = client_for(alice).get(f"/cases/{case.code}/").content.decode()
    interval = body[body.index('id="registration-interval"'):]
    assert "3 days" in interval[:interval.index("</p>")]
    assert not Interval(days=2, minutes=2 * 24 * 60).in_hours and Interval(days=1, minutes=47 * 60).in_hours


def test_the_statistics_keep_the_hours_to_registration_when_both_times_were_recorded(
    alice: User, case: Case
) -> None:
    _contact_and_registration(alice, case, contacted=dt.time(9, 20), registered=dt.time(14, 50))
    figures = CaseFigures.objects.get(case_id=case.pk)
    assert (figures.days_to_registration, figures.hours_to_registration) == (0, 6)


def test_without_times_the_statistics_have_no_hours(alice: User, case: Case) -> None:
    _contact_and_registration(alice, case, contacted=None, registered=None)
    assert CaseFigures.objects.get(case_id=case.pk).hours_to_registration is None


def test_a_time_later_today_is_refused_as_in_the_future(
    alice: User, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    ten = dt.datetime(2025, 5, 4, 10, 0, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(forms, "local_now", lambda: ten)
    client = client_for(alice)
    url = f"/cases/{case.code}/events/police_contacted/"
    later = client.post(url, {"police_contacted-date": "2025-05-04", "police_contacted-time": "11:00"})
    assert later.status_code == 400 and not case.events.filter(type="police_contacted").exists()
    earlier = client.post(url, {"police_contacted-date": "2025-05-04", "police_contacted-time": "09:00"})
    assert earlier.status_code == 302


def test_opening_an_events_correction_page_is_audited_as_viewing_the_case(alice: User, case: Case) -> None:
    from aigaq.audit.models import Action, AuditEntry

    event = services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=DAY, data={})
    assert client_for(alice).get(f"/cases/{case.code}/event/{event.code}/").status_code == 200
    assert AuditEntry.objects.filter(action=Action.CASE_VIEWED, case_code=case.code).count() == 1


def test_on_one_day_a_step_timed_earlier_comes_first_even_when_entered_later(alice: User, case: Case) -> None:
    services.pathway_event_add(actor=alice, case=case, event_type="report_registered", date=DAY,
                               time=dt.time(14, 20), data={"initial_article": "CC-121"})
    services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=DAY,
                               time=dt.time(9, 20), data={})
    assert derived_for(case).stage == "investigation"
    assert [e.event.type for e in case_page(case).timeline] == ["incident", "police_contacted", "report_registered"]
    registration = case_page(case).registration
    assert registration is not None and registration.hours == 5
