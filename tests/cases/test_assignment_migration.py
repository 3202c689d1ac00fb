"""Migrations 0004 and 0005 on cases written before them: each place on a case keeps the access it
gave (the creator becomes owner, a lawyer's place a lawyer's, any other a caseworker's), each gets
its own code, and the list's stored stage and flags are derived from the existing events."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aigaq.accounts.models import User
from aigaq.cases.models import Assignment, Case

from ..conftest import client_for

BEFORE = "0003_survivor_consent_network"


def migrate_cases(to: str | None) -> None:
    executor = MigrationExecutor(connection)
    # Forward: every app's leaf, since going back also unapplied the apps that depend on cases.
    executor.migrate([("cases", to)] if to else executor.loader.graph.leaf_nodes())


def _old_case(apps: Any, *, creator: User, places: list[tuple[User, str]], events: list[tuple[str, dt.date]]) -> str:
    from aigaq.keys.store import case_key_create
    from aigaq.lib.crypto import random_code

    code = random_code()
    case_key_create(code)
    case = apps.get_model("cases", "Case").objects.create(
        code=code, organisation_id=creator.membership.organisation_id, created_by_id=creator.pk)
    apps.get_model("cases", "Incident").objects.create(
        case=case, code=random_code(), date_from=dt.date(2025, 5, 4), region="KZ-71", area="urban",
        place_type="park", gbv_type="sexual_assault")
    apps.get_model("cases", "Survivor").objects.create(case=case, code=random_code(), pseudonym="S-OLD")
    for user, kind in places:
        apps.get_model("cases", "Assignment").objects.create(case=case, user_id=user.pk, kind=kind)
    for event_type, date in events:
        apps.get_model("cases", "PathwayEvent").objects.create(case=case, code=random_code(), type=event_type,
                                                               date=date)
    return code


@pytest.mark.django_db(transaction=True)
def test_existing_places_keep_their_access_and_cases_get_their_stage(alice: User, bob: User, cora: User) -> None:
    migrate_cases(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(("cases", BEFORE)).apps
        code = _old_case(old, creator=alice, places=[(alice, "assigned"), (bob, "assigned"), (cora, "shared")],
                         events=[("incident", dt.date(2025, 5, 4)), ("report_refused", dt.date(2025, 5, 5))])
    finally:
        migrate_cases(None)

    case = Case.objects.get(code=code)
    roles = {a.user.username: a.role for a in Assignment.objects.filter(case=case)}
    assert roles == {"alice": "owner", "bob": "lawyer", "cora": "caseworker"}
    codes = list(Assignment.objects.values_list("code", flat=True))
    assert len(set(codes)) == 3 and all(re.fullmatch(r"[a-z2-7]{26}", c) for c in codes)
    assert (case.stage, case.refused_registration, case.incident_on) == ("refused", True, dt.date(2025, 5, 4))
    assert case.last_activity_at is not None
    assert client_for(bob).get(f"/cases/{code}/").status_code == 200
