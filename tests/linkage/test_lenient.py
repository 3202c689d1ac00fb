"""`aigaq link --lenient`: a real export's bad cells cost that cell, not the file (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aigaq.linkage import InputError, parse_mentions
from aigaq.linkage.cli import main_link, main_link_eval
from aigaq.linkage.mention import Dropped

# Two mentions of one man (same phone) and a third; lines 2, 3 and 5 carry bad cells.
ROWS: list[object] = [
    {"id": "a", "full_name": "Ерлан Сейітов", "phones": ["8 701 555 12 34"], "birth_date": "1985-04-12"},
    {"id": "b", "full_name": "Сейітов Ерлан", "phones": ["+77015551234"], "birth_date": "1985-04-94"},
    {"id": "c", "full_name": "Бауыржан Оспанов", "birth_date": "1990-13", "age_at_incident": 300},
    {"id": "d", "full_name": "Нұрлан Әбілов"},
    {"id": "e", "full_name": 17, "city": "Орал", "phones": ["87011112233", {"n": 1}], "birth_date": "1979-02-30"},
]


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_lenient_parsing_keeps_every_record_and_drops_only_the_bad_values() -> None:
    dropped = Dropped()
    mentions, _ = parse_mentions([json.dumps(r, ensure_ascii=False) for r in ROWS], dropped)
    by_id = {m.id: m for m in mentions}
    assert list(by_id) == ["a", "b", "c", "d", "e"]
    assert by_id["a"].birth_date == "1985-04-12"
    assert by_id["b"].birth_date is None and by_id["b"].phones == ["+77015551234"]
    assert by_id["c"].birth_date is None and by_id["c"].age_at_incident is None
    assert by_id["c"].full_name == "Бауыржан Оспанов"
    assert by_id["e"].full_name is None and by_id["e"].city == "Орал"
    assert by_id["e"].phones == ["87011112233"] and by_id["e"].birth_date is None
    assert dropped.counts == {"birth_date": 3, "age_at_incident": 1, "full_name": 1, "phones": 1}
    assert dropped.lines["birth_date"] == [2, 3, 5]


def test_the_summary_counts_per_field_with_the_first_line_numbers() -> None:
    dropped = Dropped()
    for line_no in range(1, 65):
        dropped.add("birth_date", line_no * 2)
    dropped.add("city", 9)
    assert dropped.summary() == "dropped 65 values: birth_date 64 (lines 2, 4, 6, 8, 10, …); city 1 (line 9)"


@pytest.mark.parametrize(
    "line",
    ["{not json", '["a"]', '{"full_name": "x"}', '{"id": 5, "full_name": "x"}'],
)
def test_lenient_parsing_still_refuses_a_line_that_has_no_usable_record(line: str) -> None:
    with pytest.raises(InputError):
        parse_mentions([line], Dropped())


def test_lenient_parsing_still_refuses_a_repeated_id() -> None:
    with pytest.raises(InputError, match="repeated id"):
        parse_mentions(['{"id": "a"}', '{"id": "a", "birth_date": "1985-99"}'], Dropped())


def test_strict_link_refuses_the_file_naming_line_column_and_reason_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _write(tmp_path / "m.jsonl", ROWS)
    out = tmp_path / "c.jsonl"
    assert main_link([str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 2 (birth_date): malformed date in birth_date" in err
    assert "nothing written" in err and "--lenient" in err
    assert list(tmp_path.iterdir()) == [src]


@pytest.mark.parametrize("private", [False, True])
def test_lenient_link_writes_every_id_links_the_pair_and_reports_the_drops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], private: bool
) -> None:
    src = _write(tmp_path / "m.jsonl", ROWS)
    out = tmp_path / "c.jsonl"
    extra: list[str] = []
    if private:
        key = tmp_path / "org.key"
        key.write_text("ab" * 32, encoding="ascii")
        extra = ["--private", str(key)]
    assert main_link([str(src), "-o", str(out), "--lenient", *extra]) == 0
    clusters = {r["id"]: r["cluster"] for r in map(json.loads, out.read_text().splitlines())}
    assert set(clusters) == {"a", "b", "c", "d", "e"}
    assert clusters["a"] == clusters["b"] != clusters["c"]
    err = capsys.readouterr().err
    assert "dropped 6 values: birth_date 3 (lines 2, 3, 5); age_at_incident 1 (line 3)" in err
    assert "full_name 1 (line 5)" in err and "phones 1 (line 5)" in err


def test_lenient_link_on_a_clean_file_prints_no_drop_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "m.jsonl", [ROWS[0], ROWS[3]])
    assert main_link([str(src), "-o", str(tmp_path / "c.jsonl"), "--lenient"]) == 0
    assert "dropped" not in capsys.readouterr().err


def test_link_eval_takes_lenient_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "m.jsonl", ROWS)
    labels = _write(tmp_path / "l.jsonl", [{"id": "a", "person": "1"}, {"id": "b", "person": "1"}])
    assert main_link_eval([str(src), str(labels)]) == 2
    assert main_link_eval([str(src), str(labels), "--lenient", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["f1"] == 1.0
    assert "dropped 6 values" in captured.err
