"""The network on one machine: three simulated members, the key service's OPRF, the hub's matching.

Everything the real parts do to a mention's evidence is done here in one process, with the same
functions: each member keys the values of `aigaq.linkage.network.network_inputs` as
f"{kind}:{value}" through the network OPRF and turns each output into
`aigaq.lib.crypto.oprf.token(output, kind)`; the hub sees only (member, ref, kind, token), takes as
candidates the refs of OTHER members that share at least one token, and scores each candidate by
`aigaq.linkage.network.score` of the kinds that agree. `KeyHolder.evaluate_known` gives the same
outputs as the blinded protocol (tests/lib/test_network_crypto.py) without the round trips, and
each distinct input is evaluated once (a real member evaluates each of its own values once).

Scores are pairwise over cross-member pairs only: a true pair is two mentions of one person held
by different members, a predicted pair two such mentions that the hub would alert on (or, for the
engine, that `aigaq link` puts in one cluster), because the hub never compares a member's refs
with its own.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from aigaq.lib.crypto.oprf import KeyHolder, token
from aigaq.linkage import Mention
from aigaq.linkage import network as net
from aigaq.reference import find_city, find_region


def split(ids: Sequence[str], members: int, seed: int) -> dict[str, int]:
    """Each mention's member, drawn uniformly and reproducibly (a string seed is hashed by SHA-512)."""
    rng = random.Random(f"bench-network-members-{seed}")
    return {i: rng.randrange(members) for i in ids}


@dataclass
class Tokens:
    """What the members upload: per mention, its (kind, token) pairs; and what it took."""

    by_mention: list[list[tuple[str, str]]]
    regions: list[str]  # each mention's incident region code, sent in clear ("" when unknown)
    evaluations: int  # distinct OPRF inputs evaluated
    seconds: float  # network_inputs + OPRF + token for every mention

    @property
    def per_mention(self) -> float:
        return sum(len(t) for t in self.by_mention) / max(1, len(self.by_mention))


def tokenise(mentions: Sequence[Mention], holder: KeyHolder) -> Tokens:
    start = time.perf_counter()
    cache: dict[str, str] = {}
    out: list[list[tuple[str, str]]] = []
    for m in mentions:
        toks: list[tuple[str, str]] = []
        for kind, values in net.network_inputs(m).items():
            for value in values:
                key = f"{kind}:{value}"
                tok = cache.get(key)
                if tok is None:
                    tok = cache[key] = token(holder.evaluate_known(key.encode()), kind)
                toks.append((kind, tok))
        out.append(toks)
    return Tokens(out, [region_of(m) for m in mentions], len(cache), time.perf_counter() - start)


def region_of(m: Mention) -> str:
    """The region code a member would send: from the region as written, else from the city."""
    found = find_region(m.region) if m.region else None
    if found is not None:
        return found.code
    city = find_city(m.city) if m.city else None
    return city.region if city is not None else ""


@dataclass
class Candidate:
    """One cross-member pair the hub compares: the kinds that agree, and for each the number of
    refs in the whole network holding the rarest agreeing token of that kind."""

    kinds: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: set[str] = field(default_factory=set)  # kinds both hold, sharing no token of

    def score(self, *, use_counts: bool = True) -> float:
        return net.score(self.kinds, counts=self.counts if use_counts else None, conflicts=self.conflicts)


def candidates(tokens: Tokens, member_of: Sequence[int]) -> dict[tuple[int, int], Candidate]:
    """(i, j) with i < j, different members, at least one shared token → what agrees."""
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, toks in enumerate(tokens.by_mention):
        for kt in set(toks):
            holders[kt].append(i)
    pairs: dict[tuple[int, int], Candidate] = {}
    for (kind, _), refs in holders.items():
        if len(refs) < 2 or len({member_of[r] for r in refs}) < 2:
            continue
        n = len(refs)
        for x in range(n):
            a = refs[x]
            for y in range(x + 1, n):
                b = refs[y]
                if member_of[a] == member_of[b]:
                    continue
                c = pairs.get((a, b))
                if c is None:
                    c = pairs[(a, b)] = Candidate()
                c.kinds.add(kind)
                c.counts[kind] = min(c.counts.get(kind, n), n)
    held = [{k for k, _ in toks} for toks in tokens.by_mention]
    regions = tokens.regions
    for (a, b), c in pairs.items():
        c.conflicts = (held[a] & held[b]) - c.kinds
        if regions[a] and regions[b]:
            (c.kinds if regions[a] == regions[b] else c.conflicts).add(net.REGION)
    return pairs


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    tp: int
    predicted: int
    true: int


