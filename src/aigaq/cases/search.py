"""Search without a plaintext copy: keyed blind indexes of suspects' identifiers.

A suspect's phones, accounts, plates, IINs and name words are normalised (the same way the
linkage engine does, so "8 (701) 555-12-34" and "+77015551234" meet, and "Жәнібек" and
"ZHANIBEK" meet) and stored only as HMAC tokens under a per-purpose key. A query is normalised
the same way and looked up by token. What this leaks is documented in docs/threat-model.md:
an insider with database access sees which suspects share a token, not what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aigaq.keys.store import blind_index
from aigaq.linkage import normalise

from .mention import identifier_lines
from .models import Suspect

CODE_RE = re.compile(r"^[a-z2-7]{4,32}$")


def _plain_tokens(purpose: str, values: Iterable[str]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for value in values:
        keys: list[str | None]
        if purpose == "phone":
            keys = [normalise.normalise_phone(value)] if sum(c.isdigit() for c in value) >= 7 else []
        elif purpose == "handle":
            keys = [normalise.normalise_handle(value)]
        elif purpose == "plate":
            keys = [normalise.normalise_plate(value)]
        elif purpose == "iin":
            iin = normalise.normalise_iin(value)
            keys = [iin] if len(iin) == 12 else []
        else:
            keys = [t.stem for t in normalise.name_tokens(value) if t.kind != "initial" and len(t.stem) >= 2]
        out.update((purpose, k) for k in keys if k)
    return out


def identifier_tokens(purpose: str, values: Iterable[str]) -> set[str]:
    """The blind-index tokens of identifiers given elsewhere than on a suspect (the sender of abuse
    an activist logs): `purpose` is "phone", "handle", "plate", "iin" or "name" (one per word), the
    values normalised exactly as a suspect's are, so the same number or account meets in any form."""
    return {blind_index(p, key) for p, key in _plain_tokens(purpose, values)}


def suspect_tokens(suspect: Suspect) -> list[tuple[str, str]]:
    plain = set()
    plain |= _plain_tokens("phone", identifier_lines(suspect.phones))
    plain |= _plain_tokens("handle", identifier_lines(suspect.handles))
    plain |= _plain_tokens("plate", identifier_lines(suspect.plates))
    plain |= _plain_tokens("iin", identifier_lines(suspect.iins))
    plain |= _plain_tokens("name", [suspect.full_name, *suspect.aliases.splitlines()])
    return sorted((purpose, blind_index(purpose, key)) for purpose, key in plain)


def query_groups(query: str) -> list[set[str]]:
    """What the query could be, as groups of tokens: a suspect matches a group when he has all of
    its tokens (every word of a name), and the query when he matches any group."""
    groups: list[set[str]] = []
    for purpose in ("phone", "handle", "plate", "iin"):
        groups += [{blind_index(p, key)} for p, key in _plain_tokens(purpose, [query])]
    words = {blind_index(p, key) for p, key in _plain_tokens("name", [query])}
    if words:
        groups.append(words)
    return groups


def code_query(query: str) -> str:
    """The case-code prefix a query stands for, or "" if it cannot be one."""
    text = query.strip().lower().replace("-", "")
    return text if CODE_RE.match(text) else ""
