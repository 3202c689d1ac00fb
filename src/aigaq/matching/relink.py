"""Relinking: every suspect in matching encoded again, the weights refitted with the reviewed
pairs as labels, and the alerts raised again, organisation by organisation. Decisions stay: a
rejected pair stays rejected. Run by ``aigaq manage relink`` and migration 0007, which re-encodes
every suspect for the current encoding version (``outdated_encodings`` counts any left behind,
for ``aigaq check``)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from aigaq.accounts.models import Organisation
from aigaq.cases.mention import mention_for
from aigaq.cases.models import Suspect
from aigaq.keys import store as keys
from aigaq.linkage import (
    ENCODING_VERSION,
    EncodedLink,
    EncodedMention,
    Mention,
    Progress,
    encode_mentions,
    fit_encoded,
)

from .encoding import linkage_key
from .groups import repeat_suspects_regroup
from .models import MatchAlert, Status, SuspectBlockKey, SuspectCount, SuspectEncoding, SuspectNameToken
from .services import THRESHOLD, suspects_withdraw
from .storage import BATCH, encodings_store
from .weights import model_save, reviewed_labels


def outdated_encodings() -> int:
    """How many stored encodings are of an older version than the engine writes (none after
    migration 0007 or a relink): they would not meet new suspects' encodings as they should."""
    return SuspectEncoding.objects.filter(version__lt=ENCODING_VERSION).count()


@dataclass(frozen=True)
class RelinkSummary:
    organisations: int
    suspects: int
    candidate_pairs: int
    alerts_open: int


# Relinking encodes in forked workers while the main process goes on reading and decrypting:
# the two costliest steps overlap. The workers touch no database connection (the main process
# sends them plaintext mentions and gets encodings back); small organisations skip the pool.
ENCODE_CHUNK = 2000
PARALLEL_MIN_SUSPECTS = 10_000


def _read_and_encode(
    suspects: QuerySet[Suspect], total: int, progress: Progress | None
) -> tuple[list[EncodedMention], dict[str, int]]:
    key = linkage_key()
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    pool = None
    if workers > 1 and total >= PARALLEL_MIN_SUSPECTS and "fork" in mp.get_all_start_methods():
        pool = mp.get_context("fork").Pool(workers)
    pending: list[AsyncResult[list[EncodedMention]]] = []
    encoded: list[EncodedMention] = []
    case_of: dict[str, int] = {}
    chunk: list[Mention] = []

    def flush() -> None:
        if pool is not None:
            pending.append(pool.apply_async(encode_mentions, (list(chunk), key)))
        else:
            encoded.extend(encode_mentions(chunk, key))
        chunk.clear()

    try:
        dek: dict[str, bytes] = {}
        for k, suspect in enumerate(suspects.iterator(chunk_size=BATCH)):
            if k % BATCH == 0:  # the next chunk's data keys in one read of the key store
                dek = keys.case_keys(suspects[k : k + BATCH].values_list("case__code", flat=True))
            if suspect.case.code in dek:
                suspect.case._dek = dek[suspect.case.code]  # what Case.data_key() caches
            chunk.append(mention_for(suspect))
            case_of[str(suspect.pk)] = suspect.case_id
            if len(chunk) == ENCODE_CHUNK:
                flush()
            if progress and (k % 500 == 0 or k == total - 1):
                progress("reading", k + 1, total)
        flush()
        for n, result in enumerate(pending):
            encoded.extend(result.get())
            if progress:
                progress("encoding", n + 1, len(pending))
    finally:
        if pool is not None:
            pool.terminate()
    return encoded, case_of


