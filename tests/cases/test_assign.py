"""Assigning and sharing a case: a role on the case and an optional last day, from the case page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import services
from aigaq.cases.models import Assignment, Case

from ..conftest import client_for, make_user


def status(user: User, case: Case) -> int:
    return client_for(user).get(f"/cases/{case.code}/").status_code


def share(by: User, case: Case, member: User, role: str, ends_on: str = "") -> int:
    response = client_for(by).post(f"/cases/{case.code}/people/", {
        "share-member": member.code, "share-role": role, "share-ends_on": ends_on,
    })
    return response.status_code


def test_the_creator_of_a_case_is_its_owner(alice: User, case: Case) -> None:
    assert case.assignments.get(user=alice).role == Assignment.Role.OWNER


def test_a_coordinator_shares_a_case_with_a_lawyer_who_then_sees_it(cora: User, bob: User, case: Case) -> None:
    assert status(bob, case) == 404
    assert share(cora, case, bob, "lawyer") == 302
    assert status(bob, case) == 200
    place = case.assignments.get(user=bob)
    assert place.role == "lawyer" and place.ends_on is None
    entry = AuditEntry.objects.filter(action=Action.CASE_SHARED, case_code=case.code).last()
    assert entry is not None and entry.object_code == bob.code and entry.extra["role"] == "lawyer"


def test_the_owner_of_a_case_assigns_it(alice: User, bob: User, case: Case) -> None:
    assert share(alice, case, bob, "lawyer") == 302
    assert status(bob, case) == 200


def test_only_a_coordinator_or_the_owner_changes_who_is_on_a_case(
    alice: User, bob: User, cora: User, org: object, case: Case
) -> None:
    dana = make_user("dana", alice.membership.organisation, "caseworker")
    services.case_share(actor=cora, case=case, user=bob, role="caseworker")
    assert share(bob, case, dana, "caseworker") == 404
    assert status(dana, case) == 404
    with pytest.raises(PermissionError):
        services.case_share(actor=bob, case=case, user=dana)


def test_a_case_is_never_shared_outside_its_organisation(cora: User, olga: User, case: Case) -> None:
    assert share(cora, case, olga, "lawyer") == 400  # she is not among the choices
    with pytest.raises(services.ShareRefused):
        services.case_share(actor=cora, case=case, user=olga, role="lawyer")
    assert status(olga, case) == 404


def test_access_ends_after_the_last_day(cora: User, bob: User, case: Case) -> None:
    today = timezone.localdate()
    services.case_share(actor=cora, case=case, user=bob, role="lawyer", ends_on=today)
    assert status(bob, case) == 200  # the last day itself is included
    case.assignments.filter(user=bob).update(ends_on=today - dt.timedelta(days=1))
    assert status(bob, case) == 404
    assert client_for(bob).post(f"/cases/{case.code}/notes/", {"note-text": "late"}).status_code == 404


def test_a_last_day_in_the_past_is_refused_with_her_input_kept(cora: User, bob: User, case: Case) -> None:
    response = client_for(cora).post(f"/cases/{case.code}/people/", {
        "share-member": bob.code, "share-role": "lawyer", "share-ends_on": "2020-01-01"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="2020-01-01"' in body and f'value="{bob.code}" selected' in body
    assert not case.assignments.filter(user=bob).exists()


def test_sharing_again_changes_her_role_and_last_day(cora: User, bob: User, case: Case) -> None:
    services.case_share(actor=cora, case=case, user=bob, role="lawyer")
    later = timezone.localdate() + dt.timedelta(days=30)
    services.case_share(actor=cora, case=case, user=bob, role="read_only", ends_on=later)
    place = case.assignments.get(user=bob)
    assert (place.role, place.ends_on) == ("read_only", later)


@pytest.mark.parametrize("write", [
    ("notes/", {"note-text": "a note"}),
    ("witnesses/", {"witness-name": "Айгүл"}),
    ("consent/", {"consent-services": "on"}),
    ("events/police_contacted/", {"police_contacted-date": "2025-05-05"}),
    ("close/", {}),
    ("hearing/", {"hearing-next_hearing_on": "2030-01-01"}),
])
def test_a_read_only_place_cannot_write_to_the_case(
    cora: User, alice: User, case: Case, write: tuple[str, dict[str, str]]
) -> None:
    dana = make_user("dana", alice.membership.organisation, "caseworker")
    services.case_share(actor=cora, case=case, user=dana, role="read_only")
    client = client_for(dana)
    assert client.get(f"/cases/{case.code}/").status_code == 200
    path, data = write
    before = AuditEntry.objects.count()
    assert client.post(f"/cases/{case.code}/{path}", data).status_code == 404
    assert AuditEntry.objects.count() == before


def test_a_read_only_place_cannot_upload_evidence(cora: User, alice: User, case: Case) -> None:
    dana = make_user("dana", alice.membership.organisation, "caseworker")
    services.case_share(actor=cora, case=case, user=dana, role="read_only")
    assert client_for(dana).post(f"/cases/{case.code}/evidence/upload/", {"title": "x"}).status_code == 404


def test_the_case_page_says_a_read_only_place_is_read_only(cora: User, alice: User, case: Case) -> None:
    dana = make_user("dana", alice.membership.organisation, "caseworker")
    services.case_share(actor=cora, case=case, user=dana, role="read_only")
    assert "read-only" in client_for(dana).get(f"/cases/{case.code}/").content.decode()


def test_unsharing_takes_her_off_the_case(cora: User, bob: User, case: Case) -> None:
    place = services.case_share(actor=cora, case=case, user=bob, role="lawyer")
    response = client_for(cora).post(f"/cases/{case.code}/people/{place.code}/remove/")
    assert response.status_code == 302
    assert status(bob, case) == 404
    assert AuditEntry.objects.filter(action=Action.CASE_UNSHARED, object_code=bob.code).exists()


def test_a_place_is_named_by_its_random_code_never_its_id(cora: User, bob: User, case: Case) -> None:
    place = services.case_share(actor=cora, case=case, user=bob, role="lawyer")
    body = client_for(cora).get(f"/cases/{case.code}/").content.decode()
    assert f"/people/{place.code}/remove/" in body
    assert client_for(cora).post(f"/cases/{case.code}/people/{place.pk}/remove/").status_code == 404


def test_a_lawyer_sees_the_cases_shared_with_her_next_hearing_first(
    cora: User, bob: User, make_case: Callable[..., Case]
) -> None:
    today = timezone.localdate()
    later, sooner, none = make_case(cora), make_case(cora), make_case(cora)
    hidden = make_case(cora)  # not shared with her
    for case in (later, sooner, none):
        services.case_share(actor=cora, case=case, user=bob, role="lawyer")
    services.case_next_hearing_set(actor=bob, case=later, next_hearing_on=today + dt.timedelta(days=20))
    services.case_next_hearing_set(actor=bob, case=sooner, next_hearing_on=today + dt.timedelta(days=2))
    body = client_for(bob).get("/cases/").content.decode()
    positions = [body.find(f"/cases/{c.code}/") for c in (sooner, later, none)]
    assert -1 not in positions and positions == sorted(positions)
    assert f"/cases/{hidden.code}/" not in body


def test_a_member_in_another_organisation_cannot_set_a_hearing(olga: User, case: Case) -> None:
    assert client_for(olga).post(f"/cases/{case.code}/hearing/", {"hearing-next_hearing_on": "2030-01-01"}
                                 ).status_code == 404
