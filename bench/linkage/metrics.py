"""Pairwise precision, recall and F1 of a clustering against person labels.

Every system in the benchmark is scored by this one function on its CLUSTERS file, so the figures
compare like with like: a predicted pair is any two mentions in one cluster (transitive closure),
a true pair any two mentions of one person.

    python bench/linkage/metrics.py CLUSTERS.jsonl LABELS.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def read_map(path: Path, key: str) -> dict[str, str]:
    with path.open(encoding="utf-8") as f:
        return {str(o["id"]): str(o[key]) for o in (json.loads(line) for line in f if line.strip())}


def pairwise(clusters: dict[str, str], labels: dict[str, str]) -> dict[str, float]:
    """Scores over the labelled ids; a labelled id missing from clusters counts as a singleton."""
    predicted = {i: clusters.get(i, f"\0{i}") for i in labels}
    tp = sum(_pairs(n) for n in Counter((predicted[i], labels[i]) for i in labels).values())
    pred_pairs = sum(_pairs(n) for n in Counter(predicted.values()).values())
    true_pairs = sum(_pairs(n) for n in Counter(labels.values()).values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp,
            "predicted_pairs": pred_pairs, "true_pairs": true_pairs}


def clusters_from_pairs(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected components by union-find; the cluster id is the smallest member id."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in parent}


def write_clusters(path: Path, clusters: dict[str, str]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i, c in clusters.items():
            f.write(json.dumps({"id": i, "cluster": c}, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    scores = pairwise(read_map(Path(args[0]), "cluster"), read_map(Path(args[1]), "person"))
    print(json.dumps(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
