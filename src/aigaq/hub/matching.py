"""Matching one member's changed ref against every other member's: candidates, strength, alerts.

A candidate is a ref of ANOTHER member (never the same member's: a member links its own cases
itself) that shares at least one (kind, token) with the changed ref; the kinds that agree are the
kinds with a shared token, and `strength` scores them. An alert opens at `MATCH_THRESHOLD`, an
open one follows its pair's strength and kinds as either side changes, and closes with
"no_longer_matches" when the pair drops below. Every score goes through `strength`, so that a
better one (fitted weights, the rarity of a token across the network) changes only that function.

Called by `services.sync_apply` inside its transaction, after the batch's encodings are stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
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


def strength(kinds: Collection[str]) -> float:
    """The score of a candidate pair from the kinds whose tokens agree: 0..1."""
    return network.score(kinds)


def ordered(kinds: Iterable[str]) -> list[str]:
    """Kinds strongest first (linkage.network.KINDS), each once."""
    present = set(kinds)
    return [k for k in network.KINDS if k in present]


def candidates(encoding: Encoding) -> dict[int, frozenset[str]]:
    """Other members' encodings sharing a token with this one (by id), with the kinds that agree."""
    mine = set(EncodingToken.objects.filter(encoding=encoding).values_list("kind", "token"))
    if not mine:
        return {}
    rows = (EncodingToken.objects
            .filter(kind__in={k for k, _ in mine}, token__in={t for _, t in mine})
            .exclude(encoding__member_id=encoding.member_id)
            .values_list("encoding_id", "kind", "token"))
    found: dict[int, set[str]] = defaultdict(set)
    for encoding_id, kind, token in rows:
        if (kind, token) in mine:  # the lookup crossed kinds and tokens; keep exact pairs only
            found[encoding_id].add(kind)
    return {pk: frozenset(kinds) for pk, kinds in found.items()}


def _open_alerts_of(member_id: int, refs: Collection[str]) -> QuerySet[Alert]:
    return Alert.objects.filter(state=AlertState.OPEN).filter(
        Q(member_a_id=member_id, ref_a__in=refs) | Q(member_b_id=member_id, ref_b__in=refs))


@dataclass(frozen=True)
class _Hit:
    other: Encoding
    strength: float
    kinds: list[str]


def _hits(encoding: Encoding) -> dict[tuple[int, str], _Hit]:
    """The pairs at or above the threshold, by the other side's (member id, ref)."""
    found = candidates(encoding)
    others = Encoding.objects.filter(pk__in=found).select_related("member")
    hits = {}
    for other in others:
        score = strength(found[other.pk])
        if score >= MATCH_THRESHOLD:
            hits[(other.member_id, other.ref)] = _Hit(other=other, strength=score, kinds=ordered(found[other.pk]))
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
