"""What the network side does when `cases` tells it something (registered in apps.py, see
cases/hooks.py). Each only queues work for the next sync, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aigaq.cases.models import Case, Suspect

from . import queue
from .models import NetworkSuspect


def on_suspect_changed(*, suspect: Suspect) -> None:
    if queue.consents(suspect.case_id):
        queue.suspects_enqueue([suspect])
    else:
        # Not expected (withdrawing consent already withdrew him), but never leave him at the hub.
        queue.refs_withdraw(NetworkSuspect.objects.filter(suspect=suspect))


def on_suspects_changed(*, suspects: Sequence[Suspect]) -> None:
    """on_suspect_changed for many (a bulk write): one read of the consents."""
    consenting = queue.consenting_cases({s.case_id for s in suspects})
    queue.suspects_enqueue([s for s in suspects if s.case_id in consenting])
    queue.refs_withdraw(NetworkSuspect.objects.filter(suspect__in=[s for s in suspects if s.case_id not in consenting]))


def on_consent_changed(*, case: Case, changed: frozenset[str]) -> None:
    if "network" not in changed:
        return
    if queue.consents(case.pk):
        queue.suspects_enqueue(case.suspects.all())
    else:
        queue.refs_withdraw(queue.case_rows(case))


def on_case_erasing(*, case: Case) -> Callable[[], None] | None:
    """Before the rows go: the refs become tombstones, which outlive the case."""
    queue.refs_withdraw(queue.case_rows(case))
    return None
