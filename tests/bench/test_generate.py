"""The benchmark's mention generator: deterministic, valid input for the engine, realistic structure."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "linkage"
sys.path.insert(0, str(BENCH))

generate = pytest.importorskip("generate")


def _write(tmp_path: Path, seed: int, name: str) -> tuple[Path, Path]:
    mentions, labels = tmp_path / f"{name}.jsonl", tmp_path / f"{name}-labels.jsonl"
    generate.write(600, seed, mentions, labels)
    return mentions, labels


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    a, la = _write(tmp_path, 7, "a")
    b, lb = _write(tmp_path, 7, "b")
    c, _ = _write(tmp_path, 8, "c")
    assert a.read_bytes() == b.read_bytes()
    assert la.read_bytes() == lb.read_bytes()
    assert a.read_bytes() != c.read_bytes()


@pytest.mark.skipif(importlib.util.find_spec("aigaq.linkage") is None, reason="linkage engine not built yet")
def test_every_line_is_accepted_by_the_engine_parser(tmp_path: Path) -> None:
    from aigaq.linkage import parse_mentions

    mentions, labels = _write(tmp_path, 3, "m")
    with mentions.open(encoding="utf-8") as f:
        parsed, unknown = parse_mentions(f)
    label_ids = [json.loads(line)["id"] for line in labels.read_text(encoding="utf-8").splitlines()]
    assert unknown == set()
    assert [m.id for m in parsed] == label_ids


def test_serial_offenders_have_several_mentions_but_most_persons_have_one(tmp_path: Path) -> None:
    _, labels = _write(tmp_path, 3, "m")
    lines = labels.read_text(encoding="utf-8").splitlines()
    per_person = Counter(json.loads(line)["person"] for line in lines)
    sizes = Counter(per_person.values())
    assert sizes[1] > len(per_person) / 2
    assert any(n >= 4 for n in per_person.values())


def test_serial_offenders_appear_months_apart() -> None:
    persons = [p for p in generate.iter_persons(400, 3) if len(p.incidents) >= 2]
    gaps = [(b[0] - a[0]).days for p in persons for a, b in zip(p.incidents, p.incidents[1:], strict=False)]
    assert persons and min(gaps) >= 30


def test_common_names_recur_as_namesakes_born_in_different_years() -> None:
    years = defaultdict(set)
    for p in generate.iter_persons(600, 3):
        years[(p.first, p.surname)].add(p.birth.year)
    assert any(len(y) >= 2 for y in years.values())
    assert len(years[("Нұрлан", "Ахметов")]) >= 2


def test_one_person_is_spelled_in_several_scripts(tmp_path: Path) -> None:
    mentions, labels = _write(tmp_path, 3, "m")
    rows = [json.loads(x) for x in labels.read_text(encoding="utf-8").splitlines()]
    person = {r["id"]: r["person"] for r in rows}
    scripts = defaultdict(set)
    for line in mentions.read_text(encoding="utf-8").splitlines():
        m = json.loads(line)
        if m.get("full_name"):
            scripts[person[m["id"]]].add("cyrillic" if any("а" <= c.lower() <= "я" for c in m["full_name"])
                                         else "latin")
    assert any(len(s) == 2 for s in scripts.values())


def test_iins_carry_a_valid_check_digit(tmp_path: Path) -> None:
    mentions, _ = _write(tmp_path, 3, "m")
    iins = [i.replace(" ", "") for line in mentions.read_text(encoding="utf-8").splitlines()
            for i in json.loads(line).get("iins", [])]
    assert iins
    assert all(generate.iin_check_digit(i[:11]) == int(i[11]) for i in iins)
