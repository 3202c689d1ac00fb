"""Generate labelled suspect mentions the way Kazakh case files actually spell them.

Each synthetic person has one canonical identity (Kazakh Cyrillic name, birth date, phones, handles,
plate, IIN, home city). Each of his mentions is what one caseworker wrote down about one incident:
a random alphabet or romanisation, name order, patronymic style, casing, typos, a subset of the
identifiers in a random local format, and either a birth date or an approximate age. Most persons
have one mention; serial offenders have several, months apart and sometimes in other cities. Names
are drawn from Zipf-weighted lists, so common names recur as namesakes with other birth years.

Two name settings (`--names`, and the `names` keyword of generate, iter_persons and write):

- `census` (the default): name frequencies shaped like the published Kazakhstan figures, the
  Bureau of National Statistics' first names of 2024 (Азамат, the commonest man's name, ≈0.94 % of
  Kazakh men) and the Ministry of Justice surnames of 2014 (Ахметов ≈0.65 % of Kazakhs, Ким
  ≈0.7 % of the others), over 1,100 Kazakh men's names and 1,790 Kazakh surnames (see `_weights`
  and names.py for the sources and the fit). Among the 12,142 persons of 20,000 mentions (seed 1)
  two share a whole name about once in 550,000 pairs.
- `stress`: the benchmark's first data set, byte for byte: short lists with a flattened Zipf law,
  the top Kazakh first name ≈9.9 % of Kazakh men, two persons sharing a whole name about once in
  4,600 pairs, far more namesakes than in the real population, on purpose.

Everything else (mentions per person, spellings, typos, identifiers, cities) is the same in both.

    python bench/linkage/generate.py --persons 12000 --seed 1 [--names census|stress] \
        --out-mentions mentions.jsonl --out-labels labels.jsonl

The result is deterministic for a seed and setting (no set or hash ordering is used).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parent))

import spelling
from names import (
    CENSUS_DIMINUTIVES,
    CENSUS_KAZAKH_FEMALE,
    CENSUS_KAZAKH_MALE,
    CENSUS_KAZAKH_SURNAMES,
    CENSUS_RUSSIAN_FEMALE,
    CENSUS_RUSSIAN_MALE,
    CENSUS_RUSSIAN_SURNAMES,
    CITIES,
    DIMINUTIVES,
    KAZAKH_FEMALE,
    KAZAKH_MALE,
    KAZAKH_SURNAMES,
    RUSSIAN_FEMALE,
    RUSSIAN_MALE,
    RUSSIAN_SURNAMES,
    STREETS,
    TRAITS,
)

MOBILE_PREFIXES = ("700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778")
PLATFORMS = ("instagram", "telegram", "tiktok", "vk")
# Plate letters with a Cyrillic twin are over-represented so look-alike typing actually happens.
PLATE_LETTERS = "ABCEHKMOPTXY" * 3 + "DFGILNRSUVZ"
PLATE_CYRILLIC = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
FIRST_INCIDENT = dt.date(2018, 1, 1)
LAST_INCIDENT = dt.date(2026, 10, 31)

SYSTEMS = ("kk", "ru", "l2017", "l2018", "l2021", "icao", "bgn", "gost", "informal")
SYSTEM_WEIGHTS = (24, 30, 4, 4, 6, 11, 6, 3, 12)
LATIN_SYSTEMS = frozenset(SYSTEMS[2:])


NameSetting = Literal["census", "stress"]
NAME_SETTINGS: tuple[NameSetting, ...] = ("census", "stress")
# Fathers' names the census setting keeps out of patronymics: a vowel or -ь at the end, or an
# irregular patronymic (Павлович, Петрович, Львович), which _russian_patronymic would get wrong.
_IRREGULAR_FATHERS = ("Павел", "Пётр", "Лев")


def _zipf(n: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank + 1) ** exponent for rank in range(n)]


def _zipf_mandelbrot(n: int, exponent: float, offset: float) -> list[float]:
    """Weight of rank r (from 1) ∝ (r + offset)^-exponent; offset 0 is Zipf's law."""
    return [1.0 / (rank + 1 + offset) ** exponent for rank in range(n)]


