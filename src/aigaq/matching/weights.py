"""The organisation's match weights, re-estimated with the coordinators' decisions as labels.

The engine fits m by EM over candidate pairs with u from random pairs (``aigaq.linkage``). Here the
same EM runs with the reviewed pairs clamped: a confirmed pair counts as a match with certainty and
a rejected one as a non-match, whatever the current weights say, so the weights move toward what
the reviewers decided (semi-supervised EM). u stays the random-pair estimate: reviewed pairs are a
few look-alikes, not a sample of all non-matching pairs.

This uses the engine's internals (candidate_pairs, estimate_u, score, the priors): its public
``link_encoded`` fits and clusters in one go and takes decisions only as constraints, not labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from aigaq.linkage import EncodedMention, Model
from aigaq.linkage.engine import (
    EM_ITERATIONS,
    LAMBDA_PRIOR_ALL,
    LMAX,
    M_PRIOR_STRENGTH,
    MISSING,
    PRIOR_M,
    Progress,
    _levels_matrix,
    candidate_pairs,
    estimate_u,
    probability,
    score,
    tf_u_from,
)
from aigaq.linkage.features import F_NAME, FIELDS, N_LEVELS
from aigaq.linkage.private import EncodedIndex


@dataclass(frozen=True)
class Fit:
    model: Model
    index: EncodedIndex
    pairs: np.ndarray  # (n, 2) candidate pairs, positions in index
    levels: np.ndarray  # (n, fields) agreement levels
    tf_u: np.ndarray


def fit(
    encoded: Sequence[EncodedMention],
    labels: dict[tuple[str, str], bool],
    progress: Progress | None = None,
    *,
    also: Sequence[tuple[str, str]] = (),
) -> Fit:
    """Weights for one organisation's encodings; labels: (id, id) → True confirmed / False rejected.
    Labelled pairs and the pairs in `also` are scored even when blocking does not pair them."""
    index = EncodedIndex(encoded)
    n = len(index.ids)
    pos = {x: k for k, x in enumerate(index.ids)}

    def code(a: str, b: str) -> int:
        i, j = sorted((pos[a], pos[b]))
        return i * n + j

    pairs = candidate_pairs(index, progress)
    codes = pairs[:, 0] * n + pairs[:, 1]
    wanted = np.asarray(
        sorted({code(a, b) for a, b in [*labels, *also] if a in pos and b in pos}), dtype=np.int64
    )
    extra = wanted[~np.isin(wanted, codes)]
    if len(extra):
        pairs = np.concatenate([pairs, np.stack([extra // n, extra % n], axis=1)])
        codes = np.concatenate([codes, extra])
    lv, tf_keys = _levels_matrix(index, pairs, progress, "scoring")
    tf_u = tf_u_from(tf_keys, lv[:, F_NAME], pairs[:, 0], index.tf_tables(None))
    clamp = np.full(len(pairs), np.nan)
    found = np.flatnonzero(np.isin(codes, wanted))
    row = dict(zip(codes[found].tolist(), found.tolist(), strict=True))
    for (a, b), same in labels.items():
        if a in pos and b in pos:
            clamp[row[code(a, b)]] = 1.0 if same else 0.0
    model = em_with_labels(lv, tf_u, clamp, estimate_u(index), max(n * (n - 1) // 2, 1))
    model.mode = "private"
    model.n_mentions = n
    return Fit(model, index, pairs, lv, tf_u)


def em_with_labels(
    lv: np.ndarray, tf_u: np.ndarray, clamp: np.ndarray, u: dict[str, list[float]], n_all: int
) -> Model:
    """``aigaq.linkage.engine.em`` with some pairs' match probability fixed (NaN: not fixed)."""
    model = Model("private", {k: list(v) for k, v in PRIOR_M.items()}, u, LAMBDA_PRIOR_ALL, 0)
    if len(lv) == 0:
        return model
    idx = np.where(lv < 0, MISSING, lv).astype(np.int64)
    fixed = ~np.isnan(clamp)
    for _ in range(EM_ITERATIONS):
        total, _ = score(model, lv, tf_u)
        g = probability(total)
        g[fixed] = clamp[fixed]
        lam = float(min(max(g.sum() / n_all, 1e-12), 0.5))
        for f, name in enumerate(FIELDS):
            cm = np.bincount(idx[:, f], weights=g, minlength=LMAX + 1)[: N_LEVELS[f]]
            prior = np.asarray(PRIOR_M[name])
            est = (cm + M_PRIOR_STRENGTH * prior) / (cm.sum() + M_PRIOR_STRENGTH)
            model.m[name] = [float(max(x, 1e-9)) for x in est]
        done = abs(math.log(lam / model.lambda_all)) < 1e-3
        model.lambda_all = lam
        if done:
            break
    return model
