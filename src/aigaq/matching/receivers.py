"""What matching does when `cases` tells it something (registered in apps.py, see cases/hooks.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aigaq.cases.models import Case, Suspect

from . import selectors, services


def on_suspect_changed(*, suspect: Suspect) -> None:
    services.suspect_match(suspect=suspect)


def on_suspects_changed(*, suspects: Sequence[Suspect]) -> None:
    services.suspects_match(suspects=suspects)


def on_consent_changed(*, case: Case, changed: frozenset[str]) -> None:
    if "matching" in changed:
        services.case_matching_update(case=case)


def linked_cases(*, organisation_ids: Iterable[int]) -> set[int]:
    return selectors.linked_case_ids(organisation_ids=organisation_ids)
