"""Chained alerts: refs that a chain of strong links makes one man, beyond the pairs that match.

Two refs of different members may share too little to match directly (a phone in one pair, a
name in another) and still be one man through a third ref: the Astana ref shares a phone with an
Almaty ref, which shares a whole name and birth year with an Oral ref. The hub keeps a `Link`
between any two refs, one member's own refs too, whose score (`linkage.network.score`, as for a
direct pair) reaches `linkage.network.CHAIN_THRESHOLD`, and a cannot-link `Link` between two refs
that cannot be one man (different IINs; one name, two birth years or fathers). It clusters the
links strongest first, never joining two clusters that hold a cannot-link pair
(`linkage.network.chain`), and alerts on every pair of refs of different members in one cluster
that has no direct alert: a chained alert (`Alert.chained`), whose strength is the product of the
links' strengths along the strongest chain between the two and whose evidence kinds are those the
two share directly (maybe none).

A component of the links is clustered the same way whatever else is clustered with it, so a
change re-clusters only the components the changed or withdrawn ref touched, before and after
the change. A chained alert that a change ends closes with "no_longer_matches", whatever the
change: a ref withdrawn in the middle of a chain closes the alerts between two other members with
the reason a changed ref gives, which does not tell them that a third ref existed; an alert whose
own ref is withdrawn closes with "withdrawn", as a direct one does.

Called by `matching.rematch` and `matching.withdraw` inside the sync's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from aigaq.linkage import network

from .models import Alert, AlertState, Encoding, EncodingToken, Link

Side = tuple[int, str]  # (member id, ref)
PairKey = tuple[Side, Side]  # the two sides, the smaller first


def pair_key(one: Side, two: Side) -> PairKey:
    return (one, two) if one <= two else (two, one)


def alert_key(alert: Alert) -> PairKey:
    return pair_key((alert.member_a_id, alert.ref_a), (alert.member_b_id, alert.ref_b))


def component(ids: Collection[int], known: Collection[int] = ()) -> set[int]:
    """These encodings and every encoding a chain of (not cannot-) links joins to one of them.
    One query per step of the chains' length. `known`: encodings whose own component the caller
    already has (it is added whole, and not walked again)."""
    seen, frontier = set(ids) | set(known), set(ids) - set(known)
    while frontier:
        rows = (Link.objects.filter(cannot=False).filter(Q(low_id__in=frontier) | Q(high_id__in=frontier))
                .values_list("low_id", "high_id"))
        new = {pk for pair in rows for pk in pair} - seen
        seen |= new
        frontier = new
    return seen


def store_links(encoding: Encoding, links: Mapping[int, float | None]) -> None:
    """Replaces this encoding's links (by the other encoding's id: a strength, or None for a
    cannot-link pair)."""
    Link.objects.filter(Q(low=encoding) | Q(high=encoding)).delete()
    Link.objects.bulk_create(
        Link(low_id=min(pk, encoding.pk), high_id=max(pk, encoding.pk), strength=s or 0.0, cannot=s is None)
        for pk, s in sorted(links.items()))


@dataclass(frozen=True)
class ChainedPair:
    one: Encoding  # the smaller (member code, ref), side A of its alert
    two: Encoding
    strength: float
    kinds: list[str]


def _shared_kinds(a: Encoding, b: Encoding, tokens: Mapping[int, set[tuple[str, str]]]) -> list[str]:
    kinds = {kind for kind, _ in tokens.get(a.pk, set()) & tokens.get(b.pk, set())}
    if a.region and a.region == b.region:
        kinds.add(network.REGION)
    present = set(kinds)
    return [k for k in network.EVIDENCE_KINDS if k in present]


def chained_pairs(touched: Collection[int]) -> dict[PairKey, ChainedPair]:
    """The pairs of different members that the clusters of these encodings (whole components of
    the links) put together, whether or not they also match directly."""
    if not touched:
        return {}
    links, cannot = [], []
    for low, high, strength, is_cannot in (Link.objects.filter(low_id__in=touched)
                                           .values_list("low_id", "high_id", "strength", "cannot")):
        if is_cannot:
            if high in touched:
                cannot.append((low, high))
        else:
            links.append((strength, low, high))
    clusters = [c for c in network.chain(touched, links, cannot) if len(c.nodes) > 1]
    if not clusters:
        return {}
    ids = {pk for c in clusters for pk in c.nodes}
    encodings = {e.pk: e for e in Encoding.objects.filter(pk__in=ids).select_related("member")}
    tokens: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for pk, kind, token in EncodingToken.objects.filter(encoding_id__in=ids).values_list("encoding_id", "kind",
                                                                                        "token"):
        tokens[pk].add((kind, token))
    out = {}
    for cluster in clusters:
        for (a, b), strength in cluster.chain_strengths().items():
            one, two = sorted((encodings[a], encodings[b]), key=lambda e: (e.member.code, e.ref))
            if one.member_id == two.member_id:
                continue
            key = pair_key((one.member_id, one.ref), (two.member_id, two.ref))
            out[key] = ChainedPair(one=one, two=two, strength=strength, kinds=_shared_kinds(one, two, tokens))
    return out


def open_alerts_touching(touched: Iterable[int]) -> QuerySet[Alert]:
    """The open alerts one of whose sides is one of these encodings."""
    by_member: dict[int, list[str]] = defaultdict(list)
    for member_id, ref in Encoding.objects.filter(pk__in=set(touched)).values_list("member_id", "ref"):
        by_member[member_id].append(ref)
    where = Q(pk__in=[])
    for member_id, refs in by_member.items():
        where |= Q(member_a_id=member_id, ref_a__in=refs) | Q(member_b_id=member_id, ref_b__in=refs)
    return Alert.objects.filter(where, state=AlertState.OPEN)
