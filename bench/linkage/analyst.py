"""The field preparation an analyst without Aigaq would write: unidecode, lower case, simple regexes.

Shared by the Splink and clkhash/anonlink baselines so that both see exactly the same inputs.
"""

from __future__ import annotations

import re

from unidecode import unidecode

_PATRONYMIC = re.compile(r"(ovich|evich|ovna|evna|ich|uly|ulu|kyzy|qyzy|kizi)$")
_NON_WORD = re.compile(r"[^a-z ]+")
_HANDLE_PREFIX = re.compile(
    r"^(https?://)?(www\.|m\.)?(instagram\.com|t\.me|telegram\.me|tiktok\.com|vk\.com)/", re.IGNORECASE)


def name_parts(full_name: str | None) -> tuple[str | None, str | None]:
    """(forename, surname): first and last token once patronymics and initials are dropped."""
    if not full_name:
        return None, None
    tokens = _NON_WORD.sub(" ", unidecode(full_name).lower()).split()
    tokens = [t for t in tokens if len(t) > 1 and not _PATRONYMIC.search(t)] or tokens
    if not tokens:
        return None, None
    return tokens[0], (tokens[-1] if len(tokens) > 1 else None)


def birth_year(m: dict) -> int | None:
    """From birth_date, else incident year minus age (off by one for half the year; analysts accept it)."""
    if m.get("birth_date"):
        return int(m["birth_date"][:4])
    if m.get("age_at_incident") is not None and m.get("incident_date"):
        return int(m["incident_date"][:4]) - int(m["age_at_incident"])
    return None


def full_dob(m: dict) -> str | None:
    dob = m.get("birth_date") or ""
    return dob if len(dob) == 10 else None


def phone(p: str) -> str:
    """The last 10 digits: drops +7 or the trunk 8 whatever the punctuation."""
    return re.sub(r"\D", "", p)[-10:]


def handle(h: str) -> str:
    return _HANDLE_PREFIX.sub("", h.strip()).lstrip("@").split("?")[0].rstrip("/").lower()


def plate(p: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", unidecode(p).upper())


def digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def place(s: str | None) -> str | None:
    return re.sub(r"^g\. ", "", unidecode(s).lower().strip()) if s else None
