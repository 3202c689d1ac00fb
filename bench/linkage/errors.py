"""Where a clustering goes wrong: the worst merged and split persons, and what the missed pairs share.

    python bench/linkage/errors.py MENTIONS.jsonl LABELS.jsonl CLUSTERS.jsonl [--top 5]

Prints markdown: a count of missed pairs by what evidence they had, the impure clusters with the
most false pairs (namesakes chained together), and the persons split into the most pieces.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import analyst
import metrics


def _brief(m: dict) -> str:
    parts = [m.get("full_name") or "(no name)"]
    if m.get("birth_date"):
        parts.append(f"b. {m['birth_date']}")
    if m.get("age_at_incident") is not None:
        parts.append(f"age {m['age_at_incident']} on {m.get('incident_date', '?')}")
    for key in ("phones", "handles", "plates", "iins"):
        if m.get(key):
            parts.append(", ".join(m[key]))
    if m.get("city"):
        parts.append(m["city"])
    return " · ".join(parts)


def _ids(m: dict) -> set[str]:
    return ({"p" + analyst.phone(p) for p in m.get("phones", [])}
            | {"h" + analyst.handle(h) for h in m.get("handles", [])}
            | {"i" + analyst.digits(i) for i in m.get("iins", [])})


def _script(name: str | None) -> str:
    if not name:
        return "none"
    return "cyrillic" if any("\u0400" <= c <= "\u04ff" for c in name) else "latin"


def _why_missed(a: dict, b: dict) -> str:
    if _ids(a) & _ids(b):
        return "shared phone, handle or IIN (after simple normalisation)"
    if not a.get("full_name") or not b.get("full_name"):
        return "one side has no name and no shared identifier"
    if _script(a["full_name"]) != _script(b["full_name"]):
        return "names in different scripts, no shared identifier"
    return "names in the same script, no shared identifier"


def report(mentions: dict[str, dict], labels: dict[str, str], clusters: dict[str, str], top: int) -> str:
    by_cluster: dict[str, list[str]] = defaultdict(list)
    by_person: dict[str, list[str]] = defaultdict(list)
    for i in labels:
        by_cluster[clusters.get(i, i)].append(i)
        by_person[labels[i]].append(i)
    scores = metrics.pairwise(clusters, labels)
    out = [f"Pairwise precision {scores['precision']:.4f}, recall {scores['recall']:.4f}, "
           f"F1 {scores['f1']:.4f} ({scores['tp']:,} of {scores['true_pairs']:,} true pairs found, "
           f"{scores['predicted_pairs'] - scores['tp']:,} false pairs).", ""]

    rng = random.Random(0)
    missed = [(a, b) for ids in by_person.values() for k, a in enumerate(ids) for b in ids[k + 1:]
              if clusters.get(a, a) != clusters.get(b, b)]
    sample = rng.sample(missed, min(len(missed), 5000))
    reasons = Counter(_why_missed(mentions[a], mentions[b]) for a, b in sample)
    out += [f"Missed pairs by evidence (sample of {len(sample):,} of {len(missed):,}):", ""]
    out += [f"- {reason}: {n / len(sample):.0%}" for reason, n in reasons.most_common()] + [""]

    def false_pairs(ids: list[str]) -> int:
        counts = Counter(labels[i] for i in ids)
        return metrics._pairs(len(ids)) - sum(metrics._pairs(n) for n in counts.values())

    impure = sorted(by_cluster.values(), key=false_pairs, reverse=True)[:top]
    out += ["Worst merged clusters (false positives):", ""]
    for ids in impure:
        if not false_pairs(ids):
            break
        persons = Counter(labels[i] for i in ids)
        out.append(f"- cluster of {len(ids)} mentions, {len(persons)} persons, "
                   f"{false_pairs(ids):,} false pairs; e.g.:")
        for person, _ in persons.most_common(3):
            first = next(i for i in ids if labels[i] == person)
            out.append(f"  - {person}: {_brief(mentions[first])}")
    out += ["", "Worst split persons (false negatives):", ""]
    split = sorted(by_person.values(), key=lambda ids: len({clusters.get(i, i) for i in ids}), reverse=True)
    for ids in split[:top]:
        pieces = defaultdict(list)
        for i in ids:
            pieces[clusters.get(i, i)].append(i)
        out.append(f"- {labels[ids[0]]}: {len(ids)} mentions in {len(pieces)} clusters; "
                   "one from each of three:")
        for piece in list(pieces.values())[:3]:
            out.append(f"  - {_brief(mentions[piece[0]])}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mentions", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("clusters", type=Path)
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args(argv)
    with args.mentions.open(encoding="utf-8") as f:
        mentions = {m["id"]: m for m in (json.loads(line) for line in f if line.strip())}
    labels, clusters = metrics.read_map(args.labels, "person"), metrics.read_map(args.clusters, "cluster")
    print(report(mentions, labels, clusters, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
