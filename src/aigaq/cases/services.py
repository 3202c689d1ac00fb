"""Writes. Each service runs in one transaction together with its audit entry.

A record's values come in as its input (`aigaq.cases.inputs`), and only so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import User
from aigaq.audit.log import record, record_unless_recent
from aigaq.audit.models import Action
from aigaq.keys.store import case_key_create

from . import hooks, offices, search
from .access import can_edit, can_manage_people
from .inputs import CostInput, IncidentInput, ReferralInput, SurvivorInput, SuspectInput, WitnessInput
from .models import (
    Assignment,
    Case,
    CaseRecord,
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
from .pathway import SPECS, other_name
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
    case_touched(case=case)
    return suspect


@transaction.atomic
def suspect_revealed(*, actor: User, suspect: Suspect) -> None:
    record(actor=actor, action=Action.SUSPECT_REVEALED, case_code=suspect.case.code, object_code=suspect.code)


@transaction.atomic
def suspect_update(*, actor: User, suspect: Suspect, data: SuspectInput, version: int) -> Suspect:
    """Writes every field of the input. To change some of them:
    `dataclasses.replace(SuspectInput.of(suspect), phones=...)`. Matching runs again for him
    (his alerts that no longer hold are closed, with the reason); StaleVersion if `version` is
    not his version any more."""
    changed = _changed_fields(suspect, data.values())
    if not changed:
        return suspect
    _version_claim(suspect, version)
    _suspect_save(case=suspect.case, suspect=suspect, data=data)
    hooks.suspect_changed(suspect=suspect)
    _record_changed(actor, Action.SUSPECT_CHANGED, suspect, changed)
    return suspect


# Her consents' fields, and the names consent_changed gives them.
CONSENTS = {"consent_services": "services", "consent_matching": "matching",
            "consent_statistics": "statistics", "consent_network": "network"}


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
    # Her record moves on a version, so that an edit form opened before this goes stale.
    Survivor.objects.filter(pk=survivor.pk).update(version=F("version") + 1)
    survivor.version += 1
    fields = [name for name, short in CONSENTS.items() if after[short] != before[short]]
    record(actor=actor, action=Action.CASE_CHANGED, case_code=case.code, object_code=survivor.code,
           extra={"consent": after, "fields": fields})
    hooks.consent_changed(case=case, changed=frozenset(k for k in after if after[k] != before[k]))
    hooks.case_changed(case=case)
    return survivor


class StaleVersion(Exception):
    """Someone saved the record after the form was loaded: nothing was written, so that her save
    does not silently undo theirs (optimistic locking on `CaseRecord.version`)."""


def _changed_fields(obj: CaseRecord, values: Mapping[str, Any]) -> list[str]:
    """The names of the fields whose value differs from the record's, in the input's order."""
    return [name for name, value in values.items() if getattr(obj, name) != value]


def _version_claim(obj: CaseRecord, version: int) -> None:
    """Moves the record on to its next version if it is still at `version`, in one conditional
    UPDATE (so two saves from the same version cannot both pass); StaleVersion otherwise."""
    records: Any = type(obj)._default_manager  # each concrete record has the field (CaseRecord.version)
    claimed = records.filter(pk=obj.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise StaleVersion(f"{type(obj).__name__} {obj.code} is no longer at version {version}")
    obj.version = version + 1


def _record_write(obj: CaseRecord, version: int, values: Mapping[str, Any]) -> list[str]:
    """Writes the values that changed (none: nothing is written) and returns their names."""
    changed = _changed_fields(obj, values)
    if changed:
        _version_claim(obj, version)
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return changed


def _record_changed(actor: User, action: Action, obj: CaseRecord, changed: list[str]) -> None:
    """The audit entry of a correction: which fields changed, never their values."""
    record(actor=actor, action=action, case_code=obj.case.code, object_code=obj.code,
           extra={"fields": changed, "version": obj.version})


@transaction.atomic
def survivor_update(*, actor: User, survivor: Survivor, data: SurvivorInput, version: int) -> Survivor:
    """Corrects her record: pseudonym, name, contacts, age and consents (an empty pseudonym gets one
    made up, as at intake). A withdrawn consent to matching takes her case's suspects out of
    matching at once; one to statistics takes the case out of the figures."""
    case = survivor.case
    values = data.values()
    values["pseudonym"] = data.pseudonym or _new_pseudonym(case)
    changed = _record_write(survivor, version, values)
    if changed:
        _record_changed(actor, Action.SURVIVOR_CHANGED, survivor, changed)
        hooks.consent_changed(case=case, changed=frozenset(CONSENTS[n] for n in changed if n in CONSENTS))
        hooks.case_changed(case=case)
    return survivor


# What a suspect's linkage mention reads of the incident (cases.mention): changing one of them
# changes how each of the case's suspects matches.
INCIDENT_MATCHING_FIELDS = frozenset({"date_from", "region", "city"})


@transaction.atomic
def incident_update(*, actor: User, incident: Incident, data: IncidentInput, version: int) -> Incident:
    """Corrects the incident: dates, place, region and city, type, her account. The case's figures
    follow; a new date or place matches its suspects again."""
    changed = _record_write(incident, version, data.values())
    if changed:
        case = incident.case
        _record_changed(actor, Action.INCIDENT_CHANGED, incident, changed)
        if {"date_from", "time_of_day"} & set(changed):
            # The timeline's first step is the incident itself (case_create): it follows the record.
            for step in PathwayEvent.objects.filter(case=case, type="incident"):
                step.date, step.time_of_day = incident.date_from, incident.time_of_day
                step.save(update_fields=["date"])
        if INCIDENT_MATCHING_FIELDS.intersection(changed):
            case.incident = incident
            for suspect in case.suspects.all():
                suspect.case = case
                hooks.suspect_changed(suspect=suspect)
        hooks.case_changed(case=case)
    return incident


@transaction.atomic
def witness_update(*, actor: User, witness: Witness, data: WitnessInput, version: int) -> Witness:
    if changed := _record_write(witness, version, data.values()):
        _record_changed(actor, Action.WITNESS_CHANGED, witness, changed)
    return witness


@transaction.atomic
def referral_update(*, actor: User, referral: Referral, data: ReferralInput, version: int) -> Referral:
    if changed := _record_write(referral, version, data.values()):
        _record_changed(actor, Action.REFERRAL_CHANGED, referral, changed)
    return referral


@transaction.atomic
def cost_update(*, actor: User, cost: Cost, data: CostInput, version: int) -> Cost:
    if changed := _record_write(cost, version, data.values()):
        _record_changed(actor, Action.COST_CHANGED, cost, changed)
        hooks.case_changed(case=cost.case)
    return cost


@transaction.atomic
def note_update(*, actor: User, note: Note, text: str, version: int) -> Note:
    """Corrects a note's text; its author and date stay (the history shows who corrected it)."""
    if changed := _record_write(note, version, {"text": text}):
        _record_changed(actor, Action.NOTE_CHANGED, note, changed)
    return note


