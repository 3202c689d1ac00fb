"""Fellegi–Sunter scoring, EM, term-frequency adjustment, blocking and constrained clustering.

The engine works on an *index*: plain features (``PlainIndex``) or keyed encodings
(``aigaq.linkage.private.EncodedIndex``). Both give the same per-field levels, so EM, weights and
clustering are shared and the private path sees nothing but encodings.
"""

from __future__ import annotations

import functools
import json
import math
import multiprocessing as mp
import os
import random
from array import array
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .batch import BatchComparer
from .birth import HARD_GAP_YEARS, birth_gap, date_typo_like
from .columns import ColumnBuilder, Columns
from .features import F_BIRTH, F_FATHER, F_IIN, F_NAME, FIELDS, N_LEVELS, Features, compare_features, plain_block_keys
from .mention import Mention
from .names import NameMatch, TokenTable
from .normalise import CityKey, default_city_key, format_phone, format_plate

Progress = Callable[[str, int, int], None]
LMAX = max(N_LEVELS)
MISSING = LMAX  # column of the weight table that holds 0 for "field missing on either side"

# Prior m and u per level (level 0 first). They are the starting point of EM and a pseudo-count
# prior, so tiny inputs get sensible weights and large inputs are ruled by their data.
PRIOR_M: dict[str, list[float]] = {
    "name": [0.01, 0.02, 0.07, 0.10, 0.25, 0.55],
    "birth": [0.003, 0.04, 0.15, 0.40, 0.07, 0.337],
    "phone": [0.3, 0.7],
    "handle": [0.3, 0.7],
    "plate": [0.3, 0.7],
    "iin": [0.02, 0.98],
    "other_id": [0.05, 0.10, 0.85],
    "patronymic": [0.01, 0.09, 0.9],
    "sex": [0.02, 0.98],
    "place": [0.4, 0.1, 0.5],
    "address": [0.3, 0.1, 0.2, 0.4],
}
PRIOR_U: dict[str, list[float]] = {
    "name": [0.95, 0.04, 0.008, 0.001, 0.0005, 0.0005],
    "birth": [0.55, 0.30, 0.08, 0.065, 0.004, 0.001],
    "phone": [1 - 1e-5, 1e-5],
    "handle": [1 - 1e-5, 1e-5],
    "plate": [1 - 1e-5, 1e-5],
    "iin": [1 - 1e-7, 1e-7],
    "other_id": [0.999, 0.0009, 0.0001],
    "patronymic": [0.85, 0.1, 0.05],
    "sex": [0.5, 0.5],
    "place": [0.85, 0.05, 0.10],
    "address": [0.97, 0.02, 0.005, 0.005],
}
M_PRIOR_STRENGTH = 50.0
U_PRIOR_STRENGTH = 1000.0
LAMBDA_PRIOR_ALL = 1e-4  # starting prior that two random mentions are one man
EM_ITERATIONS = 25
RANDOM_PAIRS = 60_000
MAX_BLOCK = 60  # larger blocks are compared by a sorted sliding window instead of all pairs
WINDOW = 8
TF_CLIP = 10.0
TF_PSEUDO = 20.0
U_WITHOUT_MATCHES = True
U_ROUNDS = 3
LEAVE_OUT = 2  # the pair's own mentions, left out of the whole-name count (see tf_tables)
DEFAULT_THRESHOLD = 0.5
CHUNK_PAIRS = 50_000
BATCH_PAIRS = 200_000  # pairs compared per numpy batch on the plain path
EM_CHUNK = 1_000_000  # pairs per step when EM and the passes sweep all candidate pairs
GROUP_OTHER_BITS = 10.0  # evidence besides the name for a link to group mentions when counting names
EXTRA_PASSES = 1
PASS_THRESHOLD = 0.5
OVERRIDE_BITS = 25.0  # prior included: evidence that outweighs a birth conflict
# Cannot-link evidence, held through any chain of links: birth dates more than HARD_GAP_YEARS
# apart, two valid IINs that differ (an IIN is a person's for life and its check digit catches
# slips), and two fathers' names that are not even one slip apart.
CONFLICT_FIELDS = (F_BIRTH, F_IIN, F_FATHER)


def is_conflict(levels: Sequence[int]) -> bool:
    return any(levels[f] == 0 for f in CONFLICT_FIELDS)


