"""Writes: matching suspects as they are recorded, relinking everything, reviewing alerts.

Matching runs inside the transaction of the write that changed a suspect or a consent
(``aigaq.cases.services`` calls ``suspect_match`` and ``case_matching_update``), so an alert
exists exactly when the suspect it comes from does. A new suspect costs one encoding, one indexed
lookup of the suspects that share a keyed block key with him (the most selective keys first, at
most ``MAX_CANDIDATES``), and one vectorised scoring of all of them.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Organisation, Role, User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.cases.models import Case, Suspect
from aigaq.keys import store as keys
from aigaq.linkage import (
    DEFAULT_THRESHOLD,
    EncodedLink,
    EncodedMention,
    Mention,
    Model,
    Progress,
    ScoredPair,
    encode_mentions,
    fit_encoded,
    score_encoded,
)

from .encoding import encode, linkage_key, mention_for
from .models import (
    DECISIONS,
    AlertDecision,
    MatchAlert,
    MatchingModel,
    MatchingRefit,
    RepeatSuspect,
    RepeatSuspectMember,
    Status,
    SuspectBlockKey,
    SuspectCount,
    SuspectEncoding,
    SuspectNameToken,
)

THRESHOLD = DEFAULT_THRESHOLD
# Re-estimate the weights once this many reviews have been made since the last fit: often enough
# that the reviewers' decisions count, rarely enough that the fits stay few. The decision only
# records that a re-fit is due (MatchingRefit); aigaq.matching.refit runs it outside the request.
REESTIMATE_AFTER = 10
BATCH = 2000
# Most suspects a new one is scored against. Block keys are taken from the most selective up,
# whole blocks at a time, while the total stays under this; a bigger block is a common name's
# namesakes, which the batch engine too compares only through finer keys (name + birth year,
# name + exact date, identifiers), and every such finer key is still taken. Scoring is about a
# microsecond a candidate; reading and decoding the stored encodings (~20 µs each) is the cost.
MAX_CANDIDATES = 2000


# --- What matching keeps about a suspect ---------------------------------------------------------


def _takes_part(case: Case) -> bool:
    survivor = getattr(case, "survivor", None)
    return bool(survivor and survivor.consent_matching)


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


def _store(rows: Iterable[tuple[int, int, int, EncodedMention]], *, fresh: bool = False) -> None:
    """Saves encodings, block keys and name tokens for (suspect, case, organisation, encoding).
    fresh: the suspects have nothing stored yet (relinking deleted it all), so skip the deletes."""
    rows = list(rows)
    if not fresh:
        _forget([r[0] for r in rows])
    added: dict[int, int] = {}
    for _s, _c, o, _e in rows:
        added[o] = added.get(o, 0) + 1
    _count(added)
    _insert(SuspectEncoding, ("suspect_id", "case_id", "organisation_id", "encoded"),
            [(s, c, o, e.to_json()) for s, c, o, e in rows])  # fmt: skip
    _insert(SuspectBlockKey, ("organisation_id", "token", "suspect_id", "case_id"),
            [(o, t, s, c) for s, c, o, e in rows for t in e.blocks])  # fmt: skip
    _insert(SuspectNameToken, ("organisation_id", "token", "suspect_id"),
            [(o, t, s) for s, c, o, e in rows for t in _name_tokens(e)])  # fmt: skip


def _name_tokens(e: EncodedMention) -> list[str]:
    """Keyed name tokens whose counts give name frequencies: whole names, word pairs, one-word names."""
    return [*e.tokens.get("name", ()), *e.tokens.get("name1", ())]


def _count(change: dict[int, int]) -> None:
    """Adds to organisations' SuspectCount (created at its first suspect)."""
    for org_id, n in change.items():
        if n and not SuspectCount.objects.filter(organisation_id=org_id).update(suspects=F("suspects") + n):
            SuspectCount.objects.create(organisation_id=org_id, suspects=n)


