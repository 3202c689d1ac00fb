"""The article's story: the same man in the capital and, six months later, in Oral, written in
Cyrillic in one case and in Latin in the other."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from aigaq.accounts.models import Organisation, Role, User
from aigaq.cases.inputs import IncidentInput, SurvivorInput, SuspectInput
from aigaq.cases.models import Case
from tests.conftest import make_user

ORAL = IncidentInput(
    date_from=dt.date(2025, 11, 10),
    date_to=None,
    region="KZ-27",
    city="oral",
    settlement="",
    area="urban",
    place_type="street",
    gbv_type="rape",
    account="He offered me a lift from the bus stop in Oral.",
)
LATIN = SuspectInput(
    full_name="ZHANIBEK SEITOV",
    phones="+7 701 555 1234",
    sex="male",
    relation="stranger",
    approx_age=35,
)


@pytest.fixture
def dina(org: Organisation) -> User:
    """A caseworker of the same organisation who works only on the Oral case."""
    return make_user("dina", org, Role.CASEWORKER)


@pytest.fixture
def astana_case(alice: User, make_case: Callable[..., Case]) -> Case:
    return make_case(alice)  # "Жәнібек Сейітов", "8 (701) 555-12-34", about 34, Astana, May 2025


@pytest.fixture
def oral_case(dina: User, make_case: Callable[..., Case]) -> Case:
    return make_case(
        dina,
        incident=ORAL,
        suspects=[LATIN],
        survivor=SurvivorInput(
            sex="female",
            consent_matching=True,
            consent_statistics=True,
            pseudonym="Aru-Oral",
            name="Арулым Бекова",
        ),
    )


def story(**suspect: Any) -> SuspectInput:
    """The Latin suspect, with the given fields changed."""
    return dataclasses.replace(LATIN, **suspect)