@dataclass(slots=True)
class Evidence:
    field: str
    outcome: str  # "agree", "partial", "disagree" or "conflict"
    weight: float  # log2 Bayes factor this field contributed
    text: str

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "outcome": self.outcome,
            "weight": round(self.weight, 2),
            "text": self.text,
        }


@dataclass(slots=True)
class ScoredPair:
    a: str
    b: str
    match_probability: float
    match_weight: float
    evidence: list[Evidence] = field(default_factory=list)
    linked: bool = True  # False when a cannot-link constraint kept the two apart

    def to_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "match_probability": round(self.match_probability, 6),
            "match_weight": round(self.match_weight, 3),
            "linked": self.linked,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(slots=True)
class Model:
    """Fitted Fellegi–Sunter parameters; reusable to score encoded mentions later."""

    mode: str  # "plain" or "private"
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    lambda_all: float  # prior probability that two random mentions are one man
    n_mentions: int
    tf: dict[str, int] = field(default_factory=dict)  # private mode: keyed whole name → persons
    tf_total: int = 0  # persons (first-pass clusters) the tf counts are out of

    def weight_table(self) -> np.ndarray:
        w = np.zeros((len(FIELDS), LMAX + 1))
        for f, name in enumerate(FIELDS):
            w[f, : N_LEVELS[f]] = np.log2(np.asarray(self.m[name]) / np.asarray(self.u[name]))
        return w

    def prior_bits(self) -> float:
        lam = min(max(self.lambda_all, 1e-15), 0.5)
        return math.log2(lam / (1 - lam))

    def to_json(self) -> str:
        return json.dumps(
            {"mode": self.mode, "m": self.m, "u": self.u, "lambda_all": self.lambda_all,
             "n_mentions": self.n_mentions, "tf": self.tf, "tf_total": self.tf_total}
        )  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> Model:
        """A stored model; a field whose levels changed since it was fitted (an older engine) gets
        the prior m and u until the next fit."""
        d = json.loads(text)
        m, u = dict(d["m"]), dict(d["u"])
        for name, n in zip(FIELDS, N_LEVELS, strict=True):
            if len(m.get(name, ())) != n or len(u.get(name, ())) != n:
                m[name], u[name] = list(PRIOR_M[name]), list(PRIOR_U[name])
        return cls(
            d["mode"],
            m,
            u,
            float(d["lambda_all"]),
            int(d["n_mentions"]),
            d.get("tf", {}),
            int(d.get("tf_total", 0)),
        )

    @classmethod
    def default(cls, mode: str = "plain") -> Model:
        return cls(mode, {k: list(v) for k, v in PRIOR_M.items()}, {k: list(v) for k, v in PRIOR_U.items()},
                   1e-4, 0)  # fmt: skip


@dataclass(slots=True)
class LinkResult:
    clusters: dict[str, str]  # every input id → cluster id (the smallest id in its cluster)
    pairs: list[ScoredPair]  # pairs at or above the threshold, best first
    model: Model | None = None
    links: int = 0  # pairs at or above the threshold (also when pairs were not asked for)


class Index(Protocol):
    """What the engine needs from plain features or from encodings."""

    ids: list[str]
    mode: str

    def levels(self, i: int, j: int) -> tuple[list[int], tuple[int, ...]]: ...
    def tf_tables(self, groups: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray]: ...
    def hard_conflict(self, i: int, j: int) -> bool: ...
    def bounds(self, i: int) -> tuple[float, float] | None: ...
    def block_keys(self, i: int) -> list[str]: ...
    def place_key(self, i: int) -> str | None: ...
    def evidence(self, i: int, j: int, levels: list[int], weights: list[float]) -> list[Evidence]: ...