def _forget(suspect_ids: list[int]) -> None:
    stored = SuspectEncoding.objects.filter(suspect_id__in=suspect_ids).values("organisation_id")
    _count({o: -n for o, n in stored.annotate(n=Count("id")).values_list("organisation_id", "n")})
    SuspectBlockKey.objects.filter(suspect_id__in=suspect_ids).delete()
    SuspectNameToken.objects.filter(suspect_id__in=suspect_ids).delete()
    SuspectEncoding.objects.filter(suspect_id__in=suspect_ids).delete()


def _stored_model(organisation_id: int) -> Model:
    row = MatchingModel.objects.filter(organisation_id=organisation_id).only("model").first()
    return Model.from_json(row.model) if row is not None else Model.default("private")


def scoring_model(organisation_id: int, new: EncodedMention) -> Model:
    """The stored weights, with the name frequencies the new suspect's names need (counted now,
    so a name grows common as it is recorded, without a refit)."""
    model = _stored_model(organisation_id)
    names = _name_tokens(new)
    model.tf = (
        dict(
            SuspectNameToken.objects.filter(organisation_id=organisation_id, token__in=names)
            .values("token")
            .annotate(n=Count("id"))
            .values_list("token", "n")
        )
        if names
        else {}
    )
    # Frequencies are out of all the organisation's suspects in matching.
    count = SuspectCount.objects.filter(organisation_id=organisation_id).values_list("suspects", flat=True).first()
    model.tf_total = model.n_mentions = max(count or 0, 1)
    return model


def _outcomes(pair: ScoredPair) -> dict[str, str]:
    return {e.field: e.outcome for e in pair.evidence}


# --- Alerts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    other: int  # the other suspect's id
    other_case: int
    probability: float
    weight: float
    outcomes: dict[str, str]


def _sync_alerts(organisation_id: int, suspect_id: int, case_id: int, hits: list[Hit]) -> list[MatchAlert]:
    """Makes the suspect's alerts say what the latest scoring found. Decisions stay: a rejected
    pair is never raised again, a confirmed or unsure one only gets its score updated. An
    undecided alert the suspect no longer supports is removed."""
    existing = {
        (a.suspect_b_id if a.suspect_a_id == suspect_id else a.suspect_a_id): a
        for a in MatchAlert.objects.filter(Q(suspect_a_id=suspect_id) | Q(suspect_b_id=suspect_id))
    }
    found = {h.other for h in hits}
    stale = [a.pk for other, a in existing.items() if other not in found and a.status == Status.OPEN]
    MatchAlert.objects.filter(pk__in=stale).delete()
    out: list[MatchAlert] = []
    for hit in hits:
        alert = existing.get(hit.other)
        if alert is not None and alert.status == Status.REJECTED:
            continue
        if alert is None:
            (sa, ca), (sb, cb) = sorted([(suspect_id, case_id), (hit.other, hit.other_case)])
            alert = MatchAlert(
                organisation_id=organisation_id, suspect_a_id=sa, suspect_b_id=sb, case_a_id=ca, case_b_id=cb
            )
        elif alert.status == Status.WITHDRAWN:
            alert.status, alert.claimed_by, alert.claimed_at = Status.OPEN, None, None
        alert.probability, alert.weight, alert.outcomes = hit.probability, hit.weight, hit.outcomes
        alert.save()
        out.append(alert)
    return out


def selective_keys(sizes: dict[str, int], limit: int) -> list[str]:
    """Block keys, smallest block first, whose blocks together hold at most ``limit`` suspects."""
    chosen, total = [], 0
    for token, size in sorted(sizes.items(), key=lambda kv: (kv[1], kv[0])):
        if total + size > limit:
            break
        chosen.append(token)
        total += size
    return chosen


