"""Splink (DuckDB backend) on a mentions file: the model a competent analyst would build instead of Aigaq.

Names are folded with unidecode (any script to ASCII), lower-cased and split; patronymic-looking
tokens are dropped; the first remaining token is the forename and the last the surname
(ForenameSurnameComparison also scores the two swapped). Phones keep their last 10 digits; handles
lose their URL and "@"; plates lose spaces. Birth year comes from birth_date or from
incident_date minus age. u comes from random sampling, m from EM on two blocking rules, λ from
deterministic rules, as in Splink's own FEBRL4 and 50k-synthetic examples.

    python bench/linkage/run_splink.py MENTIONS.jsonl -o CLUSTERS.jsonl [--threshold 0.5] [--sweep-dir D]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import analyst
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.backends.duckdb import DuckDBAPI

SWEEP = (0.1, 0.3, 0.5, 0.8, 0.9, 0.95, 0.99)


def frame(mentions: list[dict]) -> pd.DataFrame:
    rows = []
    for m in mentions:
        first, last = analyst.name_parts(m.get("full_name"))
        phones = sorted({analyst.phone(p) for p in m.get("phones", [])})
        rows.append({
            "unique_id": m["id"], "first_name": first, "surname": last,
            "first_name_surname_concat": f"{first} {last}" if first and last else None,
            "dob": analyst.full_dob(m), "birth_year": analyst.birth_year(m),
            "phones": phones or None, "phone_key": phones[0] if phones else None,
            "handles": sorted({analyst.handle(h) for h in m.get("handles", [])}) or None,
            "plates": sorted({analyst.plate(p) for p in m.get("plates", [])}) or None,
            "ids": sorted({analyst.digits(i) for i in m.get("iins", []) + m.get("other_ids", [])}) or None,
            "city": analyst.place(m.get("city")), "region": analyst.place(m.get("region")),
            "address": (m.get("address") or "").lower() or None, "sex": m.get("sex"),
        })
    return pd.DataFrame(rows)


def settings(df: pd.DataFrame) -> tuple[SettingsCreator, list, list]:
    """Comparisons and blocking rules for the columns this data set actually fills (≥ 1 %)."""
    filled = {c for c in df.columns if df[c].notna().mean() >= 0.01}
    arrays = [c for c in ("phones", "handles", "plates", "ids") if c in filled]
    birth = cl.CustomComparison(
        [
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("dob"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.ExactMatchLevel("birth_year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1),
            cll.AbsoluteDifferenceLevel("birth_year", 3),
            cll.ElseLevel(),
        ],
        output_column_name="birth",
    )
    comparisons = [
        cl.ForenameSurnameComparison("first_name", "surname",
                                     forename_surname_concat_col_name="first_name_surname_concat"),
        birth,
        *(cl.ArrayIntersectAtSizes(c, [1]) for c in arrays),
        cl.ExactMatch("city").configure(term_frequency_adjustments=True),
    ]
    if "region" in filled:
        comparisons.append(cl.ExactMatch("region").configure(term_frequency_adjustments=True))
    if "sex" in filled:
        comparisons.append(cl.ExactMatch("sex"))
    if df["address"].notna().mean() > 0.3:
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.9, 0.8]))
    rules = [
        block_on("first_name", "surname"),
        "l.first_name = r.surname and l.surname = r.first_name",
        block_on("surname", "birth_year"),
        block_on("first_name", "birth_year"),
        block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
        block_on("surname", "city"),
        *(block_on(c, arrays_to_explode=[c]) for c in arrays),
    ]
    if "dob" in filled:
        rules.append(block_on("dob"))
    if df["address"].notna().mean() > 0.3:
        rules.append(block_on("address"))
    # λ from rules that are nearly always right; exact shared identifiers are, where the data has them.
    deterministic = [block_on("first_name", "surname", "birth_year"),
                     *(block_on(c, arrays_to_explode=[c]) for c in arrays if c in ("phones", "ids"))]
    # EM needs a second rule that does not involve names and still finds mostly matches, so that it can
    # learn the name m values: a shared phone where phones exist, else the date of birth (as Splink's
    # FEBRL4 example does). Blocking on birth year alone let EM drift to a birth-year "cluster".
    # EM cannot block on an exploded array, hence the scalar phone_key (the smallest phone).
    second = (block_on("phone_key") if "phones" in arrays
              else block_on("dob") if "dob" in filled else block_on("birth_year"))
    em_rules = [block_on("first_name", "surname"), second]
    s = SettingsCreator(link_type="dedupe_only", blocking_rules_to_generate_predictions=rules,
                        comparisons=comparisons, retain_intermediate_calculation_columns=False)
    return s, deterministic, em_rules


def run(mentions_path: Path, out: Path, threshold: float, sweep_dir: Path | None, max_pairs: float) -> dict:
    t0 = time.perf_counter()
    with mentions_path.open(encoding="utf-8") as f:
        mentions = [json.loads(line) for line in f if line.strip()]
    df = frame(mentions)
    s, deterministic, em_rules = settings(df)
    db = DuckDBAPI()
    linker = Linker(db.register(df), s, log_level=30)
    t1 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    t2 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min((threshold, *(SWEEP if sweep_dir else ()))))
    t3 = time.perf_counter()
    t4 = t3
    for t in (threshold, *(x for x in SWEEP if sweep_dir and x != threshold)):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=t).as_pandas_dataframe()
        lines = [json.dumps({"id": uid, "cluster": cid}, ensure_ascii=False) + "\n"
                 for uid, cid in zip(clusters["unique_id"], clusters["cluster_id"], strict=True)]
        targets = [out] if t == threshold else []
        if sweep_dir:
            targets.append(sweep_dir / f"clusters-{t}.jsonl")
        for target in targets:
            target.write_text("".join(lines), encoding="utf-8")
        if t == threshold:
            t4 = time.perf_counter()
    return {"prepare_s": t1 - t0, "train_s": t2 - t1, "predict_s": t3 - t2, "cluster_s": t4 - t3,
            "scored_pairs": predictions.as_duckdbpyrelation().count("*").fetchall()[0][0]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mentions", type=Path)
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=0.5, help="match probability to cluster at")
    parser.add_argument("--sweep-dir", type=Path, help=f"also write clusters at {SWEEP} here")
    parser.add_argument("--max-pairs", type=float, default=5e6, help="pairs sampled to estimate u")
    args = parser.parse_args(argv)
    if args.sweep_dir:
        args.sweep_dir.mkdir(parents=True, exist_ok=True)
    stats = run(args.mentions, args.out, args.threshold, args.sweep_dir, args.max_pairs)
    print(json.dumps(stats), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
