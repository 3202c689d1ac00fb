"""Normalisers that turn what caseworkers type into comparable canonical values.

Every function here is deterministic and pure, so the plain and the private (keyed) paths
derive exactly the same canonical strings before comparing or encoding them.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import phonenumbers

# --- Cyrillic to a canonical Latin skeleton ---------------------------------------------------
# One Latin spelling per letter, chosen so that the Kazakh and the Russian spelling of one name
# meet: ә/а → a, і/и/й/ы → i, ұ/ү/у → u, қ/к → k, ғ/г → g, ң/н → n, ө/о → o, х/һ → h and ж → j
# (Kazakh Latin J; the ICAO "zh" and Soviet "дж"/"dzh" fold to it below).
_CYR = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "j", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip

# Latin letters that look like Cyrillic ones; inside a mostly Cyrillic word they are typing slips.
_LOOKALIKE_TO_CYR = str.maketrans({
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "k": "к", "m": "м",
    "h": "н", "t": "т", "b": "в", "i": "і", "A": "А", "C": "С", "E": "Е", "O": "О", "P": "Р",
    "X": "Х", "Y": "У", "K": "К", "M": "М", "H": "Н", "T": "Т", "B": "В", "I": "І",
})  # fmt: skip

# Letters of the Kazakh Latin alphabets (2017 apostrophes, 2018 acutes, 2021 diacritics) and of
# GOST 7.79 that carry a sound the plain ASCII fold would lose.
_SPECIAL_LATIN = {
    "ş": "sh", "ç": "ch", "ž": "zh", "č": "ch", "š": "sh", "ŝ": "sh", "û": "iu", "â": "ia",
    "ý": "u", "ı": "i", "ǵ": "g", "ë": "e", "è": "e", "ʺ": "", "ʹ": "", "ß": "ss",
}  # fmt: skip
_APOSTROPHES = "'’`ʼ´‘"
_APOSTROPHE_DIGRAPHS = re.compile(r"([a-z])[" + _APOSTROPHES + "]")
# 2017 alphabet: S' = Ш, C' = Ч, Y' = У; other letter+apostrophe pairs are the plain vowel.
_APOSTROPHE_MAP = {"s": "sh", "c": "ch", "y": "u"}

# Folds applied to the ASCII spelling, longest first, so ICAO/BGN/GOST/informal spellings meet.
_FOLDS = (
    ("shch", "sh"), ("dzh", "j"), ("zh", "j"), ("dj", "j"), ("kh", "h"), ("sch", "sh"),
    ("tch", "ch"), ("ph", "f"), ("ck", "k"), ("q", "k"), ("w", "v"), ("x", "ks"), ("y", "i"),
)  # fmt: skip
_LONE_C = re.compile(r"c(?!h)")
_IE = re.compile(r"ie")
_IO = re.compile(r"io")
_J_AS_I = re.compile(r"(?<=[aeiou])j(?=[^aeiou]|$)")
_DOUBLE = re.compile(r"(.)\1+")
_NON_ALPHA = re.compile(r"[^a-z]")
_VOWELS = re.compile(r"[aeiou]")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def fix_lookalikes(word: str) -> str:
    """Replace Latin look-alike letters inside a word that is mostly Cyrillic ("Сейiтов")."""
    letters = [c for c in word if c.isalpha()]
    cyr = sum(1 for c in letters if _is_cyrillic(c))
    if cyr and cyr >= len(letters) - cyr:
        return word.translate(_LOOKALIKE_TO_CYR)
    return word


@lru_cache(maxsize=262144)
def skeleton(word: str) -> str:
    """Canonical Latin skeleton of one word in any Kazakh/Russian script or romanisation.

    >>> skeleton("Жәнібек") == skeleton("ZHANIBEK") == skeleton("Jänıbek") == skeleton("Джанибек")
    True
    """
    word = fix_lookalikes(word.strip()).lower()
    out = "".join(_CYR.get(c, c) for c in word)
    out = _APOSTROPHE_DIGRAPHS.sub(lambda m: _APOSTROPHE_MAP.get(m.group(1), m.group(1)), out)
    out = "".join(_SPECIAL_LATIN.get(c, c) for c in out)
    out = unicodedata.normalize("NFKD", out)
    out = _NON_ALPHA.sub("", out)
    for old, new in _FOLDS:
        out = out.replace(old, new)
    out = _LONE_C.sub("k", out)
    # GOST writes й as j ("Andrej", "Dmitrij"); after a vowel and before a consonant or the end
    # of the word that j is й, not the Kazakh ж (which stands before vowels in names).
    out = _J_AS_I.sub("i", out)
    # ё is written е, yo, io or ë: Семёнов / Семенов / Semyonov / Semionov all meet at "e".
    out = _IO.sub("e", out)
    out = _IE.sub("e", out)
    return _DOUBLE.sub(r"\1", out)


@lru_cache(maxsize=262144)
def consonant_key(skel: str) -> str:
    """Coarse phonetic key for blocking: first letter plus the following consonants, at most 4."""
    if not skel:
        return ""
    return (skel[0] + _DOUBLE.sub(r"\1", _VOWELS.sub("", skel[1:])))[:4]


# --- Name parsing -------------------------------------------------------------------------------
# Patronymic endings on the skeleton: Russian -ович/-евич/-овна/-евна/-ична and Kazakh -ұлы/-қызы
# (all folded: ұлы/улы/uly → uli, қызы/kyzy/qyzy → kizi).
_RU_PATRONYMIC = ("ovich", "evich", "ovna", "evna", "ichna", "inichna")
_KZ_PATRONYMIC = ("uli", "kizi")
# Surname endings the Marriage and Family Code (art. 194) lets Kazakhs drop; longest first.
_SURNAME_SUFFIXES = ("skaia", "skii", "ova", "eva", "ov", "ev", "ina", "in")
_TOKEN_SPLIT = re.compile(r"[\s,;/()\"«»\-–—_]+")


@dataclass(frozen=True, slots=True)
class NameToken:
    """One word of a name: its skeleton, its stem (suffixes removed) and what kind of word it is."""

    skel: str
    stem: str
    kind: str  # "name", "patronymic" (Russian -ович/-овна) or "initial"


def stem_of(skel: str) -> tuple[str, str]:
    """(stem, kind) of a skeleton: strips patronymic or surname suffixes, keeping ≥3 letters."""
    for suf in _RU_PATRONYMIC:
        if skel.endswith(suf) and len(skel) - len(suf) >= 3:
            return skel[: -len(suf)], "patronymic"
    for suf in _KZ_PATRONYMIC:
        # A -ұлы word may stand in for the surname (Family Code art. 194), so it stays a name word
        # whose stem is the father's name: Сейітұлы meets Сейітов.
        if skel.endswith(suf) and len(skel) - len(suf) >= 3:
            return skel[: -len(suf)], "name"
    for suf in _SURNAME_SUFFIXES:
        keep = 4 if suf in ("in", "ina") else 3
        if skel.endswith(suf) and len(skel) - len(suf) >= keep:
            return skel[: -len(suf)], "name"
    return skel, "name"


# Whole written names recur less than words (each spelling is its own key) and a cached entry
# holds several tokens; a smaller cache keeps a million-mention run's memory down.
@lru_cache(maxsize=32768)
def name_tokens(full_name: str) -> tuple[NameToken, ...]:
    """Split a written name into tokens; initials such as "Ж.Н." become one token per letter."""
    tokens: list[NameToken] = []
    words = [w for w in _TOKEN_SPLIT.split(full_name) if w]
    for i, raw in enumerate(words):
        if any(c.isdigit() for c in raw):
            continue
        parts = [p for p in raw.split(".") if p]
        if len(parts) > 1 or (raw.endswith(".") and len(parts) == 1 and len(parts[0]) <= 2):
            for p in parts:
                s = skeleton(p)
                if s:
                    tokens.append(NameToken(s[:1], s[:1], "initial"))
            continue
        s = skeleton(raw)
        if not s:
            continue
        if len(s) == 1:
            tokens.append(NameToken(s, s, "initial"))
            continue
        # A detached "ұлы"/"қызы" ("Нұрлан ұлы") turns the word before it into a patronymic.
        if s in _KZ_PATRONYMIC and i > 0 and tokens and tokens[-1].kind == "name":
            prev = tokens.pop()
            tokens.append(NameToken(prev.skel + s, prev.stem, "name"))
            continue
        stem, kind = stem_of(s)
        tokens.append(NameToken(s, stem, kind))
    return tuple(tokens)


# --- Everyday forms and diminutives (reference data) ------------------------------------------


def _name_forms_path() -> Path:
    # aigaq.reference is a plain data package; resolve the file relative to it without importing
    # its __init__ (which belongs to another module and may grow dependencies).
    try:
        return Path(str(resources.files("aigaq.reference").joinpath("data/name_forms.csv")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "reference" / "data" / "name_forms.csv"


@lru_cache(maxsize=1)
def name_forms() -> dict[str, frozenset[str]]:
    """Skeleton of an everyday form → skeletons of the full names it can stand for."""
    table: dict[str, set[str]] = {}
    path = _name_forms_path()
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            form, canon = skeleton(row["form"]), skeleton(row["canonical"])
            if form and canon and form != canon:
                table.setdefault(form, set()).add(canon)
    return {k: frozenset(v) for k, v in table.items()}


def canonical_forms(skel: str) -> frozenset[str]:
    """The word itself plus every full name an everyday form may stand for (Нурик → нурлан)."""
    return frozenset({skel}) | name_forms().get(skel, frozenset())


# --- Exact identifiers --------------------------------------------------------------------------


_KZ_NATIONAL = re.compile(r"^(?:\+?7|8)?(7\d{9})$")
_SEPARATORS = re.compile(r"[\s()\-.]")


@lru_cache(maxsize=65536)
def normalise_phone(raw: str) -> str | None:
    """E.164 form of a Kazakhstan (or international) number; None when it cannot be a number.

    Numbers written as +7/8/7 followed by a 7xx national number (the plan's mobile and landline
    ranges) have exactly one E.164 form, +7 and the ten digits, which is what phonenumbers gives;
    they skip the parser because it costs about 0.25 ms a number. Everything else goes through
    phonenumbers with KZ as the default region.
    """
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 6:
        return None
    fast = _KZ_NATIONAL.match(_SEPARATORS.sub("", raw))
    if fast:
        return "+7" + fast.group(1)
    try:
        num = phonenumbers.parse(raw, "KZ")
    except phonenumbers.NumberParseException:
        return "+" + digits if raw.strip().startswith("+") else digits
    if phonenumbers.is_possible_number(num):
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return digits


def format_phone(e164: str) -> str:
    """Readable form for evidence text: +7 701 555 12 34."""
    if e164.startswith("+7") and len(e164) == 12:
        d = e164[2:]
        return f"+7 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]}"
    return e164


_HANDLE_URL = re.compile(
    r"^(?:https?://)?(?:www\.|m\.|vm\.)?"
    r"(?:instagram\.com|instagr\.am|t\.me|telegram\.me|telegram\.dog|tiktok\.com|vk\.com|vk\.ru"
    r"|facebook\.com|fb\.com|x\.com|twitter\.com|ok\.ru)/+(?:@)?([^/?#\s]+)",
    re.IGNORECASE,
)


def normalise_handle(raw: str) -> str | None:
    """A social-media user name, lower case, from "@Name" or any profile URL."""
    s = raw.strip()
    m = _HANDLE_URL.match(s)
    if m:
        s = m.group(1)
    s = s.lstrip("@").strip().strip("/").lower()
    s = re.sub(r"[^0-9a-z._]", "", s)
    return s or None


_PLATE_CYR = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I",
})  # fmt: skip
_PLATE_MODERN = re.compile(r"^([0-9OIL]{3})([A-Z0-9]{2,3})([0-9OIL]{2})$")


def normalise_plate(raw: str) -> str | None:
    """Plate without spaces, upper case, Cyrillic look-alikes as Latin ("123 abc 02" → 123ABC02)."""
    s = re.sub(r"[\s\-_.]", "", raw.upper()).translate(_PLATE_CYR)
    if not s:
        return None
    m = _PLATE_MODERN.match(s)
    if m:
        # In the 2012 format the positions say which character is a digit: O/0 and I/1 slips.
        digits = m.group(1).replace("O", "0").replace("I", "1").replace("L", "1")
        letters = m.group(2)
        if len(letters) == 3:
            letters = letters.replace("0", "O")
        region = m.group(3).replace("O", "0").replace("I", "1").replace("L", "1")
        s = digits + letters + region
    return s


def format_plate(plate: str) -> str:
    if len(plate) == 8 and plate[:3].isdigit() and plate[6:].isdigit():
        return f"{plate[:3]} {plate[3:6]} {plate[6:]}"
    return plate


def iin_is_valid(iin: str) -> bool:
    """Kazakh IIN: 12 digits; the 12th is a check digit (weights 1..11, then 3..11,1,2 on 10)."""
    if len(iin) != 12 or not iin.isdigit():
        return False
    d = [int(c) for c in iin]
    check = sum(w * x for w, x in zip(range(1, 12), d, strict=False)) % 11
    if check == 10:
        weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
        check = sum(w * x for w, x in zip(weights, d, strict=False)) % 11
        if check == 10:
            return False
    return check == d[11]


def iin_birth_date(iin: str) -> dt.date | None:
    """Birth date encoded in a valid IIN (YYMMDD plus a century digit 1–6), if it is a real date."""
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(iin[6])
    if century is None:
        return None
    try:
        return dt.date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def normalise_iin(raw: str) -> str:
    return re.sub(r"\D", "", raw)


def normalise_other_id(raw: str) -> str | None:
    s = re.sub(r"[\s\-_.]", "", raw.upper())
    return s or None


# --- Places ---------------------------------------------------------------------------------------

CityKey = Callable[[str], "str | None"]


def _fallback_city_key(name: str) -> str | None:
    s = skeleton(re.sub(r"^(г|город|qala|kala|city)\.?\s+", "", name.strip(), flags=re.IGNORECASE))
    return s or None


@lru_cache(maxsize=1)
def _reference_find_city() -> Callable[[str], object] | None:
    # Looked up by name so the linkage package keeps working (with skeleton keys) wherever the
    # reference package or its find_city is absent.
    try:
        module = importlib.import_module("aigaq.reference")
    except ImportError:
        return None
    find_city = getattr(module, "find_city", None)
    return find_city if callable(find_city) else None


def default_city_key(name: str) -> str | None:
    """City code from aigaq.reference (Уральск/Орал/Oral → one code), else the name's skeleton."""
    find_city = _reference_find_city()
    if find_city is not None:
        city = find_city(name)
        code = getattr(city, "code", None)
        if code:
            return "ref:" + str(code)
    return _fallback_city_key(name)


def text_key(value: str) -> str:
    """Whole-string canonical form for free text compared fuzzily (addresses)."""
    words = (w if w.isdigit() else skeleton(w) for w in _TOKEN_SPLIT.split(value) if w)
    return " ".join(w for w in words if w)
