"""Flags derived from the events: a penalty under the Code of Administrative Offences (a fine, a
warning, community work) is a penalty without custody; administrative arrest is custody."""

from __future__ import annotations

import datetime as dt

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.listing import case_list
from aigaq.cases.models import Case
from aigaq.cases.selectors import derived_for

from ..conftest import client_for

DAY = dt.date(2025, 5, 5)


def _decision(alice: User, case: Case, outcome: str) -> None:
    services.pathway_event_add(actor=alice, case=case, event_type="administrative_decision", date=DAY,
                               data={"article": "CAO-434", "outcome": outcome})


def test_a_fine_under_cao_434_shows_the_no_custody_flag(alice: User, case: Case) -> None:
    _decision(alice, case, "fine")
    assert derived_for(case).custodial is False
    body = client_for(alice).get(f"/cases/{case.code}/").content.decode()
    assert "flag-noncustodial" in body
    assert list(case_list(alice, flag="non_custodial")) == [case]


def test_administrative_arrest_is_custody(alice: User, case: Case) -> None:
    _decision(alice, case, "arrest")
    assert derived_for(case).custodial is True


def test_a_dismissed_administrative_case_has_no_sentence_flag(alice: User, case: Case) -> None:
    _decision(alice, case, "dismissed")
    assert derived_for(case).custodial is None


def test_a_court_fine_under_cao_434_shows_the_no_custody_flag(alice: User, case: Case) -> None:
    services.pathway_event_add(actor=alice, case=case, event_type="verdict", date=DAY,
                               data={"outcome": "convicted", "article": "CAO-434"})
    services.pathway_event_add(actor=alice, case=case, event_type="sentence", date=DAY,
                               data={"sentence_type": "fine", "amount": "55000"})
    assert "flag-noncustodial" in client_for(alice).get("/cases/").content.decode()
