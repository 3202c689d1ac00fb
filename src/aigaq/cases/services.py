"""Writes. Each service runs in one transaction together with its audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.keys.store import case_key_create

from . import hooks, search
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

SUSPECT_FIELDS = (
    "full_name", "aliases", "phones", "handles", "plates", "iins", "birth_date",
    "approx_age", "sex", "relation", "description",
)


def _new_pseudonym(case: Case) -> str:
    return "S-" + case.code[:6].upper()


@transaction.atomic
def case_create(
    *,
    actor: User,
    survivor: dict[str, Any],
    incident: dict[str, Any],
    suspects: Sequence[dict[str, Any]] = (),
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
    Survivor.objects.create(case=case, pseudonym=survivor.pop("pseudonym", "") or _new_pseudonym(case), **survivor)
    Incident.objects.create(case=case, **incident)
    PathwayEvent.objects.create(case=case, type="incident", date=incident["date_from"], created_by=actor)
    for data in suspects:
        suspect = _suspect_save(case=case, suspect=Suspect(case=case), data=data)
        hooks.suspect_changed(suspect=suspect)
    record(actor=actor, action=Action.CASE_CREATED, case_code=case.code)
    hooks.case_changed(case=case)
    return case


def _suspect_save(*, case: Case, suspect: Suspect, data: dict[str, Any]) -> Suspect:
    for name in SUSPECT_FIELDS:
        if name in data:
            setattr(suspect, name, data[name])
    suspect.save()
    SearchToken.objects.filter(suspect=suspect).delete()
    SearchToken.objects.bulk_create(
        SearchToken(organisation_id=case.organisation_id, case=case, suspect=suspect, purpose=purpose, token=token)
        for purpose, token in search.suspect_tokens(suspect)
    )
    return suspect


@transaction.atomic
def suspect_add(*, actor: User, case: Case, data: dict[str, Any]) -> Suspect:
    suspect = _suspect_save(case=case, suspect=Suspect(case=case), data=data)
    hooks.suspect_changed(suspect=suspect)
    record(actor=actor, action=Action.SUSPECT_ADDED, case_code=case.code, object_code=suspect.code)
    return suspect


@transaction.atomic
def suspect_revealed(*, actor: User, suspect: Suspect) -> None:
    record(actor=actor, action=Action.SUSPECT_REVEALED, case_code=suspect.case.code, object_code=suspect.code)


@transaction.atomic
def suspect_update(*, actor: User, suspect: Suspect, data: dict[str, Any]) -> Suspect:
    _suspect_save(case=suspect.case, suspect=suspect, data=data)
    hooks.suspect_changed(suspect=suspect)
    record(actor=actor, action=Action.SUSPECT_CHANGED, case_code=suspect.case.code, object_code=suspect.code)
    return suspect


@transaction.atomic
def survivor_consent_update(
    *, actor: User, case: Case, services: bool, matching: bool, statistics: bool
) -> Survivor:
    """Her consents, changed after intake. Withdrawing consent to matching takes her case's
    suspects out of open alerts and of all future matching at once."""
    survivor = case.survivor
    before = {"services": survivor.consent_services, "matching": survivor.consent_matching,
              "statistics": survivor.consent_statistics}
    after = {"services": services, "matching": matching, "statistics": statistics}
    survivor.consent_services = services
    survivor.consent_matching = matching
    survivor.consent_statistics = statistics
    survivor.save(update_fields=["consent_services", "consent_matching", "consent_statistics"])
    record(actor=actor, action=Action.CASE_CHANGED, case_code=case.code, object_code=survivor.code,
           extra={"consent": after})
    hooks.consent_changed(case=case, changed=frozenset(k for k in after if after[k] != before[k]))
    hooks.case_changed(case=case)
    return survivor


def split_event_data(event_type: str, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
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
    *, actor: User, case: Case, event_type: str, date: dt.date, data: dict[str, Any]
) -> PathwayEvent:
    if event_type not in SPECS:
        raise ValueError(f"unknown event type {event_type!r}")
    facts, details = split_event_data(event_type, data)
    event = PathwayEvent(case=case, type=event_type, date=date, facts=facts, created_by=actor)
    event.details = details
    event.save()
    record(
        actor=actor, action=Action.EVENT_ADDED, case_code=case.code, object_code=event.code,
        extra={"type": event_type},
    )
    hooks.case_changed(case=case)
    return event


@transaction.atomic
def referral_add(*, actor: User, case: Case, data: dict[str, Any]) -> Referral:
    referral = Referral.objects.create(case=case, **data)
    record(actor=actor, action=Action.REFERRAL_ADDED, case_code=case.code, object_code=referral.code)
    return referral


@transaction.atomic
def note_add(*, actor: User, case: Case, text: str) -> Note:
    note = Note.objects.create(case=case, author=actor, text=text)
    record(actor=actor, action=Action.NOTE_ADDED, case_code=case.code, object_code=note.code)
    return note


@transaction.atomic
def cost_add(*, actor: User, case: Case, data: dict[str, Any]) -> Cost:
    cost = Cost.objects.create(case=case, **data)
    record(actor=actor, action=Action.COST_ADDED, case_code=case.code, object_code=cost.code)
    hooks.case_changed(case=case)
    return cost


@transaction.atomic
def witness_add(*, actor: User, case: Case, data: dict[str, Any]) -> Witness:
    witness = Witness.objects.create(case=case, **data)
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
