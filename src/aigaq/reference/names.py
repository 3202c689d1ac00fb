"""Folding place names and article references so that spellings in any script compare equal."""

from __future__ import annotations

import re
import unicodedata

# Cyrillic (Russian and Kazakh letters) to a plain Latin skeleton. Kazakh-specific letters fold to
# the Russian letter's Latin value (ә→a, қ→k, ң→n, ө→o, ұ/ү→u, ғ→g, һ→h, і→i), as Russian
# renderings of Kazakh names do (research domain-kz §4.3).
_CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

# Latin letters of the Kazakh Latin alphabets (2017, 2018, 2021) and common variants.
_LATIN = {"ı": "i", "ş": "sh", "ç": "ch", "ğ": "g", "ñ": "n", "q": "k", "w": "v", "x": "kh"}

# Words that say "city", "town", "village" around a name, already folded: "г.", "город", "қаласы",
# "city", "qalasy", "ауылы", "село", "пос." ...
_NOISE_WORDS = frozenset(
    {
        "g", "gor", "gorod", "kalasy", "k", "city", "of", "the", "town", "village", "aul", "auly",
        "auyly", "auyl", "selo", "s", "pos", "poselok", "p", "pgt", "kent", "kenti", "shahary",
    }
)  # fmt: skip

# Words for "region", folded; they become one trailing "oblast" so that "область Абай", "Абай облысы"
# and "Abai Region" compare equal while "Алматы" (the city) and "Алматы облысы" stay apart.
_REGION_WORDS = frozenset({"obl", "oblast", "oblasti", "oblys", "oblysy", "region", "province"})

_WORD = re.compile(r"[^\W_]+")


def _latin(text: str) -> str:
    out: list[str] = []
    for ch in text.lower():
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        elif ch in _LATIN:
            out.append(_LATIN[ch])
        else:
            out.append(ch)
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _unify(word: str) -> str:
    # Spellings that differ between systems: дж/ж/j/zh, kh/h, iy/yi/ii/y endings.
    word = word.replace("dzh", "zh").replace("dj", "zh").replace("j", "zh").replace("kh", "h")
    word = re.sub(r"(iy|yi|ii|ij)$", "i", word)
    return word.replace("yu", "iu").replace("ya", "ia")


def name_key(text: str) -> str:
    """A comparison key for a place name: script-, case-, accent- and punctuation-insensitive.

    "Уральск", "г. Уральск", "ORAL", "Orál", "Oral qalasy" and "Орал қаласы" give "oral"/"uralsk"
    keys that match the city's labels and alternative names.
    """
    words = [_latin(w) for w in _WORD.findall(unicodedata.normalize("NFC", text))]
    kept = [w for w in words if w and w not in _NOISE_WORDS and w not in _REGION_WORDS]
    if not kept:
        return ""
    if any(w in _REGION_WORDS for w in words):
        kept.append("oblast")
    return _unify("".join(kept))