def _match_encoded(suspect: Suspect, enc: EncodedMention) -> list[MatchAlert]:
    org_id, case_id = suspect.case.organisation_id, suspect.case_id
    keys = SuspectBlockKey.objects.filter(organisation_id=org_id, token__in=enc.blocks)
    sizes = dict(keys.values_list("token").annotate(n=Count("id")).values_list("token", "n"))
    candidates = (
        SuspectBlockKey.objects.filter(organisation_id=org_id, token__in=selective_keys(sizes, MAX_CANDIDATES))
        .exclude(case_id=case_id)
        .values("suspect_id")
    )
    stored = SuspectEncoding.objects.filter(suspect_id__in=candidates).values_list("case_id", "encoded")
    encoded = []
    case_of: dict[str, int] = {}
    for other_case, text in stored:
        e = EncodedMention.from_json(text)
        encoded.append(e)
        case_of[e.id] = other_case
    scored = score_encoded(enc, encoded, scoring_model(org_id, enc), min_probability=THRESHOLD)
    hits = [
        Hit(int(p.b), case_of[p.b], p.match_probability, p.match_weight, _outcomes(p))
        for p in scored
        if p.linked
    ]
    return _sync_alerts(org_id, suspect.pk, case_id, hits)


def suspect_match(*, suspect: Suspect) -> list[MatchAlert]:
    """Encodes a new or edited suspect and raises his alerts (none without matching consent).
    Call inside the transaction that saved him, with his plaintext still in memory."""
    if not _takes_part(suspect.case):
        suspects_withdraw(suspect_ids=[suspect.pk])
        return []
    enc = encode([mention_for(suspect)])[0]
    _store([(suspect.pk, suspect.case_id, suspect.case.organisation_id, enc)])
    return _match_encoded(suspect, enc)


def suspects_withdraw(*, suspect_ids: list[int]) -> int:
    """Takes suspects out of matching: their encodings go, and every alert they are in that is not
    a rejection is marked withdrawn (kept, with its decisions, but shown to no one). Returns the
    number of alerts withdrawn."""
    _forget(suspect_ids)
    alerts = MatchAlert.objects.filter(Q(suspect_a_id__in=suspect_ids) | Q(suspect_b_id__in=suspect_ids))
    organisations = set(alerts.values_list("organisation_id", flat=True))
    n = alerts.exclude(status__in=(Status.REJECTED, Status.WITHDRAWN)).update(
        status=Status.WITHDRAWN, claimed_by=None, claimed_at=None
    )
    for org_id in organisations:
        _regroup(org_id)
    return n


def case_matching_update(*, case: Case) -> None:
    """After her consent to matching changed: her case's suspects join or leave matching."""
    suspects = list(case.suspects.select_related("case__incident", "case__survivor"))
    if not _takes_part(case):
        suspects_withdraw(suspect_ids=[s.pk for s in suspects])
        return
    for suspect in suspects:
        suspect_match(suspect=suspect)


# --- Review ----------------------------------------------------------------------------------------


def _check_coordinator(actor: User, alert: MatchAlert) -> None:
    member = current_member(actor)
    if member is None or member.role != Role.COORDINATOR or member.organisation_id != alert.organisation_id:
        raise PermissionError("only a coordinator of the alert's organisation reviews it")


def _record_for_both(actor: User, action: Action, alert: MatchAlert, extra: dict[str, str]) -> None:
    for case in (alert.case_a, alert.case_b):
        record(actor=actor, action=action, case_code=case.code, object_code=alert.code, extra=extra)


@transaction.atomic
def alert_open(*, actor: User, alert: MatchAlert) -> None:
    """She opened the alert and read both suspects: audited on both cases. The first coordinator
    to open an undecided alert is shown as reviewing it."""
    _check_coordinator(actor, alert)
    now = timezone.now()
    changed = []
    if alert.opened_at is None:
        alert.opened_at = now
        changed.append("opened_at")
    if alert.claimed_by_id is None and alert.status in (Status.OPEN, Status.UNSURE):
        alert.claimed_by, alert.claimed_at = actor, now
        changed += ["claimed_by", "claimed_at"]
    if changed:
        alert.save(update_fields=changed)
    _record_for_both(actor, Action.CASE_VIEWED, alert, {"via": "match_alert"})


