"""Coordinators see who opened which case and when; nobody else sees the log."""

from __future__ import annotations

from aigaq.accounts.models import User

from ..conftest import client_for
from .helpers import secret_case


def test_a_coordinator_sees_who_opened_which_case(alice: User, bob: User, cora: User) -> None:
    case = secret_case(alice)
    client_for(alice).get(f"/cases/{case.code}/")
    page = client_for(cora).get("/audit/", {"case": case.short_code, "user": alice.code})
    text = page.content.decode()
    assert page.status_code == 200
    assert "alice" in text and case.short_code in text
    assert "bob" not in text.split("<table", 1)[1]


def test_another_organisations_coordinator_sees_none_of_its_entries(alice: User, olga: User) -> None:
    case = secret_case(alice)
    text = client_for(olga).get("/audit/").content.decode()
    assert case.short_code not in text


def test_staff_other_than_coordinators_get_404_on_the_audit_log(alice: User, bob: User, ann: User) -> None:
    for user in (alice, bob, ann):
        assert client_for(user).get("/audit/").status_code == 404
        assert client_for(user).post("/audit/verify/").status_code == 404


def test_a_coordinator_can_check_the_chain(cora: User) -> None:
    secret_case(cora)
    response = client_for(cora).post("/audit/verify/")
    assert response.status_code == 200 and 'class="chain-ok"' in response.content.decode()
