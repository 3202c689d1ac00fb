"""Creating many cases at once (a spreadsheet import): each case ends exactly as `case_create`
and `pathway_event_add` would leave it, typed one by one: the same rows, sealed under its own data
key, the same search tokens, summary on the case row, figures, matching, network queue and audit
entries. What is done once for all of them instead of once a case:

- one key-store transaction (one fsync) for every new case key (`keys.store.case_keys_create`),
  before the database transaction commits, so no committed case is ever without a key;
- rows inserted a thousand at a time (`bulk_create`) instead of one statement a row;
- the audit entries appended in one lock of the chain's head (`audit.log.record_many`), chained
  in the order typing would have made them (the case, then each of its events);
- the feature apps told once (`hooks.suspects_changed`, `hooks.cases_changed`): the case summaries
  and the figures refreshed once for all the cases, matching encoding every suspect in one call.

Everything runs in the caller's transaction: a failure midway leaves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import User
from aigaq.audit.log import Entry, record_many
from aigaq.audit.models import Action
from aigaq.keys.store import case_keys_create

from . import hooks, search
from .inputs import IncidentInput, SurvivorInput, SuspectInput
from .models import Assignment, Case, Incident, PathwayEvent, SearchToken, Survivor, Suspect
from .pathway import SPECS
from .services import _new_pseudonym, _split_event_data

BATCH = 1000


@dataclass(frozen=True)
class NewCase:
    """One case to create: what `case_create` takes, and the events `pathway_event_add` would add
    after it, in order, as (type, date, data)."""

    survivor: SurvivorInput
    incident: IncidentInput
    suspects: Sequence[SuspectInput] = ()
    events: Sequence[tuple[str, dt.date, Mapping[str, Any]]] = field(default_factory=tuple)


def _event(case: Case, actor: User, event_type: str, date: dt.date, time: dt.time | None,
           facts: dict[str, Any], details: dict[str, Any]) -> PathwayEvent:
    """An event as PathwayEvent.save() would store it (bulk_create does not call save())."""
    event = PathwayEvent(case=case, type=event_type, date=date, facts=facts, created_by=actor,
                         placed_at=timezone.now())
    event.occurred_at = timezone.make_aware(dt.datetime.combine(date, time)) if time is not None else None
    event.details = details
    return event


@transaction.atomic
def cases_create_bulk(
    *, actor: User, cases: Sequence[NewCase], progress: Callable[[int], object] | None = None,
) -> list[Case]:
    """Creates the cases (see the module's docstring); `progress(n)` after each thousand."""
    member = acting_member(actor)
    for new in cases:
        for event_type, _date, _data in new.events:
            if event_type not in SPECS:
                raise ValueError(f"unknown event type {event_type!r}")
    made = [Case(organisation=member.organisation, created_by=actor) for _ in cases]
    keys = case_keys_create(c.code for c in made)
    for case in made:
        case._dek = keys[case.code]
    entries: list[Entry] = []
    with _page_cache():
        for start in range(0, len(made), BATCH):
            part = list(zip(made[start : start + BATCH], cases[start : start + BATCH], strict=True))
            entries.extend(_write(actor, part))
            if progress is not None:
                progress(len(part))
        record_many(actor=actor, entries=entries, organisation_code=member.organisation.code)
    return made


# Every table of a case has a unique random code, so each insert lands at a random place of its
# index: once the indexes outgrow SQLite's page cache (2 MB by default) nearly every insert reads
# pages back from the file, and a big import slows down as it goes. A bulk write borrows a larger
# cache for its connection and gives it back after.
BULK_CACHE_KIB = 256 * 1024


@contextmanager
def _page_cache() -> Iterator[None]:
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "sqlite":
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB:d}")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before:d}")


def _insert(objs: Sequence[models.Model]) -> None:
    """Inserts model instances whose primary keys nobody needs back, one prepared statement run for
    every row: each value prepared by its field exactly as `save()` and `bulk_create` prepare it
    (`pre_save`, so sealed fields are sealed and auto_now_add set, then `get_db_prep_save`), without
    the SQL Django's bulk_create compiles afresh for every value of every row."""
    if not objs:
        return
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the per-thread proxy: looked up once
    quote = db.ops.quote_name
    sql = (f"INSERT INTO {quote(str(meta.db_table))} ({', '.join(quote(str(f.column)) for f in fields)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")  # the model's own table and columns
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields] for obj in objs]
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)


def _write(actor: User, part: list[tuple[Case, NewCase]]) -> list[Entry]:
    cases = [case for case, _ in part]
    Case.objects.bulk_create(cases)
    _insert([Assignment(case=c, user=actor, role=Assignment.Role.OWNER) for c in cases])
    survivors, incidents, events, suspects = [], [], [], []
    entries: list[Entry] = []
    case_events: list[list[PathwayEvent]] = []
    for case, new in part:
        values = new.survivor.values()
        values["pseudonym"] = new.survivor.pseudonym or _new_pseudonym(case)
        survivor = Survivor(case=case, **values)
        incident = Incident(case=case, **new.incident.values())
        incident.occurred_at = (timezone.make_aware(dt.datetime.combine(incident.date_from, new.incident.time_of_day))
                                if new.incident.time_of_day is not None else None)
        survivors.append(survivor)
        incidents.append(incident)
        case.survivor, case.incident = survivor, incident  # as the typed case's receivers find them
        own = [_event(case, actor, "incident", new.incident.date_from, new.incident.time_of_day, {}, {})]
        for event_type, date, data in new.events:
            facts, details = _split_event_data(event_type, data, region=new.incident.region)
            own.append(_event(case, actor, event_type, date, None, facts, details))
        case_events.append(own)
        events.extend(own)
        for given in new.suspects:
            suspect = Suspect(case=case)
            for name, value in given.values().items():
                setattr(suspect, name, value)
            suspects.append(suspect)
    _insert(survivors)
    _insert(incidents)
    _insert(events)
    Suspect.objects.bulk_create(suspects)  # their keys are needed: search tokens, matching
    _insert([SearchToken(organisation_id=s.case.organisation_id, case=s.case, suspect=s, purpose=purpose, token=token)
             for s in suspects for purpose, token in search.suspect_tokens(s)])
    hooks.suspects_changed(suspects=suspects)
    for case, own in zip(cases, case_events, strict=True):
        entries.append(Entry(Action.CASE_CREATED, case_code=case.code))
        entries.extend(Entry(Action.EVENT_ADDED, case_code=case.code, object_code=e.code, extra={"type": e.type})
                       for e in own[1:])
    hooks.cases_changed(cases=cases)
    return entries
