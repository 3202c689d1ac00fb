"""The case list's saved views, sorting and pagination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aigaq.accounts.models import User
from aigaq.cases import listing, services
from aigaq.cases.models import Case

from ..conftest import client_for


def listed(user: User, cases: list[Case], **params: str) -> list[Case]:
    """The cases among `cases` on her list page, in the order shown."""
    body = client_for(user).get("/cases/", params).content.decode()
    found = [(body.find(f"/cases/{c.code}/"), c) for c in cases]
    return [c for at, c in sorted(found, key=lambda pair: pair[0]) if at >= 0]


def test_my_cases_are_the_cases_she_has_a_place_on(cora: User, alice: User, make_case: Callable[..., Case]) -> None:
    hers, others = make_case(alice), make_case(cora)
    assert listed(cora, [hers, others], view="mine") == [others]
    assert set(listed(cora, [hers, others])) == {hers, others}


def test_unassigned_cases_have_no_owner_or_caseworker(cora: User, alice: User, bob: User,
                                                      make_case: Callable[..., Case]) -> None:
    worked, lawyer_only = make_case(alice), make_case(cora)
    lawyer_only.assignments.all().delete()
    services.case_share(actor=cora, case=lawyer_only, user=bob, role="lawyer")
    assert listed(cora, [worked, lawyer_only], view="unassigned") == [lawyer_only]


def test_a_place_past_its_last_day_leaves_the_case_unassigned(cora: User, alice: User,
                                                             make_case: Callable[..., Case]) -> None:
    case = make_case(cora)
    case.assignments.all().delete()
    services.case_share(actor=cora, case=case, user=alice, role="caseworker", ends_on=timezone.localdate())
    assert listed(cora, [case], view="unassigned") == []
    case.assignments.update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    assert listed(cora, [case], view="unassigned") == [case]


def test_waiting_for_a_decision_lists_cases_waiting_longer_than_the_limit(
    alice: User, make_case: Callable[..., Case], settings: object
) -> None:
    today = timezone.localdate()
    overdue, recent, none = make_case(alice), make_case(alice), make_case(alice)
    services.pathway_event_add(actor=alice, case=overdue, event_type="police_contacted",
                               date=today - dt.timedelta(days=31), data={})
    services.pathway_event_add(actor=alice, case=recent, event_type="police_contacted",
                               date=today - dt.timedelta(days=30), data={})
    assert listed(alice, [overdue, recent, none], view="waiting") == [overdue]
    assert listed(alice, [overdue, recent, none], flag="waiting") == [overdue]
    assert "Waiting 31 days" in client_for(alice).get("/cases/", {"view": "waiting"}).content.decode()


def test_hearing_this_week_lists_cases_with_a_hearing_set_or_held_this_week(
    bob: User, cora: User, make_case: Callable[..., Case]
) -> None:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    set_, held, next_week = make_case(cora), make_case(cora), make_case(cora)
    services.case_next_hearing_set(actor=cora, case=set_, next_hearing_on=monday + dt.timedelta(days=6))
    services.pathway_event_add(actor=cora, case=held, event_type="hearing", date=monday, data={})
    services.case_next_hearing_set(actor=cora, case=next_week, next_hearing_on=monday + dt.timedelta(days=7))
    assert set(listed(cora, [set_, held, next_week], view="hearing_week")) == {set_, held}


def test_the_list_sorts_by_stage_and_by_last_activity(alice: User, make_case: Callable[..., Case]) -> None:
    court, intake, police = make_case(alice), make_case(alice), make_case(alice)
    services.pathway_event_add(actor=alice, case=police, event_type="police_contacted",
                               date=dt.date(2025, 5, 5), data={})
    services.pathway_event_add(actor=alice, case=court, event_type="sent_to_court", date=dt.date(2025, 5, 6),
                               data={})
    assert listed(alice, [court, intake, police], sort="stage") == [intake, police, court]
    services.note_add(actor=alice, case=intake, text="she called")
    assert listed(alice, [court, intake, police], sort="activity")[0] == intake


def test_the_stored_stage_follows_the_events(alice: User, case: Case) -> None:
    services.pathway_event_add(actor=alice, case=case, event_type="report_refused", date=dt.date(2025, 5, 5),
                               data={"reason": "natural_instincts"})
    case.refresh_from_db()
    assert (case.stage, case.refused_registration) == ("refused", True)


def test_a_page_of_the_list_is_a_fixed_number_of_queries_whatever_the_number_of_cases(
    alice: User, make_case: Callable[..., Case]
) -> None:
    def queries() -> int:
        client = client_for(alice)
        client.get("/cases/")  # session and the like, once
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/", {"sort": "stage"}).status_code == 200
        return len(captured)

    make_case(alice)
    few = queries()
    for _ in range(5):
        make_case(alice)
    assert queries() == few


def test_the_list_is_paginated_by_fifty(alice: User, make_case: Callable[..., Case]) -> None:
    cases = [make_case(alice) for _ in range(51)]
    first = client_for(alice).get("/cases/").content.decode()
    second = client_for(alice).get("/cases/", {"page": "2"}).content.decode()
    on_first = sum(f"/cases/{c.code}/" in first for c in cases)
    on_second = sum(f"/cases/{c.code}/" in second for c in cases)
    assert (on_first, on_second) == (50, 1)
    assert "51 cases" in first


def test_a_lawyers_list_starts_with_the_next_hearing(bob: User, alice: User) -> None:
    assert listing.default_sort(bob) == "hearing"
    assert listing.default_sort(alice) == "date"


def test_another_organisations_member_sees_none_of_the_saved_views(olga: User, case: Case) -> None:
    for view in ("", "mine", "unassigned", "waiting", "hearing_week"):
        assert listed(olga, [case], view=view) == []