def _scores(tp: int, predicted: int, true: int) -> Scores:
    p = tp / predicted if predicted else 1.0
    r = tp / true if true else 1.0
    return Scores(p, r, 2 * p * r / (p + r) if p + r else 0.0, tp, predicted, true)


def _cross_pairs(groups: Iterable[Sequence[int]]) -> int:
    """Pairs of different members within each group, given each group's members."""
    total = 0
    for g in groups:
        n = len(g)
        total += n * (n - 1) // 2 - sum(k * (k - 1) // 2 for k in Counter(g).values())
    return total


def true_cross_pairs(persons: Sequence[str], member_of: Sequence[int]) -> int:
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(persons):
        by_person[p].append(member_of[i])
    return _cross_pairs(by_person.values())


def score_pairs(linked: Iterable[tuple[int, int]], persons: Sequence[str], true: int) -> Scores:
    """Pairwise scores of alerts (cross-member pairs) against the persons."""
    predicted = tp = 0
    for a, b in linked:
        predicted += 1
        tp += persons[a] == persons[b]
    return _scores(tp, predicted, true)


def score_clusters(cluster_of: Sequence[str], persons: Sequence[str], member_of: Sequence[int],
                   true: int) -> Scores:
    """Pairwise scores of a clustering, counting only pairs of mentions held by different members."""
    by_cluster: dict[str, list[int]] = defaultdict(list)
    by_both: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(cluster_of):
        by_cluster[c].append(member_of[i])
        by_both[(c, persons[i])].append(member_of[i])
    return _scores(_cross_pairs(by_both.values()), _cross_pairs(by_cluster.values()), true)


def components(n: int, links: Iterable[tuple[int, int]]) -> list[str]:
    """Connected components of the links: each mention's component as its smallest index."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [str(find(i)) for i in range(n)]


def alerts(pairs: Mapping[tuple[int, int], Candidate], *, use_counts: bool = True,
           threshold: float = net.MATCH_THRESHOLD) -> list[tuple[int, int]]:
    """The pairs the hub alerts on: score at or above the threshold."""
    return [ab for ab, c in pairs.items() if c.score(use_counts=use_counts) >= threshold]


def alerts_kinds_only(pairs: Mapping[tuple[int, int], Candidate],
                      threshold: float = net.MATCH_THRESHOLD) -> list[tuple[int, int]]:
    """What the hub alerted on before it passed counts, conflicts and region (until December
    2026): `score` of the agreeing token kinds alone."""
    return [ab for ab, c in pairs.items() if net.score(c.kinds - {net.REGION}) >= threshold]


CHAIN_THRESHOLD = net.CHAIN_THRESHOLD


def cluster_pairs(cluster_of: Sequence[str], member_of: Sequence[int]) -> set[tuple[int, int]]:
    """The cross-member pairs (i < j) that share a cluster."""
    by_cluster: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cluster_of):
        by_cluster[c].append(i)
    return {(a, b) for refs in by_cluster.values() for x, a in enumerate(refs) for b in refs[x + 1:]
            if member_of[a] != member_of[b]}


def cannot_link(c: Candidate) -> bool:
    """linkage.network.cannot_link of the pair's evidence."""
    return net.cannot_link(c.kinds, c.conflicts)


def constrained_clusters(n: int, pairs: Mapping[tuple[int, int], Candidate], *,
                         threshold: float = CHAIN_THRESHOLD) -> list[str]:
    """What the hub's chaining reports (linkage.network.chain, as hub/chaining.py calls it): links
    (pairs of any members, the same member's too) at `threshold`, strongest first, never joining
    two clusters that hold a cannot-link pair. Each mention's cluster as its smallest index."""
    cannot = [ab for ab, c in pairs.items() if cannot_link(c)]
    forbidden = set(cannot)
    links = [(s, a, b) for (a, b), c in pairs.items() if (a, b) not in forbidden and (s := c.score()) >= threshold]
    out = [""] * n
    for cluster in net.chain(range(n), links, cannot):
        for i in cluster.nodes:
            out[i] = str(cluster.nodes[0])
    return out
