"""Matching one member's changed ref against every other member's: candidates, strength, alerts.

A candidate is a ref of ANOTHER member (never the same member's: a member links its own cases
itself) that shares at least one (kind, token) with the changed ref. What `strength` weighs is what
the hub can see without any key: the kinds with a shared token; for each of them, how many refs of
the whole network hold the rarest shared token of that kind (a name held by fifty refs is weaker
evidence than one held by two); the kinds both refs hold but share no token of (two men of one
name born in different years); and the two region codes, agreeing or not. That is the input of
`linkage.network.score`, the model bench/network/fit.py fitted. An alert opens at
`MATCH_THRESHOLD`, an open one follows its pair's strength and kinds as either side changes, and
closes with "no_longer_matches" when the pair drops below.

A count is taken when the pair is matched: a token that many refs share later weakens an alert
only when one of its two refs changes again.

Called by `services.sync_apply` inside its transaction, after the batch's encodings are stored.
Five queries per changed ref (`_hits`) whatever the number of candidates (docs/benchmarks.md, "Network").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from aigaq.linkage import network

from .models import Alert, AlertState, ClosedReason, Encoding, EncodingToken, Member

MATCH_THRESHOLD = network.MATCH_THRESHOLD


@dataclass(frozen=True)
class Changes:
    """How many alerts a sync opened, updated and closed."""

    opened: int = 0
    updated: int = 0
    closed: int = 0

    def __add__(self, other: Changes) -> Changes:
        return Changes(self.opened + other.opened, self.updated + other.updated, self.closed + other.closed)


def strength(kinds: Collection[str], *, counts: Mapping[str, int], conflicts: Collection[str]) -> float:
    """The score of a candidate pair, 0..1: the kinds that agree (REGION among them when both refs
    have the same region code), for each agreeing token kind how many refs of the network hold its
    rarest shared token, and the kinds both refs hold without sharing a token (REGION when their
    codes differ). linkage.network.score, the model fitted by bench/network/fit.py."""
    return network.score(kinds, counts=counts, conflicts=conflicts)


def ordered(kinds: Iterable[str]) -> list[str]:
    """Evidence kinds strongest first (linkage.network.EVIDENCE_KINDS, region last), each once."""
    present = set(kinds)
    return [k for k in network.EVIDENCE_KINDS if k in present]


@dataclass(frozen=True)
class Candidate:
    """What the hub knows of one pair: the other encoding, and the evidence `strength` weighs."""

    encoding_id: int
    kinds: frozenset[str]  # agreeing token kinds, and REGION when both have the same code
    counts: Mapping[str, int]  # per agreeing token kind: refs holding its rarest shared token
    region_conflict: bool  # both have a region code, and they differ

    def bound(self) -> float:
        """The score before token conflicts are known: conflicts only ever lower it."""
        return strength(self.kinds, counts=self.counts, conflicts={network.REGION} if self.region_conflict else ())


def _tokens_of(encoding: Encoding) -> set[tuple[str, str]]:
    return set(EncodingToken.objects.filter(encoding=encoding).values_list("kind", "token"))


def candidates(encoding: Encoding, mine: set[tuple[str, str]] | None = None) -> dict[int, Candidate]:
    """Other members' encodings sharing a token with this one (by id), with what agrees.

    Two queries whatever the number of candidates: the other members' rows holding one of this
    encoding's (kind, token) pairs, with their encoding's region; and how many encodings of the
    whole network (this member's too, this one included) hold each of those pairs. `mine`: this
    encoding's (kind, token) pairs, when the caller has them."""
    if mine is None:
        mine = _tokens_of(encoding)
    if not mine:
        return {}
    lookup = EncodingToken.objects.filter(kind__in={k for k, _ in mine}, token__in={t for _, t in mine})
    rows = (lookup.exclude(encoding__member_id=encoding.member_id)
            .values_list("encoding_id", "kind", "token", "encoding__region"))
    shared: dict[int, list[tuple[str, str]]] = defaultdict(list)
    region_of: dict[int, str] = {}
    for encoding_id, kind, token, region in rows:
        if (kind, token) in mine:  # the lookup crossed kinds and tokens; keep exact pairs only
            shared[encoding_id].append((kind, token))
            region_of[encoding_id] = region
    if not shared:
        return {}
    held_by = {(k, t): n for k, t, n in lookup.values("kind", "token").annotate(n=Count("id"))
               .values_list("kind", "token", "n") if (k, t) in mine}
    out = {}
    for pk, pairs in shared.items():
        counts: dict[str, int] = {}
        for kind, token in pairs:
            n = held_by.get((kind, token), 2)
            counts[kind] = min(counts.get(kind, n), n)
        kinds = set(counts)
        theirs = region_of[pk]
        if encoding.region and theirs and encoding.region == theirs:
            kinds.add(network.REGION)
        out[pk] = Candidate(encoding_id=pk, kinds=frozenset(kinds), counts=counts,
                            region_conflict=bool(encoding.region and theirs and encoding.region != theirs))
    return out


def _open_alerts_of(member_id: int, refs: Collection[str]) -> QuerySet[Alert]:
    return Alert.objects.filter(state=AlertState.OPEN).filter(
        Q(member_a_id=member_id, ref_a__in=refs) | Q(member_b_id=member_id, ref_b__in=refs))


@dataclass(frozen=True)
class _Hit:
    other: Encoding
    strength: float
    kinds: list[str]


def _hits(encoding: Encoding) -> dict[tuple[int, str], _Hit]:
    """The pairs at or above the threshold, by the other side's (member id, ref).

    Five queries whatever the number of candidates: this encoding's tokens, the two of
    `candidates`, then, since conflicts (kinds both hold but share no token of) only lower a score,
    the token kinds of the candidates whose score without them reaches the threshold, and their
    encodings."""
    tokens = _tokens_of(encoding)
    found = {pk: c for pk, c in candidates(encoding, tokens).items() if c.bound() >= MATCH_THRESHOLD}
    if not found:
        return {}
    mine = {kind for kind, _ in tokens}
    held: dict[int, set[str]] = defaultdict(set)
    for pk, kind in EncodingToken.objects.filter(encoding_id__in=found).values_list("encoding_id", "kind").distinct():
        held[pk].add(kind)
    hits = {}
    for other in Encoding.objects.filter(pk__in=found).select_related("member"):
        c = found[other.pk]
        conflicts = (mine & held[other.pk]) - c.kinds
        if c.region_conflict:
            conflicts.add(network.REGION)
        score = strength(c.kinds, counts=c.counts, conflicts=conflicts)
        if score >= MATCH_THRESHOLD:
            hits[(other.member_id, other.ref)] = _Hit(other=other, strength=score, kinds=ordered(c.kinds))
    return hits


def _open(encoding: Encoding, hit: _Hit) -> bool:
    """Opens the pair's alert; False when the other side's sync, at the same moment, just did."""
    one, two = sorted((encoding, hit.other), key=lambda e: (e.member.code, e.ref))
    try:
        with transaction.atomic():
            Alert.objects.create(
                member_a=one.member, ref_a=one.ref, year_month_a=one.year_month,
                member_b=two.member, ref_b=two.ref, year_month_b=two.year_month,
                strength=hit.strength, evidence_kinds=hit.kinds)
    except IntegrityError:
        return False
    return True


def _follow(alert: Alert, encoding: Encoding, hit: _Hit) -> bool:
    """Brings an open alert up to date with its pair; whether anything changed."""
    mine_is_a = (alert.member_a_id, alert.ref_a) == (encoding.member_id, encoding.ref)
    year_a, year_b = ((encoding.year_month, hit.other.year_month) if mine_is_a
                      else (hit.other.year_month, encoding.year_month))
    now = (hit.strength, hit.kinds, year_a, year_b)
    if (alert.strength, alert.evidence_kinds, alert.year_month_a, alert.year_month_b) == now:
        return False
    alert.strength, alert.evidence_kinds, alert.year_month_a, alert.year_month_b = now
    alert.save(update_fields=["strength", "evidence_kinds", "year_month_a", "year_month_b", "updated_at"])
    return True


def rematch(encoding: Encoding) -> Changes:
    """Opens, updates and closes the alerts of one new or changed encoding."""
    hits = _hits(encoding)
    me = (encoding.member_id, encoding.ref)
    updated = closed = 0
    for alert in _open_alerts_of(encoding.member_id, [encoding.ref]):
        other = (alert.member_b_id, alert.ref_b) if (alert.member_a_id, alert.ref_a) == me \
            else (alert.member_a_id, alert.ref_a)
        hit = hits.pop(other, None)
        if hit is None:
            alert.state, alert.closed_reason = AlertState.CLOSED, ClosedReason.NO_LONGER_MATCHES
            alert.save(update_fields=["state", "closed_reason", "updated_at"])
            closed += 1
        elif _follow(alert, encoding, hit):
            updated += 1
    opened = sum(_open(encoding, hit) for hit in hits.values())
    return Changes(opened=opened, updated=updated, closed=closed)


def withdraw(*, member: Member, refs: Collection[str]) -> Changes:
    """Closes the open alerts of these refs of this member with "withdrawn"."""
    if not refs:
        return Changes()
    closed = _open_alerts_of(member.pk, refs).update(
        state=AlertState.CLOSED, closed_reason=ClosedReason.WITHDRAWN, updated_at=timezone.now())
    return Changes(closed=closed)
