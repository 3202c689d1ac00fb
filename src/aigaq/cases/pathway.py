"""The justice pathway: what each event type records, and what is derived from the events.

A case's stage and flags are computed here from its events and nowhere else, so the case page,
the case list and the statistics cannot disagree (the list reads a copy that `cases.summary`
stores from this derivation whenever the case changes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext_lazy as _

from aigaq import reference
from aigaq.i18n import active_language


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # text | longtext | article | choice | multichoice | bool | int | decimal | office
    label: Any
    personal: bool = False
    required: bool = False
    # For choice and multichoice: the name of a list in aigaq.reference; for office: the kind of
    # office ("police", "prosecutor", "court" of reference.offices()).
    choices: str = ""
    help: Any = ""


NOTE = FieldSpec("note", "longtext", _("Note"), personal=True)
# An office field holds a code of reference.offices() or "other" (aigaq.cases.offices); the text
# written for "other" is personal (it may name a place below the list) and sealed in the details
# as "<name>_other".
UNIT = FieldSpec("unit", "office", _("Police unit"), choices="police")
PROSECUTOR = FieldSpec("prosecutor", "office", _("Prosecutor's office"), choices="prosecutor")
COURT = FieldSpec("court", "office", _("Court"), choices="court")


@dataclass(frozen=True)
class EventSpec:
    type: str
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        entry = reference.event_type(self.type)
        return entry.label(active_language()) if entry else self.type


SPECS: dict[str, EventSpec] = {
    spec.type: spec
    for spec in (
        EventSpec("incident", (NOTE,)),
        EventSpec("disclosure", (FieldSpec("to_whom", "text", _("Told whom"), personal=True), NOTE)),
        EventSpec("police_contacted", (UNIT, NOTE)),
        EventSpec(
            "police_arrived",
            (FieldSpec("minutes_after_call", "int", _("Minutes after the call")), UNIT, NOTE),
        ),
        EventSpec(
            "report_refused",
            (
                FieldSpec("reason", "choice", _("Reason given"), required=True, choices="refusal_reasons"),
                FieldSpec("quote", "longtext", _("The officer's words"), personal=True),
                UNIT,
                FieldSpec("officer", "text", _("Officer"), personal=True),
                NOTE,
            ),
        ),
        EventSpec(
            "report_registered",
            (
                FieldSpec("kui_number", "text", _("KUI number"), personal=True),
                FieldSpec("erdr_number", "text", _("ERDR number"), personal=True),
                FieldSpec("initial_article", "article", _("Initial article"), required=True),
                UNIT,
                NOTE,
            ),
        ),
        EventSpec(
            "complaint_filed",
            (
                FieldSpec("about", "choice", _("About"), required=True, choices="complaint_subjects"),
                FieldSpec("target", "choice", _("Filed with"), required=True, choices="complaint_targets"),
                FieldSpec("outcome", "choice", _("Outcome"), required=True, choices="complaint_outcomes"),
                PROSECUTOR,
                NOTE,
            ),
        ),
        EventSpec(
            "forensic_exam",
            (FieldSpec("payer", "choice", _("Who paid"), choices="payers"), NOTE),
        ),
        EventSpec(
            "requalified",
            (
                FieldSpec("from_article", "article", _("From article"), required=True),
                FieldSpec("to_article", "article", _("To article"), required=True),
                NOTE,
            ),
        ),
        EventSpec(
            "investigation_terminated",
            (FieldSpec("ground", "choice", _("Ground"), required=True, choices="termination_grounds"), NOTE),
        ),
        EventSpec(
            "sent_to_court",
            (
                FieldSpec("article", "article", _("Article"), required=True),
                PROSECUTOR,
                COURT,
                NOTE,
            ),
        ),
        EventSpec(
            "hearing",
            (
                FieldSpec("closed", "bool", _("Closed hearing")),
                FieldSpec("judge", "text", _("Judge"), personal=True),
                FieldSpec(
                    "defence_arguments", "multichoice", _("Defence arguments heard"), choices="defence_arguments"
                ),
                NOTE,
            ),
        ),
        EventSpec(
            "verdict",
            (
                FieldSpec("outcome", "choice", _("Outcome"), required=True, choices="verdict_outcomes"),
                FieldSpec("article", "article", _("Article")),
                FieldSpec("judge", "text", _("Judge"), personal=True),
                NOTE,
            ),
        ),
        EventSpec(
            "sentence",
            (
                FieldSpec("sentence_type", "choice", _("Sentence"), required=True, choices="sentence_types"),
                FieldSpec("length_months", "int", _("Length, months")),
                FieldSpec("amount", "decimal", _("Fine, tenge")),
                NOTE,
            ),
        ),
        EventSpec(
            "appeal",
            (
                FieldSpec("by", "choice", _("Appealed by"), required=True, choices="appellants"),
                FieldSpec("outcome", "choice", _("Outcome"), required=True, choices="appeal_outcomes"),
                NOTE,
            ),
        ),
        EventSpec(
            "administrative_decision",
            (
                FieldSpec("article", "article", _("Article"), required=True),
                FieldSpec("outcome", "choice", _("Outcome"), required=True, choices="admin_decision_outcomes"),
                FieldSpec("amount", "decimal", _("Fine, tenge")),
                NOTE,
            ),
        ),
        EventSpec(
            "protective_order",
            (FieldSpec("days", "int", _("Valid for, days")), NOTE),
        ),
    )
}


# Local code lists the reference package does not hold (they only matter to the form).
LOCAL_CHOICES: dict[str, tuple[tuple[str, Any], ...]] = {
    "complaint_subjects": (("refusal", _("Refusal to register")), ("inaction", _("Inaction"))),
    "appellants": (
        ("survivor", _("The survivor")),
        ("defendant", _("The defendant")),
        ("prosecutor", _("The prosecutor")),
    ),
}


def choice_items(list_name: str) -> list[tuple[str, str]]:
    """(code, label) of a code list named by a FieldSpec's `choices` or a form field, in the active
    language: one of LOCAL_CHOICES, else the list of that name in `aigaq.reference`."""
    if list_name in LOCAL_CHOICES:
        return [(code, str(label)) for code, label in LOCAL_CHOICES[list_name]]
    return reference.choices(getattr(reference, list_name)(), active_language())


def other_name(field_name: str) -> str:
    """The details key of the text written for an office field's "other"."""
    return f"{field_name}_other"