def _relink_organisation(org: Organisation, progress: Progress | None) -> tuple[int, int, int]:
    suspects = (
        Suspect.objects.filter(case__organisation=org, case__survivor__consent_matching=True)
        .select_related("case__incident")
        .order_by("id")
    )
    total = suspects.count()
    encoded, case_of = _read_and_encode(suspects, total, progress)
    gone = Suspect.objects.filter(case__organisation=org).exclude(case__survivor__consent_matching=True)
    suspects_withdraw(suspect_ids=list(gone.values_list("pk", flat=True)))
    SuspectBlockKey.objects.filter(organisation=org).delete()
    SuspectNameToken.objects.filter(organisation=org).delete()
    SuspectEncoding.objects.filter(organisation=org).delete()
    SuspectCount.objects.filter(organisation=org).delete()
    for start in range(0, len(encoded), BATCH):
        chunk = encoded[start : start + BATCH]
        encodings_store(rows=((int(e.id), case_of[e.id], org.pk, e) for e in chunk), fresh=True)
        if progress:
            progress("storing", min(start + BATCH, len(encoded)), len(encoded))
    labels = reviewed_labels(organisation_id=org.pk)
    # Pairs already raised are scored again even if blocking would not pair them now (large
    # blocks are sampled by a sliding window), so relinking never drops an alert by chance.
    raised = MatchAlert.objects.filter(organisation=org).exclude(status=Status.REJECTED)
    also = [(str(a), str(b)) for a, b in raised.values_list("suspect_a_id", "suspect_b_id")]
    fitted = fit_encoded(encoded, labels, also=also, progress=progress)
    links = [x for x in fitted.links(THRESHOLD) if case_of[x.a] != case_of[x.b]]
    _sync_relinked(org.pk, case_of, links, progress)
    model_save(organisation_id=org.pk, model=fitted.model, labels=len(labels))
    repeat_suspects_regroup(organisation_id=org.pk)
    return (
        len(encoded),
        len(fitted.pairs),
        MatchAlert.objects.filter(organisation=org, status=Status.OPEN).count(),
    )


def _sync_relinked(
    organisation_id: int, case_of: dict[str, int], links: list[EncodedLink], progress: Progress | None
) -> None:
    """As services._sync_alerts for every suspect at once, with a few bulk statements instead of
    queries per suspect: new pairs are inserted, found ones updated (a rejected one left alone),
    and undecided alerts that relinking no longer supports are removed."""
    existing = {(a.suspect_a_id, a.suspect_b_id): a for a in MatchAlert.objects.filter(organisation_id=organisation_id)}
    now = timezone.now()
    new, changed, found = [], [], set()
    for link in links:
        (sa, a), (sb, b) = sorted([(int(link.a), link.a), (int(link.b), link.b)])
        found.add((sa, sb))
        alert = existing.get((sa, sb))
        if alert is None:
            alert = MatchAlert(organisation_id=organisation_id, suspect_a_id=sa, suspect_b_id=sb,
                               case_a_id=case_of[a], case_b_id=case_of[b])  # fmt: skip
            new.append(alert)
        elif alert.status == Status.REJECTED:
            continue
        else:
            changed.append(alert)
            if alert.status == Status.WITHDRAWN:
                alert.status, alert.claimed_by, alert.claimed_at = Status.OPEN, None, None
            alert.updated_at = now
        alert.probability, alert.weight, alert.outcomes = link.match_probability, link.match_weight, link.outcomes
    stale = [a.pk for key, a in existing.items() if key not in found and a.status == Status.OPEN]
    for start in range(0, len(stale), BATCH):
        MatchAlert.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    fields = ["probability", "weight", "outcomes", "status", "claimed_by", "claimed_at", "updated_at"]
    MatchAlert.objects.bulk_update(changed, fields, batch_size=BATCH)
    MatchAlert.objects.bulk_create(new, batch_size=BATCH)
    if progress:
        progress("alerts", len(links), len(links))


def relink(
    *, organisations: Iterable[Organisation] | None = None, progress: Progress | None = None
) -> RelinkSummary:
    """Rebuilds every encoding, refits the weights with the reviewed pairs as labels and raises
    the alerts again, organisation by organisation (each in one transaction). Decisions stay."""
    orgs = list(organisations) if organisations is not None else list(Organisation.objects.order_by("id"))
    n_suspects = n_pairs = n_open = 0
    for org in orgs:
        with transaction.atomic():
            s, p, o = _relink_organisation(org, progress)
        n_suspects, n_pairs, n_open = n_suspects + s, n_pairs + p, n_open + o
    _refresh_statistics()
    return RelinkSummary(len(orgs), n_suspects, n_pairs, n_open)


def _refresh_statistics() -> None:
    """A relink rewrites the matching tables in bulk; the planner's statistics then describe the
    tables as they were until autovacuum gets round to them, and the next suspects' candidate
    lookups may be planned for the wrong sizes. ANALYZE them now (about a second at 100,000
    suspects); SQLite plans from its indexes and needs nothing."""
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (SuspectBlockKey, SuspectNameToken, SuspectEncoding, MatchAlert)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")  # the model tables' own names
