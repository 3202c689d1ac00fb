"""Kazakh names in the genitive and dative, as a document's grammar needs them.

The suffix of one word comes from qazaq-inflector (PyPI, MIT, no dependencies): it applies vowel
harmony (back/front) and picks the ending by the last sound (-ның/-нің after a vowel, -дың/-дің
after a sonorant or voiced consonant, -тың/-тің after a voiceless one; dative -ға/-ге after a
vowel or voiced sound, -қа/-ке after a voiceless one), including Russian-style surnames
(Ахметов -> Ахметовке, Ахметова -> Ахметоваға). Two things it gets wrong for documents are
corrected here, which is why this module exists rather than a direct call:
- a *full* name: it puts the suffix on every word ("Абайға Құнанбаевқа") and leaves a final
  patronymic bare ("Ахметтің Байтұрсынұлы"). Kazakh declines the last word only
  ("Ахметова Айгерімнің"), so only the last word is passed to it;
- a patronymic in -ұлы/-қызы is a possessive form (ұл-ы "his son", қыз-ы "his daughter"), and a
  possessive takes the dative -на/-не ("Нұрланқызына", "Асқарұлына"), not -ға ("Нұрланқызыға",
  which the library gives). Its genitive -ның is right and kept.
A name in Latin script, or a placeholder in brackets, is left as it is: a wrong suffix in a court
paper is worse than none (the lawyer adds it).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

Case = Literal["genitive", "dative"]
_POSSESSIVE = ("ұлы", "қызы", "улы", "кызы")  # patronymics, also as written without Kazakh letters
_CYRILLIC_WORD = re.compile(r"^[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі-]+$")


@cache
def _inflector() -> object:
    from qazaq_inflector import QazaqNameInflector

    return QazaqNameInflector()


def decline(name: str, case: Case) -> str:
    """The name with the last word in `case`; unchanged if empty, a placeholder or not Cyrillic."""
    words = name.split()
    if not words or not _CYRILLIC_WORD.match(words[-1]):
        return name
    word = words[-1]
    possessive_dative = case == "dative" and word.lower().endswith(_POSSESSIVE)
    # -ұлы and -қызы are back-vowel words: always -на.
    last: str = word + "на" if possessive_dative else _inflector().inflect(word, case)  # type: ignore[attr-defined]
    return " ".join([*words[:-1], last])
