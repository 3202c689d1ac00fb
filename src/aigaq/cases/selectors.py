"""Reads, always on behalf of a user: for a case she may see (cases.access), its page and its
records. The case list is in `listing`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aigaq import i18n, reference

from . import reveal
from .models import (
    Case,
    CaseRecord,
    Cost,
    Incident,
    Note,
    PathwayEvent,
    Referral,
    Survivor,
    Suspect,
    Witness,
)
from .pathway import SPECS, STAGES, Derived, choice_items, derive

FLAGS: tuple[tuple[str, Any], ...] = (
    ("refused_registration", _("Registration refused")),
    ("waiting", _("Waiting for a decision")),
    ("downgraded", _("Downgraded")),
    ("closed_hearing", _("Closed hearing")),
    ("custodial", _("Custodial sentence")),
    ("non_custodial", _("Sentence without custody")),
)


def derived_for(case: Case, *, today: dt.date | None = None, waiting_limit_days: int | None = None) -> Derived:
    return derive(
        case.events.all(), today=today or timezone.localdate(),
        waiting_limit_days=settings.WAITING_DAYS if waiting_limit_days is None else waiting_limit_days,
    )


R = TypeVar("R", bound=CaseRecord)


def case_record(case: Case, model: type[R], code: str) -> R | None:
    """The case's record of this kind with this code, or None; it keeps `case` (and its loaded key)."""
    record = model._default_manager.filter(case=case, code=code).first()
    if record is not None:
        record.case = case
    return record


@dataclass(frozen=True)
class SuspectRow:
    suspect: Suspect
    relation: str
    identifiers: reveal.Identifiers
    revealed: bool


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    kind: str
    status: str


@dataclass(frozen=True)
class CostRow:
    cost: Cost
    kind: str
    payer: str


@dataclass(frozen=True)
class EventLine:
    label: Any
    value: str
    long: bool  # free text, shown as a quote


@dataclass(frozen=True)
class TimelineEntry:
    event: PathwayEvent
    label: str
    lines: list[EventLine]


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows of a case, labels in the active language."""

    case: Case
    survivor: Survivor | None
    incident: Incident | None
    place: str
    gbv: str
    suspects: list[SuspectRow]
    witnesses: list[Witness]
    referrals: list[ReferralRow]
    notes: list[Note]
    costs: list[CostRow]
    timeline: list[TimelineEntry]
    derived: Derived
    stage_label: Any


def case_page(case: Case, *, revealed: Collection[str] = ()) -> CasePage:
    """The page of a case she may see; `revealed`: the suspects whose identifiers are shown whole."""
    label = i18n.label
    incident: Incident | None = getattr(case, "incident", None)
    derived = derived_for(case)
    return CasePage(
        case=case,
        survivor=getattr(case, "survivor", None),
        incident=incident,
        place=label(reference.place_types(), incident.place_type) if incident else "",
        gbv=label(reference.gbv_types(), incident.gbv_type) if incident else "",
        suspects=[
            SuspectRow(s, label(reference.relations(), s.relation),
                       reveal.identifiers(s, revealed=s.code in revealed), s.code in revealed)
            for s in case.suspects.all()
        ],
        witnesses=list(case.witnesses.all()),
        referrals=[
            ReferralRow(r, label(reference.referral_types(), r.kind), label(reference.referral_statuses(), r.status))
            for r in case.referrals.all()
        ],
        notes=list(case.notes.select_related("author")),
        costs=[CostRow(c, label(reference.cost_kinds(), c.kind), label(reference.payers(), c.payer))
               for c in case.costs.all()],
        timeline=[timeline_entry(e) for e in case.events.all()],
        derived=derived,
        stage_label=dict(STAGES).get(derived.stage, derived.stage),
    )


def timeline_entry(event: PathwayEvent) -> TimelineEntry:
    """The event as label/value lines, in the active language."""
    lang = i18n.active_language()
    spec = SPECS.get(event.type)
    entry = reference.event_type(event.type)
    lines = []
    values = {**(event.facts or {}), **event.details}
    for field_spec in spec.fields if spec else ():
        value = values.get(field_spec.name)
        if value in (None, "", []):
            continue
        if field_spec.kind == "article":
            art = reference.article(value)
            shown = f"{art.short(lang)} — {art.label(lang)}" if art else value
        elif field_spec.kind in ("choice", "multichoice"):
            labels = dict(choice_items(field_spec.choices))
            shown = ", ".join(str(labels.get(v, v)) for v in (value if isinstance(value, list) else [value]))
        elif field_spec.kind == "bool":
            shown = gettext("yes") if value else gettext("no")
        else:
            shown = str(value)
        lines.append(EventLine(field_spec.label, shown, field_spec.kind == "longtext"))
    return TimelineEntry(event, entry.label(lang) if entry else event.type, lines)