@transaction.atomic
def alert_claim(*, actor: User, alert: MatchAlert, release: bool = False) -> MatchAlert:
    """Marks the alert as in review by her (or by no one, to release it)."""
    _check_coordinator(actor, alert)
    if release:
        alert.claimed_by, alert.claimed_at = None, None
    else:
        alert.claimed_by, alert.claimed_at = actor, timezone.now()
    alert.save(update_fields=["claimed_by", "claimed_at"])
    _record_for_both(actor, Action.ALERT_REVIEWED, alert, {"claim": "released" if release else "claimed"})
    return alert


@transaction.atomic
def alert_decide(*, actor: User, alert: MatchAlert, decision: str, note: str = "") -> AlertDecision:
    """Confirm, reject or mark unsure. The note is sealed; the audit holds the decision only."""
    _check_coordinator(actor, alert)
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    if alert.status == Status.WITHDRAWN:
        raise ValueError("the survivor withdrew her consent: this alert can no longer be reviewed")
    made = AlertDecision.objects.create(alert=alert, decided_by=actor, decision=decision, note=note)
    alert.status, alert.claimed_by, alert.claimed_at = decision, None, None
    alert.save(update_fields=["status", "claimed_by", "claimed_at", "updated_at"])
    _record_for_both(actor, Action.ALERT_REVIEWED, alert, {"decision": decision})
    _regroup(alert.organisation_id)
    fitted = MatchingModel.objects.filter(organisation_id=alert.organisation_id)
    fitted.update(decisions_since=F("decisions_since") + 1)
    due = fitted.filter(decisions_since__gte=REESTIMATE_AFTER).exists() or not fitted.exists()
    if due and decision != Status.UNSURE:
        refit_request(organisation_id=alert.organisation_id)
    return made


def refit_request(*, organisation_id: int) -> None:
    """Records that the organisation's weights are due a re-fit: one row however often it is
    called (a concurrent caller's insert fails on the unique organisation and finds the row).
    The fit itself, 5–6 s at 100,000 suspects (docs/deploy.md), runs outside any request (aigaq.matching.refit)."""
    MatchingRefit.objects.get_or_create(organisation_id=organisation_id)


# --- Repeat suspects ------------------------------------------------------------------------------


def _regroup(organisation_id: int) -> None:
    """Repeat-suspect groups are the connected components of the confirmed pairs."""
    pairs = list(
        MatchAlert.objects.filter(organisation_id=organisation_id, status=Status.CONFIRMED).values_list(
            "suspect_a_id", "case_a_id", "suspect_b_id", "case_b_id"
        )
    )
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    case_of: dict[int, int] = {}
    for sa, ca, sb, cb in pairs:
        case_of[sa], case_of[sb] = ca, cb
        parent[find(sa)] = find(sb)
    components: dict[int, list[int]] = {}
    for s in case_of:
        components.setdefault(find(s), []).append(s)
    RepeatSuspect.objects.filter(organisation_id=organisation_id).delete()
    for members in components.values():
        group = RepeatSuspect.objects.create(organisation_id=organisation_id)
        RepeatSuspectMember.objects.bulk_create(
            RepeatSuspectMember(group=group, suspect_id=s, case_id=case_of[s]) for s in sorted(members)
        )


# --- Weights and relinking --------------------------------------------------------------------------


def _labels(organisation_id: int) -> dict[tuple[str, str], bool]:
    rows = MatchAlert.objects.filter(
        organisation_id=organisation_id, status__in=(Status.CONFIRMED, Status.REJECTED)
    ).values_list("suspect_a_id", "suspect_b_id", "status")
    return {(str(a), str(b)): status == Status.CONFIRMED for a, b, status in rows}


