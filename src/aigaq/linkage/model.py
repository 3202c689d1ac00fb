"""The Fellegi–Sunter model: prior m and u per level, fitted parameters, match weights of level
patterns (with the name-frequency adjustment) and probabilities, and what a run returns.

Levels come from an index (aigaq.linkage.index) of plain features or keyed encodings; both use the
same fields and levels (aigaq.linkage.features.FIELDS), so the model is the same for both.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .features import F_BIRTH, F_FATHER, F_IIN, F_NAME, FIELDS, N_LEVELS

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
TF_CLIP = 10.0
TF_PSEUDO = 20.0
LEAVE_OUT = 2  # the pair's own mentions, left out of the whole-name count (see tf_tables)
SCORE_CHUNK = 200_000  # pairs scored per step: a float per field per pair only for these
EM_CHUNK = 1_000_000  # pairs per step when EM and the passes sweep all candidate pairs

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
    tf_one: int = 0  # of those, the persons carrying a one-word name token (0: not counted)

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
             "n_mentions": self.n_mentions, "tf": self.tf, "tf_total": self.tf_total, "tf_one": self.tf_one}
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
            int(d.get("tf_one", 0)),
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


def outcome(fi: int, level: int) -> str:
    top = N_LEVELS[fi] - 1
    if FIELDS[fi] == "birth" and level == 0:
        return "conflict"
    if level == top or (FIELDS[fi] in ("name", "birth") and level >= 3):
        return "agree"
    if level == 0 or (FIELDS[fi] in ("name", "birth") and level == 1):
        return "disagree"
    return "partial"


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
    for start in range(0, len(lv), SCORE_CHUNK):
        part = lv[start : start + SCORE_CHUNK]
        idx = np.where(part < 0, MISSING, part).astype(np.intp)
        per_field = np.stack([w[f, idx[:, f]] for f in range(len(FIELDS))], axis=1)
        tf = tf_u[start : start + SCORE_CHUNK]
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
