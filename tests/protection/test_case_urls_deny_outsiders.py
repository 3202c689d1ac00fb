"""Every URL that carries a case code answers 404 to a user of another organisation, an analyst
and a lawyer not assigned to the case. The URL patterns are swept, not hand-picked, so a new
page is covered the day it is added."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from aigaq.accounts.models import User
from aigaq.cases.models import Case
from aigaq.cases.services import pathway_event_add
from aigaq.evidence.services import evidence_add

from ..conftest import client_for
from .helpers import secret_case, step_up_session


def _routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", params: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        names = params + tuple(pattern.pattern.converters)  # type: ignore[attr-defined]
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route, names)
        else:
            yield route, names


def case_routes() -> list[str]:
    return sorted(route for route, params in _routes(get_resolver().url_patterns) if "code" in params)


def _fill(route: str, values: dict[str, str]) -> str:
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "x"), route).lstrip("^")


def test_the_sweep_finds_the_case_pages() -> None:
    routes = case_routes()
    assert len(routes) >= 10
    for expected in ("cases/<str:code>/", "cases/<str:code>/erase/", "cases/<str:code>/evidence/<str:item>/"):
        assert expected in routes


@pytest.fixture
def outsiders(olga: User, ann: User, bob: User) -> dict[str, Client]:
    # All are freshly re-authenticated, so step-up-protected pages go as far as the access check.
    return {"olga (other organisation)": step_up_session(client_for(olga)),
            "ann (analyst)": step_up_session(client_for(ann)),
            "bob (lawyer, not assigned)": step_up_session(client_for(bob))}


def test_outsiders_get_404_on_every_url_that_carries_a_case_code(
    alice: User, outsiders: dict[str, Client]
) -> None:
    case = secret_case(alice)
    item = evidence_add(actor=alice, case=case, filename="a.txt", data=b"statement")
    event = pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=case.incident.date_from,
                              data={})
    values = {"code": case.code, "item": item.code, "event_type": "report_refused", "event_code": event.code}
    unknown = {**values, "code": "a" * 26}
    failures = []
    for route in case_routes():
        url = _fill(route, values)
        for who, client in outsiders.items():
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status == 404:
                    continue
                # A view that refuses the method (405) before looking at the code reveals nothing,
                # provided a code that does not exist gets the same answer.
                same = getattr(client, method)(_fill(route, unknown)).status_code
                if not (status == 405 and same == 405):
                    failures.append(f"{method.upper()} {route} as {who}: {status}")
    assert not failures, failures
    assert Case.objects.filter(pk=case.pk).exists() and case.evidence.count() == 1
    event.refresh_from_db()
    assert event.is_current and case.events.count() == 2
