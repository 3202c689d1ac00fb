"""The active interface language, and labels of reference codes in it: the one place for both.

Django's active language may carry a region ("ru-ru") or be unset outside a request; Aigaq's code
lists are labelled in "kk", "ru" and "en", and Kazakh is the default."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation

from aigaq import reference

LANGUAGES = ("kk", "ru", "en")


def active_language() -> str:
    """"kk", "ru" or "en": the language pages, forms and labels are shown in right now."""
    code = (translation.get_language() or "kk")[:2]
    return code if code in LANGUAGES else "kk"


def label(entries: Iterable[reference.Entry], code: str, *, missing: str | None = None) -> str:
    """The label of `code` in a code list, in the active language; for a code the list does not
    have, `missing` if given, else the code itself."""
    found = next((e for e in entries if e.code == code), None)
    if found is not None:
        return found.label(active_language())
    return (code or "") if missing is None else missing