@dataclass
class NameLists:
    kz_male: Sequence[str] = tuple(KAZAKH_MALE)
    kz_female: Sequence[str] = tuple(KAZAKH_FEMALE)
    ru_male: Sequence[str] = tuple(RUSSIAN_MALE)
    ru_female: Sequence[str] = tuple(RUSSIAN_FEMALE)
    kz_surnames: Sequence[str] = tuple(KAZAKH_SURNAMES)
    ru_surnames: Sequence[str] = tuple(RUSSIAN_SURNAMES)
    ru_fathers: Sequence[str] = tuple(n for n in RUSSIAN_MALE if not n.endswith("я"))
    diminutives: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DIMINUTIVES)


def name_lists(names: NameSetting = "census") -> NameLists:
    if names == "stress":
        return NameLists()
    if names != "census":
        raise ValueError(f"unknown name setting {names!r}; expected one of {NAME_SETTINGS}")
    return NameLists(
        kz_male=CENSUS_KAZAKH_MALE, kz_female=CENSUS_KAZAKH_FEMALE, ru_male=CENSUS_RUSSIAN_MALE,
        ru_female=CENSUS_RUSSIAN_FEMALE, kz_surnames=CENSUS_KAZAKH_SURNAMES, ru_surnames=CENSUS_RUSSIAN_SURNAMES,
        ru_fathers=tuple(n for n in CENSUS_RUSSIAN_MALE
                         if n[-1] not in "аеёиоуыэюяь" and n not in _IRREGULAR_FATHERS),
        diminutives=CENSUS_DIMINUTIVES,
    )