def _group_counts(
    mention_keys: Sequence[Sequence[int]],
    mention_full: Sequence[Sequence[int]],
    n_keys: int,
    n_full: int,
    groups: Sequence[int] | None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """How many groups carry each key and each whole-name key, and the number of groups."""
    tok = np.zeros(n_keys)
    full = np.zeros(n_full)
    if groups is None:
        for ks in mention_keys:
            tok[list(ks)] += 1
        for ks in mention_full:
            full[list(ks)] += 1
        return tok, full, len(mention_keys)
    seen_t: set[tuple[int, int]] = set()
    seen_f: set[tuple[int, int]] = set()
    for g, ks, fs in zip(groups, mention_keys, mention_full, strict=True):
        for k in ks:
            if (k, g) not in seen_t:
                seen_t.add((k, g))
                tok[k] += 1
        for k in fs:
            if (k, g) not in seen_f:
                seen_f.add((k, g))
                full[k] += 1
    return tok, full, len(set(groups))


def tf_u_from(
    keys: np.ndarray, name_level: np.ndarray, first: np.ndarray, tables: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Per pair, the chance that a random person carries the agreeing name words (NaN: no TF)."""
    f, full = tables
    k0, k1 = keys[:, 0], keys[:, 1]
    if not len(f):  # no name word or token anywhere (one-word names, no names): no key to look up
        f = np.ones(1)
    u = np.where(k0 >= 0, f[np.maximum(k0, 0)], 1.0) * np.where(k1 >= 0, f[np.maximum(k1, 0)], 1.0)
    if len(full):
        u = np.where(name_level == 5, np.maximum(u, full[first]), u)
    return np.where((name_level >= 2) & (k0 >= 0), u, np.nan)


# --- Plain index ------------------------------------------------------------------------------------


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
        if c.birth_source[i] < 0 or c.birth_source[j] < 0:
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
        return (float(c.birth_lo[i]), float(c.birth_hi[i])) if c.birth_source[i] >= 0 else None

    def birth_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper birth bound of every mention (−inf/inf when unknown)."""
        c = self.cols
        known = c.birth_source >= 0
        return np.where(known, c.birth_lo, -np.inf), np.where(known, c.birth_hi, np.inf)

    def block_hashes(self) -> tuple[np.ndarray, np.ndarray]:
        return self.cols.block_hash, self.cols.block_member

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
            out.append(Evidence(name, _outcome(fi, lv), weights[fi], text))
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


def _outcome(fi: int, level: int) -> str:
    top = N_LEVELS[fi] - 1
    if FIELDS[fi] == "birth" and level == 0:
        return "conflict"
    if level == top or (FIELDS[fi] in ("name", "birth") and level >= 3):
        return "agree"
    if level == 0 or (FIELDS[fi] in ("name", "birth") and level == 1):
        return "disagree"
    return "partial"


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


# --- Blocking -----------------------------------------------------------------------------------------


def _sub_blocks(members: list[int], index: Index) -> list[list[int]]:
    groups: dict[tuple[str, object], list[int]] = {}
    for i in members:
        b = index.bounds(i)
        if b is not None:
            groups.setdefault(("y", int((b[0] + b[1]) / 2)), []).append(i)
        place = index.place_key(i)
        if place is not None:
            groups.setdefault(("c", place), []).append(i)
    return list(groups.values())


def candidate_pairs(index: Index, progress: Progress | None = None) -> np.ndarray:
    """Unique (i, j), i < j, sharing at least one block key; big blocks are sub-blocked.

    Keys are kept as 64-bit hashes in two flat arrays (key, mention) sorted by key, not as a dict
    of lists: a million mentions file ~15 million keys, and pairs for all blocks of one size are
    generated in one numpy step. A hash collision only adds candidates, never loses one.
    """
    n = len(index.ids)
    hashes = getattr(index, "block_hashes", None)
    if hashes is not None:
        # The plain index hashed its keys while building features: no strings per mention.
        kh, mi = hashes()
        mi = mi.astype(np.int64)
        if progress:
            progress("blocking", n, n)
    else:
        key_hash = array("q")
        member = array("q")
        step = max(1, n // 20)
        for i in range(n):
            ks = index.block_keys(i)
            key_hash.extend(map(hash, ks))
            member.extend([i] * len(ks))
            if progress and (i % step == 0 or i == n - 1):
                progress("blocking", i + 1, n)
        kh = np.frombuffer(key_hash, dtype=np.int64)
        mi = np.frombuffer(member, dtype=np.int64)
    order = np.lexsort((mi, kh))
    kh, mi = kh[order], mi[order]
    starts = np.flatnonzero(np.concatenate(([True], kh[1:] != kh[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(kh)])))
    chunks: list[np.ndarray] = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= MAX_BLOCK)]).tolist():
        block = mi[starts[sizes == size][:, None] + np.arange(size)]  # (blocks, size), ascending
        r, c = np.triu_indices(size, 1)
        chunks.append((block[:, r] * n + block[:, c]).reshape(-1))
    big = starts[sizes > MAX_BLOCK]
    mid = np.zeros(n)
    if len(big):
        mid = np.array([(b[0] + b[1]) / 2 if b else 0.0 for b in map(index.bounds, range(n))])
    for start, size in zip(starts[sizes > MAX_BLOCK].tolist(), sizes[sizes > MAX_BLOCK].tolist(), strict=True):
        members = mi[start : start + size]
        # A big block is mostly namesakes: compare within its birth-year and city sub-blocks,
        # plus a sorted neighbourhood by birth for mentions that have neither.
        for sub in _sub_blocks(members.tolist(), index):
            if 1 < len(sub) <= MAX_BLOCK:
                sarr = np.asarray(sub, dtype=np.int64)
                r, c = np.triu_indices(len(sub), 1)
                chunks.append(np.minimum(sarr[r], sarr[c]) * n + np.maximum(sarr[r], sarr[c]))
        arr = members[np.argsort(mid[members], kind="stable")]
        for off in range(1, WINDOW + 1):
            x, y = arr[:-off], arr[off:]
            chunks.append(np.minimum(x, y) * n + np.maximum(x, y))
    if not chunks:
        return np.zeros((0, 2), dtype=np.int32)
    codes = np.concatenate(chunks)
    del chunks
    codes.sort()  # sort-based de-duplication: faster than np.unique's hashing on tens of millions
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    codes = codes[codes // n != codes % n]  # two colliding keys of one mention would pair it with itself
    # Mention positions fit in 32 bits (a pair then costs 8 bytes, not 16); filled in steps so
    # that no second full-size 64-bit array is made.
    out = np.empty((len(codes), 2), dtype=np.int32 if n < 2**31 else np.int64)
    for start in range(0, len(codes), EM_CHUNK):
        part = codes[start : start + EM_CHUNK]
        out[start : start + len(part), 0] = part // n
        out[start : start + len(part), 1] = part % n
    return out


# --- Scoring and EM --------------------------------------------------------------------------------------


def _levels_serial(
    index: Index, pairs: np.ndarray, progress: Progress | None = None, stage: str = ""
) -> tuple[np.ndarray, np.ndarray]:
    """(levels, TF keys) of every pair: int8 (P, fields) and int32 (P, 2) padded with −1."""
    p = len(pairs)
    batch = getattr(index, "levels_batch", None)
    if batch is not None:
        lv = np.empty((p, len(FIELDS)), dtype=np.int8)
        keys = np.empty((p, 2), dtype=np.int32)
        for start in range(0, p, BATCH_PAIRS):
            part = pairs[start : start + BATCH_PAIRS]
            lv[start : start + len(part)], keys[start : start + len(part)] = batch(part[:, 0], part[:, 1])
            if progress:
                progress(stage, start + len(part), p)
        return lv, keys
    lv = np.full((p, len(FIELDS)), -1, dtype=np.int8)
    keys = np.full((p, 2), -1, dtype=np.int32)
    levels = index.levels
    # Rows are gathered per chunk as Python lists (fast to fill) and packed into int8, so memory
    # stays at 19 bytes a pair however many pairs there are.
    for start in range(0, p, CHUNK_PAIRS):
        rows: list[list[int]] = []
        for k, (i, j) in enumerate(pairs[start : start + CHUNK_PAIRS].tolist(), start):
            row, ks = levels(i, j)
            rows.append(row)
            if ks:
                keys[k, : len(ks)] = ks
        lv[start : start + len(rows)] = rows
        if progress:
            progress(stage, start + len(rows), p)
    return lv, keys


# Forked workers read the index and the pairs from these module globals (copy-on-write), so
# nothing big is pickled; only each chunk's small level matrix travels back.
_SHARED: tuple[Index, np.ndarray] | None = None
PARALLEL_MIN_PAIRS = 200_000


def _levels_span(span: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    assert _SHARED is not None
    index, pairs = _SHARED
    return _levels_serial(index, pairs[span[0] : span[1]])


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8))


