"""The plain index: every mention's features as columns, compared in batches, with the evidence
of a pair written in words."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence, Sized

import numpy as np

from .batch import BatchComparer
from .birth import HARD_GAP_YEARS, birth_gap, date_typo_like
from .columns import ColumnBuilder, Columns
from .features import F_FATHER, FIELDS, Features, compare_features, plain_block_keys
from .index import Progress
from .mention import Mention
from .model import CONFLICT_FIELDS, LEAVE_OUT, TF_PSEUDO, Evidence, outcome
from .names import NameMatch, TokenTable
from .normalise import CityKey, default_city_key, format_phone, format_plate


class PlainIndex:
    """Plain features as numpy columns (features.Columns) with batch comparison.

    ``f[i]`` rebuilds one mention's Features on demand (for evidence texts and aigaq.matching);
    nothing per mention is kept as Python objects besides its id.
    """

    mode = "plain"

    def __init__(self, cols: Columns, tt: TokenTable) -> None:
        self.cols = cols
        self.tt = tt
        self.ids = cols.ids
        self.n = len(cols.ids)
        self.f = _FeatureView(cols)
        key_ids: dict[str, int] = {}
        self.key_of_token = [key_ids.setdefault(tt.freq_key[t], len(key_ids)) for t in range(len(tt.stems))]
        prior = np.full(len(key_ids), 0.002)
        for t in range(len(tt.stems)):
            if tt.is_common(t):
                prior[self.key_of_token[t]] = 0.02
        self.key_prior = prior
        # Per mention: its distinct name-word keys and its distinct whole-name keys (CSR).
        kot = np.asarray(self.key_of_token, dtype=np.int64)
        full_ids: dict[str, int] = {}
        var_key = np.array([full_ids.setdefault(f, len(full_ids)) if len(t) >= 2 else -1
                            for t, f in zip(cols.vtokens, cols.vfull, strict=True)], dtype=np.int64)  # fmt: skip
        var_ntok = np.array([len(t) for t in cols.vtokens], dtype=np.int64)
        var_tok_ptr = np.concatenate(([0], np.cumsum(var_ntok)))
        var_tok = np.fromiter((t for ts in cols.vtokens for t in ts), dtype=np.int64, count=int(var_tok_ptr[-1]))
        vptr, vvals = cols.variants.ptr, cols.variants.values.astype(np.int64)
        owner = np.repeat(np.arange(self.n), np.diff(vptr))
        # Words of every variant occurrence, each tagged with its mention.
        cnt = var_ntok[vvals]
        w_owner = np.repeat(owner, cnt)
        w_pos = var_tok_ptr[vvals].repeat(cnt) + (np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        self.mention_keys = _distinct_csr(w_owner, kot[var_tok[w_pos]] if len(w_pos) else w_pos, self.n)
        fk = var_key[vvals]
        self.mention_full = _distinct_csr(owner[fk >= 0], fk[fk >= 0], self.n)
        self.n_full = len(full_ids)
        self.f0 = self.tf_tables(None)[0]
        self.cmp = BatchComparer(cols, tt, self.key_of_token, self.f0)
        iin_ptr = cols.exact["iins"][0].ptr
        self._marked = (np.diff(iin_ptr) > 0) | (np.diff(cols.patronymics.ptr) > 0)

    def tf_tables(self, groups: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray]:
        """(frequency per name word, frequency of each mention's whole name), counting each group
        (a cluster of a first pass) once, so a serial offender does not make his own name common."""
        g = None if groups is None else np.asarray(groups, dtype=np.int64)
        tok, total = _csr_group_counts(self.mention_keys, len(self.key_prior), g)
        full, _ = _csr_group_counts(self.mention_full, self.n_full, g)
        f = (tok + TF_PSEUDO * self.key_prior) / (total + TF_PSEUDO)
        # Leave two out: the two mentions being compared are not evidence of how common their own
        # name is. A whole name carried by exactly the two of them (in two clusters of the last pass)
        # then gets the chance from its words, not "one person in N", which made a rare name shared
        # by one man's two unlinked mentions weigh like a namesake.
        ff = (np.maximum(full - LEAVE_OUT, 0) + TF_PSEUDO * 1e-4) / (total + TF_PSEUDO)
        ptr, vals = self.mention_full
        per_mention = np.zeros(self.n)
        has = np.flatnonzero(np.diff(ptr) > 0)
        if len(has):
            per_mention[has] = np.maximum.reduceat(ff[vals], ptr[has])
        return f, per_mention

    def levels_batch(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.cmp.levels(i, j)

    def levels(self, i: int, j: int) -> tuple[list[int], tuple[int, ...]]:
        lv, keys = self.cmp.levels(np.array([i]), np.array([j]))
        return [int(x) for x in lv[0]], tuple(int(k) for k in keys[0] if k >= 0)

    def hard_conflict(self, i: int, j: int) -> bool:
        """Cannot-link evidence (birth, IIN, father's name), from the columns directly: clustering
        asks this for every link it takes."""
        c = self.cols
        if self._marked[i] and self._marked[j]:
            iins = c.exact["iins"][0]
            a, b = iins.row(i), iins.row(j)
            if a and b and not set(a) & set(b):
                return True
            if F_FATHER in CONFLICT_FIELDS and self.cmp.father_level_of(i, j) == 0:
                return True
        # An estimated age is never cannot-link evidence (it weighs in the score); dates and IINs are.
        if not (c.birth_documented[i] and c.birth_documented[j]):
            return False
        gap = max(0.0, float(c.birth_lo[i] - c.birth_hi[j]), float(c.birth_lo[j] - c.birth_hi[i]))
        if gap <= HARD_GAP_YEARS:
            return False
        ea, eb = int(c.birth_exact[i]), int(c.birth_exact[j])
        return not (ea and eb and date_typo_like(f"{ea:08d}", f"{eb:08d}"))

    def marked(self) -> np.ndarray:
        """Mentions that carry an IIN or a father's name (the cannot-link evidence besides birth)."""
        return self._marked

    def bounds(self, i: int) -> tuple[float, float] | None:
        c = self.cols
        return (float(c.birth_lo[i]), float(c.birth_hi[i])) if c.birth_documented[i] else None

    def birth_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper documented birth bound of every mention (−inf/inf when unknown or only
        an estimated age: clustering checks conflicts on these)."""
        c = self.cols
        known = c.birth_documented
        return np.where(known, c.birth_lo, -np.inf), np.where(known, c.birth_hi, np.inf)

    def block_hashes(self) -> tuple[np.ndarray, np.ndarray]:
        return self.cols.block_hash, self.cols.block_member

    def probe_hashes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One-sided blocking keys (features.initial_probe_keys): probes and targets."""
        c = self.cols
        return c.probe_hash, c.probe_member, c.target_hash, c.target_member

    def block_keys(self, i: int) -> list[str]:
        return plain_block_keys(self.f[i], self.tt)

    def place_key(self, i: int) -> str | None:
        k = int(self.cols.city[i])
        return self.cols.places[k] if k >= 0 else None

    def evidence(self, i: int, j: int, levels: list[int], weights: list[float]) -> list[Evidence]:
        a, b = self.f[i], self.f[j]
        out: list[Evidence] = []
        nm = compare_features(self.tt, a, b)[1]
        for fi, name in enumerate(FIELDS):
            lv = levels[fi]
            if lv < 0:
                continue
            text = _plain_text(name, lv, a, b, nm)
            out.append(Evidence(name, outcome(fi, lv), weights[fi], text))
        return out


class _FeatureView:
    """Read-only sequence of Features rebuilt from columns one at a time."""

    def __init__(self, cols: Columns) -> None:
        self.cols = cols

    def __len__(self) -> int:
        return len(self.cols.ids)

    def __getitem__(self, i: int) -> Features:
        return self.cols.features(i)


def _distinct_csr(owner: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR (ptr, values) of the distinct values per owner, sorted."""
    if not len(values):
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    span = int(values.max()) + 1
    code = np.unique(owner.astype(np.int64) * span + values)
    own = code // span
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(own, minlength=n), out=ptr[1:])
    return ptr, code % span


def _csr_group_counts(
    csr: tuple[np.ndarray, np.ndarray], n_keys: int, groups: np.ndarray | None
) -> tuple[np.ndarray, int]:
    """How many groups carry each key (each mention its own group when groups is None)."""
    ptr, vals = csr
    n = len(ptr) - 1
    if groups is None:
        return np.bincount(vals, minlength=n_keys).astype(float), n
    owner = np.repeat(np.arange(n), np.diff(ptr))
    code = np.unique(vals * (int(groups.max()) + 1) + groups[owner])
    return np.bincount(code // (int(groups.max()) + 1), minlength=n_keys).astype(float), len(np.unique(groups))


def _plain_text(name: str, lv: int, a: Features, b: Features, nm: NameMatch | None) -> str:
    if name == "name" and nm is not None:
        pair = f"{nm.a_text} ~ {nm.b_text}"
        return {
            5: f"names {pair}",
            4: f"names {pair} similar",
            3: f"names {pair}: one word the same, nothing contradicts",
            2: f"names {nm.a_text} / {nm.b_text}: one word the same, another differs",
        }.get(lv, f"names {nm.a_text} and {nm.b_text} differ")
    if name == "birth" and a.birth is not None and b.birth is not None:
        ba, bb = a.birth, b.birth
        if lv == 0:
            ya, yb = round(ba.lo + 0.5 * (ba.hi - ba.lo)), round(bb.lo + 0.5 * (bb.hi - bb.lo))
            if ya == yb:  # rounding can meet while the intervals are far apart; show the bounds
                ya, yb = int(ba.hi), int(bb.lo)
            return f"birth years {min(ya, yb)} and {max(ya, yb)} cannot be the same man"
        if ba.source == bb.source == "age":
            pair = f"ages {ba.label.split()[1]} and {bb.label.split()[1]}"
        else:
            pair = f"{ba.label} and {bb.label}"
        gap = birth_gap(ba, bb)
        return {
            5: f"same birth date ({ba.label})",
            4: f"{pair}: the dates differ by a typing slip",
            3: f"{pair} compatible",
            2: f"{pair} close ({gap:.1f} years apart)",
        }.get(lv, f"{pair} differ ({gap:.0f} years apart)")
    if name in ("phone", "handle", "plate", "iin"):
        sa: frozenset[str] = getattr(a, name + "s")
        shared = sorted(sa & getattr(b, name + "s"))
        fmt = {"phone": format_phone, "plate": format_plate, "handle": lambda h: "@" + h}.get(name, str)
        label = {"phone": "phone", "handle": "handle", "plate": "car plate", "iin": "IIN"}[name]
        if shared:
            return f"same {label} {fmt(shared[0])}"
        if name == "iin":
            return "different IINs: cannot be the same man"
        return f"different {label}s"
    if name == "other_id":
        return {2: "same document number", 1: "document numbers differ by one character"}.get(
            lv, "different document numbers"
        )
    if name == "patronymic":
        return {2: "same father's name (patronymic)", 1: "fathers' names one letter apart (patronymics)"}.get(
            lv, "different fathers' names (patronymics)"
        )
    if name == "sex":
        return "same sex recorded" if lv else "different sex recorded"
    if name == "place":
        if lv == 2:
            return f"same city ({a.city_text} / {b.city_text})"
        if lv == 1:
            return "same region or a similar city name"
        return f"different places ({a.city_text or a.region} / {b.city_text or b.region})"
    return {3: "same address", 2: "similar addresses", 1: "partly similar addresses"}.get(lv, "different addresses")


def plain_index(
    mentions: Iterable[Mention],
    city_key: CityKey = default_city_key,
    progress: Progress | None = None,
    total: int | None = None,
) -> PlainIndex:
    """Features of every mention as columns. ``mentions`` may be a generator (streamed from a
    file): each mention is dropped as soon as its row is written. total: for progress only."""
    tt = TokenTable()
    city_key = functools.lru_cache(maxsize=65536)(city_key)  # the same few hundred places recur
    builder = ColumnBuilder(tt, city_key)
    if total is None:
        total = len(mentions) if isinstance(mentions, Sized) else 0
    step = max(1, total // 20) if total else 50_000
    k = 0
    for k, m in enumerate(mentions, start=1):
        builder.add(m)
        if progress and k % step == 0:
            progress("features", k, max(total, k))
    if progress:
        progress("features", k, max(total, k))
    cols = builder.build()
    del builder
    return PlainIndex(cols, tt)
