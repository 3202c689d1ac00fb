"""The benchmark's mention generator: deterministic, valid input for the engine, realistic structure,
in both name settings (census frequencies and the namesake-heavy stress set)."""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from aigaq.linkage import parse_mentions

BENCH = Path(__file__).resolve().parents[2] / "bench" / "linkage"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/linkage, on the path since the line above)

SETTINGS = pytest.mark.parametrize("names", ["census", "stress"])


def _write(tmp_path: Path, seed: int, name: str, names: str = "census") -> tuple[Path, Path]:
    mentions, labels = tmp_path / f"{name}.jsonl", tmp_path / f"{name}-labels.jsonl"
    generate.write(600, seed, mentions, labels, names=names)
    return mentions, labels


@pytest.fixture(scope="module")
def census_persons() -> list:
    return list(generate.iter_persons(20000, 1, names="census"))


@SETTINGS
def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path, names: str) -> None:
    a, la = _write(tmp_path, 7, "a", names)
    b, lb = _write(tmp_path, 7, "b", names)
    c, _ = _write(tmp_path, 8, "c", names)
    assert a.read_bytes() == b.read_bytes()
    assert la.read_bytes() == lb.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_the_stress_set_is_byte_for_byte_the_first_benchmark_data_set(tmp_path: Path) -> None:
    # Hashes of the generator before the census setting existed (commit 34dd5db, 600 persons,
    # seed 7): nobody changes the stress set by accident.
    mentions, labels = _write(tmp_path, 7, "s", "stress")
    assert hashlib.sha256(mentions.read_bytes()).hexdigest() == (
        "2eac11a3cea3c5d47e287cdc8de761a8b6286327be5a80bd4f1731f268daea81")
    assert hashlib.sha256(labels.read_bytes()).hexdigest() == (
        "856c96d37d7c03d477f341859438d3b67dbd1398fd6874dae8354b5a24984c6c")


def test_census_is_the_default_and_differs_from_stress(tmp_path: Path) -> None:
    default, _ = _write(tmp_path, 7, "d")
    census, _ = _write(tmp_path, 7, "c", "census")
    stress, _ = _write(tmp_path, 7, "s", "stress")
    assert default.read_bytes() == census.read_bytes() != stress.read_bytes()


def test_an_unknown_name_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="census"):
        next(generate.generate(10, 1, names="real"))


@SETTINGS
def test_every_line_is_accepted_by_the_engine_parser(tmp_path: Path, names: str) -> None:
    mentions, labels = _write(tmp_path, 3, "m", names)
    with mentions.open(encoding="utf-8") as f:
        parsed, unknown = parse_mentions(f)
    label_ids = [json.loads(line)["id"] for line in labels.read_text(encoding="utf-8").splitlines()]
    assert unknown == set()
    assert [m.id for m in parsed] == label_ids


@SETTINGS
def test_serial_offenders_have_several_mentions_but_most_persons_have_one(tmp_path: Path, names: str) -> None:
    _, labels = _write(tmp_path, 3, "m", names)
    lines = labels.read_text(encoding="utf-8").splitlines()
    per_person = Counter(json.loads(line)["person"] for line in lines)
    sizes = Counter(per_person.values())
    assert sizes[1] > len(per_person) / 2
    assert any(n >= 4 for n in per_person.values())


@SETTINGS
def test_serial_offenders_appear_months_apart(names: str) -> None:
    persons = [p for p in generate.iter_persons(400, 3, names=names) if len(p.incidents) >= 2]
    gaps = [(b[0] - a[0]).days for p in persons for a, b in zip(p.incidents, p.incidents[1:], strict=False)]
    assert persons and min(gaps) >= 30


def test_common_names_recur_as_namesakes_born_in_different_years() -> None:
    years = defaultdict(set)
    for p in generate.iter_persons(600, 3, names="stress"):
        years[(p.first, p.surname)].add(p.birth.year)
    assert any(len(y) >= 2 for y in years.values())
    assert len(years[("Нұрлан", "Ахметов")]) >= 2


