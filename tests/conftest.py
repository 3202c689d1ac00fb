"""Personas and helpers shared by the whole suite.

Alice is a caseworker, Bob a lawyer, Cora the coordinator and Ann the analyst of one
organisation; Olga is a coordinator of another organisation and must be denied everywhere.
"""

from __future__ import annotations

import os

# The linkage kernels compile once per machine, not once per run: numba caches them in the user's
# cache (tests/settings.py points AIGAQ_DATA_DIR, where the app keeps them, at a throw-away folder).
# Set before anything imports numba; one folder for all xdist workers is safe (linkage/kernels.py).
os.environ.setdefault(
    "NUMBA_CACHE_DIR",
    os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "aigaq", "numba"),
)

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aigaq.accounts.models import Membership, Organisation, Role, User
from aigaq.cases import services
from aigaq.cases.inputs import IncidentInput, SurvivorInput, SuspectInput
from aigaq.cases.models import Case

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_schedule() -> None:
    """Each test starts with the worker's periodic jobs due and none enqueued (aigaq.worker keeps
    their schedule in the process, and each test's database is a new one)."""
    from aigaq import worker

    for job in worker.periodic_jobs():
        job.result_id, job.due = None, 0.0


def make_user(username: str, org: Organisation, role: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def org(db: Any) -> Organisation:
    return Organisation.objects.create(name="Crisis centre Almaty", default_language="en")


@pytest.fixture
def other_org(db: Any) -> Organisation:
    return Organisation.objects.create(name="Oral network", default_language="kk")


@pytest.fixture
def alice(org: Organisation) -> User:
    return make_user("alice", org, Role.CASEWORKER)


@pytest.fixture
def bob(org: Organisation) -> User:
    return make_user("bob", org, Role.LAWYER)


@pytest.fixture
def cora(org: Organisation) -> User:
    return make_user("cora", org, Role.COORDINATOR)


@pytest.fixture
def ann(org: Organisation) -> User:
    return make_user("ann", org, Role.ANALYST)


@pytest.fixture
def olga(other_org: Organisation) -> User:
    return make_user("olga", other_org, Role.COORDINATOR)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def login() -> Callable[[User], Client]:
    return client_for


SURVIVOR = SurvivorInput(sex="female", consent_matching=True, consent_statistics=True)
INCIDENT = IncidentInput(
    date_from=dt.date(2025, 5, 4), date_to=None, region="KZ-71", city="astana", settlement="", area="urban",
    place_type="park", gbv_type="sexual_assault", account="Two men followed me while I was running in the park.",
)
SUSPECT = SuspectInput(full_name="Жәнібек Сейітов", phones="8 (701) 555-12-34", sex="male", relation="stranger",
                       approx_age=34)


def case_data(**overrides: Any) -> dict[str, Any]:
    """case_create's inputs for the usual case (SURVIVOR, INCIDENT, SUSPECT); an override replaces
    one whole (`dataclasses.replace(INCIDENT, region=...)` to change a field)."""
    data: dict[str, Any] = {"survivor": SURVIVOR, "incident": INCIDENT, "suspects": [SUSPECT]}
    data.update(overrides)
    return data


@pytest.fixture
def make_case() -> Callable[..., Case]:
    def make(actor: User, **overrides: Any) -> Case:
        return services.case_create(actor=actor, **case_data(**overrides))

    return make


@pytest.fixture
def case(alice: User, make_case: Callable[..., Case]) -> Case:
    return make_case(alice)
