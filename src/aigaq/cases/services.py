"""Writes. Each service runs in one transaction together with its audit entry.

A record's values come in as its input (`aigaq.cases.inputs`), and only so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.keys.store import case_key_create

from . import hooks, search
from .inputs import CostInput, IncidentInput, ReferralInput, SurvivorInput, SuspectInput, WitnessInput
from .models import (
    Assignment,
    Case,
    Cost,
    Incident,
    Note,
    PathwayEvent,
    Referral,
    SearchToken,
    Survivor,
    Suspect,
    Witness,
)
from .pathway import SPECS


def _new_pseudonym(case: Case) -> str:
    return "S-" + case.code[:6].upper()


@transaction.atomic
def case_create(
    *,
    actor: User,
    survivor: SurvivorInput,
    incident: IncidentInput,
    suspects: Sequence[SuspectInput] = (),
    created_at: dt.datetime | None = None,
) -> Case:
    member = acting_member(actor)
    case = Case(organisation=member.organisation, created_by=actor)
    # The key is stored before the case row commits, so no committed case is ever without a key.
    case._dek = case_key_create(case.code)
    case.save()
    if created_at is not None:
        Case.objects.filter(pk=case.pk).update(created_at=created_at)
    Assignment.objects.create(case=case, user=actor, kind=Assignment.Kind.ASSIGNED)
    values = survivor.values()
    values["pseudonym"] = survivor.pseudonym or _new_pseudonym(case)
    Survivor.objects.create(case=case, **values)
    Incident.objects.create(case=case, **incident.values())
    first = PathwayEvent(case=case, type="incident", date=incident.date_from, created_by=actor)
    first.time_of_day = incident.time_of_day
    first.save()
    for data in suspects:
        suspect = _suspect_save(case=case, suspect=Suspect(case=case), data=data)
        hooks.suspect_changed(suspect=suspect)
    record(actor=actor, action=Action.CASE_CREATED, case_code=case.code)
    hooks.case_changed(case=case)
    return case


def _suspect_save(*, case: Case, suspect: Suspect, data: SuspectInput) -> Suspect:
    for name, value in data.values().items():
        setattr(suspect, name, value)
    suspect.save()
    SearchToken.objects.filter(suspect=suspect).delete()
    SearchToken.objects.bulk_create(
        SearchToken(organisation_id=case.organisation_id, case=case, suspect=suspect, purpose=purpose, token=token)
        for purpose, token in search.suspect_tokens(suspect)
    )
    return suspect


@transaction.atomic
def suspect_add(*, actor: User, case: Case, data: SuspectInput) -> Suspect:
    suspect = _suspect_save(case=case, suspect=Suspect(case=case), data=data)
    hooks.suspect_changed(suspect=suspect)
    record(actor=actor, action=Action.SUSPECT_ADDED, case_code=case.code, object_code=suspect.code)
    return suspect


@transaction.atomic
def suspect_revealed(*, actor: User, suspect: Suspect) -> None:
    record(actor=actor, action=Action.SUSPECT_REVEALED, case_code=suspect.case.code, object_code=suspect.code)


@transaction.atomic
def suspect_update(*, actor: User, suspect: Suspect, data: SuspectInput) -> Suspect:
    """Writes every field of the input. To change some of them:
    `dataclasses.replace(SuspectInput.of(suspect), phones=...)`."""
    _suspect_save(case=suspect.case, suspect=suspect, data=data)
    hooks.suspect_changed(suspect=suspect)
    record(actor=actor, action=Action.SUSPECT_CHANGED, case_code=suspect.case.code, object_code=suspect.code)
    return suspect


@transaction.atomic
def survivor_consent_update(
    *, actor: User, case: Case, services: bool, matching: bool, statistics: bool, network: bool | None = None
) -> Survivor:
    """Her consents, changed after intake. Withdrawing consent to matching takes her case's
    suspects out of open alerts and of all future matching at once; withdrawing consent to network
    matching has them deleted from the network at the next sync. `network` None keeps that consent
    as it is (callers that do not offer it)."""
    survivor = case.survivor
    before = {"services": survivor.consent_services, "matching": survivor.consent_matching,
              "statistics": survivor.consent_statistics, "network": survivor.consent_network}
    after = {"services": services, "matching": matching, "statistics": statistics,
             "network": survivor.consent_network if network is None else network}
    survivor.consent_services = services
    survivor.consent_matching = matching
    survivor.consent_statistics = statistics
    survivor.consent_network = after["network"]
    survivor.save(update_fields=["consent_services", "consent_matching", "consent_statistics", "consent_network"])
    record(actor=actor, action=Action.CASE_CHANGED, case_code=case.code, object_code=survivor.code,
           extra={"consent": after})
    hooks.consent_changed(case=case, changed=frozenset(k for k in after if after[k] != before[k]))
    hooks.case_changed(case=case)
    return survivor


def _split_event_data(event_type: str, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Separates an event's coded facts from its personal details, as its spec says."""
    facts: dict[str, Any] = {}
    details: dict[str, Any] = {}
    for spec in SPECS[event_type].fields:
        value = data.get(spec.name)
        if value in (None, "", []):
            continue
        if isinstance(value, Decimal):
            value = str(value)
        (details if spec.personal else facts)[spec.name] = value
    return facts, details


