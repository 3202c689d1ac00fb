"""The one extension point of `cases`: what the feature apps above it need to hear of, or answer.

`cases` knows nothing of matching, evidence or statistics. The apps that do register receivers here
from their `AppConfig.ready()`, and `cases` calls them at the moments listed below. This module is
the only way the feature apps (layer 4, docs/architecture.md) hear of a change to a case: they
never import each other, and `cases` never imports them.

- `suspect_changed`: a suspect was added or changed, inside the write's transaction (matching).
- `consent_changed`: the survivor's consents changed, inside the transaction (matching).
- `case_changed`: a write changed what the case contributes to statistics, inside the transaction
  (insights).
- `case_erasing`: a case is about to be erased, its rows still there; a receiver may return a
  function to run once the erasure has committed (evidence: its files; insights: its counts).
- `survivor_files_received`: a case was made from a survivor's own report that had files attached,
  or such a report was added to a case (reports calls it, inside the transaction; evidence stores
  them, custody starting "submitted by the survivor").
- `linked_cases`: a question, not news: which of these organisations' cases share a confirmed
  perpetrator (matching answers).
- `case_evidence`: a question: the case's evidence files as a list a document may cite (evidence
  answers; documents asks, for the evidence list with hashes in a lawyer's papers).
- `report_network()`: not about a case, but reports and network meet only here: the network's
  side of a sealed survivor's report she wants looked for across the network (network provides
  it: key the man's inputs while her data is in hand, withdraw the ref, note her "yes"); and
  `report_network_matched`: the hub alerted on such a report's ref (network tells, reports asks her).

A bulk writer (an import: `cases.bulk`) tells of many suspects or cases at once
(`suspects_changed`, `cases_changed`); a receiver may register its own version for many
(`many=`), which must leave every case exactly as calling it once per suspect or case would, and
one registered without is called once per suspect or case.

Receivers take keyword arguments only, so a new argument can be added without breaking one.
Registering the same function twice keeps one registration (apps may be readied more than once in
tests). `case_changes_coalesced()` lets a bulk writer (the demo) have `case_changed`
run once per case at the end of the block instead of after each write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from aigaq.linkage.mention import Mention

    from .models import Case, Suspect


class SuspectChanged(Protocol):
    def __call__(self, *, suspect: Suspect) -> None: ...


class ConsentChanged(Protocol):
    def __call__(self, *, case: Case, changed: frozenset[str]) -> None:
        """`changed` names the consents that changed: "services", "matching", "statistics", "network"."""


class CaseChanged(Protocol):
    def __call__(self, *, case: Case) -> None: ...


class SuspectsChanged(Protocol):
    def __call__(self, *, suspects: Sequence[Suspect]) -> None: ...


class CasesChanged(Protocol):
    def __call__(self, *, cases: Sequence[Case]) -> None: ...


class CaseErasing(Protocol):
    def __call__(self, *, case: Case) -> Callable[[], None] | None:
        """Called before the case's rows are deleted; returns what to do after the commit, or None."""


class SurvivorFilesReceived(Protocol):
    def __call__(self, *, actor: Any, case: Case, files: Sequence[tuple[str, bytes]]) -> None:
        """`files`: (file name, content) as she sent them; `actor` the member who made the case."""


class LinkedCases(Protocol):
    def __call__(self, *, organisation_ids: Iterable[int]) -> set[int]:
        """Primary keys of these organisations' cases whose suspect is in a confirmed repeat group."""


@dataclass(frozen=True)
class EvidenceListing:
    """One evidence file as a document cites it: what it shows, its name, SHA-256 (as stored), size
    in bytes, kind (extension) and when it was received."""

    code: str
    title: str
    filename: str
    sha256: str
    size: int
    kind: str
    received_at: dt.datetime


class CaseEvidence(Protocol):
    def __call__(self, *, case: Case) -> list[EvidenceListing]:
        """The case's evidence files, oldest first."""


_suspect_changed: list[SuspectChanged] = []
_consent_changed: list[ConsentChanged] = []
_case_changed: list[CaseChanged] = []
_case_erasing: list[CaseErasing] = []
_linked_cases: list[LinkedCases] = []
_case_evidence: list[CaseEvidence] = []
_survivor_files: list[SurvivorFilesReceived] = []
_suspects_changed: dict[Any, SuspectsChanged] = {}  # a receiver's version for many, by the receiver
_cases_changed: dict[Any, CasesChanged] = {}
_coalescing: list[dict[int, Case]] = []  # a stack: one dict of pending cases per open block


def _add(receivers: list[Any], receiver: Any) -> None:
    if receiver not in receivers:
        receivers.append(receiver)


def on_suspect_changed(receiver: SuspectChanged, *, many: SuspectsChanged | None = None) -> None:
    _add(_suspect_changed, receiver)
    if many is not None:
        _suspects_changed[receiver] = many