def _levels_matrix(
    index: Index, pairs: np.ndarray, progress: Progress | None, stage: str, workers: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Levels of every pair; above PARALLEL_MIN_PAIRS the pairs are split over forked workers."""
    p = len(pairs)
    if workers < 2 or p < PARALLEL_MIN_PAIRS or "fork" not in mp.get_all_start_methods():
        return _levels_serial(index, pairs, progress, stage)
    global _SHARED
    _SHARED = (index, pairs)
    try:
        step = BATCH_PAIRS if hasattr(index, "levels_batch") else CHUNK_PAIRS
        spans = [(s, min(s + step, p)) for s in range(0, p, step)]
        lv = np.empty((p, len(FIELDS)), dtype=np.int8)
        keys = np.empty((p, 2), dtype=np.int32)
        with mp.get_context("fork").Pool(workers) as pool:
            for (start, end), (lv_part, ks_part) in zip(spans, pool.imap(_levels_span, spans), strict=True):
                lv[start:end], keys[start:end] = lv_part, ks_part
                if progress:
                    progress(stage, end, p)
        return lv, keys
    finally:
        _SHARED = None


def _counts(lv: np.ndarray, weights: np.ndarray | None = None) -> list[np.ndarray]:
    idx = np.where(lv < 0, MISSING, lv).astype(np.int64)
    return [np.bincount(idx[:, f], weights=weights, minlength=LMAX + 1)[: N_LEVELS[f]] for f in range(len(FIELDS))]


def random_pair_levels(index: Index, seed: int = 20240501) -> np.ndarray:
    """Levels of about 20 random pairs per mention (at most RANDOM_PAIRS): nearly all non-matches."""
    n = len(index.ids)
    total = n * (n - 1) // 2
    wanted = min(RANDOM_PAIRS, max(5_000, 20 * n))
    if total <= wanted:
        ii, jj = np.triu_indices(n, 1)
        pairs = np.stack([ii, jj], axis=1)
    else:
        rng = random.Random(seed)
        seen: set[tuple[int, int]] = set()
        while len(seen) < wanted:
            i, j = rng.randrange(n), rng.randrange(n)
            if i != j:
                seen.add((min(i, j), max(i, j)))
        pairs = np.array(sorted(seen), dtype=np.int64)
    lv, _ = _levels_serial(index, pairs)
    return lv


def u_from(lv: np.ndarray, weights: np.ndarray | None = None) -> dict[str, list[float]]:
    """u per level from the levels of random pairs (weighted by how surely each is a non-match),
    smoothed toward the prior so that rare agreements keep a sensible tiny u."""
    counts = _counts(lv, weights)
    u: dict[str, list[float]] = {}
    for f, name in enumerate(FIELDS):
        c = counts[f]
        prior = np.asarray(PRIOR_U[name])
        est = (c + U_PRIOR_STRENGTH * prior) / (c.sum() + U_PRIOR_STRENGTH)
        u[name] = [float(x) for x in est]
    return u


def estimate_u(index: Index, seed: int = 20240501) -> dict[str, list[float]]:
    """u from random pairs (nearly all non-matches), smoothed toward the prior."""
    if len(index.ids) < 2:
        return {k: list(v) for k, v in PRIOR_U.items()}
    return u_from(random_pair_levels(index, seed))


def em(
    lv: np.ndarray, tf_u: np.ndarray, u: dict[str, list[float]], n_all: int, clamp: np.ndarray | None = None
) -> Model:
    """EM over candidate pairs with u fixed at the random-pair estimate (as in Splink).

    clamp: per pair, a match probability fixed by a reviewer's label (1 or 0; NaN where not
    labelled), which the E-step keeps whatever the weights say (semi-supervised EM).

    The E-step scores candidates exactly as linkage will (all fields, term-frequency adjusted
    names, prior over all pairs), so a namesake gets no more credit in training than in use. The
    M-step updates m per field and the prior λ = expected matches / all pairs (pairs outside the
    blocks count as non-matches). Pseudo-counts pull m toward the prior so thin data cannot run
    away with it.
    """
    return _em(lv, lambda start, end: tf_u[start:end], u, n_all, clamp)


TfU = Callable[[int, int], np.ndarray]  # tf_u of the candidate pairs start:end


def _em(lv: np.ndarray, tf_of: TfU, u: dict[str, list[float]], n_all: int, clamp: np.ndarray | None) -> Model:
    model = Model("plain", {k: list(v) for k, v in PRIOR_M.items()}, u, LAMBDA_PRIOR_ALL, 0)
    if len(lv) == 0:
        return model

    # Pairs share few distinct level patterns, so EM runs on patterns. A pair without a TF
    # adjustment and without a label is fully described by its pattern and only counted; pairs
    # with one keep their pattern and their adjustment (which depends on u only, not on m). At
    # tens of millions of pairs this keeps EM's memory to 12 bytes for each pair that needs it.
    # Two sweeps: the first finds the distinct patterns and counts the pairs that need nothing
    # else; the second writes each remaining pair's pattern index and adjustment straight into
    # arrays of their final size (no per-chunk lists concatenated at the end).
    def own_mask(start: int, end: int, tf: np.ndarray) -> np.ndarray:
        own = ~np.isnan(tf)
        if clamp is not None:
            own |= ~np.isnan(clamp[start:end])
        return own

    count_codes: list[np.ndarray] = []
    count_n: list[np.ndarray] = []
    own_codes: list[np.ndarray] = []
    n_own = 0
    for start in range(0, len(lv), EM_CHUNK):
        code = _pattern_codes(lv[start : start + EM_CHUNK])
        own = own_mask(start, start + len(code), tf_of(start, start + len(code)))
        c, cn = np.unique(code[~own], return_counts=True)
        count_codes.append(c)
        count_n.append(cn)
        own_codes.append(np.unique(code[own]))
        n_own += int(own.sum())
    counted = np.concatenate(count_codes)
    uniq = np.union1d(counted, np.concatenate(own_codes))
    weight = np.bincount(np.searchsorted(uniq, counted), weights=np.concatenate(count_n), minlength=len(uniq))
    del count_codes, count_n, own_codes, counted
    inverse = np.empty(n_own, dtype=np.int32)
    adj = np.empty(n_own)
    fixed = np.empty(n_own) if clamp is not None else None
    w0 = model.weight_table()
    at = 0
    for start in range(0, len(lv), EM_CHUNK):
        part = lv[start : start + EM_CHUNK]
        tf = tf_of(start, start + len(part))
        k = np.flatnonzero(own_mask(start, start + len(part), tf))
        end = at + len(k)
        inverse[at:end] = np.searchsorted(uniq, _pattern_codes(part[k]))
        names = part[k, F_NAME]
        adj[at:end] = score(model, part[k], tf[k], (F_NAME,))[1][:, 0] - w0[F_NAME, np.where(names < 0, MISSING, names)]
        if fixed is not None and clamp is not None:
            fixed[at:end] = clamp[start : start + len(part)][k]
        at = end
    patterns = np.empty((len(uniq), len(FIELDS)), dtype=np.int64)
    rest = uniq.copy()
    for f in reversed(range(len(FIELDS))):
        patterns[:, f] = rest % (LMAX + 2) - 1
        rest //= LMAX + 2
    pidx = np.where(patterns < 0, MISSING, patterns)
    for _ in range(EM_ITERATIONS):
        w = model.weight_table()
        pattern_w = sum(w[f, pidx[:, f]] for f in range(len(FIELDS)))
        gp = probability(pattern_w + model.prior_bits()) * weight
        for start in range(0, len(inverse), EM_CHUNK):
            inv = inverse[start : start + EM_CHUNK]
            g = probability(pattern_w[inv] + adj[start : start + EM_CHUNK] + model.prior_bits())
            if fixed is not None:
                part_fixed = fixed[start : start + EM_CHUNK]
                g = np.where(np.isnan(part_fixed), g, part_fixed)
            gp += np.bincount(inv, weights=g, minlength=len(patterns))
        lam = float(min(max(gp.sum() / n_all, 1e-12), 0.5))
        for f, name in enumerate(FIELDS):
            cm = np.bincount(pidx[:, f], weights=gp, minlength=LMAX + 1)[: N_LEVELS[f]]
            prior = np.asarray(PRIOR_M[name])
            model.m[name] = [
                float(max(x, 1e-9)) for x in (cm + M_PRIOR_STRENGTH * prior) / (cm.sum() + M_PRIOR_STRENGTH)
            ]
        done = abs(math.log(lam / model.lambda_all)) < 1e-3
        model.lambda_all = lam
        if done:
            break
    return model


def _pattern_codes(lv: np.ndarray) -> np.ndarray:
    """One int64 per pair that encodes its levels (−1…LMAX per field)."""
    code = np.zeros(len(lv), dtype=np.int64)
    for f in range(len(FIELDS)):
        code *= LMAX + 2
        code += lv[:, f].astype(np.int64) + 1
    return code


def score(
    model: Model, lv: np.ndarray, tf_u: np.ndarray, columns: Sequence[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(match weight in bits, weights of the requested fields) per pair; TF adjusts names.

    Computed in chunks and returning only the columns asked for, so tens of millions of pairs
    never hold a float per field per pair at once.
    """
    cols = list(range(len(FIELDS))) if columns is None else list(columns)
    w = model.weight_table()
    u_name = np.asarray(model.u["name"])
    total = np.empty(len(lv))
    picked = np.empty((len(lv), len(cols)))
    for start in range(0, len(lv), 4 * CHUNK_PAIRS):
        part = lv[start : start + 4 * CHUNK_PAIRS]
        idx = np.where(part < 0, MISSING, part).astype(np.intp)
        per_field = np.stack([w[f, idx[:, f]] for f in range(len(FIELDS))], axis=1)
        tf = tf_u[start : start + 4 * CHUNK_PAIRS]
        has = ~np.isnan(tf)
        u_level = u_name[np.clip(idx[:, F_NAME], 0, N_LEVELS[F_NAME] - 1)]
        adj = np.zeros(len(part))
        adj[has] = np.clip(np.log2(u_level[has] / np.maximum(tf[has], 1e-12)), -TF_CLIP, TF_CLIP)
        per_field[:, F_NAME] += adj
        total[start : start + len(part)] = per_field.sum(axis=1) + model.prior_bits()
        picked[start : start + len(part)] = per_field[:, cols]
    return total, picked


