"""Fit the hub's weights (aigaq.linkage.network) on labelled candidate pairs of a training seed.

The training sets are generated like the reported ones (bench/network/run.py) but from another
seed (11 by default), census and stress names, dealt to three members; the candidate pairs are
those the hub would score. A logistic regression with the score's own form (an offset PRIOR, a
weight per agreeing kind, a frequency slope per kind on log(n / 2), the birth conflict) is fitted
by Newton's method with a small ridge, each data set weighing the same; slopes are kept >= 0 (a
commoner token is never stronger evidence) and the conflict <= 0. It prints the tables to paste
into src/aigaq/linkage/network.py, and the training sets' F1 at MATCH_THRESHOLD.

    .venv/bin/python bench/network/fit.py                   # seed 11, 20,000 mentions a set
    .venv/bin/python bench/network/fit.py --seed 12 --mentions 10000
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402
import simulate as sim  # noqa: E402

from aigaq.lib.crypto.oprf import KeyHolder  # noqa: E402
from aigaq.linkage import network as net  # noqa: E402

RIDGE = 0.01


SLOPED = ("name_birth", "name_father", "name_age", "name", "name_phonetic", "name_initial")
# A man keeps his IIN, his birth and, mostly, his name and region; he changes phones, accounts and
# cars, which the generator never does (a person's phones and plate are fixed for eight years):
# a conflict of those would be a weight learnt from the generator, not from men.
CONFLICTING = ("iin", "name_birth", "name_father", "name_age", "name", "name_phonetic", "name_initial", "region")


def features(c: sim.Candidate, use_counts: bool) -> list[float]:
    """The terms of `net.score` for one candidate: agreements, frequency terms, conflicts."""
    row = [1.0 if k in c.kinds else 0.0 for k in net.EVIDENCE_KINDS]
    if use_counts:
        row += [math.log(max(2, c.counts[k]) / 2) if k in c.kinds else 0.0 for k in SLOPED]
    row += [1.0 if k in c.conflicts and (k not in net.NAMESAKE_KINDS or "name" in c.kinds) else 0.0
            for k in CONFLICTING]
    return row


def _loss(x: np.ndarray, y: np.ndarray, w: np.ndarray, offset: float, beta: np.ndarray) -> float:
    eta = offset + x @ beta
    # log(1 + e^eta) - y·eta, written to stay finite for large |eta|.
    return float(np.sum(w * (np.logaddexp(0, eta) - y * eta)) + RIDGE / 2 * beta @ beta)


def logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, offset: float, sign: np.ndarray) -> np.ndarray:
    """Weighted ridge logistic regression with a fixed offset, by Newton's method with step
    halving; coefficients with sign +1 are kept >= 0 and those with -1 <= 0 (projected steps)."""

    def project(b: np.ndarray) -> np.ndarray:
        return np.where(sign > 0, np.maximum(b, 0), np.where(sign < 0, np.minimum(b, 0), b))

    beta = np.zeros(x.shape[1])
    loss = _loss(x, y, w, offset, beta)
    for _ in range(200):
        p = 1.0 / (1.0 + np.exp(-np.clip(offset + x @ beta, -50, 50)))
        grad = x.T @ (w * (p - y)) + RIDGE * beta
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + RIDGE * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-6:
            new = project(beta - t * step)
            new_loss = _loss(x, y, w, offset, new)
            if new_loss <= loss:
                break
            t /= 2
        if loss - new_loss < 1e-9 * max(1.0, abs(loss)):
            return new
        beta, loss = new, new_loss
    return beta


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--mentions", type=int, default=20_000)
    p.add_argument("--names", nargs="+", default=["census", "stress"])
    args = p.parse_args(argv)
    holder = KeyHolder(run.OPRF_SEED)
    sets = []
    for names in args.names:
        ds = run.DataSet(names, args.seed, args.mentions)
        mentions, persons = run.load(ds)
        split = sim.split([m.id for m in mentions], 3, ds.seed)
        member_of = [split[m.id] for m in mentions]
        pairs = sim.candidates(sim.tokenise(mentions, holder), member_of)
        sets.append((ds, persons, member_of, pairs))
        print(f"{ds.label}: {len(pairs)} candidates", file=sys.stderr)
    k, n_sloped = len(net.EVIDENCE_KINDS), len(SLOPED)
    fitted: dict[bool, np.ndarray] = {}
    for use_counts in (True, False):
        xs, ys, ws = [], [], []
        for _, persons, _, pairs in sets:
            xs += [features(c, use_counts) for c in pairs.values()]
            ys += [float(persons[a] == persons[b]) for a, b in pairs]
            ws += [1.0 / len(pairs)] * len(pairs)
        # Agreements free, slopes (entered negated) and conflicts never count for a match.
        sign = np.array([0] * k + ([-1] * n_sloped if use_counts else []) + [-1] * len(CONFLICTING))
        # Scaled so that the ridge means the same whatever the number of pairs.
        fitted[use_counts] = logistic(np.array(xs), np.array(ys), np.array(ws) * len(sets) * 10_000, net.PRIOR,
                                      sign)

    def table(kinds: Sequence[str], values: Sequence[float]) -> str:
        return "{" + ", ".join(f'"{kind}": {v:.2f}' for kind, v in zip(kinds, values, strict=True) if round(v, 2)) + "}"

    for name, use_counts in (("FITTED", True), ("FITTED_WITHOUT_COUNTS", False)):
        beta = fitted[use_counts]
        slopes = -beta[k:k + n_sloped] if use_counts else []
        print(f"{name} = Weights(\n    agree={table(net.EVIDENCE_KINDS, beta[:k])},\n"
              f"    slope={table(SLOPED, slopes) if use_counts else '{}'},\n"
              f"    conflict={table(CONFLICTING, beta[-len(CONFLICTING):])},\n)")
    cut = math.log(net.MATCH_THRESHOLD / (1 - net.MATCH_THRESHOLD))
    for use_counts, beta in fitted.items():
        for ds, persons, member_of, pairs in sets:
            true = sim.true_cross_pairs(persons, member_of)
            linked = [ab for ab, c in pairs.items()
                      if net.PRIOR + np.dot(features(c, use_counts), beta) >= cut]
            s = sim.score_pairs(linked, persons, true)
            print(f"training {ds.label} counts={use_counts}: P {s.precision:.4f} R {s.recall:.4f} F1 {s.f1:.4f}",
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
