"""A suspect's identifiers are masked on the case page until she asks to see them.

Phones, accounts, plates, IINs and dates of birth identify a man outside the case; showing them
takes a deliberate step (with step-up re-authentication) that is written to the audit log, so a
glance at a screen, or a compromised session, does not hand them over by default (ASVS 7.5.3).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from .models import Suspect

REVEALED_KEY = "aigaq_revealed_suspects"
MASK = "•"
IDENTIFIER_FIELDS = ("phones", "handles", "plates", "iins", "birth_date")


def mask(value: str) -> str:
    """Keeps the last two characters of each line, so she can tell which number it was."""
    lines = []
    for line in value.splitlines():
        visible = line.strip()
        lines.append(MASK * max(len(visible) - 2, 3) + visible[-2:] if len(visible) > 2 else MASK * 3)
    return "\n".join(lines)


def mark_revealed(request: HttpRequest, suspect_code: str) -> None:
    revealed = dict(request.session.get(REVEALED_KEY, {}))
    revealed[suspect_code] = time.time()
    request.session[REVEALED_KEY] = revealed


def revealed_codes(request: HttpRequest) -> frozenset[str]:
    """The suspects whose identifiers she asked to see within the step-up window."""
    now = time.time()
    return frozenset(code for code, at in request.session.get(REVEALED_KEY, {}).items()
                     if 0 <= now - float(at) <= settings.STEP_UP_SECONDS)


@dataclass(frozen=True)
class Identifiers:
    """A suspect's identifiers as the page may show them: whole, or masked (empty stays empty)."""

    phones: str
    handles: str
    plates: str
    iins: str
    birth_date: str

    @property
    def any_given(self) -> bool:
        return any(getattr(self, name) for name in IDENTIFIER_FIELDS)


def identifiers(suspect: Suspect, *, revealed: bool) -> Identifiers:
    """His identifiers: whole if she revealed them, masked otherwise."""
    values = {name: getattr(suspect, name) or "" for name in IDENTIFIER_FIELDS}
    if not revealed:
        values = {name: mask(value) if value else "" for name, value in values.items()}
    return Identifiers(**values)
