"""compare_features for many pairs at once, on the feature columns (aigaq.linkage.columns).

The levels and name-frequency keys are the same as compare_features gives one pair at a time
(tests/linkage/test_columns.py checks it); names are aligned in numpy for up to MAX_ALIGN_TOKENS
words, and one pair at a time beyond.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import token_sort_ratio

from .birth import HARD_GAP_YEARS
from .columns import Columns
from .features import F_FATHER, FIELDS
from .names import (
    CACHE_LIMIT,
    CROSS_SIM,
    STRONG_TOKEN,
    W_PLAIN,
    W_SURNAME,
    NameVariant,
    TokenTable,
    align,
    father_level,
    plain_words_are_forenames,
)

MAX_ALIGN_TOKENS = 6  # longer names (rare) are aligned one pair at a time by align
T = TypeVar("T")


def _products(ptr: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (value of i, value of j) combination of the pairs where both have values.

    Returns (pairs that have both, owner of each combination as an index into those pairs,
    position of i's value, position of j's value); combinations of one pair are contiguous and
    in row-major order (i's values outer), as compare_features loops over them.
    """
    ca, cb = ptr[i + 1] - ptr[i], ptr[j + 1] - ptr[j]
    sel = np.flatnonzero((ca > 0) & (cb > 0))
    ca, cb = ca[sel], cb[sel]
    cnt = ca * cb
    owner = np.repeat(np.arange(len(sel)), cnt)
    k = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    cbr = cb[owner]
    return sel, owner, ptr[i[sel]][owner] + k // cbr, ptr[j[sel]][owner] + k % cbr