def test_census_names_still_have_namesakes_but_far_fewer(census_persons: list) -> None:
    years = defaultdict(set)
    for p in census_persons:
        years[(p.first, p.surname)].add(p.birth.year)
    census = Counter((p.first, p.surname) for p in census_persons[:5000])
    stress = Counter((p.first, p.surname) for p in generate.iter_persons(5000, 1, names="stress"))
    pairs = {k: sum(n * (n - 1) // 2 for n in c.values()) for k, c in (("census", census), ("stress", stress))}
    assert any(len(y) >= 2 for y in years.values())
    assert 0 < pairs["census"] * 20 < pairs["stress"]


def test_census_shares_match_the_published_figures(census_persons: list) -> None:
    """Азамат is 0.94 % of Kazakh men (2021 census), Ахметов 0.65 % of Kazakhs (Ministry of Justice)."""
    men = [p for p in census_persons if p.kazakh and p.sex == "M"]
    kazakhs = [p for p in census_persons if p.kazakh]
    first, n_first = Counter(p.first for p in men).most_common(1)[0]
    surname, n_surname = Counter(p.surname for p in kazakhs).most_common(1)[0]
    assert 0.005 <= n_first / len(men) <= 0.015, (first, n_first / len(men))
    assert 0.003 <= n_surname / len(kazakhs) <= 0.008, (surname, n_surname / len(kazakhs))


def test_census_weights_put_the_published_head_first() -> None:
    lists = generate.name_lists("census")
    weights = generate._weights(lists, "census")

    def share(key: str) -> float:
        return weights[key][0] / sum(weights[key])

    assert lists.kz_male[:3] == ("Азамат", "Серік", "Марат")
    assert lists.kz_surnames[:3] == ("Ахметов", "Омаров", "Оспанов")
    assert lists.ru_surnames[:2] == ("Ким", "Иванов")
    assert 0.009 < share("kz_male") < 0.0098
    assert 0.0062 < share("kz_surnames") < 0.0068
    assert share("ru_male") < 0.024  # Александр under Азамат's count among all men
    assert len(lists.ru_fathers) == len(weights["ru_fathers"])
    for key, names in (("kz_male", lists.kz_male), ("kz_surnames", lists.kz_surnames),
                       ("ru_male", lists.ru_male), ("ru_surnames", lists.ru_surnames)):
        assert len(set(names)) == len(names) == len(weights[key]), key


def test_census_diminutives_keep_working_for_the_head() -> None:
    lists = generate.name_lists("census")
    for name in ("Азамат", "Нұрлан", "Александр", "Сергей"):
        assert lists.diminutives[name] == generate.DIMINUTIVES[name]
        assert name in lists.kz_male[:100] + tuple(lists.ru_male[:20])


def test_every_census_name_is_well_formed_and_spelled_in_every_system() -> None:
    lists = generate.name_lists("census")
    alphabet = re.compile(r"^[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+$")
    cyrillic, kazakh_letters = re.compile(r"[а-яёәғқңөұүһі]"), re.compile(r"[әғқңөұүһі]")
    words = [*lists.kz_male, *lists.kz_female, *lists.ru_male, *lists.ru_female,
             *lists.kz_surnames, *lists.ru_surnames]
    words += [generate._female_surname(s) for s in (*lists.kz_surnames, *lists.ru_surnames)]
    words += [n + "ұлы" for n in lists.kz_male]
    rng = random.Random(0)
    for word in words:
        assert alphabet.match(word), word
        for system in generate.SYSTEMS:
            out = generate._render_word(word, system, rng, False)
            if system in generate.LATIN_SYSTEMS:
                assert not cyrillic.search(out), (word, system, out)
            elif system == "ru":
                assert not kazakh_letters.search(out), (word, system, out)
    # Men's names can be fathers' names: no vowel at the end, so -ұлы and -ович/-евич apply.
    assert all(n[-1] not in "аәеиоөұүыіэюя" for n in lists.kz_male)
    assert all(n[-1] not in "аеёиоуыэюяь" for n in lists.ru_fathers)


@SETTINGS
def test_one_person_is_spelled_in_several_scripts(tmp_path: Path, names: str) -> None:
    mentions, labels = _write(tmp_path, 3, "m", names)
    rows = [json.loads(x) for x in labels.read_text(encoding="utf-8").splitlines()]
    person = {r["id"]: r["person"] for r in rows}
    scripts = defaultdict(set)
    for line in mentions.read_text(encoding="utf-8").splitlines():
        m = json.loads(line)
        if m.get("full_name"):
            scripts[person[m["id"]]].add("cyrillic" if any("а" <= c.lower() <= "я" for c in m["full_name"])
                                         else "latin")
    assert any(len(s) == 2 for s in scripts.values())


@SETTINGS
def test_iins_carry_a_valid_check_digit(tmp_path: Path, names: str) -> None:
    mentions, _ = _write(tmp_path, 3, "m", names)
    iins = [i.replace(" ", "") for line in mentions.read_text(encoding="utf-8").splitlines()
            for i in json.loads(line).get("iins", [])]
    assert iins
    assert all(generate.iin_check_digit(i[:11]) == int(i[11]) for i in iins)
