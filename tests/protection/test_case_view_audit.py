"""Opening a case is audited once per visit: again within five minutes adds no entry (no chain
write per page), later or by someone else it does, and the chain stays verifiable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from aigaq.accounts.models import User
from aigaq.audit import log
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.cases.services import CASE_VIEW_WINDOW

from ..conftest import client_for

pytestmark = pytest.mark.django_db


def views(case: Case, user: User | None = None) -> int:
    entries = AuditEntry.objects.filter(action=Action.CASE_VIEWED, case_code=case.code)
    return (entries.filter(actor=user) if user is not None else entries).count()


def test_opening_a_case_again_within_the_window_adds_no_audit_entry(alice: User, case: Case) -> None:
    client = client_for(alice)
    for _ in range(3):
        assert client.get(f"/cases/{case.code}/").status_code == 200
    assert views(case) == 1


def test_opening_a_case_after_the_window_is_audited_again(alice: User, case: Case) -> None:
    client = client_for(alice)
    assert client.get(f"/cases/{case.code}/").status_code == 200
    AuditEntry.objects.filter(action=Action.CASE_VIEWED).update(
        at=timezone.now() - CASE_VIEW_WINDOW - dt.timedelta(seconds=1))
    assert client.get(f"/cases/{case.code}/").status_code == 200
    assert views(case) == 2


def test_each_person_opening_the_case_is_audited(alice: User, cora: User, case: Case) -> None:
    assert client_for(alice).get(f"/cases/{case.code}/").status_code == 200
    assert client_for(cora).get(f"/cases/{case.code}/").status_code == 200
    assert views(case, alice) == 1 and views(case, cora) == 1


def test_opening_another_case_is_audited(alice: User, case: Case, make_case: Callable[..., Case]) -> None:
    other = make_case(alice)
    client = client_for(alice)
    client.get(f"/cases/{case.code}/")
    client.get(f"/cases/{other.code}/")
    assert views(case) == 1 and views(other) == 1


def test_the_audit_chain_verifies_after_repeated_case_views(alice: User, case: Case) -> None:
    client = client_for(alice)
    for _ in range(3):
        client.get(f"/cases/{case.code}/")
    assert list(log.verify()) == []
