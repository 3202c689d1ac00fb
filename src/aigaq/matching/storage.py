"""What matching keeps about a suspect: his keyed encoding, its block keys and name tokens, and
the count of each organisation's suspects in matching (``SuspectCount``). Nothing here is a
plaintext copy of a suspect (models.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models import Count, F

from aigaq.linkage import EncodedMention

from .models import BlockRole, SuspectBlockKey, SuspectCount, SuspectEncoding, SuspectNameToken

BATCH = 2000  # rows read, written or deleted a statement when whole organisations are rewritten


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Plain multi-row INSERTs: bulk_create builds a model instance per row, which costs more
    than the insert itself when relinking writes about seven rows for each of 100,000 suspects."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    step = max(1, 900 // len(columns))  # SQLite allows 999 parameters a statement in old builds
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([marks] * len(part))  # noqa: S608
            cursor.execute(sql, [v for row in part for v in row])


def name_tokens(e: EncodedMention) -> list[str]:
    """Keyed name tokens whose counts give name frequencies: whole names, word pairs, one-word names."""
    return [*e.tokens.get("name", ()), *e.tokens.get("name1", ())]


def block_rows(e: EncodedMention) -> list[tuple[str, int]]:
    """(token, role) of every block key the encoding is filed under."""
    return ([(t, BlockRole.BOTH.value) for t in e.blocks] + [(t, BlockRole.PROBE.value) for t in e.probes]
            + [(t, BlockRole.TARGET.value) for t in e.targets])  # fmt: skip


def _count(change: dict[int, int]) -> None:
    """Adds to organisations' SuspectCount (created at its first suspect)."""
    for org_id, n in change.items():
        if n and not SuspectCount.objects.filter(organisation_id=org_id).update(suspects=F("suspects") + n):
            SuspectCount.objects.create(organisation_id=org_id, suspects=n)


def encodings_store(*, rows: Iterable[tuple[int, int, int, EncodedMention]], fresh: bool = False) -> None:
    """Saves encodings, block keys and name tokens for (suspect, case, organisation, encoding).
    fresh: the suspects have nothing stored yet (relinking deleted it all), so skip the deletes."""
    rows = list(rows)
    if not fresh:
        encodings_forget(suspect_ids=[r[0] for r in rows])
    added: dict[int, int] = {}
    for _s, _c, o, _e in rows:
        added[o] = added.get(o, 0) + 1
    _count(added)
    _insert(SuspectEncoding, ("suspect_id", "case_id", "organisation_id", "encoded", "version"),
            [(s, c, o, e.to_json(), e.version) for s, c, o, e in rows])  # fmt: skip
    _insert(SuspectBlockKey, ("organisation_id", "token", "role", "suspect_id", "case_id"),
            [(o, t, r, s, c) for s, c, o, e in rows for t, r in block_rows(e)])  # fmt: skip
    _insert(SuspectNameToken, ("organisation_id", "token", "suspect_id"),
            [(o, t, s) for s, c, o, e in rows for t in name_tokens(e)])  # fmt: skip


def encodings_forget(*, suspect_ids: list[int]) -> None:
    """Deletes what matching keeps about these suspects, and takes them off their organisations' counts."""
    stored = SuspectEncoding.objects.filter(suspect_id__in=suspect_ids).values("organisation_id")
    _count({o: -n for o, n in stored.annotate(n=Count("id")).values_list("organisation_id", "n")})
    SuspectBlockKey.objects.filter(suspect_id__in=suspect_ids).delete()
    SuspectNameToken.objects.filter(suspect_id__in=suspect_ids).delete()
    SuspectEncoding.objects.filter(suspect_id__in=suspect_ids).delete()
