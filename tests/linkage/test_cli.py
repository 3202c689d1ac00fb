"""`aigaq link` / `aigaq link-eval` as a caseworker's analyst would run them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aigaq.linkage.cli import _progress, main_link, main_link_eval, pairwise_scores

LINES = [
    {
        "id": "c17-s1",
        "full_name": "Жәнібек Сейітов",
        "phones": ["8 (701) 555-12-34"],
        "age_at_incident": 34,
        "incident_date": "2022-05-01",
        "city": "Орал",
    },
    {
        "id": "c20-s1",
        "full_name": "Сейітов Ж.Н.",
        "phones": ["+7 701 555 12 34"],
        "city": "Уральск",
        "mood": "?",
    },
    {"id": "c21-s1", "full_name": "Бауыржан Оспанов", "plates": ["123 ABC 02"]},
]


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_link_writes_one_cluster_line_per_id_and_pairs_with_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _write(tmp_path / "m.jsonl", LINES)
    out, pairs = tmp_path / "c.jsonl", tmp_path / "p.jsonl"
    assert main_link([str(src), "-o", str(out), "--pairs", str(pairs)]) == 0
    clusters = {r["id"]: r["cluster"] for r in map(json.loads, out.read_text().splitlines())}
    assert set(clusters) == {"c17-s1", "c20-s1", "c21-s1"}
    assert clusters["c17-s1"] == clusters["c20-s1"] != clusters["c21-s1"]
    pair = json.loads(pairs.read_text().splitlines()[0])
    assert {"a", "b", "match_probability", "match_weight", "evidence"} <= set(pair)
    assert "same phone +7 701 555 12 34" in [e["text"] for e in pair["evidence"]]
    err = capsys.readouterr().err
    assert err.count("ignored unknown fields: mood") == 1


def test_bad_input_exits_non_zero_names_the_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "m.jsonl"
    src.write_text(json.dumps(LINES[0]) + "\n" + '{"id": "x", "birth_date": "1985-13-01"}\n', encoding="utf-8")
    out, pairs = tmp_path / "c.jsonl", tmp_path / "p.jsonl"
    assert main_link([str(src), "-o", str(out), "--pairs", str(pairs)]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "malformed date" in err
    assert list(tmp_path.iterdir()) == [src]


def test_empty_input_gives_empty_output(tmp_path: Path) -> None:
    src = tmp_path / "m.jsonl"
    src.write_text("", encoding="utf-8")
    out = tmp_path / "c.jsonl"
    assert main_link([str(src), "-o", str(out)]) == 0
    assert out.read_text() == ""


def test_private_mode_with_a_hex_key_file(tmp_path: Path) -> None:
    src = _write(tmp_path / "m.jsonl", LINES)
    key = tmp_path / "k"
    key.write_text(os.urandom(32).hex() + "\n")
    out, pairs = tmp_path / "c.jsonl", tmp_path / "p.jsonl"
    assert main_link([str(src), "-o", str(out), "--pairs", str(pairs), "--private", str(key)]) == 0
    text = pairs.read_text(encoding="utf-8")
    assert "same phone (keyed token)" in text
    for secret in ("Жәнібек", "Сейітов", "701", "555", "Орал"):
        assert secret not in text


def test_a_short_key_file_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _write(tmp_path / "m.jsonl", LINES)
    key = tmp_path / "k"
    key.write_text("abcd")
    assert main_link([str(src), "-o", str(tmp_path / "c.jsonl"), "--private", str(key)]) == 2
    assert "key file" in capsys.readouterr().err
    assert not (tmp_path / "c.jsonl").exists()


def test_help_explains_the_format_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main_link(["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert '"full_name": "Жәнібек Сейітов"' in text and "--private" in text and "--pairs" in text


def test_link_eval_prints_pairwise_precision_recall_f1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "m.jsonl", LINES)
    labels = _write(
        tmp_path / "l.jsonl",
        [
            {"id": "c17-s1", "person": "p1"},
            {"id": "c20-s1", "person": "p1"},
            {"id": "c21-s1", "person": "p2"},
        ],
    )
    assert main_link_eval([str(src), str(labels), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["precision"] == 1.0 and result["recall"] == 1.0 and result["f1"] == 1.0


def test_pairwise_scores_count_pairs_not_clusters() -> None:
    clusters = {"a": "1", "b": "1", "c": "1", "d": "4"}
    persons = {"a": "x", "b": "x", "c": "y", "d": "y"}
    precision, recall, f1, tp, predicted, true = pairwise_scores(clusters, persons)
    assert (tp, predicted, true) == (1, 3, 2)
    assert precision == pytest.approx(1 / 3) and recall == pytest.approx(1 / 2) and f1 == pytest.approx(0.4)


def test_python_dash_m_runs_the_command(tmp_path: Path) -> None:
    src = _write(tmp_path / "m.jsonl", LINES)
    out = tmp_path / "c.jsonl"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    run = subprocess.run(
        [sys.executable, "-m", "aigaq.linkage", "link", str(src), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert len(out.read_text().splitlines()) == 3
    assert "clusters" in run.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise() -> None:
    tty, plain = _Terminal(), io.StringIO()
    bar, close = _progress(tty)
    bar("scoring", 5, 10)
    close()
    assert "scoring" in tty.getvalue() and "%" in tty.getvalue()
    line, _ = _progress(plain)
    line("scoring", 10, 10)
    assert plain.getvalue() == "[aigaq link] scoring: 10/10\n"