def _case_region(case: Case) -> str:
    incident = Incident.objects.filter(case=case).only("region").first()
    return incident.region if incident is not None else ""


def _split_event_data(
    event_type: str, data: Mapping[str, Any], *, region: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Separates an event's coded facts from its personal details, as its spec says. An office
    field's value (a code, or "other" with its text in `<name>_other`, or a name as written) is
    stored as a code of the list, or as "other" with the text sealed in the details."""
    facts: dict[str, Any] = {}
    details: dict[str, Any] = {}
    for spec in SPECS[event_type].fields:
        value = data.get(spec.name)
        if spec.kind == "office":
            written = str(data.get(other_name(spec.name)) or "").strip()
            chosen = "" if value in (None, offices.OTHER) else str(value)
            code, text = offices.resolve(chosen or written, kind=spec.choices, region=region)
            if code:
                facts[spec.name] = code
            if text:
                details[other_name(spec.name)] = text
            continue
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
    facts, details = _split_event_data(event_type, data, region=_case_region(case))
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
    facts, details = _split_event_data(event.type, data, region=_case_region(case))
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


# Opening the same case again within this time is the same visit: one audit entry
# (audit.log.record_unless_recent). The audit page still shows who opened which case and when.
CASE_VIEW_WINDOW = dt.timedelta(minutes=5)


@transaction.atomic
def case_viewed(*, actor: User, case: Case) -> None:
    record_unless_recent(actor=actor, action=Action.CASE_VIEWED, case_code=case.code, within=CASE_VIEW_WINDOW)
