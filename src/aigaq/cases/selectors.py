"""Reads, always on behalf of a user: for a case she may see (cases.access), its page and its
records. The case list is in `listing`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aigaq import i18n, reference
from aigaq.accounts.members import current_member
from aigaq.audit.models import Action, AuditEntry

from . import hooks, offices, reveal
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
from .pathway import (
    SPECS,
    STAGES,
    Derived,
    Interval,
    choice_items,
    chronological,
    derive,
    other_name,
    registration_interval,
)

FLAGS: tuple[tuple[str, Any], ...] = (
    ("refused_registration", _("Registration refused")),
    ("waiting", _("Waiting for a decision")),
    ("downgraded", _("Downgraded")),
    ("closed_hearing", _("Closed hearing")),
    ("custodial", _("Custodial sentence")),
    ("non_custodial", _("Sentence without custody")),
    ("repeat_suspect", _("Repeat suspect")),
)


def derived_for(
    case: Case, *, today: dt.date | None = None, events: list[PathwayEvent] | None = None,
    waiting_limit_days: int | None = None,
) -> Derived:
    """The stage and flags from the case's current events (superseded and retracted ones do not
    count); `events`: the case's events, if already loaded."""
    return derive(
        [e for e in (case.events.all() if events is None else events) if e.is_current],
        today=today or timezone.localdate(),
        waiting_limit_days=settings.WAITING_DAYS if waiting_limit_days is None else waiting_limit_days,
    )


def repeat_case_ids(user: AbstractBaseUser | AnonymousUser) -> set[int]:
    """The cases of her organisation with a suspect confirmed as a repeat suspect (asked through
    cases.hooks: the matching app answers)."""
    member = current_member(user)
    return hooks.linked_cases(organisation_ids=[member.organisation_id]) if member is not None else set()


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
    """An event on the timeline. `state`: "current", "superseded" (a later entry corrects it) or
    "retracted" (entered in error); `reason`: why it was superseded or retracted, or for a current
    correction why it corrects an earlier entry."""

    event: PathwayEvent
    label: str
    lines: list[EventLine]
    state: str = "current"
    reason: str = ""
    corrects: PathwayEvent | None = None  # the earlier entry this one corrects

    @property
    def correctable(self) -> bool:
        return self.state == "current" and self.event.type != "incident"


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
    registration: Interval | None  # from the first contact with police to registration
    repeat_suspect: bool


def case_page(
    case: Case, *, revealed: Collection[str] = (), user: AbstractBaseUser | AnonymousUser | None = None
) -> CasePage:
    """The page of a case she may see; `revealed`: the suspects whose identifiers are shown whole;
    `user`: the one who sees it (for the repeat-suspect flag)."""
    label = i18n.label
    incident: Incident | None = getattr(case, "incident", None)
    events = list(case.events.all())
    derived = derived_for(case, events=events)
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
        timeline=timeline(events),
        derived=derived,
        stage_label=dict(STAGES).get(derived.stage, derived.stage),
        registration=registration_interval(events),
        repeat_suspect=user is not None and case.pk in repeat_case_ids(user),
    )


def timeline(events: list[PathwayEvent]) -> list[TimelineEntry]:
    """Every event, current or not, in order; each superseded or retracted one with its reason."""
    events = chronological(events)
    by_id = {e.pk: e for e in events}
    correction_of = {e.corrects_id: e for e in events if e.corrects_id is not None}
    entries = []
    for event in events:
        if event.retracted_at is not None:
            state, reason = "retracted", event.retraction_reason
        elif event.superseded_at is not None:
            later = correction_of.get(event.pk)
            state, reason = "superseded", later.correction_reason if later is not None else ""
        else:
            state, reason = "current", event.correction_reason
        corrects = by_id.get(event.corrects_id) if event.corrects_id is not None else None
        entries.append(replace(timeline_entry(event), state=state, reason=reason, corrects=corrects))
    return entries


def timeline_entry(event: PathwayEvent) -> TimelineEntry:
    """The event as label/value lines, in the active language."""
    lang = i18n.active_language()
    spec = SPECS.get(event.type)
    entry = reference.event_type(event.type)
    lines = []
    values = {**(event.facts or {}), **event.details}
    for field_spec in spec.fields if spec else ():
        value = values.get(field_spec.name)
        if field_spec.kind == "office" and values.get(other_name(field_spec.name)):
            # Written for "other", or a name that an older version stored as free text.
            value = value if value and value != offices.OTHER else ""
            if not value:
                shown = gettext("%(name)s (not in the list)") % {"name": values[other_name(field_spec.name)]}
                lines.append(EventLine(field_spec.label, shown, False))
                continue
        if value in (None, "", []):
            continue
        if field_spec.kind == "office":
            shown = offices.label(value, lang)
        elif field_spec.kind == "article":
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


@dataclass(frozen=True)
class HistoryEntry:
    """One change of a record, from the audit log: who, when, what was done and to which fields
    (the fields' names in her language; the log never holds their values)."""

    at: dt.datetime
    who: str
    action: str
    fields: list[str]


def record_history(case: Case, record: CaseRecord) -> list[HistoryEntry]:
    """The record's audit entries, newest first, for someone who may see `case` (the survivor's and
    the incident's begin with the case's creation)."""
    def field_label(name: str) -> str:
        try:
            field = type(record)._meta.get_field(name)
        except FieldDoesNotExist:
            return name
        return str(getattr(field, "verbose_name", name))

    mine = Q(object_code=record.code)
    if isinstance(record, Survivor | Incident):  # written with the case, by the same entry
        mine |= Q(action=Action.CASE_CREATED)
    entries = AuditEntry.objects.filter(mine, case_code=case.code).order_by("-id")
    return [
        HistoryEntry(
            at=entry.at,
            who=entry.actor_name or "—",
            action=str(Action(entry.action).label) if entry.action in Action.values else str(entry.action),
            fields=[field_label(name) for name in entry.extra.get("fields", [])],
        )
        for entry in entries
    ]