def _weights(lists: NameLists, names: NameSetting = "census") -> dict[str, list[float]]:
    """Weights by list order, for both name settings.

    `stress`: Zipf weights flattened so that the commonest name is common but not dominant.
    Exponents give the top Kazakh first name about 9 % of Kazakh men, Александр about 11 % of
    Russian men and the top surnames 6–8 %; two random persons then share a full name about once
    in 4,600 pairs (12,000 persons, seed 1: 48 Нұрлан Ахметовs). That is still far more namesakes
    than in the real population, on purpose, without making a name worthless as evidence.

    `census`: a Zipf–Mandelbrot law, weight of rank r ∝ (r + q)^-s (q = 0 is Zipf's law), fitted
    to the published figures quoted in names.py. Denominators: 13.4 million Kazakhs in the 2021
    census, 70.4 % of the population, 63.1 % in the 2009 census
    (https://aqparat.info/news/2023/11/07/10593416-chislennost_kazahov_uvelichilas_do_13_4.html,
    https://globalnews.kz/kazahstancy-segodnya-druzhba-narodov-vera-raznye-yazyki): about 6.7
    million Kazakh men and as many women; on 1 January 2014, the date of the surname list,
    interpolating 63.1 % (February 2009) and 70.4 % (October 2021) gives 65.9 % of 17,165,200:
    about 11.31 million Kazakhs and 5.85 million others.

    - Kazakh men's names (1,100): Азамат 63,000 of 6.7 M = 0.94 %, Азамат:Марат = 63:50. Pure Zipf
      with s = 0.5 gets that top share over ~2,800 names but makes the head far too steep (rank 3
      at 1/√3 = 58 % of rank 1, published 79 %) and its 136th name ≈0.08 % (5,500 men), where the
      Bureau counts 136 names above 10,000 (0.15 % of Kazakh men). Solving p1 = 0.94 % and p1/p3 =
      1.26 over 1,100 names gives s = 0.531, q = 2.67: Азамат 0.94 %, Серік 0.83 %, Марат 0.75 %,
      113 names above 0.15 % (the rest of the 136 being non-Kazakh names).
    - Kazakh surnames (1,790, pure Zipf): Ахметов 73,627 of 11.31 M Kazakhs = 0.65 %. A least-squares
      Zipf fit of the Ministry's ranks 2–14 (Омаров … Нұрғалиев) gives s ≈ 0.47, which would need
      ~4,000 surnames to keep Ахметов at 0.65 %; over the 1,790 listed s = 0.394 does (rank 10 at
      1/2.5 of rank 1, published 1/2.8; top 15 4.9 % of Kazakhs, published 4.2 %): mid-frequency
      surnames come out somewhat too common, so namesakes are somewhat overstated.
    - Non-Kazakh surnames (769, pure Zipf): Ким 42,274 of 5.85 M = 0.72 % with s = 0.314; Иванов
      (rank 2) then 0.58 %, published 0.67 % (39,296).
    - Russian men's names (109): every non-Kazakh man in the generator has one (28 % of persons,
      29.6 % non-Kazakhs in the 2021 census); for none to beat Азамат, the commonest man's name,
      Александр must stay under 0.72 × 0.94 % / 0.28 ≈ 2.4 % of them. s = 1 (Zipf's own exponent),
      q = 25.3: Александр 2.3 %, the 109th name 0.45 %.
    - Women's names, the same way with smaller lists: Kazakh (182) s = 0.531 as for men and q = 24.9
      so that Аружан (73,000 of 6.7 M) is 1.09 %; Russian (82) s = 1, q = 29.2 so that Елена is
      2.5 %, under Аружан's count as Александр is under Азамат's.
    - Fathers' names have the men's weights (the Russian ones without the names that end in a
      vowel or -ь, or have an irregular patronymic: _IRREGULAR_FATHERS).
    """
    if names == "stress":
        return {
            "kz_male": _zipf(len(lists.kz_male), 0.7), "kz_female": _zipf(len(lists.kz_female), 0.7),
            "ru_male": _zipf(len(lists.ru_male), 0.5), "ru_female": _zipf(len(lists.ru_female), 0.5),
            "kz_surnames": _zipf(len(lists.kz_surnames), 0.6), "ru_surnames": _zipf(len(lists.ru_surnames), 0.6),
            "ru_fathers": _zipf(len(lists.ru_fathers), 0.5),
        }
    ru_male = _zipf_mandelbrot(len(lists.ru_male), 1.0, 25.3)
    by_name = dict(zip(lists.ru_male, ru_male, strict=True))
    return {
        "kz_male": _zipf_mandelbrot(len(lists.kz_male), 0.531, 2.67),
        "kz_female": _zipf_mandelbrot(len(lists.kz_female), 0.531, 24.9),
        "ru_male": ru_male,
        "ru_female": _zipf_mandelbrot(len(lists.ru_female), 1.0, 29.2),
        "kz_surnames": _zipf(len(lists.kz_surnames), 0.394),
        "ru_surnames": _zipf(len(lists.ru_surnames), 0.314),
        "ru_fathers": [by_name[n] for n in lists.ru_fathers],
    }


@dataclass
class Person:
    pid: str
    kazakh: bool
    sex: str
    first: str
    surname: str
    father: str
    birth: dt.date
    home_city: int
    phones: list[str]
    handles: list[tuple[str, str]]
    plate: str | None
    iin: str
    id_card: str
    traits: list[int]
    address: tuple[int, int] | None
    suffixless: bool
    incidents: list[tuple[dt.date, int]] = field(default_factory=list)


