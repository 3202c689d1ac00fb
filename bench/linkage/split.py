"""Pairwise scores split by whether the two mentions share an identifier.

A pair "shares an identifier" when the two mentions have a phone, handle, plate, IIN or document
number in common after Aigaq's own normalisation (aigaq.linkage.features.build_features); every
other pair "shares none" — the usual case when a man attacks in another city with a new phone.
Recall of each kind is over the true pairs of that kind, precision over the predicted pairs of
that kind (pairs inside one cluster), so a system cannot buy recall where no identifier is shared
with false links there.

    python bench/linkage/split.py MENTIONS.jsonl LABELS.jsonl CLUSTERS.jsonl [--json]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import combinations
from pathlib import Path

from metrics import read_map

from aigaq.linkage.features import build_features
from aigaq.linkage.mention import Dropped, parse_mentions
from aigaq.linkage.names import TokenTable


def identifiers(path: Path) -> dict[str, frozenset[str]]:
    """Each mention's normalised identifiers, tagged by kind ("p:+7701…")."""
    with path.open(encoding="utf-8-sig") as fh:
        mentions, _ = parse_mentions(fh, Dropped())
    tt = TokenTable()
    out: dict[str, frozenset[str]] = {}
    for m in mentions:
        f = build_features(m, tt)
        out[m.id] = frozenset(
            f"{tag}:{v}"
            for tag, values in (("p", f.phones), ("h", f.handles), ("l", f.plates), ("i", f.iins), ("o", f.other_ids))
            for v in values
        )
    return out


def _groups(of: dict[str, str]) -> Iterator[list[str]]:
    by: dict[str, list[str]] = defaultdict(list)
    for i, g in of.items():
        by[g].append(i)
    return (sorted(v) for v in by.values() if len(v) > 1)


def split_scores(ids: dict[str, frozenset[str]], labels: dict[str, str], clusters: dict[str, str]) -> dict[str, object]:
    labelled = {i: labels.get(i, "\0" + i) for i in ids}
    predicted = {i: clusters.get(i, "\0" + i) for i in ids}
    counts = {k: {"tp": 0, "true": 0, "predicted": 0} for k in ("shared", "none")}
    for members in _groups(labelled):
        for a, b in combinations(members, 2):
            kind = "shared" if ids[a] & ids[b] else "none"
            counts[kind]["true"] += 1
            if predicted[a] == predicted[b]:
                counts[kind]["tp"] += 1
    for members in _groups(predicted):
        for a, b in combinations(members, 2):
            counts["shared" if ids[a] & ids[b] else "none"]["predicted"] += 1
    out: dict[str, object] = {}
    for kind, c in counts.items():
        precision = c["tp"] / c["predicted"] if c["predicted"] else 1.0
        recall = c["tp"] / c["true"] if c["true"] else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[kind] = {"precision": precision, "recall": recall, "f1": f1, **c}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("mentions", type=Path)
    p.add_argument("labels", type=Path)
    p.add_argument("clusters", type=Path)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    labels, clusters = read_map(args.labels, "person"), read_map(args.clusters, "cluster")
    scores = split_scores(identifiers(args.mentions), labels, clusters)
    if args.json:
        print(json.dumps(scores))
        return 0
    for kind, s in scores.items():
        assert isinstance(s, dict)
        print(f"{kind:7s} true {s['true']:6d}  precision {s['precision']:.4f}  recall {s['recall']:.4f}  "
              f"f1 {s['f1']:.4f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
