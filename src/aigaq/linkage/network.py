"""What a suspect mention gives the network, and how the hub weighs what agrees.

Only whole values go through the network's OPRF: a unit with a small domain (one name bigram, a
birth year, a region code) could be evaluated for every possible value in a few thousand queries,
after which a member would hold the equivalent of the key (docs/network.md, "What a dictionary
costs"). So the inputs are exact identifiers and several whole-name keys of different strictness,
each spelled the same way whatever the alphabet (the skeletons and stems of `normalise`); the hub
sees which of them agree and scores that pattern.

`network_inputs` is the member's side (plaintext, never leaves the member); `score` is the hub's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from .birth import birth_of
from .mention import Mention
from .normalise import (
    iin_is_valid,
    name_tokens,
    normalise_handle,
    normalise_iin,
    normalise_phone,
    normalise_plate,
)

# Evidence kinds, strongest first. The hub shows coordinators the kinds that agreed, never values.
KINDS = ("iin", "phone", "handle", "plate", "name_birth", "name", "name_initial")

# Log-likelihood ratios of agreement (natural log), set by hand for a first version: a shared whole
# name in two alphabets (name + name_initial) is worth a coordinator's look (score 0.62), one exact
# identifier alone is too (phone 0.62). A pair's score is the logistic of the prior plus the weights
# of the distinct kinds that agree. To be fitted on the network benchmark (docs/network.md).
WEIGHTS: Mapping[str, float] = {
    "iin": 12.0, "phone": 9.0, "handle": 9.0, "plate": 7.0,
    "name_birth": 8.0, "name": 6.0, "name_initial": 3.0,
}
PRIOR = -8.5  # log odds that two mentions from different organisations are the same man
MATCH_THRESHOLD = 0.5


def _name_keys(text: str) -> tuple[str | None, list[str]]:
    """The whole name as sorted stems, and "stem + initial" keys for every word against the first
    letter of every other word."""
    words = [t for t in name_tokens(text) if t.kind == "name"]
    stems = sorted({t.stem for t in words if t.stem})
    if len(stems) < 2:
        return None, []
    initials = [f"{a.stem} {b.skel[:1]}" for a in words for b in words if a is not b and a.stem and b.skel]
    return " ".join(stems), sorted(set(initials))


def network_inputs(m: Mention) -> dict[str, list[str]]:
    """Kind → the values to key for one mention (each value prefixed with its kind before the OPRF)."""
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    out["phone"] |= {p for p in map(normalise_phone, m.phones) if p}
    out["handle"] |= {h for h in map(normalise_handle, m.handles) if h}
    out["plate"] |= {p for p in map(normalise_plate, m.plates) if p}
    iins = [i for i in map(normalise_iin, m.iins) if iin_is_valid(i)]
    out["iin"] |= set(iins)
    birth = birth_of(m, iins)
    # Only a documented birth (a date, an IIN) gives a birth decade: an age a survivor estimates is
    # not one, and would put the same man in two decades.
    decade = f"{int(birth.lo) // 10}0s" if birth is not None and birth.source in {"date", "iin"} else None
    for text in [m.full_name or "", *m.aliases]:
        whole, initials = _name_keys(text)
        if whole:
            out["name"].add(whole)
            if decade:
                out["name_birth"].add(f"{whole} {decade}")
        out["name_initial"] |= set(initials)
    return {k: sorted(v) for k, v in out.items() if v}


def score(kinds: Iterable[str]) -> float:
    """The probability that two mentions are the same man, given the kinds whose tokens agree."""
    total = PRIOR + sum(WEIGHTS.get(k, 0.0) for k in set(kinds))
    return 1.0 / (1.0 + math.exp(-total))