def iin_check_digit(first11: str) -> int | None:
    """Kazakhstan IIN control digit; None when the serial yields no valid digit and must be redrawn."""
    digits = [int(c) for c in first11]
    s = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    if s == 10:
        s = sum(d * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
        if s == 10:
            return None
    return s


def make_iin(rng: random.Random, birth: dt.date, sex: str) -> str:
    century = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (1 if sex == "F" else 0)
    while True:
        head = f"{birth:%y%m%d}{century}{rng.randrange(10000):04d}"
        check = iin_check_digit(head)
        if check is not None:
            return f"{head}{check}"


def _female_surname(surname: str) -> str:
    for suffix in ("ов", "ев", "ин", "ёв"):
        if surname.endswith(suffix):
            return surname + "а"
    return surname


def _drop_suffix(surname: str) -> str:
    """Marriage and Family Code art. 194: Kazakhs may drop -ов/-ев/-ин (Сейітов → Сейіт)."""
    for suffix in ("ова", "ева", "ина", "ов", "ев", "ин"):
        if surname.endswith(suffix) and len(surname) > len(suffix) + 2:
            return surname[: -len(suffix)]
    return surname


def _russian_patronymic(father_ru: str, sex: str) -> str:
    # Сергей → Сергеевич, Дмитрий → Дмитриевич, Нурлан → Нурланович; the -вна form drops "ич".
    stem = father_ru[:-1] + "евич" if father_ru.endswith("й") else father_ru + "ович"
    return stem if sex == "M" else stem[:-2] + "на"


def _pick(rng: random.Random, items: Sequence[str], cum_weights: list[float]) -> str:
    # Same draw as rng.choices(items, weights) (which accumulates the weights itself on every call),
    # without the O(n) pass per call over lists of a few thousand names.
    return rng.choices(items, cum_weights=cum_weights)[0]


def _cumulative(weights: dict[str, list[float]]) -> dict[str, list[float]]:
    return {key: list(accumulate(w)) for key, w in weights.items()}


def _mention_count(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.72:
        return 1
    if r < 0.86:
        return 2
    if r < 0.92:
        return 3
    n = 4
    while rng.random() < 0.65 and n < 15:
        n += 1
    return n


def make_person(
    rng: random.Random, pid: str, lists: NameLists, cum: dict[str, list[float]], taken_handles: set[str]
) -> Person:
    """One person; cum holds the cumulative weights of `_weights(lists, …)`."""
    kazakh = rng.random() < 0.72
    sex = "F" if rng.random() < 0.04 else "M"
    if kazakh:
        first = _pick(rng, lists.kz_male if sex == "M" else lists.kz_female,
                      cum["kz_male" if sex == "M" else "kz_female"])
        surname = _pick(rng, lists.kz_surnames, cum["kz_surnames"])
        father = _pick(rng, lists.kz_male, cum["kz_male"])
    else:
        first = _pick(rng, lists.ru_male if sex == "M" else lists.ru_female,
                      cum["ru_male" if sex == "M" else "ru_female"])
        surname = _pick(rng, lists.ru_surnames, cum["ru_surnames"])
        father = _pick(rng, lists.ru_fathers, cum["ru_fathers"])
    suffixless = kazakh and rng.random() < 0.08
    if suffixless:
        surname = _drop_suffix(surname)
    elif sex == "F":
        surname = _female_surname(surname)
    year = min(max(round(rng.gauss(1988, 9)), 1955), 2006)
    birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    home = rng.choices(range(len(CITIES)), [c[1] for c in CITIES])[0]
    n_phones = rng.choices((0, 1, 2), (10, 70, 20))[0]
    phones = [rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}" for _ in range(n_phones)]
    base = spelling.informal(first.lower(), rng) if rng.random() < 0.5 else spelling.icao(surname.lower())
    handles = []
    for _ in range(rng.choices((0, 1, 2), (55, 35, 10))[0]):
        user = rng.choice((base, f"{base}_{rng.randrange(70, 100)}", f"{base}.{rng.randrange(1, 999)}",
                           f"{base}_{CITIES[home][0]}"))
        # A username belongs to one account; "@nurlan" written without its platform must not be
        # shared by two men, so a taken name gets digits appended, as the platforms themselves do.
        while user in taken_handles:
            user += str(rng.randrange(10))
        taken_handles.add(user)
        handles.append((rng.choice(PLATFORMS), user))
    plate = None
    if rng.random() < 0.4:
        letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
        plate = f"{rng.randrange(1, 1000):03d}{letters}{CITIES[home][4]}"
    person = Person(
        pid=pid, kazakh=kazakh, sex=sex, first=first, surname=surname, father=father, birth=birth,
        home_city=home, phones=phones, handles=handles, plate=plate, iin=make_iin(rng, birth, sex),
        id_card="0" + f"{rng.randrange(10**8):08d}",
        traits=rng.sample(range(len(TRAITS)), rng.choice((1, 2))),
        address=(rng.randrange(len(STREETS)), rng.randrange(1, 200)) if rng.random() < 0.5 else None,
        suffixless=suffixless,
    )
    # Incidents follow each other by one to thirteen months, shorter gaps for prolific offenders so
    # that all of them fit between FIRST_INCIDENT and LAST_INCIDENT.
    count = _mention_count(rng)
    span = (LAST_INCIDENT - FIRST_INCIDENT).days
    gaps = [rng.randrange(30, max(31, min(400, span // count))) for _ in range(count - 1)]
    day = FIRST_INCIDENT + dt.timedelta(days=rng.randrange(span - sum(gaps)))
    for k in range(count):
        if k:
            day += dt.timedelta(days=gaps[k - 1])
        travels = rng.random() < (0.2 if k == 0 else 0.35)
        city = rng.choices(range(len(CITIES)), [c[1] for c in CITIES])[0] if travels else home
        person.incidents.append((day, city))
    return person


# --- rendering one mention -------------------------------------------------------------------------


def _render_word(word: str, system: str, rng: random.Random, dzh: bool) -> str:
    w = word.lower()
    if system == "kk":
        return w
    if system == "ru":
        return spelling.to_russian(w, soviet_dzh=dzh)
    if system == "l2017":
        return spelling.latin_2017(w)
    if system == "l2018":
        return spelling.latin_2018(w)
    if system == "l2021":
        return spelling.latin_2021(w)
    if system == "icao":
        return spelling.icao(w)
    if system == "bgn":
        return spelling.bgn(spelling.to_russian(w, soviet_dzh=dzh))
    if system == "gost":
        return spelling.gost(spelling.to_russian(w, soviet_dzh=dzh))
    source = w if rng.random() < 0.3 else spelling.to_russian(w, soviet_dzh=dzh)
    return spelling.informal(source, rng)


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


def _typo(name: str, rng: random.Random) -> str:
    tokens = name.split(" ")
    candidates = [i for i, t in enumerate(tokens) if len(t) >= 4]
    if not candidates:
        return name
    i = rng.choice(candidates)
    t = tokens[i]
    j = rng.randrange(1, len(t) - 1)
    op = rng.randrange(4)
    if op == 0:
        t = t[:j] + t[j + 1 :]
    elif op == 1:
        t = t[:j] + t[j] + t[j:]
    elif op == 2:
        t = t[:j] + t[j + 1] + t[j] + t[j + 2 :]
    else:
        letters = [c for c in name.lower() if c.isalpha()]
        sub = rng.choice(letters)
        t = t[:j] + (sub.upper() if t[j].isupper() else sub) + t[j + 1 :]
    tokens[i] = t
    return " ".join(tokens)


def _lookalikes(name: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(name) if c in spelling.LOOKALIKE]
    chars = list(name)
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        chars[i] = spelling.LOOKALIKE[chars[i]]
    return "".join(chars)


def render_name(
    person: Person, rng: random.Random, diminutives: Mapping[str, tuple[str, ...]] = DIMINUTIVES
) -> str:
    system = rng.choices(SYSTEMS, SYSTEM_WEIGHTS)[0]
    dzh = rng.random() < 0.3

    def word(w: str) -> str:
        return _capitalise(_render_word(w, system, rng, dzh))

    first_word = person.first
    short_forms = diminutives.get(person.first)
    if short_forms and rng.random() < 0.08:
        first_word = rng.choice(short_forms)
    surname = person.surname
    if person.kazakh and not person.suffixless and rng.random() < 0.12:
        surname = _drop_suffix(surname)
    elif person.suffixless and rng.random() < 0.25:
        # Russian-language forms often put the suffix back on a suffixless Kazakh surname.
        surname += "ов" if person.sex == "M" else "ова"
    if person.kazakh and rng.random() < 0.4:
        patronymic = word(person.father + ("ұлы" if person.sex == "M" else "қызы"))
    else:
        patronymic = word(_russian_patronymic(spelling.to_russian(person.father.lower(), soviet_dzh=False),
                                              person.sex))
    first, last = word(first_word), word(surname)
    pattern = rng.choices(
        ("FS", "SF", "SFP", "FPS", "FP", "S_IN", "I_S", "F", "S"), (40, 24, 15, 3, 3, 7, 3, 4, 1))[0]
    parts = {
        "FS": [first, last], "SF": [last, first], "SFP": [last, first, patronymic],
        "FPS": [first, patronymic, last], "FP": [first, patronymic],
        "S_IN": [last, f"{first[:1]}.{patronymic[:1]}." if rng.random() < 0.6 else f"{first[:1]}."],
        "I_S": [f"{first[:1]}.", last], "F": [first], "S": [last],
    }[pattern]
    name = " ".join(parts)
    if system == "icao" and rng.random() < 0.8:
        name = name.upper()
    else:
        case = rng.random()
        name = name.upper() if case < 0.2 else name.lower() if case < 0.3 else name
    if rng.random() < 0.08:
        name = _typo(name, rng)
    if system not in LATIN_SYSTEMS and rng.random() < 0.06:
        name = _lookalikes(name, rng)
    return name


def render_phone(national: str, rng: random.Random) -> str:
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    return rng.choice((
        f"+7 {a} {b} {c} {d}", f"+7{national}", f"8{national}", f"8 ({a}) {b}-{c}-{d}",
        f"8-{a}-{b}-{c}-{d}", f"+7 ({a}) {b}-{c}-{d}", f"8 {a} {b} {c}{d}", f"+7-{a}-{b}-{c}-{d}",
        f"8 ({a}) {b}{c}{d}",
    ))


def render_handle(platform: str, user: str, rng: random.Random) -> str:
    forms = {
        "instagram": (f"@{user}", f"https://instagram.com/{user}", f"www.instagram.com/{user}/",
                      f"https://www.instagram.com/{user}?igsh=MWx0dn"),
        "telegram": (f"@{user}", f"t.me/{user}", f"https://t.me/{user}"),
        "tiktok": (f"@{user}", f"https://www.tiktok.com/@{user}", f"tiktok.com/@{user}"),
        "vk": (f"vk.com/{user}", f"https://vk.com/{user}", f"https://m.vk.com/{user}"),
    }[platform]
    return rng.choice(forms)


def render_plate(plate: str, rng: random.Random) -> str:
    digits, letters, region = plate[:3], plate[3:6], plate[6:]
    if rng.random() < 0.25:
        letters = letters.translate(PLATE_CYRILLIC)
    if rng.random() < 0.2:
        letters = letters.lower()
    sep = rng.choice((" ", "", " ", "-"))
    return f"{digits}{sep}{letters}{sep}{region}"


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def render_mention(
    person: Person, k: int, rng: random.Random, diminutives: Mapping[str, tuple[str, ...]] = DIMINUTIVES
) -> dict[str, object]:
    day, city = person.incidents[k]
    m: dict[str, object] = {}
    phones = [render_phone(p, rng) for p in person.phones if rng.random() < 0.4]
    handles = [render_handle(pl, u, rng) for pl, u in person.handles if rng.random() < 0.3]
    plates = [render_plate(person.plate, rng)] if person.plate and rng.random() < 0.2 else []
    # A survivor may know only a phone, a profile or a car; never drop the only identifier left.
    if not (rng.random() < 0.06 and (phones or handles or plates)):
        m["full_name"] = render_name(person, rng, diminutives)
    if rng.random() < 0.08:
        nick = diminutives.get(person.first)
        m["aliases"] = [rng.choice(nick) if nick else render_name(person, rng, diminutives)]
    for key, values in (("phones", phones), ("handles", handles), ("plates", plates)):
        if values:
            m[key] = values
    if rng.random() < 0.06:
        m["iins"] = [person.iin if rng.random() < 0.9 else f"{person.iin[:6]} {person.iin[6:]}"]
    if rng.random() < 0.02:
        m["other_ids"] = [rng.choice((person.id_card, f"№{person.id_card}"))]
    r = rng.random()
    birth = person.birth
    if r < 0.12:
        if birth.day <= 12 and rng.random() < 0.1:
            m["birth_date"] = f"{birth.year:04d}-{birth.day:02d}-{birth.month:02d}"  # day/month swapped
        else:
            m["birth_date"] = birth.isoformat()
    elif r < 0.15:
        m["birth_date"] = f"{birth:%Y-%m}"
    elif r < 0.28:
        m["birth_date"] = f"{birth.year:04d}"
    elif r < 0.68:
        # Survivors estimate age; most estimates are right, some are a year or three off.
        error = rng.choices((0, 1, -1, 2, -2, 3, -3), (80, 6, 6, 2.5, 2.5, 1.5, 1.5))[0]
        m["age_at_incident"] = _age(birth, day) + error
    if rng.random() < 0.9 or "age_at_incident" in m:
        m["incident_date"] = day.isoformat()
    if rng.random() < 0.55:
        m["sex"] = person.sex
    if rng.random() < 0.85:
        m["city"] = rng.choice(CITIES[city][2])
    if rng.random() < 0.25:
        m["region"] = rng.choice(CITIES[city][3])
    if person.address and rng.random() < 0.1:
        street, house = STREETS[person.address[0]], person.address[1]
        russian = spelling.to_russian(street.lower(), soviet_dzh=False).title()
        latin = spelling.icao(street.lower()).title()
        m["address"] = rng.choice(
            (f"ул. {russian}, {house}", f"{street} көшесі, {house}", f"{latin} st. {house}"))
    if rng.random() < 0.25:
        lang = rng.randrange(3)
        m["description"] = "; ".join(TRAITS[t][lang] for t in person.traits)
    return m


def generate(
    persons: int, seed: int, *, mentions: int | None = None, names: NameSetting = "census"
) -> Iterator[tuple[str, str]]:
    """Yield (mention, person id) pairs, mentions as dicts without ids, in person order.

    With `mentions`, persons are drawn until that many mentions exist and the last one is cut short.
    `names` picks the name lists and weights ("census" or "stress", see the module docstring).
    """
    rng = random.Random(seed)
    lists = name_lists(names)
    cum = _cumulative(_weights(lists, names))
    produced = 0
    n = 0
    taken: set[str] = set()
    while (mentions is None and n < persons) or (mentions is not None and produced < mentions):
        person = make_person(rng, f"p{n:07d}", lists, cum, taken)
        n += 1
        for k in range(len(person.incidents)):
            if mentions is not None and produced >= mentions:
                break
            produced += 1
            yield json.dumps(render_mention(person, k, rng, lists.diminutives), ensure_ascii=False), person.pid


def iter_persons(persons: int, seed: int, *, names: NameSetting = "census") -> Iterator[Person]:
    """The persons behind `generate(persons, seed, names=names)` without their mentions (for tests
    and analysis)."""
    rng = random.Random(seed)
    lists = name_lists(names)
    cum = _cumulative(_weights(lists, names))
    taken: set[str] = set()
    for n in range(persons):
        person = make_person(rng, f"p{n:07d}", lists, cum, taken)
        for k in range(len(person.incidents)):
            render_mention(person, k, rng, lists.diminutives)  # keep the random stream identical to generate()
        yield person


def write(
    persons: int, seed: int, out_mentions: Path, out_labels: Path, *, mentions: int | None = None,
    names: NameSetting = "census",
) -> int:
    rows = list(generate(persons, seed, mentions=mentions, names=names))
    # Shuffle so that file order says nothing about who is who; ids are then assigned in file order.
    random.Random(seed + 1).shuffle(rows)
    width = max(6, len(str(len(rows))))
    with out_mentions.open("w", encoding="utf-8") as fm, out_labels.open("w", encoding="utf-8") as fl:
        for i, (body, pid) in enumerate(rows):
            mid = f"m{i:0{width}d}"
            fm.write(f'{{"id": "{mid}", {body[1:]}\n' if body != "{}" else f'{{"id": "{mid}"}}\n')
            fl.write(f'{{"id": "{mid}", "person": "{pid}"}}\n')
    return len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=12000)
    parser.add_argument("--mentions", type=int, help="stop at exactly this many mentions instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--names", choices=NAME_SETTINGS, default="census",
                        help="census: published name frequencies; stress: the first, namesake-heavy set")
    parser.add_argument("--out-mentions", type=Path, required=True)
    parser.add_argument("--out-labels", type=Path, required=True)
    args = parser.parse_args(argv)
    n = write(args.persons, args.seed, args.out_mentions, args.out_labels, mentions=args.mentions,
              names=args.names)
    print(f"wrote {n} mentions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
