"""Writes. Each service runs in one transaction together with its audit entry.

A record's values come in as its input (`aigaq.cases.inputs`), and only so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.keys.store import case_key_create

from . import hooks, search
from .access import can_edit, can_manage_people
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
from .summary import case_touched


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
    Assignment.objects.create(case=case, user=actor, role=Assignment.Role.OWNER)
    values = survivor.values()
    values["pseudonym"] = survivor.pseudonym or _new_pseudonym(case)
    Survivor.objects.create(case=case, **values)
    Incident.objects.create(case=case, **incident.values())
    PathwayEvent.objects.create(case=case, type="incident", date=incident.date_from, created_by=actor)
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
    case_touched(case=case)
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
    *, actor: User, case: Case, event_type: str, date: dt.date, data: Mapping[str, Any]
) -> PathwayEvent:
    """`data` holds the fields the type's spec in `aigaq.cases.pathway` lists (its input is the
    spec, not a dataclass: each of the types has its own fields); others are not kept."""
    if event_type not in SPECS:
        raise ValueError(f"unknown event type {event_type!r}")
    facts, details = _split_event_data(event_type, data)
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
def referral_add(*, actor: User, case: Case, data: ReferralInput) -> Referral:
    referral = Referral.objects.create(case=case, **data.values())
    record(actor=actor, action=Action.REFERRAL_ADDED, case_code=case.code, object_code=referral.code)
    case_touched(case=case)
    return referral


@transaction.atomic
def note_add(*, actor: User, case: Case, text: str) -> Note:
    note = Note.objects.create(case=case, author=actor, text=text)
    record(actor=actor, action=Action.NOTE_ADDED, case_code=case.code, object_code=note.code)
    case_touched(case=case)
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
    case_touched(case=case)
    return witness


class ShareRefused(ValueError):
    """The member cannot be given this place on the case."""


def _check_shareable(actor: User, case: Case, user: User) -> None:
    if not can_manage_people(actor, case):
        raise PermissionError("only a coordinator or the case's owner changes who is on a case")
    member = getattr(user, "membership", None)
    if member is None or member.organisation_id != case.organisation_id or not member.sees_records:
        raise ShareRefused("only a member of the case's organisation who works with records")
    if not user.is_active:
        raise ShareRefused("the member is deactivated")


@transaction.atomic
def case_share(
    *,
    actor: User,
    case: Case,
    user: User,
    role: str = Assignment.Role.CASEWORKER,
    ends_on: dt.date | None = None,
) -> Assignment:
    """Gives `user` a place on the case with `role` until `ends_on` (included; None: no end), or
    changes the place she has. A coordinator or the case's owner does it; the member must belong
    to the case's organisation and work with records."""
    if role not in Assignment.Role.values:
        raise ValueError(f"unknown role on a case {role!r}")
    _check_shareable(actor, case, user)
    assignment, created = Assignment.objects.get_or_create(
        case=case, user=user, defaults={"role": role, "ends_on": ends_on}
    )
    if not created:
        assignment.role, assignment.ends_on = role, ends_on
        assignment.save(update_fields=["role", "ends_on"])
    record(actor=actor, action=Action.CASE_SHARED, case_code=case.code, object_code=user.code,
           extra={"role": role, "ends_on": ends_on.isoformat() if ends_on else None})
    case_touched(case=case)
    return assignment


@transaction.atomic
def case_unshare(*, actor: User, assignment: Assignment) -> None:
    """Takes the member off the case: she no longer sees it (unless she is a coordinator)."""
    case = assignment.case
    if not can_manage_people(actor, case):
        raise PermissionError("only a coordinator or the case's owner changes who is on a case")
    user_code = assignment.user.code
    assignment.delete()
    record(actor=actor, action=Action.CASE_UNSHARED, case_code=case.code, object_code=user_code)
    case_touched(case=case)


@transaction.atomic
def case_next_hearing_set(*, actor: User, case: Case, next_hearing_on: dt.date | None) -> Case:
    """The date the court set for the next hearing (None: none is set); it orders a lawyer's list."""
    if not can_edit(actor, case):
        raise PermissionError("a read-only place on the case does not change it")
    case.next_hearing_on = next_hearing_on
    case.save(update_fields=["next_hearing_on"])
    record(actor=actor, action=Action.CASE_CHANGED, case_code=case.code, extra={"fields": ["next_hearing_on"]})
    case_touched(case=case)
    return case


@transaction.atomic
def case_viewed(*, actor: User, case: Case) -> None:
    record(actor=actor, action=Action.CASE_VIEWED, case_code=case.code)
