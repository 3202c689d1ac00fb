"""How far could any classifier of Aigaq's comparisons go on a labelled set? Two ceilings.

1. **Blocking**: a perfect classifier that links exactly the true pairs among the candidate pairs
   (clusters = connected components). What it misses, no scoring can find.
2. **Supervised**: a gradient-boosted classifier trained *on the labels* (2-fold, split by person)
   over the same comparison levels and the term-frequency u the engine uses, then connected
   components at its best threshold. The unsupervised engine cannot be expected to beat a model
   that has seen the answers for the same evidence; the gap between the two is what better
   weighting could still win, and the gap to 1 is ambiguity the comparisons cannot resolve
   (namesakes with nothing else recorded).

    python bench/linkage/ceiling.py MENTIONS.jsonl LABELS.jsonl

Needs scikit-learn (installed with bench/requirements.txt through recordlinkage).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def _pairwise(groups: np.ndarray, person: list[str], true_pairs: int) -> tuple[float, float, float]:
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(groups.tolist()):
        members[g].append(i)
    predicted = tp = 0
    for m in members.values():
        predicted += len(m) * (len(m) - 1) // 2
        tp += sum(c * (c - 1) // 2 for c in Counter(person[i] for i in m).values())
    p = tp / predicted if predicted else 0.0
    r = tp / true_pairs if true_pairs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _components(n: int, edges: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    g = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    return connected_components(g, directed=False)[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mentions", type=Path)
    parser.add_argument("labels", type=Path)
    args = parser.parse_args(argv)
    from sklearn.ensemble import HistGradientBoostingClassifier

    from aigaq.linkage import engine
    from aigaq.linkage.blocking import candidate_pairs
    from aigaq.linkage.clustering import cluster
    from aigaq.linkage.levels import levels_matrix
    from aigaq.linkage.mention import iter_mentions
    from aigaq.linkage.plain import plain_index

    with args.labels.open(encoding="utf-8") as f:
        labels = {d["id"]: d["person"] for d in map(json.loads, f)}
    with args.mentions.open(encoding="utf-8") as f:
        index = plain_index(iter_mentions(f, set()))
    n = len(index.ids)
    person = [labels.get(x, "self:" + x) for x in index.ids]
    code = {p: k for k, p in enumerate(dict.fromkeys(person))}
    pid = np.array([code[p] for p in person])
    true_pairs = sum(c * (c - 1) // 2 for c in Counter(person).values())
    pairs = candidate_pairs(index)
    lv, keys = levels_matrix(index, pairs, None, "scoring", 1)
    truth = pid[pairs[:, 0]] == pid[pairs[:, 1]]
    print(f"mentions {n}, true pairs {true_pairs}, candidate pairs {len(pairs)}, "
          f"true pairs among them {int(truth.sum())} ({truth.sum() / max(true_pairs, 1):.1%})")
    p, r, f1 = _pairwise(_components(n, pairs[truth]), person, true_pairs)
    print(f"blocking ceiling (perfect classifier on the candidates): P {p:.4f} R {r:.4f} F1 {f1:.4f}")

    tf = engine._tf_of(keys, lv, pairs, index.tf_tables(None))(0, len(pairs))
    x = np.column_stack([lv, np.nan_to_num(np.log10(np.maximum(tf, 1e-12)), nan=0.0)])
    fold = (pid % 2)[pairs[:, 0]]
    prob = np.zeros(len(pairs))
    for k in (0, 1):
        clf = HistGradientBoostingClassifier(max_iter=300, random_state=0)
        clf.fit(x[fold != k], truth[fold != k])
        prob[fold == k] = clf.predict_proba(x[fold == k])[:, 1]
    scored = [(_pairwise(_components(n, pairs[prob >= t]), person, true_pairs), t) for t in (0.5, 0.6, 0.7, 0.8, 0.9)]
    (p, r, f1), t = max(scored, key=lambda s: s[0][2])
    print(f"supervised ceiling (boosted trees on the labels, same levels, connected components, threshold {t}): "
          f"P {p:.4f} R {r:.4f} F1 {f1:.4f}")
    # The same probabilities through Aigaq's own clustering (strongest first, cannot-links held
    # through chains), so that the comparison with the engine differs only in the weights.
    weight = np.log2(np.clip(prob, 1e-12, 1 - 1e-12) / np.clip(1 - prob, 1e-12, 1))
    best = None
    for t in (0.5, 0.6, 0.7, 0.8, 0.9):
        cl, _ = cluster(index, pairs, weight, np.zeros(0, dtype=np.int64), t, {}, [], None)
        groups = np.array([cl.find(i) for i in range(n)])
        got = (_pairwise(groups, person, true_pairs), t)
        if best is None or got[0][2] > best[0][2]:
            best = got
    assert best is not None
    (p, r, f1), t = best
    print(f"supervised ceiling (same, through Aigaq's constrained clustering, threshold {t}): "
          f"P {p:.4f} R {r:.4f} F1 {f1:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
