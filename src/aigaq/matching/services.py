"""Writes: matching suspects as they are recorded (and taking them out of matching).

Matching runs inside the transaction of the write that changed a suspect or a consent
(``aigaq.cases`` calls ``suspect_match`` and ``case_matching_update`` through its hooks,
receivers.py), so an alert exists exactly when the suspect it comes from does. A new suspect
costs one encoding, one indexed lookup of the suspects that share a keyed block key with him (the
most selective keys first, at most ``MAX_CANDIDATES``), and one vectorised scoring of all of them.

The other writes of matching: the coordinators' review (review.py), the weights and their re-fit
(weights.py), relinking everything (relink.py), what is kept of a suspect (storage.py) and the
repeat-suspect groups (groups.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Q
from django.utils import timezone

from aigaq.cases.mention import mention_for
from aigaq.cases.models import Case, Suspect
from aigaq.linkage import (
    DEFAULT_THRESHOLD,
    EncodedMention,
    ScoredPair,
    score_encoded,
)

from .encoding import encode
from .groups import repeat_suspects_regroup
from .models import BlockRole, CloseReason, MatchAlert, Status, SuspectBlockKey, SuspectEncoding
from .storage import encodings_forget, encodings_store
from .weights import scoring_model

THRESHOLD = DEFAULT_THRESHOLD
_K = TypeVar("_K", bound=str | tuple[int, str])
# Most suspects a new one is scored against. Block keys are taken from the most selective up,
# whole blocks at a time, while the total stays under this; a bigger block is a common name's
# namesakes, which the batch engine too compares only through finer keys (name + birth year,
# name + exact date, identifiers), and every such finer key is still taken. Scoring is about a
# microsecond a candidate; reading and decoding the stored encodings (~20 µs each) is the cost.
MAX_CANDIDATES = 2000
# Alerts no coordinator has settled: matching may close them when they no longer hold.
REVIEWING = (Status.OPEN, Status.UNSURE)


def _takes_part(case: Case) -> bool:
    survivor = getattr(case, "survivor", None)
    return bool(survivor and survivor.consent_matching)


def _outcomes(pair: ScoredPair) -> dict[str, str]:
    return {e.field: e.outcome for e in pair.evidence}


@dataclass(frozen=True)
class Hit:
    other: int  # the other suspect's id
    other_case: int
    probability: float
    weight: float
    outcomes: dict[str, str]


def _sync_alerts(organisation_id: int, suspect_id: int, case_id: int, hits: list[Hit]) -> list[MatchAlert]:
    """Makes the suspect's alerts say what the latest scoring found. Decisions stay: a rejected
    pair is never raised again, a confirmed one only gets its score updated. An alert still in
    review (open or unsure) that the suspect no longer supports, because his details were
    corrected, is closed with that reason (kept, with its decisions, and shown under "No longer
    matching"); it opens again if a later correction makes the two match again."""
    existing = {
        (a.suspect_b_id if a.suspect_a_id == suspect_id else a.suspect_a_id): a
        for a in MatchAlert.objects.filter(Q(suspect_a_id=suspect_id) | Q(suspect_b_id=suspect_id))
    }
    found = {h.other for h in hits}
    stale = [a.pk for other, a in existing.items() if other not in found and a.status in REVIEWING]
    MatchAlert.objects.filter(pk__in=stale).update(
        status=Status.CLOSED, closed_reason=CloseReason.SUSPECT_CHANGED, claimed_by=None, claimed_at=None,
        updated_at=timezone.now(),
    )
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
        elif alert.status in (Status.WITHDRAWN, Status.CLOSED):
            alert.status, alert.claimed_by, alert.claimed_at = Status.OPEN, None, None
            alert.closed_reason = ""
        alert.probability, alert.weight, alert.outcomes = hit.probability, hit.weight, hit.outcomes
        alert.save()
        out.append(alert)
    return out


def selective_keys(sizes: dict[_K, int], limit: int) -> list[_K]:
    """Block keys, smallest block first, whose blocks together hold at most ``limit`` suspects."""
    chosen, total = [], 0
    for token, size in sorted(sizes.items(), key=lambda kv: (kv[1], kv[0])):
        if total + size > limit:
            break
        chosen.append(token)
        total += size
    return chosen


def _sought(enc: EncodedMention) -> Q:
    """The stored block keys that pair with the encoding's: its ordinary keys, the targets of its
    probes and the probes of its targets (one-sided blocks, never probe with probe)."""
    q = Q(role=BlockRole.BOTH, token__in=enc.blocks)
    if enc.probes:
        q |= Q(role=BlockRole.TARGET, token__in=enc.probes)
    if enc.targets:
        q |= Q(role=BlockRole.PROBE, token__in=enc.targets)
    return q


def _match_encoded(suspect: Suspect, enc: EncodedMention) -> list[MatchAlert]:
    org_id, case_id = suspect.case.organisation_id, suspect.case_id
    keys = SuspectBlockKey.objects.filter(_sought(enc), organisation_id=org_id)
    counted = keys.values_list("role", "token").annotate(n=Count("id")).values_list("role", "token", "n")
    sizes = {(r, t): n for r, t, n in counted}
    chosen = selective_keys(sizes, MAX_CANDIDATES)
    if not chosen:
        return _sync_alerts(org_id, suspect.pk, case_id, [])
    by_role = Q()
    for role in {r for r, _ in chosen}:
        by_role |= Q(role=role, token__in=[t for r, t in chosen if r == role])
    candidates = (
        SuspectBlockKey.objects.filter(by_role, organisation_id=org_id)
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
    model = scoring_model(organisation_id=org_id, new=enc, candidates=encoded)
    scored = score_encoded(enc, encoded, model, min_probability=THRESHOLD)
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
    encodings_store(rows=[(suspect.pk, suspect.case_id, suspect.case.organisation_id, enc)])
    return _match_encoded(suspect, enc)


def suspects_match(*, suspects: Sequence[Suspect]) -> None:
    """`suspect_match` for many new suspects (a bulk write): their mentions encoded in one call,
    then each stored and matched in turn, as typing them one after another would (each one's
    alerts with those before him)."""
    taking = [s for s in suspects if _takes_part(s.case)]
    if len(taking) < len(suspects):
        suspects_withdraw(suspect_ids=[s.pk for s in suspects if not _takes_part(s.case)])
    for suspect, enc in zip(taking, encode([mention_for(s) for s in taking]) if taking else [], strict=True):
        encodings_store(rows=[(suspect.pk, suspect.case_id, suspect.case.organisation_id, enc)])
        _match_encoded(suspect, enc)


def suspects_withdraw(*, suspect_ids: list[int]) -> int:
    """Takes suspects out of matching: their encodings go, and every alert they are in that is not
    a rejection is marked withdrawn (kept, with its decisions, but shown to no one). Returns the
    number of alerts withdrawn."""
    encodings_forget(suspect_ids=suspect_ids)
    alerts = MatchAlert.objects.filter(Q(suspect_a_id__in=suspect_ids) | Q(suspect_b_id__in=suspect_ids))
    organisations = set(alerts.values_list("organisation_id", flat=True))
    n = alerts.exclude(status__in=(Status.REJECTED, Status.WITHDRAWN)).update(
        status=Status.WITHDRAWN, claimed_by=None, claimed_at=None
    )
    for org_id in organisations:
        repeat_suspects_regroup(organisation_id=org_id)
    return n


def case_matching_update(*, case: Case) -> None:
    """After her consent to matching changed: her case's suspects join or leave matching."""
    suspects = list(case.suspects.select_related("case__incident", "case__survivor"))
    if not _takes_part(case):
        suspects_withdraw(suspect_ids=[s.pk for s in suspects])
        return
    for suspect in suspects:
        suspect_match(suspect=suspect)
