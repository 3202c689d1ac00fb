"""Missed pairs that share no identifier, by category, before and after a change (issue 17).

Reads split_runs.sh outputs: the data in AFTER/data and the plain clusters in BEFORE/runs and
AFTER/runs; prints markdown rows "category | true pairs | missed before | missed after" for every
category holding at least 1 % of the misses before. Categories: the shapes of the two names (full
name, with a patronymic, one word, a surname with initials, none), same or different script, what
each side says of birth (date, age, none), and whether the city is written the same.

    python bench/linkage/missed.py family bench/linkage/out-split-before bench/linkage/out-split
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

from metrics import read_map
from split import identifiers

from aigaq.linkage.normalise import name_tokens


def shape(m: dict[str, object]) -> str:
    name = m.get("full_name")
    if not isinstance(name, str) or not name.strip():
        return "no name"
    toks = name_tokens(name)
    words = sum(1 for t in toks if t.kind == "name")
    initials = sum(1 for t in toks if t.kind == "initial")
    father = any(t.kind == "patronymic" or t.skel.endswith(("uli", "kizi")) for t in toks)
    if words == 1:
        return "surname + initials" if initials else "one word"
    return "full name + patronymic" if father else "full name"


def _script(m: dict[str, object]) -> str:
    return "cyrillic" if any("\u0400" <= c <= "\u04ff" for c in str(m.get("full_name") or "")) else "latin"


def _birth(m: dict[str, object]) -> str:
    return "date" if m.get("birth_date") else "age" if m.get("age_at_incident") is not None else "none"


def categories(a: dict[str, object], b: dict[str, object]) -> list[str]:
    sa, sb = sorted((shape(a), shape(b)))
    out = ["names: " + (sa if sa == sb else f"{sa} / {sb}")]
    if a.get("full_name") and b.get("full_name"):
        out.append("scripts: " + ("same" if _script(a) == _script(b) else "different"))
    out.append("birth: " + " / ".join(sorted((_birth(a), _birth(b)))))
    same_city = a.get("city") and a.get("city") == b.get("city")
    out.append("city: " + ("written the same" if same_city else "other or missing"))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ds, before_dir, after_dir = args
    data = Path(after_dir) / "data"
    with (data / f"{ds}.jsonl").open(encoding="utf-8") as fh:
        mentions = {o["id"]: o for o in map(json.loads, fh)}
    labels = read_map(data / f"{ds}-labels.jsonl", "person")
    before = read_map(Path(before_dir) / "runs" / f"{ds}-plain.clusters.jsonl", "cluster")
    after = read_map(Path(after_dir) / "runs" / f"{ds}-plain.clusters.jsonl", "cluster")
    ids = identifiers(data / f"{ds}.jsonl")
    persons: dict[str, list[str]] = defaultdict(list)
    for mid, person in labels.items():
        persons[person].append(mid)
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    total = missed_before = missed_after = 0
    for members in persons.values():
        for a, b in combinations(members, 2):
            if ids[a] & ids[b]:
                continue
            mb, ma = before[a] != before[b], after[a] != after[b]
            total, missed_before, missed_after = total + 1, missed_before + mb, missed_after + ma
            for cat in categories(mentions[a], mentions[b]):
                rows[cat][0] += 1
                rows[cat][1] += mb
                rows[cat][2] += ma
    print(f"{ds}: {total:,} true pairs share no identifier; missed before {missed_before:,}, after {missed_after:,}")
    print("| category | true pairs | missed before | missed after |\n|---|---:|---:|---:|")
    for cat, (n, b, a) in sorted(rows.items(), key=lambda kv: -kv[1][1]):
        if b >= 0.01 * missed_before:
            print(f"| {cat} | {n:,} | {b:,} ({b / n:.0%}) | {a:,} ({a / n:.0%}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