def _any_per_owner(hit: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(owner, weights=hit, minlength=n) > 0


def _per_distinct_pair(
    a: np.ndarray, b: np.ndarray, n: int, cache: dict[int, T], score: Callable[[int, int], T], dtype: type
) -> np.ndarray:
    """score(a[k], b[k]) for each k, the indices into a table of `n` values: computed once per
    distinct pair and kept in `cache`, by the pair's code a * n + b. The cache is emptied when it
    holds 2 × CACHE_LIMIT answers (about 100 MB), like the other caches: memory stays bounded and
    an emptied cache gives the same answers again."""
    uniq, inv = np.unique(a.astype(np.int64) * n + b, return_inverse=True)
    if len(cache) > CACHE_LIMIT * 2:
        cache.clear()
    out = []
    for x in uniq.tolist():
        hit = cache.get(x)
        if hit is None:
            hit = cache[x] = score(x // n, x % n)
        out.append(hit)
    return np.asarray(out, dtype=dtype)[inv]


class BatchComparer:
    """compare_features for many pairs at once, on Columns; gives the same levels and TF keys."""

    def __init__(self, cols: Columns, tt: TokenTable, key_of_token: Sequence[int], f0: np.ndarray) -> None:
        self.c = cols
        self.tt = tt
        self.key_of_token = np.asarray(key_of_token, dtype=np.int64)
        self.f0 = f0
        n_var = len(cols.vtokens)
        width = min(max((len(t) for t in cols.vtokens), default=1), MAX_ALIGN_TOKENS) or 1
        self.width = width
        self.vt = np.full((n_var, width), -1, dtype=np.int64)
        self.long = np.zeros(n_var, dtype=bool)
        for v, toks in enumerate(cols.vtokens):
            if len(toks) > width:
                self.long[v] = True
            else:
                self.vt[v, : len(toks)] = toks
        self.vinit = np.array([_letters(x) for x in cols.vinits], dtype=np.int64)
        self.tok_first = np.array([_letters((s[:1],)) for s in tt.stems], dtype=np.int64)
        self.tok_class = np.asarray(tt.wclass, dtype=np.int64)
        self.vfore = np.array([plain_words_are_forenames(tt, toks) for toks in cols.vtokens], dtype=bool)
        self._sim: dict[int, float] = {}
        self._city: dict[int, bool] = {}
        self._addr: dict[int, int] = {}
        self._father: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}

    # --- token similarities, cached by integer pair code
    def token_sims(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not len(a):
            return np.zeros(0)
        nt = len(self.tt.stems)
        return _per_distinct_pair(np.minimum(a, b), np.maximum(a, b), nt, self._sim, self.tt.sim, np.float64)

    def levels(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(levels int8 (P, fields) with −1 for missing, TF keys int32 (P, 2) padded with −1)."""
        i = np.asarray(i, dtype=np.int64)
        j = np.asarray(j, dtype=np.int64)
        p = len(i)
        lv = np.full((p, len(FIELDS)), -1, dtype=np.int8)
        keys = np.full((p, 2), -1, dtype=np.int32)
        if p == 0:
            return lv, keys
        self._names(i, j, lv, keys)
        self._birth(i, j, lv)
        c = self.c
        for f, name in ((2, "phones"), (3, "handles"), (4, "plates"), (5, "iins")):
            csr = c.exact[name][0]
            sel, owner, ai, bj = _products(csr.ptr, i, j)
            if len(sel):
                lv[sel, f] = _any_per_owner(csr.values[ai] == csr.values[bj], owner, len(sel))
        self._other_ids(i, j, lv)
        self._fathers(i, j, lv)
        sa, sb = c.sex[i], c.sex[j]
        both = (sa >= 0) & (sb >= 0)
        lv[both, 8] = sa[both] == sb[both]
        self._place(i, j, lv)
        self._address(i, j, lv)
        return lv, keys

    def _names(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray, keys: np.ndarray) -> None:
        vc = self.c.variants
        sel, owner, ai, bj = _products(vc.ptr, i, j)
        if not len(sel):
            return
        n_var = len(self.c.vtokens)
        code = vc.values[ai].astype(np.int64) * n_var + vc.values[bj]
        uniq, inv = np.unique(code, return_inverse=True)
        level, k0, k1 = self._align(uniq // n_var, uniq % n_var)
        lev = level[inv]
        # The first variant pair with the highest level wins, as in compare_features.
        starts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
        pos = np.arange(len(owner)) - np.repeat(starts, np.diff(np.append(starts, len(owner))))
        big = int(pos.max()) + 1
        best = np.maximum.reduceat(lev.astype(np.int64) * big + (big - 1 - pos), starts)
        best_level = best // big
        chosen = starts + (big - 1 - best % big)
        lv[sel, 0] = best_level
        u = inv[chosen]
        keys[sel, 0] = k0[u]
        keys[sel, 1] = k1[u]

    def _align(self, va: np.ndarray, vb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """align for many variant pairs: greedy one-to-one word matching by best similarity."""
        u, w = len(va), self.width
        level = np.zeros(u, dtype=np.int64)
        k0 = np.full(u, -1, dtype=np.int64)
        k1 = np.full(u, -1, dtype=np.int64)
        long = self.long[va] | self.long[vb]
        ta, tb = self.vt[va], self.vt[vb]  # (u, w), −1 padded
        valid = (ta[:, :, None] >= 0) & (tb[:, None, :] >= 0)
        sims = np.full((u, w, w), -np.inf)
        aa = np.broadcast_to(ta[:, :, None], valid.shape)[valid]
        bb = np.broadcast_to(tb[:, None, :], valid.shape)[valid]
        vals = np.where(aa == bb, 1.0, self.token_sims(aa, bb))
        # A surname against a forename (names.cross_sim): weak however alike.
        row = np.broadcast_to(np.arange(u)[:, None, None], valid.shape)[valid]
        ca, cb = self.tok_class[aa], self.tok_class[bb]
        cross = ((ca == W_SURNAME) & (cb == W_PLAIN) & self.vfore[vb][row]) | (
            (cb == W_SURNAME) & (ca == W_PLAIN) & self.vfore[va][row]
        )
        sims[valid] = np.where(cross, np.minimum(vals, CROSS_SIM), vals)
        used_a = np.zeros((u, w), dtype=bool)
        used_b = np.zeros((u, w), dtype=bool)
        m_s = np.full((u, w), -np.inf)
        m_a = np.full((u, w), -1, dtype=np.int64)
        m_b = np.full((u, w), -1, dtype=np.int64)
        rows = np.arange(u)
        flat = sims.reshape(u, w * w)
        for step in range(w):
            # The largest (similarity, i, j) first, as align's reverse sort: argmax over the
            # reversed row picks the largest flat index among equal similarities.
            f = w * w - 1 - flat[:, ::-1].argmax(axis=1)
            s = flat[rows, f]
            ok = s > -np.inf
            if not ok.any():
                break
            r, a, b = rows[ok], f[ok] // w, f[ok] % w
            m_s[r, step] = s[ok]
            m_a[r, step] = ta[r, a]
            m_b[r, step] = tb[r, b]
            used_a[r, a] = True
            used_b[r, b] = True
            sims[r, a, :] = -np.inf
            sims[r, :, b] = -np.inf
        matched = (m_s > -np.inf).sum(axis=1)
        strong = (m_s >= STRONG_TOKEN).sum(axis=1)
        exact = (m_s == 1.0).sum(axis=1)
        conflicts = matched - strong
        first = self.tok_first
        left_a = np.bitwise_or.reduce(np.where((ta >= 0) & ~used_a, first[np.maximum(ta, 0)], 0), axis=1)
        left_b = np.bitwise_or.reduce(np.where((tb >= 0) & ~used_b, first[np.maximum(tb, 0)], 0), axis=1)
        ia, ib = self.vinit[va], self.vinit[vb]
        conflicts += (ib != 0) & (left_a != 0) & ((ib & left_a) == 0)
        conflicts += (ia != 0) & (left_b != 0) & ((ia & left_b) == 0)
        best = np.where(matched > 0, m_s[:, 0], 0.0)
        level[:] = np.where(
            strong == 0,
            np.where(best >= 0.7, 1, 0),
            np.where(conflicts == 0, np.where(strong >= 2, np.where(exact == strong, 5, 4), 3), 2),
        )
        kot, f0 = self.key_of_token, self.f0
        for step, out in ((0, k0), (1, k1)):
            if step >= m_s.shape[1]:
                break  # every name in this batch has fewer tokens: no second key to read
            has = (level >= 2) & (strong > step)
            ka, kb = kot[np.maximum(m_a[has, step], 0)], kot[np.maximum(m_b[has, step], 0)]
            out[has] = np.where(f0[ka] >= f0[kb], ka, kb)
        for x in np.flatnonzero(long).tolist():
            level[x], k0[x], k1[x] = self._align_one(int(va[x]), int(vb[x]))
        return level, k0, k1

    def _align_one(self, va: int, vb: int) -> tuple[int, int, int]:
        c = self.c
        nva = NameVariant(c.vtokens[va], c.vinits[va], "", c.vfull[va], va)
        nvb = NameVariant(c.vtokens[vb], c.vinits[vb], "", c.vfull[vb], vb)
        level, strong = align(self.tt, nva, nvb)
        ks = [-1, -1]
        if level >= 2:
            kot, f0 = self.key_of_token, self.f0
            for n, (a, b, _) in enumerate(strong[:2]):
                ka, kb = int(kot[a]), int(kot[b])
                ks[n] = ka if f0[ka] >= f0[kb] else kb
        return level, ks[0], ks[1]

    def _fathers(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        pc = self.c.patronymics
        ptr = pc.ptr
        sel = np.flatnonzero((ptr[i + 1] > ptr[i]) & (ptr[j + 1] > ptr[j]))
        if not len(sel):
            return
        out = np.empty(len(sel), dtype=np.int8)
        for k, (a, b) in enumerate(zip(i[sel].tolist(), j[sel].tolist(), strict=True)):
            out[k] = self.father_level_of(a, b)
        lv[sel, F_FATHER] = out

    def father_level_of(self, i: int, j: int) -> int:
        """The father's-name level of two mentions (−1: either names no father), cached by the
        two token rows (the same few fathers' names recur)."""
        pc = self.c.patronymics
        ra, rb = tuple(pc.row(i)), tuple(pc.row(j))
        if not ra or not rb:
            return -1
        hit = self._father.get((ra, rb))
        if hit is None:
            if len(self._father) > CACHE_LIMIT:
                self._father.clear()
            fk = self.tt.freq_key
            hit = self._father[(ra, rb)] = father_level([fk[x] for x in ra], [fk[y] for y in rb])
        return hit

    def _birth(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        c = self.c
        sel = np.flatnonzero((c.birth_source[i] >= 0) & (c.birth_source[j] >= 0))
        if not len(sel):
            return
        i, j = i[sel], j[sel]
        lo_a, hi_a, lo_b, hi_b = c.birth_lo[i], c.birth_hi[i], c.birth_lo[j], c.birth_hi[j]
        gap = np.maximum(np.maximum(0.0, lo_a - hi_b), lo_b - hi_a)
        ea, eb = c.birth_exact[i].astype(np.int64), c.birth_exact[j].astype(np.int64)
        # Only two documented births (a date or an IIN, not an estimated age) can be impossible.
        documented = c.birth_documented[i] & c.birth_documented[j]
        far_loose = np.where((gap > HARD_GAP_YEARS) & documented, 0, 1)
        loose = np.where(gap == 0.0, 3, np.where(gap <= 2.0, 2, far_loose))
        far = np.where(gap > HARD_GAP_YEARS, 0, 1)
        both = (ea > 0) & (eb > 0)
        level = np.where(both, np.where(ea == eb, 5, np.where(_date_slips(ea, eb), 4, far)), loose)
        lv[sel, 1] = level

    def _other_ids(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        csr, values = self.c.exact["other_ids"]
        sel, owner, ai, bj = _products(csr.ptr, i, j)
        if not len(sel):
            return
        shared = _any_per_owner(csr.values[ai] == csr.values[bj], owner, len(sel))
        level = np.where(shared, 2, 0)
        # One character apart (length ≥ 5) is a slip; checked only where nothing is shared.
        for k in np.flatnonzero(~shared).tolist():
            xs = [values[v] for v in csr.row(int(i[sel[k]]))]
            ys = [values[v] for v in csr.row(int(j[sel[k]]))]
            if any(OSA.distance(x, y, score_cutoff=1) <= 1 for x in xs for y in ys if min(len(x), len(y)) >= 5):
                level[k] = 1
        lv[sel, 6] = level

    def _place(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        c = self.c
        ca, cb, ra, rb = c.city[i], c.city[j], c.region[i], c.region[j]
        sel = np.flatnonzero(((ca >= 0) | (ra >= 0)) & ((cb >= 0) | (rb >= 0)))
        if not len(sel):
            return
        ca, cb, ra, rb = ca[sel], cb[sel], ra[sel], rb[sel]
        same_city = (ca >= 0) & (ca == cb)
        near = (ra >= 0) & (ra == rb)
        fuzzy = np.flatnonzero(~same_city & ~near & (ca >= 0) & (cb >= 0))
        if len(fuzzy):

            def similar(a: int, b: int) -> bool:
                return JaroWinkler.normalized_similarity(c.places[a], c.places[b]) >= 0.92

            near[fuzzy] = _per_distinct_pair(ca[fuzzy], cb[fuzzy], len(c.places), self._city, similar, np.bool_)
        lv[sel, 9] = np.where(same_city, 2, np.where(near, 1, 0))

    def _address(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        c = self.c
        aa, ab = c.address[i], c.address[j]
        sel = np.flatnonzero((aa >= 0) & (ab >= 0))
        if not len(sel):
            return
        aa, ab = aa[sel], ab[sel]
        level = np.full(len(sel), 3, dtype=np.int8)
        diff = np.flatnonzero(aa != ab)
        if len(diff):

            def close(a: int, b: int) -> int:
                r = token_sort_ratio(c.addresses[a], c.addresses[b]) / 100.0
                return 2 if r >= 0.85 else 1 if r >= 0.6 else 0

            level[diff] = _per_distinct_pair(aa[diff], ab[diff], len(c.addresses), self._addr, close, np.int8)
        lv[sel, 10] = level


def _letters(chars: Iterable[str]) -> int:
    """Bit mask of the initial letters (a–z after skeleton folding)."""
    mask = 0
    for ch in chars:
        if ch and "a" <= ch[0] <= "z":
            mask |= 1 << (ord(ch[0]) - 97)
    return mask


_DIGIT_POWERS = 10 ** np.arange(7, -1, -1, dtype=np.int64)


def _date_slips(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """date_typo_like on YYYYMMDD integers: one digit wrong, two neighbours swapped, or day and
    month swapped."""
    da = (a[:, None] // _DIGIT_POWERS) % 10
    db = (b[:, None] // _DIGIT_POWERS) % 10
    diff = da != db
    nd = diff.sum(axis=1)
    p = np.minimum(diff.argmax(axis=1), 6)
    r = np.arange(len(a))
    swapped = (nd == 2) & diff[r, p + 1] & (da[r, p] == db[r, p + 1]) & (da[r, p + 1] == db[r, p])
    dm = (a // 10000 == b // 10000) & ((a // 100) % 100 == b % 100) & (a % 100 == (b // 100) % 100)
    return (nd <= 1) | swapped | dm