def probability(weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


# --- Clustering --------------------------------------------------------------------------------------


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


# --- The whole run -------------------------------------------------------------------------------------


def _id_pairs(index: Index, pairs: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
    pos = {x: k for k, x in enumerate(index.ids)}
    return [(pos[a], pos[b]) for a, b in pairs if a in pos and b in pos and a != b]


def fit(index: Index, lv: np.ndarray, tf_of: TfU) -> Model:
    n = len(index.ids)
    if n < 2:
        model = _em(lv, tf_of, estimate_u(index), 1, None)
    else:
        rand = random_pair_levels(index)
        model = _em(lv, tf_of, u_from(rand), n * (n - 1) // 2, None)
        if U_WITHOUT_MATCHES:
            # Random pairs are nearly all non-matches, but the few matches among them are exactly the
            # pairs that share a phone or a plate, and they alone make u of those agreements a
            # hundred times too large. So u is counted again with each random pair weighted by the
            # chance that it is a non-match under the fitted model, and EM runs once more.
            # Repeated a few times: a first model that undervalues a shared phone also gives those
            # pairs a low posterior.
            for _ in range(U_ROUNDS):
                total, _ = score(model, rand, np.full(len(rand), np.nan), ())
                model = _em(lv, tf_of, u_from(rand, 1.0 - probability(total)), n * (n - 1) // 2, None)
    model.mode = index.mode
    model.n_mentions = n
    return model


def _weights(
    model: Model, lv: np.ndarray, tf_of: TfU, without_name_floor: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(match weight of every pair, pairs whose birth conflict is waived), in chunks.

    A birth conflict is waived only for a pair whose other evidence is overwhelming (the same
    IIN, or the same document number, name and address): there the dates are a recording error.
    The waiver is per pair, so a chain through other mentions never waives anything.
    without_name_floor: pairs whose evidence besides the name is below it get −inf (never a link).
    Only one float per pair is kept, however many pairs there are.
    """
    total = np.empty(len(lv))
    waive: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(lv), EM_CHUNK):
        part = lv[start : start + EM_CHUNK]
        t, nb = score(model, part, tf_of(start, start + len(part)), (F_NAME, *CONFLICT_FIELDS))
        if without_name_floor is not None:
            t = np.where(t - nb[:, 0] - model.prior_bits() >= without_name_floor, t, -np.inf)
        clash = part[:, CONFLICT_FIELDS] == 0
        rest = t - (nb[:, 1:] * clash).sum(axis=1)
        waive.append(start + np.flatnonzero(clash.any(axis=1) & (rest >= OVERRIDE_BITS)))
        total[start : start + len(part)] = t
    return total, np.concatenate(waive)


def _tf_of(keys: np.ndarray, lv: np.ndarray, pairs: np.ndarray, tables: tuple[np.ndarray, np.ndarray]) -> TfU:
    """tf_u of any span of the candidate pairs, computed when asked: cheap, and not kept as one
    more float per pair."""

    def tf_of(start: int, end: int) -> np.ndarray:
        return tf_u_from(keys[start:end], lv[start:end, F_NAME], pairs[start:end, 0], tables)

    return tf_of


def _at_least(total: np.ndarray, thr: float, *, finite: bool = False) -> np.ndarray:
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


def _cluster(
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
    keep = _at_least(total, thr, finite=True)
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


def run(
    index: Index,
    *,
    threshold: float | None,
    progress: Progress | None,
    must_not_link: Iterable[tuple[str, str]],
    must_link: Iterable[tuple[str, str]],
    model: Model | None = None,
    workers: int | None = None,
    pairs: bool = True,
) -> LinkResult:
    """Link the index. pairs=False leaves out the scored links and their evidence texts (the
    clusters are the same; LinkResult.links still counts the links)."""
    want_pairs = pairs  # the candidate pairs below are "cand"
    thr = DEFAULT_THRESHOLD if threshold is None else threshold
    n = len(index.ids)
    if n == 0:
        return LinkResult({}, [], model)
    cand = candidate_pairs(index, progress)
    n_workers = default_workers() if workers is None else workers
    lv, keys = _levels_matrix(index, cand, progress, "scoring", n_workers)
    tables = index.tf_tables(None)
    tf_of = _tf_of(keys, lv, cand, tables)
    fitted = model is None
    if model is None:
        model = fit(index, lv, tf_of)
    must_not: dict[int, set[int]] = {}
    for i, j in _id_pairs(index, must_not_link):
        must_not.setdefault(i, set()).add(j)
        must_not.setdefault(j, set()).add(i)
    links = list(_id_pairs(index, must_link))
    if fitted:
        # Second pass: word frequencies counted once per first-pass cluster, i.e. per person
        # rather than per mention, so that a man named in ten cases does not make his own name
        # look common and weigh less; then EM again with the same u.
        # Only links that stand without the name are used for this grouping: otherwise namesakes
        # linked by their name would make that name rarer and link them ever more easily.
        strong, waive = _weights(model, lv, tf_of, GROUP_OTHER_BITS)
        cl, _ = _cluster(index, cand, strong, waive, thr, must_not, links, None)
        del strong, waive
        roots = [cl.find(i) for i in range(n)]
        del cl
        tables = index.tf_tables(roots)
        tf_of = _tf_of(keys, lv, cand, tables)
        del roots
        model = _em(lv, tf_of, model.u, max(n * (n - 1) // 2, 1), None)
        model.mode, model.n_mentions = index.mode, n
    for _ in range(EXTRA_PASSES if fitted else 0):
        total, waive = _weights(model, lv, tf_of)
        cl, _ = _cluster(index, cand, total, waive, PASS_THRESHOLD, must_not, links, None)
        roots = [cl.find(i) for i in range(n)]
        del cl, total, waive
        tables = index.tf_tables(roots)
        tf_of = _tf_of(keys, lv, cand, tables)
        del roots
        model = _em(lv, tf_of, model.u, max(n * (n - 1) // 2, 1), None)
        model.mode, model.n_mentions = index.mode, n
    total, waive = _weights(model, lv, tf_of)
    cl, linked = _cluster(index, cand, total, waive, thr, must_not, links, progress)
    keep = _at_least(total, thr)
    clusters = cl.clusters()
    del cl
    if not want_pairs:
        return LinkResult(clusters, [], model, links=len(keep))
    keep = keep[np.argsort(-total[keep], kind="stable")]
    out: list[ScoredPair] = []
    kept_tf = tf_u_from(keys[keep], lv[keep, F_NAME], cand[keep, 0], tables)
    kept_weights = score(model, lv[keep], kept_tf)[1]
    prob = probability(total[keep])
    for row, k in enumerate(keep.tolist()):
        i, j = int(cand[k, 0]), int(cand[k, 1])
        weights = [float(x) for x in kept_weights[row]]
        ev = index.evidence(i, j, [int(x) for x in lv[k]], weights)
        out.append(ScoredPair(index.ids[i], index.ids[j], float(prob[row]), float(total[k]), ev, bool(linked[k])))
    return LinkResult(clusters, out, model, links=len(out))


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