class EventLike(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def facts(self) -> dict[str, Any]: ...


SEVERITY_ORDER = ("administrative", "misdemeanour", "minor", "medium", "grave", "especially_grave")


def is_downgrade(from_code: str, to_code: str) -> bool:
    """A requalification from a Criminal Code sexual-offence article to a lesser article or to the
    Code of Administrative Offences."""
    old, new = reference.article(from_code), reference.article(to_code)
    if old is None or new is None or old.code_kind != "CC" or not old.sexual:
        return False
    if new.code_kind != "CC":
        return True
    return SEVERITY_ORDER.index(new.severity) < SEVERITY_ORDER.index(old.severity) or not new.sexual


STAGE_OF_EVENT = {
    "incident": "intake",
    "disclosure": "intake",
    "police_contacted": "police",
    "police_arrived": "police",
    "report_refused": "refused",
    "report_registered": "investigation",
    "forensic_exam": None,
    "complaint_filed": None,
    "requalified": None,
    "protective_order": None,
    "investigation_terminated": "terminated",
    "sent_to_court": "court",
    "hearing": "court",
    "verdict": "verdict",
    "sentence": "verdict",
    "appeal": "appeal",
    "administrative_decision": "administrative",
}

STAGES: tuple[tuple[str, Any], ...] = (
    ("intake", _("Intake")),
    ("police", _("With the police")),
    ("refused", _("Registration refused")),
    ("investigation", _("Investigation")),
    ("terminated", _("Investigation terminated")),
    ("court", _("In court")),
    ("verdict", _("Verdict")),
    ("appeal", _("Appeal")),
    ("administrative", _("Administrative case")),
)

# Events after which someone else owes the survivor a decision.
AWAITING_DECISION = {"police_contacted", "police_arrived", "report_refused", "report_registered",
                     "complaint_filed", "sent_to_court", "hearing", "appeal"}


ADMIN_PENALTIES = ("fine", "warning", "community_work", "arrest")


@dataclass(frozen=True)
class Derived:
    stage: str
    refused_registration: bool
    waiting_days: int | None  # days since the event that awaits a decision, if more than the limit
    downgraded: bool
    closed_hearing: bool
    custodial: bool | None  # None: no sentence yet

    @property
    def waiting(self) -> bool:
        return self.waiting_days is not None


E = TypeVar("E", bound=EventLike)


def chronological(events: Iterable[E]) -> list[E]:
    """The events in date order. On one day, the events that have a time of day are in time order
    and the others keep their place in the order given (the order they were entered): a step
    entered late but timed earlier comes before the later ones."""
    ordered = sorted(events, key=lambda e: e.date)
    out: list[E] = []
    start = 0
    while start < len(ordered):
        end = start
        while end < len(ordered) and ordered[end].date == ordered[start].date:
            end += 1
        day = ordered[start:end]
        slots = [i for i, e in enumerate(day) if getattr(e, "occurred_at", None) is not None]
        timed = sorted((day[i] for i in slots), key=lambda e: getattr(e, "occurred_at"))  # noqa: B009
        for i, event in zip(slots, timed, strict=True):
            day[i] = event
        out.extend(day)
        start = end
    return out


def current(events: Iterable[E]) -> list[E]:
    """The events that are facts as they stand: a superseded or retracted event (one whose
    `is_current` is False) stays in the history but counts for nothing."""
    return [e for e in events if getattr(e, "is_current", True)]


def derive(events: Iterable[EventLike], *, today: dt.date, waiting_limit_days: int) -> Derived:
    """Only current events count (see `current`)."""
    ordered: Sequence[EventLike] = chronological(current(events))
    stage = "intake"
    refused = downgraded = closed_hearing = False
    custodial: bool | None = None
    for event in ordered:
        stage = STAGE_OF_EVENT.get(event.type) or stage
        facts = event.facts or {}
        if event.type == "report_refused":
            refused = True
        elif event.type == "requalified":
            downgraded |= is_downgrade(facts.get("from_article", ""), facts.get("to_article", ""))
        elif event.type == "hearing" and facts.get("closed"):
            closed_hearing = True
        elif event.type == "sentence":
            kind = next((s for s in reference.sentence_types() if s.code == facts.get("sentence_type")), None)
            custodial = bool(custodial) or bool(kind and getattr(kind, "custodial", False))
        elif event.type == "administrative_decision" and facts.get("outcome") in ADMIN_PENALTIES:
            # A fine, a warning or community work under the CAO is a penalty without custody;
            # administrative arrest is custody. A dismissed case has no penalty at all.
            custodial = bool(custodial) or facts.get("outcome") == "arrest"
    waiting_days = None
    if ordered:
        last = ordered[-1]
        # A complaint or an appeal recorded with its outcome already awaits nothing more.
        decided = last.type in ("complaint_filed", "appeal") and (last.facts or {}).get("outcome") != "pending"
        if last.type in AWAITING_DECISION and not decided:
            days = (today - last.date).days
            # Strictly more than the limit: on day N itself the case is not yet overdue.
            if days > waiting_limit_days:
                waiting_days = days
    return Derived(stage, refused, waiting_days, downgraded, closed_hearing, custodial)


@dataclass(frozen=True)
class Interval:
    """How long something took: `minutes` when both ends have a time of day, else whole `days`
    between the two dates."""

    days: int
    minutes: int | None = None

    @property
    def hours(self) -> int | None:
        """Whole hours, rounded to the nearest; None without both times."""
        return None if self.minutes is None else (self.minutes + 30) // 60

    @property
    def in_hours(self) -> bool:
        """Shown in hours: both times are known and it took less than two days."""
        return self.minutes is not None and self.minutes < 2 * 24 * 60


def registration_interval(events: Iterable[EventLike]) -> Interval | None:
    """From the first contact with police to the first registration of the report after it, among
    the current events; None if either is missing."""
    ordered = chronological(current(events))
    contacted = next((e for e in ordered if e.type == "police_contacted"), None)
    if contacted is None:
        return None
    registered = next(
        (e for e in ordered if e.type == "report_registered" and e.date >= contacted.date), None
    )
    if registered is None:
        return None
    start, end = getattr(contacted, "occurred_at", None), getattr(registered, "occurred_at", None)
    if start is not None and end is not None and end >= start:
        minutes = int((end - start).total_seconds() // 60)
        return Interval(days=minutes // (24 * 60), minutes=minutes)
    return Interval(days=(registered.date - contacted.date).days)
