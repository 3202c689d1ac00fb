"""Hand-built cases for the insights tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.inputs import SurvivorInput
from aigaq.cases.models import Case

from ..conftest import INCIDENT

Event = tuple[str, dt.date, dict[str, Any]]


@pytest.fixture
def build(make_case: Callable[..., Case]) -> Callable[..., Case]:
    """A case with the given pathway events, through the same services the case pages use."""

    def make(actor: User, events: list[Event] = (), **incident: Any) -> Case:  # type: ignore[assignment]
        consent = incident.pop("consent", True)
        case = make_case(
            actor,
            incident=dataclasses.replace(INCIDENT, **{"gbv_type": "rape", "account": "", **incident}),
            survivor=SurvivorInput(sex="female", consent_matching=True, consent_statistics=consent),
        )
        for kind, date, data in events:
            services.pathway_event_add(actor=actor, case=case, event_type=kind, date=date, data=data)
        return case

    return make