@transaction.atomic
def pathway_event_add(
    *, actor: User, case: Case, event_type: str, date: dt.date, data: Mapping[str, Any],
    time: dt.time | None = None,
) -> PathwayEvent:
    """`data` holds the fields the type's spec in `aigaq.cases.pathway` lists (its input is the
    spec, not a dataclass: each of the types has its own fields); others are not kept. `time`: the
    time of day in the organisation's zone, if known."""
    if event_type not in SPECS:
        raise ValueError(f"unknown event type {event_type!r}")
    facts, details = _split_event_data(event_type, data)
    event = PathwayEvent(case=case, type=event_type, date=date, facts=facts, created_by=actor)
    event.time_of_day = time
    event.details = details
    event.save()
    record(
        actor=actor, action=Action.EVENT_ADDED, case_code=case.code, object_code=event.code,
        extra={"type": event_type},
    )
    hooks.case_changed(case=case)
    return event


class EventNotCorrectable(ValueError):
    """The event is no longer current (already corrected or retracted), or is the case's own
    incident event (corrected through the incident), or no reason was given."""


def _check_correctable(event: PathwayEvent, reason: str) -> str:
    if not event.is_current or event.type == "incident":
        raise EventNotCorrectable(event.code)
    reason = reason.strip()
    if not reason:
        raise EventNotCorrectable("a reason is required")
    return reason


@transaction.atomic
def pathway_event_correct(
    *, actor: User, event: PathwayEvent, date: dt.date, data: Mapping[str, Any], reason: str,
    time: dt.time | None = None,
) -> PathwayEvent:
    """Records a correcting event that supersedes `event`: the old one stays in the case's history
    (struck through on the timeline), the new one holds the facts as they are now. The audit entry
    names the fields that changed, never their values."""
    event = PathwayEvent.objects.select_for_update().get(pk=event.pk)
    reason = _check_correctable(event, reason)
    case = event.case
    facts, details = _split_event_data(event.type, data)
    new = PathwayEvent(case=case, type=event.type, date=date, facts=facts, created_by=actor,
                       corrects=event, correction_reason=reason)
    new.time_of_day = time
    new.details = details
    new.save()
    event.superseded_at = timezone.now()
    event.save(update_fields=["superseded_at"])
    old_values = {**(event.facts or {}), **event.details}
    new_values = {**facts, **details}
    changed = sorted(name for name in {*old_values, *new_values} if old_values.get(name) != new_values.get(name))
    if date != event.date:
        changed.insert(0, "date")
    if time != event.time_of_day:
        changed.insert(1 if date != event.date else 0, "time")
    record(
        actor=actor, action=Action.EVENT_CORRECTED, case_code=case.code, object_code=new.code,
        extra={"type": event.type, "corrects": event.code, "fields": changed},
    )
    hooks.case_changed(case=case)
    return new


@transaction.atomic
def pathway_event_retract(*, actor: User, event: PathwayEvent, reason: str) -> PathwayEvent:
    """Marks an event as entered in error: it stays in the case's history, struck through with the
    reason, and no longer counts for the stage, the flags or the statistics."""
    event = PathwayEvent.objects.select_for_update().get(pk=event.pk)
    reason = _check_correctable(event, reason)
    event.retracted_at = timezone.now()
    event.retracted_by = actor
    event.retraction_reason = reason
    event.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])
    record(
        actor=actor, action=Action.EVENT_RETRACTED, case_code=event.case.code, object_code=event.code,
        extra={"type": event.type},
    )
    hooks.case_changed(case=event.case)
    return event


@transaction.atomic
def referral_add(*, actor: User, case: Case, data: ReferralInput) -> Referral:
    referral = Referral.objects.create(case=case, **data.values())
    record(actor=actor, action=Action.REFERRAL_ADDED, case_code=case.code, object_code=referral.code)
    return referral


@transaction.atomic
def note_add(*, actor: User, case: Case, text: str) -> Note:
    note = Note.objects.create(case=case, author=actor, text=text)
    record(actor=actor, action=Action.NOTE_ADDED, case_code=case.code, object_code=note.code)
    return note


@transaction.atomic
def cost_add(*, actor: User, case: Case, data: CostInput) -> Cost:
    cost = Cost.objects.create(case=case, **data.values())
    record(actor=actor, action=Action.COST_ADDED, case_code=case.code, object_code=cost.code)
    hooks.case_changed(case=case)
    return cost


@transaction.atomic
def witness_add(*, actor: User, case: Case, data: WitnessInput) -> Witness:
    witness = Witness.objects.create(case=case, **data.values())
    record(actor=actor, action=Action.WITNESS_ADDED, case_code=case.code, object_code=witness.code)
    return witness


@transaction.atomic
def case_share(*, actor: User, case: Case, user: User, kind: str = Assignment.Kind.SHARED) -> Assignment:
    assignment, _ = Assignment.objects.get_or_create(case=case, user=user, defaults={"kind": kind})
    record(actor=actor, action=Action.CASE_SHARED, case_code=case.code, object_code=user.code)
    return assignment


@transaction.atomic
def case_viewed(*, actor: User, case: Case) -> None:
    record(actor=actor, action=Action.CASE_VIEWED, case_code=case.code)
