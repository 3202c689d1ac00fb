"""The network's F1 against `aigaq link --private` and plain `aigaq link`, on cross-member pairs.

Generated mentions (bench/linkage/generate.py, census and stress names) are dealt at random
(seeded) to three simulated members. The network is simulated as the hub runs it
(bench/network/simulate.py): network_inputs → OPRF → tokens per member, candidates = refs of
different members sharing a token, alert when linkage.network.score(agreeing kinds) >=
MATCH_THRESHOLD. The engine links the same pooled mentions in private and in plain mode (what one
organisation holding all three members' cases would get); its clusters are scored on the same
cross-member pairs. Rows:

- network (alerts): the hub's alerts, the pairs it reports: issue 11's measure. The hub's real
  matching opens exactly these pairs (`bench/network/perf.py agree` checks it).
- network (alerts, kinds only): what the hub alerted on before it passed token counts, conflicts
  and region to `score` (the agreeing token kinds alone, the model fitted without counts).
- network (chained): the hub's chained clusters alone (simulate.py, constrained_clusters:
  linkage.network.chain of the links of any two refs, the same member's too, at CHAIN_THRESHOLD,
  strongest first, never joining clusters that hold a cannot-link pair), scored as clusters.
- network (alerts + chained): what the hub reports: its pair alerts and, added to them, its
  chained alerts (the chained clusters' cross-member pairs); `perf.py agree` checks the real hub
  opens exactly these.
- private / plain (clusters): `aigaq link [--private KEY]`'s clusters (what link-eval scores).
- private (links): the engine's own linked pairs at its threshold, before clustering.

Weights are never tuned on the reported seeds: bench/network/fit.py fits them on seed 11.

    .venv/bin/python bench/network/run.py                      # census + stress, seeds 1 and 2, 20,000 mentions
    .venv/bin/python bench/network/run.py --names census --seeds 1 --mentions 6000   # quicker
    .venv/bin/python bench/network/run.py --misses 30          # also write missed and false alerts

Data (generated once, reused) and results go to bench/out/network/ (ignored by git):
results.json, results.md and, with --misses, misses-<set>.txt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench" / "linkage"))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import simulate as sim  # noqa: E402

from aigaq.lib.crypto.oprf import KeyHolder  # noqa: E402
from aigaq.linkage import Mention, link, parse_mentions  # noqa: E402
from aigaq.linkage import network as net  # noqa: E402

OUT = ROOT / "bench" / "out" / "network"
# Fixed keys: the figures do not depend on a key, and fixed ones make runs byte-for-byte repeatable.
OPRF_SEED = hashlib.sha256(b"aigaq bench network oprf seed").digest()
LINKAGE_KEY = hashlib.sha256(b"aigaq bench network linkage key").digest()


@dataclass(frozen=True)
class DataSet:
    names: str
    seed: int
    mentions: int

    @property
    def label(self) -> str:
        return f"{self.names}-{self.mentions}-s{self.seed}"


def load(ds: DataSet) -> tuple[list[Mention], list[str]]:
    """The data set's mentions and each one's person, generated on first use."""
    data = OUT / "data"
    data.mkdir(parents=True, exist_ok=True)
    mpath, lpath = data / f"{ds.label}.jsonl", data / f"{ds.label}-labels.jsonl"
    if not (mpath.exists() and lpath.exists()):
        generate.write(0, ds.seed, mpath, lpath, mentions=ds.mentions, names=ds.names)  # type: ignore[arg-type]
    with mpath.open(encoding="utf-8") as fh:
        mentions, _ = parse_mentions(fh)
    with lpath.open(encoding="utf-8") as fh:
        person = {o["id"]: o["person"] for o in map(json.loads, fh)}
    return mentions, [person[m.id] for m in mentions]


@dataclass(frozen=True)
class Row:
    data: str
    system: str
    precision: float
    recall: float
    f1: float
    tp: int
    predicted: int
    true: int
    seconds: float


def _row(ds: DataSet, system: str, s: sim.Scores, seconds: float) -> Row:
    return Row(ds.label, system, s.precision, s.recall, s.f1, s.tp, s.predicted, s.true, round(seconds, 2))


@dataclass(frozen=True)
class NetworkRun:
    tokens: sim.Tokens
    pairs: dict[tuple[int, int], sim.Candidate]
    alerts: list[tuple[int, int]]
    hub_seconds: float


def run_network(mentions: Sequence[Mention], member_of: Sequence[int], holder: KeyHolder) -> NetworkRun:
    tokens = sim.tokenise(mentions, holder)
    start = time.perf_counter()
    pairs = sim.candidates(tokens, member_of)
    alerts = sim.alerts(pairs)
    return NetworkRun(tokens, pairs, alerts, time.perf_counter() - start)


def bench_one(ds: DataSet, members: int, holder: KeyHolder, misses: int) -> tuple[list[Row], dict[str, object]]:
    mentions, persons = load(ds)
    split = sim.split([m.id for m in mentions], members, ds.seed)
    member_of = [split[m.id] for m in mentions]
    true = sim.true_cross_pairs(persons, member_of)
    rows: list[Row] = []

    nw = run_network(mentions, member_of, holder)
    rows.append(_row(ds, "network (alerts)", sim.score_pairs(nw.alerts, persons, true),
                     nw.tokens.seconds + nw.hub_seconds))
    before = sim.alerts_kinds_only(nw.pairs)
    rows.append(_row(ds, "network (alerts, kinds only)", sim.score_pairs(before, persons, true),
                     nw.tokens.seconds + nw.hub_seconds))
    start = time.perf_counter()
    everyone = sim.candidates(nw.tokens, list(range(len(mentions))))  # the same member's pairs too
    chained = sim.constrained_clusters(len(mentions), everyone, threshold=sim.CHAIN_THRESHOLD)
    rows.append(_row(ds, "network (chained)", sim.score_clusters(chained, persons, member_of, true),
                     nw.tokens.seconds + time.perf_counter() - start))
    union = set(nw.alerts) | sim.cluster_pairs(chained, member_of)
    rows.append(_row(ds, "network (alerts + chained)", sim.score_pairs(union, persons, true),
                     nw.tokens.seconds + time.perf_counter() - start))

    start = time.perf_counter()
    private = link(mentions, key=LINKAGE_KEY)
    seconds = time.perf_counter() - start
    clusters = [private.clusters[m.id] for m in mentions]
    rows.append(_row(ds, "private (clusters)", sim.score_clusters(clusters, persons, member_of, true), seconds))
    pos = {m.id: k for k, m in enumerate(mentions)}
    links = [(pos[p.a], pos[p.b]) for p in private.pairs if p.linked and split[p.a] != split[p.b]]
    rows.append(_row(ds, "private (links)", sim.score_pairs(links, persons, true), seconds))

    start = time.perf_counter()
    plain = link(mentions, pairs=False)
    seconds = time.perf_counter() - start
    clusters_plain = [plain.clusters[m.id] for m in mentions]
    rows.append(_row(ds, "plain (clusters)", sim.score_clusters(clusters_plain, persons, member_of, true), seconds))

    facts: dict[str, object] = {
        "mentions": len(mentions), "true_cross_pairs": true, "candidates": len(nw.pairs),
        "oprf_inputs_distinct": nw.tokens.evaluations, "tokens_per_mention": round(nw.tokens.per_mention, 2),
        "tokenise_seconds": round(nw.tokens.seconds, 2), "hub_seconds": round(nw.hub_seconds, 2),
    }
    if misses:
        _write_misses(ds, mentions, persons, nw, clusters, misses)
    return rows, facts


def _describe(m: Mention) -> str:
    bits = [m.full_name or "-", *(f"aka {a}" for a in m.aliases)]
    if m.birth_date:
        bits.append(f"b.{m.birth_date}")
    elif m.age_at_incident is not None:
        bits.append(f"age {m.age_at_incident}")
    for label, values in (("ph", m.phones), ("h", m.handles), ("pl", m.plates), ("iin", m.iins)):
        bits += [f"{label}:{v}" for v in values]
    return " | ".join(bits)


def _write_misses(ds: DataSet, mentions: Sequence[Mention], persons: Sequence[str], nw: NetworkRun,
                  clusters: Sequence[str], k: int) -> None:
    """A sample of true pairs the private engine clusters and the hub misses, and of false alerts."""
    alerted = set(nw.alerts)
    by_person: dict[str, list[int]] = {}
    for i, p in enumerate(persons):
        by_person.setdefault(p, []).append(i)
    split = sim.split([m.id for m in mentions], 3, ds.seed)
    missed = [(a, b) for idx in by_person.values() for x, a in enumerate(idx) for b in idx[x + 1:]
              if split[mentions[a].id] != split[mentions[b].id] and (min(a, b), max(a, b)) not in alerted
              and clusters[a] == clusters[b]]
    false = [ab for ab in nw.alerts if persons[ab[0]] != persons[ab[1]]]
    rng = random.Random(0)
    lines = [f"# {ds.label}: {len(missed)} true cross pairs clustered by private but not alerted"]
    for a, b in rng.sample(missed, min(k, len(missed))):
        c = nw.pairs.get((min(a, b), max(a, b)))
        lines += [f"- kinds {sorted(c.kinds) if c else []} score {c.score() if c else 0:.3f}",
                  f"    {_describe(mentions[a])}", f"    {_describe(mentions[b])}"]
    lines.append(f"# {len(false)} false alerts")
    for a, b in rng.sample(false, min(k, len(false))):
        c = nw.pairs[(a, b)]
        lines += [f"- kinds {sorted(c.kinds)} counts {c.counts} conflicts {sorted(c.conflicts)} score {c.score():.3f}",
                  f"    {_describe(mentions[a])}", f"    {_describe(mentions[b])}"]
    (OUT / f"misses-{ds.label}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def table(rows: Sequence[Row]) -> str:
    out = ["| Data set | System | Precision | Recall | F1 | Predicted | True | s |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r.data} | {r.system} | {r.precision:.4f} | {r.recall:.4f} | **{r.f1:.4f}** | "
                   f"{r.predicted:,} | {r.true:,} | {r.seconds:.1f} |")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--names", nargs="+", choices=generate.NAME_SETTINGS, default=list(generate.NAME_SETTINGS))
    p.add_argument("--seeds", nargs="+", type=int, default=[1, 2])
    p.add_argument("--mentions", type=int, default=20_000)
    p.add_argument("--members", type=int, default=3)
    p.add_argument("--misses", type=int, default=0, help="write this many missed and false alerts per set")
    args = p.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    holder = KeyHolder(OPRF_SEED)
    started = time.perf_counter()
    rows: list[Row] = []
    facts: dict[str, object] = {}
    for names in args.names:
        for seed in args.seeds:
            ds = DataSet(names, seed, args.mentions)
            r, f = bench_one(ds, args.members, holder, args.misses)
            rows += r
            facts[ds.label] = f
            print(table(r), file=sys.stderr, flush=True)
    wall = time.perf_counter() - started
    gaps: dict[str, dict[str, float]] = {}
    for label in facts:
        f1 = {r.system: r.f1 for r in rows if r.data == label}
        gaps[label] = {s: round(f1[f"network ({s})"] - f1["private (clusters)"], 4)
                       for s in ("alerts", "chained", "alerts + chained")}
    report = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "wall_seconds": round(wall, 1),
              "load_average": os.getloadavg(), "threshold": net.MATCH_THRESHOLD, "kinds": list(net.KINDS),
              "facts": facts, "gap_network_minus_private": gaps, "rows": [asdict(r) for r in rows]}
    (OUT / "results.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    text = table(rows) + "\n\n" + "\n".join(
        f"- {k}: F1 − private (clusters): alerts {v['alerts']:+.4f}, chained {v['chained']:+.4f}, "
        f"alerts + chained {v['alerts + chained']:+.4f}; {facts[k]}"
        for k, v in gaps.items()) + f"\n\nwall {wall:.0f} s\n"
    (OUT / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
