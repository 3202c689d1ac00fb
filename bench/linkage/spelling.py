"""Spellings of one Kazakh-Cyrillic name in the alphabets and romanisations used in Kazakhstan.

Tables follow ../shared/research/domain-kz.md §4. All functions take and return lower case; the
generator applies capitalisation afterwards, as a caseworker would.
"""

import random

# Kazakh letters Russian writers replace (Инструкция по русской передаче казахских антропонимов).
_KK_TO_RU = str.maketrans({"ә": "а", "ө": "о", "ү": "у", "ұ": "у", "қ": "к", "ң": "н", "ғ": "г", "һ": "х",
                           "і": "и"})

_COMMON = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "з": "z", "к": "k", "л": "l",
           "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ф": "f", "ы": "y",
           "ъ": "", "ь": "", "э": "e", "у": "u", "и": "i"}

LATIN_2017 = {**_COMMON, "ә": "a'", "ғ": "g'", "ж": "j", "и": "i'", "й": "i'", "і": "i", "қ": "q", "ң": "n'",
              "ө": "o'", "у": "y'", "ұ": "u", "ү": "u'", "х": "h", "һ": "h", "ш": "s'", "ч": "c'", "ц": "ts",
              "щ": "s'", "ё": "io", "ю": "i'y'", "я": "i'a"}
LATIN_2018 = {**_COMMON, "ә": "á", "ғ": "ǵ", "ж": "j", "и": "ı", "й": "ı", "і": "i", "қ": "q", "ң": "ń",
              "ө": "ó", "у": "ý", "ұ": "u", "ү": "ú", "х": "h", "һ": "h", "ш": "sh", "ч": "ch", "ц": "ts",
              "щ": "sh", "ё": "ıo", "ю": "ıý", "я": "ıa"}
LATIN_2021 = {**_COMMON, "ә": "ä", "ғ": "ğ", "ж": "j", "и": "i", "й": "i", "і": "ı", "қ": "q", "ң": "ñ",
              "ө": "ö", "у": "u", "ұ": "ū", "ү": "ü", "х": "h", "һ": "h", "ш": "ş", "ч": "ch", "ц": "ts",
              "щ": "şş", "ё": "io", "ю": "iu", "я": "ia"}
# ICAO 9303 with the reductions Kazakh passports use for Kazakh letters.
ICAO = {**_COMMON, "ә": "a", "ғ": "g", "ж": "zh", "и": "i", "й": "i", "і": "i", "қ": "k", "ң": "n", "ө": "o",
        "у": "u", "ұ": "u", "ү": "u", "х": "kh", "һ": "kh", "ш": "sh", "ч": "ch", "ц": "ts", "щ": "shch",
        "ё": "e", "ю": "iu", "я": "ia", "ъ": "ie"}
# BGN/PCGN and GOST 7.79 A romanise the Russian spelling, so they never see Kazakh letters.
BGN = {**_COMMON, "ж": "zh", "и": "i", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
       "ё": "ë", "ю": "yu", "я": "ya", "ъ": '"', "ь": "'"}
GOST = {**_COMMON, "ж": "ž", "и": "i", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "ŝ", "ё": "ë",
        "ю": "û", "я": "â", "ъ": "ʺ", "ь": "ʹ", "э": "è"}

_VOWELS = set("аеёиоуыэюяәөүұі")

# Cyrillic letters that have a Latin twin on the same key or the same glyph; people typing on a
# phone with two layouts mix them inside one word.
LOOKALIKE = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k",
             "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
             "Т": "T", "Х": "X", "У": "Y"}


def to_russian(word: str, *, soviet_dzh: bool) -> str:
    """Kazakh Cyrillic to the Russian rendering (Жәнібек → Жанибек, or Джанибек with soviet_dzh)."""
    out = word.translate(_KK_TO_RU).replace("йи", "и").replace("йы", "и")
    if soviet_dzh and "ж" in out:
        # Soviet records wrote Дж for Kazakh Ж at the start of a root (Джанибек, Джумабаев).
        out = ("дж" + out[1:]) if out.startswith("ж") else out.replace("ж", "дж", 1)
    return out


def _map(word: str, table: dict[str, str]) -> str:
    return "".join(table.get(ch, ch) for ch in word)


def latin_2017(word: str) -> str:
    return _map(word, LATIN_2017)


def latin_2018(word: str) -> str:
    return _map(word, LATIN_2018)


def latin_2021(word: str) -> str:
    return _map(word, LATIN_2021)


def icao(word: str) -> str:
    return _map(word, ICAO)


def bgn(russian: str) -> str:
    """BGN/PCGN writes е as ye at the start of a word and after a vowel (Евгений → Yevgeniy)."""
    out = []
    for i, ch in enumerate(russian):
        if ch == "е" and (i == 0 or russian[i - 1] in _VOWELS or russian[i - 1] in "ъь"):
            out.append("ye")
        else:
            out.append(BGN.get(ch, ch))
    return "".join(out)


def gost(russian: str) -> str:
    return _map(russian, GOST)


def informal(word: str, rng: random.Random) -> str:
    """How people romanise by ear: each ambiguous letter picks one of its everyday spellings."""
    choices = {"ж": ("zh", "j", "zh"), "х": ("kh", "h"), "й": ("y", "i", "j"), "ю": ("yu", "iu", "u"),
               "я": ("ya", "ia", "a"), "ц": ("ts", "c", "tz"), "ы": ("y", "i"), "щ": ("sch", "shch"),
               "ё": ("e", "yo"), "қ": ("k", "q"), "ғ": ("g", "gh"), "ң": ("n", "ng"), "ә": ("a", "ae"),
               "ө": ("o", "oe"), "ұ": ("u",), "ү": ("u", "ue"), "і": ("i",), "ш": ("sh",), "ч": ("ch",),
               "у": ("u",), "и": ("i",), "һ": ("h",)}
    # One choice per letter per mention, so a writer is consistent within one name.
    picked = {k: rng.choice(v) for k, v in choices.items()}
    dzh = rng.choice(("dzh", "j", "dj"))
    word = word.replace("дж", "\0")
    return _map(word, {**_COMMON, **picked, "\0": dzh})
