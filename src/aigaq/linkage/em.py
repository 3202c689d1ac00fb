"""Fitting the model: u from random pairs (nearly all non-matches) and EM for m and the prior over
the candidate pairs, run on their distinct level patterns."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np

from .features import F_NAME, FIELDS, N_LEVELS
from .index import Index
from .levels import levels_serial
from .model import EM_CHUNK, LMAX, MISSING, PRIOR_M, PRIOR_U, Model, probability, score

M_PRIOR_STRENGTH = 50.0
U_PRIOR_STRENGTH = 1000.0
LAMBDA_PRIOR_ALL = 1e-4  # starting prior that two random mentions are one man
EM_ITERATIONS = 25
RANDOM_PAIRS = 60_000


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
    lv, _ = levels_serial(index, pairs)
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
    return em_spans(lv, lambda start, end: tf_u[start:end], u, n_all, clamp)


TfU = Callable[[int, int], np.ndarray]  # tf_u of the candidate pairs start:end


def em_spans(lv: np.ndarray, tf_of: TfU, u: dict[str, list[float]], n_all: int, clamp: np.ndarray | None) -> Model:
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
