"""Constrained clustering: links taken strongest first, never joining two clusters that a
cannot-link constraint (a reviewer's decision, a birth, IIN or father's-name conflict) keeps apart."""

from __future__ import annotations

import math

import numpy as np

from .birth import HARD_GAP_YEARS
from .index import Index, Progress
from .model import EM_CHUNK, probability


class _Clusters:
    """Union-find whose merges respect cannot-link constraints through any chain of links.

    Member lists and cannot-link sets exist only for clusters that have them (most mentions stay
    alone), so a million mentions do not cost a million lists and sets.
    """

    def __init__(self, index: Index, must_not: dict[int, set[int]], overridden: set[tuple[int, int]]) -> None:
        n = len(index.ids)
        self.index = index
        self.overridden = overridden
        self.parent = list(range(n))
        self.group: dict[int, list[int]] = {}
        self.forbid: dict[int, set[int]] = {i: set(js) for i, js in must_not.items()}
        marked = getattr(index, "marked", None)
        flags = marked() if marked is not None else np.zeros(n, dtype=bool)
        self.marked_members: dict[int, list[int]] = {int(i): [int(i)] for i in np.flatnonzero(flags)}
        arrays = getattr(index, "birth_bounds", None)
        if arrays is not None:
            lo, hi = arrays()
            self.lo, self.hi = lo.tolist(), hi.tolist()
        else:
            bounds = [index.bounds(i) for i in range(n)]
            self.lo = [b[0] if b else -math.inf for b in bounds]
            self.hi = [b[1] if b else math.inf for b in bounds]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def members(self, root: int) -> list[int]:
        return self.group.get(root) or [root]

    def can_merge(self, ra: int, rb: int) -> bool:
        fa, fb = self.forbid.get(ra), self.forbid.get(rb)
        if (fa and fa.intersection(self.members(rb))) or (fb and fb.intersection(self.members(ra))):
            return False
        # IINs and fathers' names: only the few members that carry one are compared pairwise.
        ma, mb = self.marked_members.get(ra), self.marked_members.get(rb)
        if ma and mb and any(self.conflict(x, y) for x in ma for y in mb):
            return False
        if max(self.lo[ra], self.lo[rb]) - min(self.hi[ra], self.hi[rb]) <= HARD_GAP_YEARS:
            return True
        # The bounds only say a conflict may exist; typing slips of dates are exempt, so check pairs.
        return not any(self.conflict(x, y) for x in self.members(ra) for y in self.members(rb))

    def conflict(self, i: int, j: int) -> bool:
        return (min(i, j), max(i, j)) not in self.overridden and self.index.hard_conflict(i, j)

    def union(self, ra: int, rb: int) -> None:
        ma, mb = self.members(ra), self.members(rb)
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        self.parent[rb] = ra
        if ra in self.group:
            self.group[ra].extend(mb)
        else:
            self.group[ra] = [ra, *mb]
        self.group.pop(rb, None)
        fb = self.forbid.pop(rb, None)
        if fb:
            self.forbid.setdefault(ra, set()).update(fb)
        kb = self.marked_members.pop(rb, None)
        if kb:
            self.marked_members.setdefault(ra, []).extend(kb)
        self.lo[ra] = max(self.lo[ra], self.lo[rb])
        self.hi[ra] = min(self.hi[ra], self.hi[rb])

    def clusters(self) -> dict[str, str]:
        """Every id → the smallest id in its cluster, in input order."""
        ids = self.index.ids
        smallest = {r: min(ids[x] for x in g) for r, g in self.group.items()}
        return {ids[i]: smallest.get(self.find(i), ids[i]) for i in range(len(ids))}


def at_least(total: np.ndarray, thr: float, *, finite: bool = False) -> np.ndarray:
    """Positions of the pairs with match probability ≥ thr, in chunks (probability() makes
    several temporary floats a pair)."""
    out = [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(total), EM_CHUNK):
        part = total[start : start + EM_CHUNK]
        ok = probability(part) >= thr
        if finite:
            ok &= np.isfinite(part)
        out.append(start + np.flatnonzero(ok))
    return np.concatenate(out)


def cluster(
    index: Index,
    pairs: np.ndarray,
    total: np.ndarray,
    waive: np.ndarray,
    thr: float,
    must_not: dict[int, set[int]],
    must_link: list[tuple[int, int]],
    progress: Progress | None,
) -> tuple[_Clusters, np.ndarray]:
    """Greedy constrained union of links, strongest first; returns clusters and which pairs joined."""
    overridden = {(int(pairs[k, 0]), int(pairs[k, 1])) for k in waive}
    cl = _Clusters(index, must_not, overridden)
    for i, j in must_link:
        ri, rj = cl.find(i), cl.find(j)
        if ri != rj:
            cl.union(ri, rj)
    keep = at_least(total, thr, finite=True)
    keep = keep[np.argsort(-total[keep], kind="stable")]
    linked = np.zeros(len(pairs), dtype=bool)
    step = max(1, len(keep) // 20)
    for c, k in enumerate(keep.tolist()):
        i, j = int(pairs[k, 0]), int(pairs[k, 1])
        ri, rj = cl.find(i), cl.find(j)
        if ri == rj:
            linked[k] = True
        elif not cl.conflict(i, j) and cl.can_merge(ri, rj):
            cl.union(ri, rj)
            linked[k] = True
        if progress and (c % step == 0 or c == len(keep) - 1):
            progress("clustering", c + 1, len(keep))
    return cl, linked
