"""cases/hooks.py: the feature apps hear of every change through it, once, at the documented moment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from aigaq.accounts.models import User
from aigaq.cases import erasure, hooks, services
from aigaq.cases.models import Case, Suspect


@pytest.fixture
def heard() -> Iterator[list[tuple[str, Any]]]:
    """Registers a listener on every hook for the test, and takes them away afterwards."""
    events: list[tuple[str, Any]] = []
    saved = {name: list(getattr(hooks, name)) for name in
             ("_suspect_changed", "_consent_changed", "_case_changed", "_case_erasing", "_linked_cases")}

    def on_suspect(*, suspect: Suspect) -> None:
        events.append(("suspect", suspect.code))

    def on_consent(*, case: Case, changed: frozenset[str]) -> None:
        events.append(("consent", tuple(sorted(changed))))

    def on_case(*, case: Case) -> None:
        events.append(("case", case.code))

    def on_erasing(*, case: Case) -> Callable[[], None]:
        events.append(("erasing", case.code))
        return lambda: events.append(("erased", case.code))

    hooks.on_suspect_changed(on_suspect)
    hooks.on_consent_changed(on_consent)
    hooks.on_case_changed(on_case)
    hooks.on_case_erasing(on_erasing)
    hooks.on_case_erasing(on_erasing)  # twice: still one registration
    yield events
    for name, receivers in saved.items():
        getattr(hooks, name)[:] = receivers


def test_creating_a_case_tells_of_each_suspect_and_of_the_case_once(
    heard: list[tuple[str, Any]], alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(alice)
    suspect = case.suspects.get()
    assert heard == [("suspect", suspect.code), ("case", case.code)]


def test_only_the_consents_that_changed_are_named(heard: list[tuple[str, Any]], case: Case, alice: User) -> None:
    services.survivor_consent_update(actor=alice, case=case, services=False, matching=False, statistics=True)
    assert ("consent", ("matching",)) in heard
    heard.clear()
    services.survivor_consent_update(actor=alice, case=case, services=False, matching=False, statistics=True)
    assert not [e for e in heard if e[0] == "consent"], "nothing changed, so no consent event"


@pytest.mark.django_db(transaction=True)
def test_erasing_a_case_runs_the_after_commit_work_only_after_the_commit(
    heard: list[tuple[str, Any]], cora: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(cora)
    heard.clear()
    erasure.case_erase(actor=cora, case=case)
    assert heard == [("erasing", case.code), ("erased", case.code)]


def test_coalesced_changes_reach_receivers_once_per_case_at_the_end(
    heard: list[tuple[str, Any]], alice: User, case: Case, make_case: Callable[..., Case]
) -> None:
    heard.clear()
    with hooks.case_changes_coalesced():
        other = make_case(alice)
        hooks.case_changed(case=case)
        hooks.case_changed(case=case)
        hooks.case_changed(case=other)
        assert not [e for e in heard if e[0] == "case"], "held back inside the block"
    assert [e for e in heard if e[0] == "case"] == [("case", other.code), ("case", case.code)]


def test_an_error_inside_a_coalesced_block_sends_nothing(heard: list[tuple[str, Any]], case: Case) -> None:
    heard.clear()
    with pytest.raises(RuntimeError), hooks.case_changes_coalesced():
        hooks.case_changed(case=case)
        raise RuntimeError("the import failed half-way")
    assert heard == []
    hooks.case_changed(case=case)
    assert heard == [("case", case.code)], "outside the block, changes go out at once again"


def test_linked_cases_asks_every_receiver_and_joins_their_answers(case: Case) -> None:
    saved = list(hooks._linked_cases)
    try:
        hooks.on_linked_cases(lambda *, organisation_ids: {1, 2})
        hooks.on_linked_cases(lambda *, organisation_ids: {2, 3} if 7 in organisation_ids else set())
        assert hooks.linked_cases(organisation_ids=[7]) >= {1, 2, 3}
    finally:
        hooks._linked_cases[:] = saved
