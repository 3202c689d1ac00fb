"""Offices to map: the names written for "other" in an office field of the pathway, which a
coordinator maps onto an entry of the list, and those the migration of free text could not match.

The names live sealed in each event's details, so the list is read by opening them, case by case,
for the coordinator of the organisation only. Names that fold to the same words in any script
(`linkage.normalise.text_key`) are one row. Mapping one sets the code on every current event of
the organisation that has that name; the name stays sealed in the event, as it was written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from aigaq import reference
from aigaq.accounts.members import acting_member
from aigaq.accounts.models import Role, User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.keys.store import KeyDestroyed
from aigaq.linkage.normalise import text_key

from . import hooks
from .models import Incident, PathwayEvent
from .offices import OTHER
from .pathway import SPECS, other_name

# The office fields of the pathway: name -> kind of office.
OFFICE_FIELDS: dict[str, str] = {
    f.name: f.choices for spec in SPECS.values() for f in spec.fields if f.kind == "office"
}


@dataclass
class Unmapped:
    """One name as written (the first spelling met), for one kind of office, and where it is."""

    key: str  # an opaque digest of the kind and the folded name: the form names the row by it
    kind: str
    text: str
    regions: set[str] = field(default_factory=set)
    events: list[tuple[PathwayEvent, str]] = field(default_factory=list)  # (event, field name)

    @property
    def count(self) -> int:
        return len(self.events)

    @property
    def region(self) -> str:
        """The region of its cases when they are all of one, to put first in the list of offices."""
        return sorted(self.regions)[0] if len(self.regions) == 1 else ""


def _digest(kind: str, folded: str) -> str:
    return hashlib.sha256(f"{kind}\x00{folded}".encode()).hexdigest()[:24]


def _require_coordinator(user: User) -> None:
    if acting_member(user).role != Role.COORDINATOR:
        raise PermissionError("only a coordinator maps offices")


def offices_to_map(user: User) -> list[Unmapped]:
    """The organisation's names written for "other", most frequent first (coordinators only)."""
    _require_coordinator(user)
    organisation = acting_member(user).organisation
    wanted = Q()
    for name in OFFICE_FIELDS:
        wanted |= Q(**{f"facts__{name}": OTHER})
    events = (
        PathwayEvent.objects.current().filter(wanted, case__organisation=organisation)
        .select_related("case").order_by("case_id", "date", "id")
    )
    regions = dict(
        Incident.objects.filter(case__organisation=organisation).values_list("case_id", "region")
    )
    rows: dict[str, Unmapped] = {}
    for event in events:
        try:
            details = event.details
        except KeyDestroyed:  # an erased case: nothing of it can be read, nor needs mapping
            continue
        for name, kind in OFFICE_FIELDS.items():
            text = str(details.get(other_name(name), "")).strip()
            if (event.facts or {}).get(name) != OTHER or not text:
                continue
            key = _digest(kind, text_key(text))
            row = rows.setdefault(key, Unmapped(key=key, kind=kind, text=text))
            row.events.append((event, name))
            if regions.get(event.case_id):
                row.regions.add(regions[event.case_id])
    return sorted(rows.values(), key=lambda r: (-r.count, r.kind, r.text))


class UnknownOffice(ValueError):
    """The chosen code is not an office of the row's kind, or the row is gone."""


@transaction.atomic
def office_map(*, actor: User, key: str, code: str) -> int:
    """Maps every current event that carries the row's name onto the office `code`; returns how
    many events changed. Each is audited (the field's name and the office's code, no name)."""
    rows = {row.key: row for row in offices_to_map(actor)}
    row = rows.get(key)
    office = reference.office(code)
    if row is None or office is None or office.kind != row.kind:
        raise UnknownOffice(key)
    cases = {}
    for event, name in row.events:
        facts = dict(event.facts or {})
        facts[name] = office.code
        PathwayEvent.objects.filter(pk=event.pk).update(facts=facts)
        record(
            actor=actor, action=Action.OFFICE_MAPPED, case_code=event.case.code, object_code=event.code,
            extra={"type": event.type, "fields": [name], "office": office.code},
        )
        cases[event.case_id] = event.case
    for case in cases.values():
        hooks.case_changed(case=case)
    return len(row.events)
