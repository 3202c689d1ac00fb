"""Matching one member's changed ref against every other member's: candidates, strength, alerts.

A candidate for a direct alert is a ref of ANOTHER member (never the same member's: a member links
its own cases itself) that shares at least one (kind, token) with the changed ref. What `strength` weighs is what
the hub can see without any key: the kinds with a shared token; for each of them, how many refs of
the whole network hold the rarest shared token of that kind (a name held by fifty refs is weaker
evidence than one held by two); the kinds both refs hold but share no token of (two men of one
name born in different years); and the two region codes, agreeing or not. That is the input of
`linkage.network.score`, the model bench/network/fit.py fitted. An alert opens at
`MATCH_THRESHOLD`, an open one follows its pair's strength and kinds as either side changes, and
closes with "no_longer_matches" when the pair drops below.

The same candidates, one member's own refs among them, give the links that chaining clusters
(hub/chaining.py): a pair at `linkage.network.CHAIN_THRESHOLD` or a cannot-link pair. A pair of
different members that a cluster holds without a direct match gets a chained alert; a direct alert
whose pair drops below the threshold but stays in one cluster becomes a chained one (and back).

A count is taken when the pair is matched: a token that many refs share later weakens an alert
only when one of its two refs changes again.

Called by `services.sync_apply` inside its transaction, after the batch's encodings are stored.
Five queries per changed ref (`evaluate`) whatever the number of candidates, then the chaining's:
one per step of the longest chain of its component, and four to re-cluster it (docs/benchmarks.md,
"Network").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from aigaq.linkage import network

from . import chaining
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
    member_id: int
    kinds: frozenset[str]  # agreeing token kinds, and REGION when both have the same code
    counts: Mapping[str, int]  # per agreeing token kind: refs holding its rarest shared token
    region_conflict: bool  # both have a region code, and they differ

    def bound(self) -> float:
        """The score before token conflicts are known: conflicts only ever lower it."""
        return strength(self.kinds, counts=self.counts, conflicts={network.REGION} if self.region_conflict else ())


def _tokens_of(encoding: Encoding) -> set[tuple[str, str]]:
    return set(EncodingToken.objects.filter(encoding=encoding).values_list("kind", "token"))


def candidates(encoding: Encoding, mine: set[tuple[str, str]] | None = None, *,
               own: bool = False) -> dict[int, Candidate]:
    """Other members' encodings sharing a token with this one (by id), with what agrees; with
    `own`, this member's other encodings too (the links chaining weighs).

    Two queries whatever the number of candidates: the rows holding one of this encoding's
    (kind, token) pairs, with their encoding's member and region; and how many encodings of the
    whole network (this member's too, this one included) hold each of those pairs. `mine`: this
    encoding's (kind, token) pairs, when the caller has them."""
    if mine is None:
        mine = _tokens_of(encoding)
    if not mine:
        return {}
    lookup = EncodingToken.objects.filter(kind__in={k for k, _ in mine}, token__in={t for _, t in mine})
    others = lookup.exclude(encoding_id=encoding.pk) if own else lookup.exclude(encoding__member_id=encoding.member_id)
    rows = others.values_list("encoding_id", "kind", "token", "encoding__member_id", "encoding__region")
    shared: dict[int, list[tuple[str, str]]] = defaultdict(list)
    region_of: dict[int, str] = {}
    member_of: dict[int, int] = {}
    for encoding_id, kind, token, member_id, region in rows:
        if (kind, token) in mine:  # the lookup crossed kinds and tokens; keep exact pairs only
            shared[encoding_id].append((kind, token))
            region_of[encoding_id] = region
            member_of[encoding_id] = member_id
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
        out[pk] = Candidate(encoding_id=pk, member_id=member_of[pk], kinds=frozenset(kinds), counts=counts,
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


@dataclass(frozen=True)
class Evaluation:
    """What matching one encoding found: its direct pairs at or above MATCH_THRESHOLD with other
    members, by the other side's (member id, ref); and its links for chaining, by the other
    encoding's id: strength (at least CHAIN_THRESHOLD), or None for a cannot-link pair."""

    hits: dict[tuple[int, str], _Hit]
    links: dict[int, float | None]


_CANNOT_KINDS = frozenset(("iin", "name_birth", "name_father"))


def evaluate(encoding: Encoding) -> Evaluation:
    """The pairs of one encoding with every other (one member's own too, for the links).

    Five queries whatever the number of candidates: this encoding's tokens, the two of
    `candidates`, then, since conflicts (kinds both hold but share no token of) only lower a score,
    the token kinds of the candidates whose score without them reaches a threshold (or that may be
    a cannot-link pair: an IIN, or a name and a birth or father's name), and their encodings."""
    tokens = _tokens_of(encoding)
    mine = {kind for kind, _ in tokens}
    every = candidates(encoding, tokens, own=True)
    bound = {pk: c.bound() for pk, c in every.items()}
    found = {pk: c for pk, c in every.items()
             if bound[pk] >= (MATCH_THRESHOLD if c.member_id != encoding.member_id else network.CHAIN_THRESHOLD)}
    maybe_cannot = {pk for pk, c in every.items() if "iin" in mine or ("name" in c.kinds and mine & _CANNOT_KINDS)}
    if not found and not maybe_cannot:
        return Evaluation(hits={}, links={})
    held: dict[int, set[str]] = defaultdict(set)
    for pk, kind in (EncodingToken.objects.filter(encoding_id__in=set(found) | maybe_cannot, kind__in=mine)
                     .values_list("encoding_id", "kind").distinct()):
        held[pk].add(kind)
    links: dict[int, float | None] = {}
    scores: dict[int, float] = {}
    for pk in set(found) | maybe_cannot:
        c = every[pk]
        conflicts = (mine & held[pk]) - c.kinds
        if c.region_conflict:
            conflicts.add(network.REGION)
        if network.cannot_link(c.kinds, conflicts):
            links[pk] = None
        if pk in found:
            score = scores[pk] = strength(c.kinds, counts=c.counts, conflicts=conflicts)
            if score >= network.CHAIN_THRESHOLD and pk not in links:
                links[pk] = score
    direct = [pk for pk, score in scores.items()
              if score >= MATCH_THRESHOLD and every[pk].member_id != encoding.member_id]
    hits = {}
    for other in Encoding.objects.filter(pk__in=direct).select_related("member"):
        hits[(other.member_id, other.ref)] = _Hit(other=other, strength=scores[other.pk],
                                                  kinds=ordered(every[other.pk].kinds))
    return Evaluation(hits=hits, links=links)


def _open(encoding: Encoding, hit: _Hit) -> bool:
    """Opens the pair's direct alert; False when the other side's sync, at the same moment, just did."""
    return _create(encoding, hit.other, strength=hit.strength, kinds=hit.kinds, chained=False)


def _create(first: Encoding, second: Encoding, *, strength: float, kinds: list[str], chained: bool) -> bool:
    one, two = sorted((first, second), key=lambda e: (e.member.code, e.ref))
    try:
        with transaction.atomic():
            Alert.objects.create(
                member_a=one.member, ref_a=one.ref, year_month_a=one.year_month,
                member_b=two.member, ref_b=two.ref, year_month_b=two.year_month,
                strength=strength, evidence_kinds=kinds, chained=chained)
    except IntegrityError:
        return False
    return True


def _set(alert: Alert, *, strength: float, kinds: list[str], chained: bool, year_a: str, year_b: str) -> bool:
    """Brings an open alert up to date; whether anything changed."""
    now = (strength, kinds, chained, year_a, year_b)
    if (alert.strength, alert.evidence_kinds, alert.chained, alert.year_month_a, alert.year_month_b) == now:
        return False
    alert.strength, alert.evidence_kinds, alert.chained, alert.year_month_a, alert.year_month_b = now
    alert.save(update_fields=["strength", "evidence_kinds", "chained", "year_month_a", "year_month_b",
                              "updated_at"])
    return True


def _follow(alert: Alert, encoding: Encoding, hit: _Hit) -> bool:
    """Brings an open alert up to date with its direct pair; whether anything changed."""
    mine_is_a = (alert.member_a_id, alert.ref_a) == (encoding.member_id, encoding.ref)
    year_a, year_b = ((encoding.year_month, hit.other.year_month) if mine_is_a
                      else (hit.other.year_month, encoding.year_month))
    return _set(alert, strength=hit.strength, kinds=hit.kinds, chained=False, year_a=year_a, year_b=year_b)


def _follow_chained(alert: Alert, pair: chaining.ChainedPair) -> bool:
    return _set(alert, strength=pair.strength, kinds=pair.kinds, chained=True,
                year_a=pair.one.year_month, year_b=pair.two.year_month)


def _close(alert: Alert, reason: ClosedReason = ClosedReason.NO_LONGER_MATCHES) -> None:
    alert.state, alert.closed_reason = AlertState.CLOSED, reason
    alert.save(update_fields=["state", "closed_reason", "updated_at"])


def _rechain(touched: set[int], done: set[chaining.PairKey],
             chained: Mapping[chaining.PairKey, chaining.ChainedPair] | None = None) -> Changes:
    """Opens, updates and closes the chained alerts of these encodings (whole components of the
    links), leaving the pairs in `done` (the changed ref's, already handled) and direct alerts
    alone. `chained`: chaining.chained_pairs(touched), when the caller has it."""
    if chained is None:
        chained = chaining.chained_pairs(touched)
    updated = closed = 0
    existing = set(done)
    for alert in chaining.open_alerts_touching(touched):
        key = chaining.alert_key(alert)
        existing.add(key)
        if key in done or not alert.chained:
            continue
        pair = chained.get(key)
        if pair is None:
            _close(alert)
            closed += 1
        elif _follow_chained(alert, pair):
            updated += 1
    opened = sum(_create(p.one, p.two, strength=p.strength, kinds=p.kinds, chained=True)
                 for key, p in chained.items() if key not in existing)
    return Changes(opened=opened, updated=updated, closed=closed)


def rematch(encoding: Encoding) -> Changes:
    """Opens, updates and closes the alerts of one new or changed encoding: its direct alerts,
    then the chained alerts of the link components it was and is in."""
    found = evaluate(encoding)
    hits = found.hits
    before = chaining.component({encoding.pk})
    chaining.store_links(encoding, found.links)
    # What the change touched: its old component, whose pieces without it are all inside, and its
    # new one, walked from its new links (a piece of the old one it reaches is added whole).
    touched = chaining.component({encoding.pk, *(pk for pk, s in found.links.items() if s is not None)},
                                 known=before - {encoding.pk})
    chained = chaining.chained_pairs(touched) if touched != {encoding.pk} else {}
    me = (encoding.member_id, encoding.ref)
    updated = closed = 0
    done: set[chaining.PairKey] = set()
    for alert in _open_alerts_of(encoding.member_id, [encoding.ref]):
        other = (alert.member_b_id, alert.ref_b) if (alert.member_a_id, alert.ref_a) == me \
            else (alert.member_a_id, alert.ref_a)
        key = chaining.pair_key(me, other)
        done.add(key)
        hit = hits.pop(other, None)
        pair = chained.get(key)
        if hit is not None:
            updated += _follow(alert, encoding, hit)
        elif pair is not None:
            updated += _follow_chained(alert, pair)
        else:
            _close(alert)
            closed += 1
    done |= {chaining.pair_key(me, other) for other in hits}
    opened = sum(_open(encoding, hit) for hit in hits.values())
    changes = Changes(opened=opened, updated=updated, closed=closed)
    if touched == {encoding.pk}:
        return changes  # linked to nothing, before or after: its own alerts were all it had
    return changes + _rechain(touched, done, chained)


def withdraw(*, member: Member, refs: Collection[str]) -> Changes:
    """Deletes these refs of this member: closes their open alerts with "withdrawn", then
    re-chains what they were linked to (a chained alert between two other refs that only they
    joined closes with "no_longer_matches")."""
    if not refs:
        return Changes()
    closed = _open_alerts_of(member.pk, refs).update(
        state=AlertState.CLOSED, closed_reason=ClosedReason.WITHDRAWN, updated_at=timezone.now())
    gone = Encoding.objects.filter(member=member, ref__in=refs)
    ids = set(gone.values_list("pk", flat=True))
    before = chaining.component(ids) - ids
    gone.delete()
    return Changes(closed=closed) + _rechain(chaining.component(before), set())