def on_consent_changed(receiver: ConsentChanged) -> None:
    _add(_consent_changed, receiver)


def on_case_changed(receiver: CaseChanged, *, many: CasesChanged | None = None) -> None:
    _add(_case_changed, receiver)
    if many is not None:
        _cases_changed[receiver] = many


def on_case_erasing(receiver: CaseErasing) -> None:
    _add(_case_erasing, receiver)


def on_linked_cases(receiver: LinkedCases) -> None:
    _add(_linked_cases, receiver)


def on_case_evidence(receiver: CaseEvidence) -> None:
    _add(_case_evidence, receiver)
def on_survivor_files_received(receiver: SurvivorFilesReceived) -> None:
    _add(_survivor_files, receiver)


# --- Called by `cases` --------------------------------------------------------------------------


def suspect_changed(*, suspect: Suspect) -> None:
    for receiver in _suspect_changed:
        receiver(suspect=suspect)


def suspects_changed(*, suspects: Sequence[Suspect]) -> None:
    """`suspect_changed` for many suspects at once (a bulk write), inside its transaction."""
    if not suspects:
        return
    for receiver in _suspect_changed:
        many = _suspects_changed.get(receiver)
        if many is not None:
            many(suspects=suspects)
        else:
            for suspect in suspects:
                receiver(suspect=suspect)


def cases_changed(*, cases: Sequence[Case]) -> None:
    """`case_changed` for many cases at once (a bulk write), inside its transaction."""
    if not cases:
        return
    for receiver in _case_changed:
        many = _cases_changed.get(receiver)
        if many is not None:
            many(cases=cases)
        else:
            for case in cases:
                receiver(case=case)


def consent_changed(*, case: Case, changed: frozenset[str]) -> None:
    if changed:
        for receiver in _consent_changed:
            receiver(case=case, changed=changed)


def case_changed(*, case: Case) -> None:
    if _coalescing:
        _coalescing[-1][case.pk] = case
        return
    for receiver in _case_changed:
        receiver(case=case)


def case_erasing(*, case: Case) -> list[Callable[[], None]]:
    """What to run after the erasure commits, from every receiver that returned something."""
    after = (receiver(case=case) for receiver in _case_erasing)
    return [then for then in after if then is not None]


def survivor_files_received(*, actor: Any, case: Case, files: Sequence[tuple[str, bytes]]) -> None:
    if files:
        for receiver in _survivor_files:
            receiver(actor=actor, case=case, files=files)


def linked_cases(*, organisation_ids: Iterable[int]) -> set[int]:
    ids = list(organisation_ids)
    linked: set[int] = set()
    for receiver in _linked_cases:
        linked |= receiver(organisation_ids=ids)
    return linked


def case_evidence(*, case: Case) -> list[EvidenceListing]:
    """Asked by a feature app (documents) for the case's evidence files; empty without evidence."""
    listing: list[EvidenceListing] = []
    for receiver in _case_evidence:
        listing.extend(receiver(case=case))
    return listing


@contextmanager
def case_changes_coalesced() -> Iterator[None]:
    """Inside the block, `case_changed` is held back and runs once per case when the block ends
    (only when it ends without an error: on an error the caller's transaction rolls back anyway)."""
    pending: dict[int, Case] = {}
    _coalescing.append(pending)
    try:
        yield
    finally:
        _coalescing.pop()
    for case in pending.values():
        case_changed(case=case)


# --- Survivors' sealed reports in the network (reports and network never import each other) ----


class ReportNetwork(Protocol):
    """The network's side of a sealed report whose survivor asked it be looked for in the network."""

    def available(self, *, organisation_id: int) -> bool:
        """Whether the organisation is the member of a network (the box is offered only then)."""

    def key(self, *, report_code: str, organisation_id: int, mention: Mention, year_month: str) -> bool:
        """Key the man's network inputs now, while her data is in hand, and queue the keyed tokens
        for the next sync; only the tokens are kept. False if that could not be done now."""

    def has(self, *, report_code: str) -> bool:
        """Whether keyed tokens of the report are held (so it need not be keyed again)."""

    def withdraw(self, *, report_code: str) -> None:
        """The report's ref is to be deleted at the hub at the next sync, its tokens here at once."""

    def shared(self, *, report_code: str) -> None:
        """She agreed to share the report: the coordinator may now answer its network alerts."""


_report_network: list[ReportNetwork] = []
_report_network_matched: list[Callable[..., None]] = []


def provide_report_network(provider: ReportNetwork) -> None:
    _report_network[:] = [provider]


def report_network() -> ReportNetwork | None:
    return _report_network[0] if _report_network else None


def on_report_network_matched(receiver: Callable[..., None]) -> None:
    _add(_report_network_matched, receiver)


def report_network_matched(*, report_code: str) -> None:
    for receiver in _report_network_matched:
        receiver(report_code=report_code)
