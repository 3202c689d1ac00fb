"""A small generator of labelled mentions with the variation the linkage engine must handle.

Used by the quality tests; the full benchmark generator lives in bench/linkage/.
"""

from __future__ import annotations

import datetime as dt
import random

from aigaq.linkage import Mention

GIVEN = [
    "Нұрлан",
    "Жәнібек",
    "Ержан",
    "Серік",
    "Қайрат",
    "Асхат",
    "Мұрат",
    "Бауыржан",
    "Дәурен",
    "Ерлан",
    "Талғат",
    "Айдос",
    "Бекзат",
    "Ғалым",
    "Әділ",
    "Азамат",
    "Болат",
    "Марат",
    "Тимур",
    "Ақжол",
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Евгений",
    "Игорь",
    "Владимир",
    "Максим",
]
SURNAME = [
    "Ахметов",
    "Сейітов",
    "Жұмабаев",
    "Оспанов",
    "Қасымов",
    "Серікбаев",
    "Төлеуов",
    "Әбдіров",
    "Нұрмағамбетов",
    "Исаев",
    "Бекмұхамедов",
    "Құдайбергенов",
    "Шәріпов",
    "Ғабдуллин",
    "Иванов",
    "Петров",
    "Смирнов",
    "Ким",
    "Цой",
    "Мұхамеджанов",
    "Жақсылықов",
    "Үсенов",
    "Өтебаев",
    "Рахымжанов",
    "Байжанов",
    "Тоқтаров",
    "Ыбыраев",
    "Есенов",
    "Сұлтанов",
    "Қалиев",
]
CITIES = [
    ["Алматы", "Almaty", "Алма-Ата"],
    ["Орал", "Уральск", "Oral"],
    ["Астана", "Nur-Sultan", "Астана"],
    ["Шымкент", "Shymkent", "Шымкент"],
    ["Өскемен", "Усть-Каменогорск", "Oskemen"],
]

_KK_TO_RU = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "Ә": "А",
        "Ғ": "Г",
        "Қ": "К",
        "Ң": "Н",
        "Ө": "О",
        "Ұ": "У",
        "Ү": "У",
        "І": "И",
    }
)
_ICAO = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ы": "y",
    "ь": "",
    "ъ": "ie",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
_KZ2021 = {
    "ә": "ä",
    "ғ": "ğ",
    "қ": "q",
    "ң": "ñ",
    "ө": "ö",
    "ұ": "ū",
    "ү": "ü",
    "і": "ı",
    "ж": "j",
    "ш": "ş",
    "й": "i",
    "у": "u",
    "х": "h",
    "ы": "y",
    "ч": "ch",
}


def russian(word: str) -> str:
    return word.translate(_KK_TO_RU)


def icao(word: str) -> str:
    return "".join(_ICAO.get(c, c) for c in russian(word).lower()).upper()


def kz2021(word: str) -> str:
    out = "".join(_KZ2021.get(c, _ICAO.get(c, c)) for c in word.lower())
    return out[:1].upper() + out[1:]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def render_name(given: str, surname: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.3:
        g, s = given, surname
    elif style < 0.55:
        g, s = russian(given), russian(surname)
    elif style < 0.75:
        g, s = icao(given), icao(surname)
    elif style < 0.85:
        g, s = kz2021(given), kz2021(surname)
    else:
        g, s = russian(given), russian(surname)
        if s.endswith(("ов", "ев")) and rng.random() < 0.5:
            s = s[:-2]
        if rng.random() < 0.5:
            return f"{s} {g[0]}."
    if rng.random() < 0.1:
        s = _typo(s, rng)
    return f"{s} {g}" if rng.random() < 0.4 else f"{g} {s}"


def _phone(digits: str, rng: random.Random) -> str:
    fmt = rng.randrange(3)
    if fmt == 0:
        return f"+7 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"
    if fmt == 1:
        return f"8 {digits[:3]} {digits[3:6]} {digits[6:]}"
    return f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"


def generate(persons: int, seed: int = 7) -> tuple[list[Mention], dict[str, str]]:
    """Mentions and {mention id: person id}; about a fifth of persons have 2–4 mentions."""
    rng = random.Random(seed)
    mentions: list[Mention] = []
    labels: dict[str, str] = {}
    for p in range(persons):
        # Skewed name choice: a few combinations recur, as common names do.
        given = GIVEN[min(int(rng.expovariate(0.15)), len(GIVEN) - 1)]
        surname = SURNAME[min(int(rng.expovariate(0.12)), len(SURNAME) - 1)]
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
        phone = "70" + str(rng.randrange(10**8)).zfill(8)
        city = rng.choice(CITIES)
        n = 1 if rng.random() < 0.8 else rng.randint(2, 4)
        for k in range(n):
            mid = f"p{p}-m{k}"
            incident = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(365 * 6))
            age = incident.year - born.year - ((incident.month, incident.day) < (born.month, born.day))
            m = Mention(id=mid, full_name=render_name(given, surname, rng), city=rng.choice(city))
            if rng.random() < 0.5:
                m.phones = [_phone(phone, rng)]
            if rng.random() < 0.4:
                m.birth_date = born.isoformat()
            elif rng.random() < 0.7:
                m.age_at_incident = max(14, age + rng.choice((-1, 0, 0, 0, 1)))
                m.incident_date = incident.isoformat()
            mentions.append(m)
            labels[mid] = f"p{p}"
    rng.shuffle(mentions)
    return mentions, labels
