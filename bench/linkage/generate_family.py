"""A second generator: families, new phones in new cities, and caseworker shorthand (issue 17).

generate.py and the engine were tuned together, so its figures flatter the engine. This generator
shares only facts with it — the census name lists and their published frequencies (names.py,
sources there), the transliteration tables (spelling.py) and the cities — and draws everything
else its own way, after a different reading of how case files are written:

- **Families.** A quarter of the men have a relative in the data, from the same city: a brother
  (same surname, same father, born 2–8 years apart) or a son. Kazakh sons often carry a surname
  made from the father's forename (Рамазан Ахметов's son is Ерлан Рамазанов) — the traditional
  form, which the Marriage and Family Code art. 194 allows beside the inherited one — so
  surnames and forenames recur across two men of one family.
- **A new phone in a new city.** Each man has one to three phones over the years and changes
  phone when he moves; a mention gives the phone of its time in 45 % of cases, so pairs that share
  no identifier are the usual case.
- **Handles that carry the surname**: abaev_k, k.abaev, abaev1987, kairat_almaty, kairat777.
- **Shorthand**: forename only (often an everyday form: Ерик, Нурик), surname with initials,
  surname only, forename with the patronymic (Kazakh -ұлы or Russian -ович), nothing at all;
  aliases; typos; mixed scripts (Kazakh and Russian Cyrillic, ICAO, Latin 2021, informal).
- **Birth**: a document date 15 %, a year 10 %, an age the survivor estimated 45 % (off by up to
  five years, more often than generate.py assumes), nothing 30 %.

    python bench/linkage/generate_family.py --mentions 20000 --seed 1 \
        --out-mentions family.jsonl --out-labels family-labels.jsonl

Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import spelling
from generate import _cumulative, _pick, _russian_patronymic, _weights, name_lists, render_phone
from names import CITIES

START, END = dt.date(2017, 1, 1), dt.date(2026, 10, 31)
SCRIPTS = ("kk", "ru", "icao", "l2021", "informal")
SCRIPT_WEIGHTS = (30, 40, 14, 6, 10)
PATTERNS = ("SFP", "SF", "FS", "F", "S_IN", "FP", "S", "none")
PATTERN_WEIGHTS = (20, 25, 20, 12, 8, 5, 3, 7)


@dataclass
class Man:
    pid: str
    kazakh: bool
    first: str
    surname: str
    father: str
    birth: dt.date
    city: int
    phones: list[str]
    handle: str | None


def _surname_from(forename: str) -> str:
    """Рамазан → Рамазанов, Ерғали → Ерғалиев: the surname a son may take from his father."""
    return forename + ("ев" if forename[-1] in "аеиіоуыэюяй" else "ов")


def _latin(word: str) -> str:
    return spelling.icao(word.lower())


def _handle(rng: random.Random, first: str, surname: str, birth: dt.date, city: int, taken: set[str]) -> str:
    s, f = _latin(surname), _latin(first)
    h = rng.choice((f"{s}_{f[:1]}", f"{f[:1]}.{s}", f"{s}{birth.year}", f"{f}_{CITIES[city][0]}",
                    f"{f}{rng.randrange(100, 1000)}"))  # fmt: skip
    while h in taken:
        h += str(rng.randrange(10))
    taken.add(h)
    return h


def _phones(rng: random.Random) -> list[str]:
    prefixes = ("700", "701", "702", "705", "707", "747", "771", "775", "777", "778")
    return [rng.choice(prefixes) + f"{rng.randrange(10**7):07d}" for _ in range(rng.choice((1, 1, 2, 3)))]


def _man(rng: random.Random, pid: str, taken: set[str], *, kazakh: bool, first: str,
         surname: str, father: str, birth: dt.date, city: int) -> Man:  # fmt: skip
    handle = _handle(rng, first, surname, birth, city, taken) if rng.random() < 0.4 else None
    return Man(pid, kazakh, first, surname, father, birth, city, _phones(rng), handle)


def men(rng: random.Random, n: int) -> list[Man]:
    lists = name_lists("census")
    cum = _cumulative(_weights(lists, "census"))
    taken: set[str] = set()
    cities = [c[1] for c in CITIES]
    out: list[Man] = []
    while len(out) < n:
        kazakh = rng.random() < 0.7
        pick = (lambda key, items: _pick(rng, items, cum[key]))  # noqa: E731
        first = pick("kz_male", lists.kz_male) if kazakh else pick("ru_male", lists.ru_male)
        surname = pick("kz_surnames", lists.kz_surnames) if kazakh else pick("ru_surnames", lists.ru_surnames)
        father = pick("kz_male", lists.kz_male) if kazakh else pick("ru_fathers", lists.ru_fathers)
        year = min(max(round(rng.gauss(1986, 10)), 1950), 2006)
        birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        city = rng.choices(range(len(CITIES)), cities)[0]
        man = _man(rng, f"p{len(out):06d}", taken, kazakh=kazakh, first=first, surname=surname,
                   father=father, birth=birth, city=city)  # fmt: skip
        out.append(man)
        if rng.random() < 0.25 and len(out) < n:
            other = pick("kz_male", lists.kz_male) if kazakh else pick("ru_male", lists.ru_male)
            if rng.random() < 0.5:  # a brother
                gap = rng.choice((-1, 1)) * rng.randint(2, 8)
                kin = dict(surname=surname, father=father, birth=birth.replace(year=min(max(year + gap, 1950), 2006)))
            else:  # a son, born when the father was 20–30
                son_year = min(year + rng.randint(20, 30), 2007)
                son_surname = _surname_from(first) if kazakh and rng.random() < 0.4 else surname
                kin = dict(surname=son_surname, father=first, birth=dt.date(son_year, 1, 1) + dt.timedelta(
                    days=rng.randrange(365)))  # fmt: skip
            out.append(_man(rng, f"p{len(out):06d}", taken, kazakh=kazakh, first=other, city=city,
                            **kin))  # type: ignore[arg-type]  # fmt: skip
    return out


def _word(word: str, script: str, rng: random.Random) -> str:
    w = word.lower()
    out = {
        "kk": lambda: w,
        "ru": lambda: spelling.to_russian(w, soviet_dzh=rng.random() < 0.2),
        "icao": lambda: spelling.icao(w),
        "l2021": lambda: spelling.latin_2021(w),
        "informal": lambda: spelling.informal(spelling.to_russian(w, soviet_dzh=False), rng),
    }[script]()
    return out[:1].upper() + out[1:]


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 5:
        return text
    i = rng.randrange(1, len(text) - 1)
    if not text[i].isalpha():
        return text
    dropped, doubled = text[:i] + text[i + 1 :], text[:i] + text[i] + text[i:]
    swapped = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return rng.choice((dropped, doubled, swapped))


def name_text(man: Man, rng: random.Random, diminutives: dict[str, tuple[str, ...]]) -> str | None:
    script = rng.choices(SCRIPTS, SCRIPT_WEIGHTS)[0]
    pattern = rng.choices(PATTERNS, PATTERN_WEIGHTS)[0]
    if pattern == "none":
        return None
    first = man.first
    if diminutives.get(first) and rng.random() < (0.3 if pattern == "F" else 0.05):
        first = rng.choice(diminutives[first])
    f, s = _word(first, script, rng), _word(man.surname, script, rng)
    if man.kazakh and rng.random() < 0.5:
        p = _word(man.father + "ұлы", script, rng)
    else:
        p = _word(_russian_patronymic(spelling.to_russian(man.father.lower(), soviet_dzh=False), "M"), script, rng)
    text = {"SFP": f"{s} {f} {p}", "SF": f"{s} {f}", "FS": f"{f} {s}", "F": f, "S_IN": f"{s} {f[:1]}.{p[:1]}.",
            "FP": f"{f} {p}", "S": s}[pattern]  # fmt: skip
    if rng.random() < 0.25:
        text = text.upper()
    return _typo(text, rng) if rng.random() < 0.06 else text


def mention(man: Man, day: dt.date, city: int, phone: str | None, rng: random.Random,
            diminutives: dict[str, tuple[str, ...]]) -> dict[str, object]:  # fmt: skip
    m: dict[str, object] = {}
    name = name_text(man, rng, diminutives)
    if name:
        m["full_name"] = name
    if rng.random() < 0.1:
        nick = diminutives.get(man.first)
        m["aliases"] = [rng.choice(nick) if nick else _word(man.surname, "ru", rng)]
    if phone and rng.random() < 0.45:
        m["phones"] = [render_phone(phone, rng)]
    if man.handle and rng.random() < 0.25:
        m["handles"] = [rng.choice((f"@{man.handle}", f"https://instagram.com/{man.handle}", f"t.me/{man.handle}"))]
    r = rng.random()
    if r < 0.15:
        m["birth_date"] = man.birth.isoformat()
    elif r < 0.25:
        m["birth_date"] = str(man.birth.year)
    elif r < 0.70:
        age = day.year - man.birth.year - ((day.month, day.day) < (man.birth.month, man.birth.day))
        error = rng.choices((0, 1, -1, 2, -2, 3, -3, 5, -5), (50, 12, 12, 7, 7, 4, 4, 2, 2))[0]
        m["age_at_incident"] = max(14, age + error)
    m["incident_date"] = day.isoformat()
    if rng.random() < 0.85:
        m["city"] = rng.choice(CITIES[city][2])
    return m


def generate(n_mentions: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    lists = name_lists("census")
    diminutives = dict(lists.diminutives)
    rows: list[tuple[str, str]] = []
    cities = [c[1] for c in CITIES]
    for man in men(rng, n_mentions):
        count = rng.choices((1, 2, 3, 4, 5, 6, 8), (65, 18, 8, 4, 2, 2, 1))[0]
        days = sorted(START + dt.timedelta(days=rng.randrange((END - START).days)) for _ in range(count))
        city, phone_at = man.city, 0
        for day in days:
            if rng.random() < 0.2:  # he moved: another city, and often another phone
                city = rng.choices(range(len(CITIES)), cities)[0]
                if rng.random() < 0.7:
                    phone_at += 1
            phone = man.phones[phone_at] if phone_at < len(man.phones) else None
            body = mention(man, day, city, phone, rng, diminutives)
            rows.append((json.dumps(body, ensure_ascii=False), man.pid))
            if len(rows) >= n_mentions:
                return rows
    return rows


def write(n_mentions: int, seed: int, out_mentions: Path, out_labels: Path) -> int:
    rows = generate(n_mentions, seed)
    random.Random(seed + 1).shuffle(rows)
    with out_mentions.open("w", encoding="utf-8") as fm, out_labels.open("w", encoding="utf-8") as fl:
        for i, (body, pid) in enumerate(rows):
            mid = f"f{i:06d}"
            fm.write(f'{{"id": "{mid}", {body[1:]}\n' if body != "{}" else f'{{"id": "{mid}"}}\n')
            fl.write(json.dumps({"id": mid, "person": pid}) + "\n")
    return len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out-mentions", type=Path, required=True)
    parser.add_argument("--out-labels", type=Path, required=True)
    args = parser.parse_args(argv)
    print(f"wrote {write(args.mentions, args.seed, args.out_mentions, args.out_labels)} mentions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
