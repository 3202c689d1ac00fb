"""Names in the Russian genitive and dative, as a document's grammar needs them
("по обвинению Сейитова Жанибека", "в отношении Ахметовой Айгерим").

The endings come from pytrovich (PyPI, MIT; a port of the petrovich rules, maintained, with its
own lists of indeclinable names): it declines one part of a name — surname, first name or
patronymic — given the person's sex. What it does not do, and this module does:
- tell the parts of a name as caseworkers type it (any order, patronymic or not). A word ending in
  -ович/-евич/-ич/-овна/-евна/-ична is a patronymic; one ending like a Russian-style surname
  (-ов, -ев, -ин, -ын, -ова, -ева, -ина, -ына, -ский, -ская, -цкий, -цкая) is a surname; a Kazakh
  patronymic or patronymic surname in -ұлы/-қызы (-улы/-кызы) is left as it is, because Russian
  does not decline it ("Нурланкызы Айгерим" → "Нурланкызы Айгерим" in every case but the first
  name's). Of the words left, the last is the first name unless a known first name is there, and
  the first is the surname when nothing else is (official papers write Фамилия Имя Отчество);
- leave a name alone when its sex is not known: a masculine ending on a woman's name in a court
  paper is worse than none, and the lawyer adds it. So is a name in Latin script or a placeholder.
"""

from __future__ import annotations

import re
from functools import cache

from .kazakh import Case

_CYRILLIC_WORD = re.compile(r"^[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі-]+$")
_PATRONYMIC = ("вич", "ич", "вна", "чна")
_TURKIC_PATRONYMIC = ("ұлы", "қызы", "улы", "кызы", "уулу", "оглы", "гызы")
_SURNAME = ("ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва", "ина", "ына", "ский", "ская", "цкий",
            "цкая", "ской")
# Common first names that end like a surname (-ин, -ина): without this list "Марина Ильина" would
# read as two surnames. Common usage in Kazakhstan; a name missing here in a name typed first-name
# first is declined as a surname, which for these endings gives the same genitive in most cases.
_FIRST_NAMES_LIKE_SURNAMES = frozenset((
    "марина", "мадина", "алина", "амина", "сабина", "карина", "зарина", "ирина", "галина", "полина",
    "кристина", "регина", "дарина", "арина", "ангелина", "валентина", "екатерина", "нина", "дина",
    "алевтина", "альбина", "мәдина", "әмина", "амин", "әмин", "нурдин", "нұрдин",
))


@cache
def _maker() -> object:
    from pytrovich.maker import PetrovichDeclinationMaker

    return PetrovichDeclinationMaker()


def _roles(words: list[str]) -> list[str]:
    """'last', 'first', 'middle' or 'keep' for each word."""
    roles: list[str] = []
    for word in words:
        low = word.lower()
        if low.endswith(_TURKIC_PATRONYMIC):
            roles.append("keep")
        elif low.endswith(_PATRONYMIC) and len(low) > 5:
            roles.append("middle")
        elif low in _FIRST_NAMES_LIKE_SURNAMES:
            roles.append("first")
        elif low.endswith(_SURNAME) and len(low) > 4:
            roles.append("last")
        else:
            roles.append("")
    open_ = [i for i, r in enumerate(roles) if not r]
    if open_ and "first" not in roles:
        roles[open_.pop()] = "first"
    if open_ and "last" not in roles and "keep" not in roles:
        roles[open_.pop(0)] = "last"
    for i in open_:
        roles[i] = "first"  # a double first name
    return roles


def decline(name: str, case: Case, sex: str) -> str:
    """The name in `case`; unchanged if its sex is not male or female, or a word is not Cyrillic."""
    words = name.split()
    if sex not in ("male", "female") or not words or not all(_CYRILLIC_WORD.match(w) for w in words):
        return name
    from pytrovich.enums import Case as PCase
    from pytrovich.enums import Gender, NamePart

    gender = Gender.MALE if sex == "male" else Gender.FEMALE
    pcase = PCase.GENITIVE if case == "genitive" else PCase.DATIVE
    parts = {"last": NamePart.LASTNAME, "first": NamePart.FIRSTNAME, "middle": NamePart.MIDDLENAME}
    out = []
    for word, role in zip(words, _roles(words), strict=True):
        if role == "keep":
            out.append(word)
        else:
            out.append(_maker().make(parts[role], gender, pcase, word))  # type: ignore[attr-defined]
    return " ".join(out)