def _save_model(organisation_id: int, model: Model, labels: int, counted: int | None = None) -> None:
    """Stores the weights. counted: the reviews the fit had seen counted in ``decisions_since``
    when it began; reviews made while it ran stay counted. None: the fit saw them all."""
    model.tf = {}  # name frequencies are counted at scoring time (SuspectNameToken)
    fields: dict[str, Any] = {"model": model.to_json(), "fitted_at": timezone.now(), "labels": labels}
    since = Greatest(F("decisions_since") - counted, 0) if counted is not None else 0
    if not MatchingModel.objects.filter(organisation_id=organisation_id).update(**fields, decisions_since=since):
        MatchingModel.objects.create(organisation_id=organisation_id, **fields)


def _stored_encodings(organisation_id: int) -> tuple[list[EncodedMention], dict[str, int]]:
    encoded, case_of = [], {}
    rows = SuspectEncoding.objects.filter(organisation_id=organisation_id).order_by("suspect_id")
    for case_id, text in rows.values_list("case_id", "encoded").iterator(chunk_size=BATCH):
        e = EncodedMention.from_json(text)
        encoded.append(e)
        case_of[e.id] = case_id
    return encoded, case_of


def model_reestimate(*, organisation_id: int, progress: Progress | None = None) -> Model:
    """Refits the organisation's weights from the stored encodings and the reviewed pairs, and
    clears its due re-fit (MatchingRefit) unless enough reviews came in meanwhile to make another
    one due.

    Reading and fitting run outside any transaction: on SQLite every transaction here is
    IMMEDIATE (settings), so one around the fit would hold the write lock for its 5–6 s at
    100,000 suspects, and every other write would wait for it (a review made mid-fit waited
    1.9 s, docs/deploy.md), or fail past the 5 s busy timeout. The new weights replace the old
    in one short transaction; scoring uses the old ones until it commits."""
    fitted = MatchingModel.objects.filter(organisation_id=organisation_id)
    counted = fitted.values_list("decisions_since", flat=True).first() or 0  # before the labels are read
    encoded, _ = _stored_encodings(organisation_id)
    labels = _labels(organisation_id)
    model = fit_encoded(encoded, labels, progress=progress).model
    with transaction.atomic():
        _save_model(organisation_id, model, len(labels), counted=counted)
        due = MatchingRefit.objects.filter(organisation_id=organisation_id)
        if fitted.filter(decisions_since__gte=REESTIMATE_AFTER).exists():
            due.update(started_at=None)  # reviews made during the fit: due again, for any worker
        else:
            due.delete()
    return model


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
        _store(((int(e.id), case_of[e.id], org.pk, e) for e in chunk), fresh=True)
        if progress:
            progress("storing", min(start + BATCH, len(encoded)), len(encoded))
    labels = _labels(org.pk)
    # Pairs already raised are scored again even if blocking would not pair them now (large
    # blocks are sampled by a sliding window), so relinking never drops an alert by chance.
    raised = MatchAlert.objects.filter(organisation=org).exclude(status=Status.REJECTED)
    also = [(str(a), str(b)) for a, b in raised.values_list("suspect_a_id", "suspect_b_id")]
    fitted = fit_encoded(encoded, labels, also=also, progress=progress)
    links = [x for x in fitted.links(THRESHOLD) if case_of[x.a] != case_of[x.b]]
    _sync_relinked(org.pk, case_of, links, progress)
    model = fitted.model
    _save_model(org.pk, model, len(labels))
    _regroup(org.pk)
    return (
        len(encoded),
        len(fitted.pairs),
        MatchAlert.objects.filter(organisation=org, status=Status.OPEN).count(),
    )


def _sync_relinked(
    organisation_id: int, case_of: dict[str, int], links: list[EncodedLink], progress: Progress | None
) -> None:
    """As _sync_alerts for every suspect at once, with a few bulk statements instead of queries
    per suspect: new pairs are inserted, found ones updated (a rejected one left alone), and
    undecided alerts that relinking no longer supports are removed."""
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
