"""clkhash + anonlink on a mentions file: the established private (Bloom-filter) linkage baseline.

Each mention becomes one 1024-bit CLK (cryptographic long-term key) built with a schema shaped like
clkhash's FEBRL tutorial schema: name bigrams weigh 200 bits each, the birth date 200 bits of
positional unigrams, the other fields 100 bits. Fields are prepared exactly as for Splink
(analyst.py). anonlink's accelerated Dice kernel scores all pairs above the threshold; mentions are
clustered by connected components of the pairs at or above the threshold (anonlink's greedy
solver forces one-to-one pairs, which is wrong when one man has many mentions).

    python bench/linkage/run_anonlink.py MENTIONS.jsonl -o CLUSTERS.jsonl [--threshold 0.8] [--sweep-dir D]
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import analyst
import anonlink
import numpy as np
from clkhash import clk
from clkhash.schema import from_json_dict
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# A fixed secret keeps runs reproducible; in real use each linkage project gets its own.
SECRET = "aigaq-bench-linkage-not-a-real-secret"  # noqa: S105 (public on purpose)
SWEEP = (0.75, 0.8, 0.82, 0.84, 0.86, 0.88, 0.9)
FIELDS = (  # identifier, n-gram size (1 = positional digits), bits per feature
    ("first_name", 2, 200), ("surname", 2, 200), ("birth", 1, 200), ("phone", 1, 100),
    ("handle", 2, 100), ("plate", 2, 100), ("ids", 1, 100), ("city", 2, 100), ("region", 2, 100),
    ("address", 2, 100),
)


def schema() -> dict:
    features: list[dict] = [{"identifier": "id", "ignored": True}]
    for name, n, bits in FIELDS:
        comparison = {"type": "ngram", "n": n, "positional": n == 1}
        features.append({
            "identifier": name,
            "format": {"type": "string", "encoding": "utf-8"},
            # An empty field sets no bits instead of counting as the value "".
            "hashing": {"comparison": comparison, "strategy": {"bitsPerFeature": bits},
                        "hash": {"type": "blakeHash"}, "missingValue": {"sentinel": ""}},
        })
    salt = base64.b64encode(b"aigaq-bench-linkage").decode()
    return {"version": 3,
            "clkConfig": {"l": 1024, "kdf": {"type": "HKDF", "hash": "SHA256", "salt": salt, "keySize": 64}},
            "features": features}


def row(m: dict) -> list[str]:
    first, last = analyst.name_parts(m.get("full_name"))
    year = analyst.birth_year(m)
    dob = analyst.full_dob(m)
    return [
        m["id"], first or "", last or "",
        dob.replace("-", "") if dob else (str(year) if year else ""),
        min((analyst.phone(p) for p in m.get("phones", [])), default=""),
        min((analyst.handle(h) for h in m.get("handles", [])), default=""),
        min((analyst.plate(p) for p in m.get("plates", [])), default=""),
        min((analyst.digits(i) for i in m.get("iins", []) + m.get("other_ids", [])), default=""),
        analyst.place(m.get("city")) or "", analyst.place(m.get("region")) or "",
        (m.get("address") or "").lower(),
    ]


def cluster(n: int, sims: np.ndarray, left: np.ndarray, right: np.ndarray, threshold: float) -> np.ndarray:
    keep = sims >= threshold
    graph = coo_matrix((np.ones(int(keep.sum()), dtype=np.int8), (left[keep], right[keep])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _write(path: Path, ids: list[str], labels: np.ndarray) -> None:
    lines = (json.dumps({"id": i, "cluster": int(c)}) + "\n" for i, c in zip(ids, labels, strict=True))
    path.write_text("".join(lines), encoding="utf-8")


def run(mentions_path: Path, out: Path, threshold: float, sweep_dir: Path | None) -> dict:
    t0 = time.perf_counter()
    with mentions_path.open(encoding="utf-8") as f:
        mentions = [json.loads(line) for line in f if line.strip()]
    rows = [row(m) for m in mentions]
    ids = [r[0] for r in rows]
    clks = clk.generate_clks(rows, from_json_dict(schema()), SECRET, validate=False,
                             max_workers=2)
    t1 = time.perf_counter()
    floor = min((threshold, *(SWEEP if sweep_dir else ())))
    # anonlink links datasets; deduplication is the pool linked against itself, keeping i < j.
    sims, _, (rec_l, rec_r) = anonlink.candidate_generation.find_candidate_pairs(
        [clks, clks], anonlink.similarities.dice_coefficient_accelerated, floor)
    s, left, right = np.frombuffer(sims, dtype=np.float64), np.asarray(rec_l), np.asarray(rec_r)
    upper = left < right
    s, left, right = s[upper], left[upper], right[upper]
    t2 = time.perf_counter()
    labels = cluster(len(ids), s, left, right, threshold)
    t3 = time.perf_counter()
    _write(out, ids, labels)
    for t in SWEEP if sweep_dir else ():
        _write(sweep_dir / f"clusters-{t}.jsonl", ids, cluster(len(ids), s, left, right, t))  # type: ignore[operator]
    return {"encode_s": t1 - t0, "dice_s": t2 - t1, "cluster_s": t3 - t2,
            "comparisons": len(ids) * len(ids), "candidate_pairs": int((s >= threshold).sum())}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mentions", type=Path)
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=0.8, help="Dice similarity to link at")
    parser.add_argument("--sweep-dir", type=Path, help=f"also write clusters at {SWEEP} here")
    args = parser.parse_args(argv)
    if args.sweep_dir:
        args.sweep_dir.mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(args.mentions, args.out, args.threshold, args.sweep_dir)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
