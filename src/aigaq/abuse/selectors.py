"""Reads for the abuse log, on behalf of the acting user.

Who sees what: an entry is seen, corrected and put in a report by its author and by the
coordinators of her organisation, no one else (not her colleagues, not the analysts, not another
organisation). An activist's own log says where she lives, who threatens her family, which
accounts she uses: it is as sensitive as a survivor's case, and she decides by whom she is helped
by telling a coordinator. Anyone else gets 404, as for an entry that does not exist.
The figures (counts by platform and month, small cells suppressed) are for coordinators and
analysts, as the insights dashboard is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role
from aigaq.keys.store import abuse_keys
from aigaq.lib.suppression import Cell, count_cell, suppress

from .inputs import FIELDS
from .models import AbuseEntry, AbuseFile, AbuseRevision, Platform, SenderToken

Actor = AbstractBaseUser | AnonymousUser


def visible_entries(user: Actor) -> QuerySet[AbuseEntry]:
    """The entries `user` may see: her own, and every entry of her organisation if she coordinates it."""
    member = current_member(user)
    if member is None:
        return AbuseEntry.objects.none()
    entries = AbuseEntry.objects.filter(organisation_id=member.organisation_id)
    if member.role != Role.COORDINATOR:
        entries = entries.filter(author_id=user.pk)
    return entries.select_related("author")


def entry_for_user(user: Actor, code: str) -> AbuseEntry:
    """The entry with this code if `user` may see it; Http404 otherwise (existence is never revealed)."""
    entry = visible_entries(user).filter(code=code).first()
    if entry is None:
        raise Http404("No such entry")
    return entry


def entries_for_user(user: Actor, codes: list[str]) -> list[AbuseEntry]:
    """The chosen entries in the order received; Http404 if any is not hers to see."""
    wanted = set(codes)
    entries = with_keys(list(visible_entries(user).filter(code__in=wanted).order_by("received_at", "id")))
    if len(entries) != len(wanted):
        raise Http404("No such entry")
    return entries


def files_of(entry: AbuseEntry) -> list[AbuseFile]:
    """The entry's files, oldest first, each knowing its entry (and so its key, read once)."""
    files = list(entry.files.all())
    for item in files:
        item.entry = entry
    return files


def with_keys(entries: list[AbuseEntry]) -> list[AbuseEntry]:
    """The entries with their data keys read through one connection to the key store, not one each."""
    keys = abuse_keys(e.code for e in entries)
    for entry in entries:
        if entry.code in keys:
            entry._dek = keys[entry.code]
    return entries


def file_of(entry: AbuseEntry, code: str) -> AbuseFile:
    item = entry.files.filter(code=code).first()
    if item is None:
        raise Http404("No such file")
    item.entry = entry
    return item


def may_see_figures(user: Actor) -> bool:
    member = current_member(user)
    return member is not None and member.role in (Role.COORDINATOR, Role.ANALYST)


# --- The same sender across entries ----------------------------------------------------------


def sender_groups(entries: list[AbuseEntry]) -> list[list[AbuseEntry]]:
    """The entries grouped by sender: two entries are from the same sender when they share a phone,
    an account or a full name (their tokens), and so on transitively. Only among `entries` (what the
    viewer may see), largest group first; an entry with no shared sender is a group of one."""
    by_id = {e.id: e for e in entries}
    parent = {e.id: e.id for e in entries}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for entry_id, purpose, token in SenderToken.objects.filter(entry_id__in=by_id).values_list(
            "entry_id", "purpose", "token"):
        holders[(purpose, token)].append(entry_id)
    for ids in holders.values():
        for other in ids[1:]:
            parent[root(other)] = root(ids[0])
    groups: dict[int, list[AbuseEntry]] = defaultdict(list)
    for entry in entries:
        groups[root(entry.id)].append(entry)
    return sorted(groups.values(), key=lambda g: (-len(g), -max(e.received_at.timestamp() for e in g)))


def same_sender_counts(entries: list[AbuseEntry]) -> dict[str, int]:
    """For each entry's code: how many other entries (among `entries`) are from the same sender."""
    return {e.code: len(group) - 1 for group in sender_groups(entries) for e in group}


# --- History ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    revision: AbuseRevision
    values: dict[str, Any]

    @property
    def fields(self) -> list[tuple[str, str]]:
        """(label, value as it was) for each field, choices by their labels."""
        out = []
        for name in FIELDS:
            field = AbuseEntry._meta.get_field(name)
            value = self.values.get(name) or ""
            choices = dict(getattr(field, "choices", None) or ())
            out.append((str(getattr(field, "verbose_name", name)), str(choices.get(value, value))))
        return out


def revisions(entry: AbuseEntry) -> list[Revision]:
    """The entry's earlier versions, newest first, each with the values it had then."""
    found = list(entry.revisions.select_related("changed_by").order_by("-changed_at", "-id"))
    for r in found:
        r.entry = entry
    return [Revision(r, json.loads(r.values)) for r in found]


# --- Figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    platforms: list[str]  # the platforms' labels, as the columns
    rows: list[tuple[str, list[Cell]]]  # a month (or "total") and its counts per platform, then its total
    any_suppressed: bool


def figures(user: Actor, *, months: int = 12) -> Figures:
    """Counts of the organisation's entries by month received (the last `months`) and platform, with
    the insights dashboard's small-cell suppression (aigaq.lib.suppression): the months add up to the
    total row and each month's platforms to its total, so no small count can be worked out."""
    member = current_member(user)
    if member is None:
        raise Http404("No such page")
    today = timezone.localdate()
    first = dt.date(today.year, today.month, 1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    starts.reverse()
    counts: dict[tuple[dt.date, str], int] = defaultdict(int)
    zone = timezone.get_current_timezone()
    for received, platform in AbuseEntry.objects.filter(
            organisation_id=member.organisation_id,
            received_at__gte=dt.datetime.combine(starts[0], dt.time(), tzinfo=zone)).values_list("received_at",
                                                                                              "platform"):
        local = timezone.localtime(received, zone).date()
        counts[(local.replace(day=1), platform)] += 1
    used = [p for p in Platform if any(counts[(m, p.value)] for m in starts)]
    grid = [[counts[(m, p.value)] for p in used] for m in starts]
    grid = [[*row, sum(row)] for row in grid]
    grid.append([sum(col) for col in zip(*grid, strict=True)] if grid else [])
    states = suppress(grid, rows_add_up=True, row_kind="partition")
    labels = [m.strftime("%Y-%m") for m in starts] + ["total"]
    rows = [(label, [count_cell(v, s) for v, s in zip(row, state, strict=True)])
            for label, row, state in zip(labels, grid, states, strict=True)]
    return Figures(platforms=[str(p.label) for p in used], rows=rows,
                   any_suppressed=any(c.suppressed for _, cells in rows for c in cells))
