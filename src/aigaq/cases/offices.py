"""Police units, prosecutor's offices and courts on pathway events: coded, not free text.

An event's office field holds the code of an entry of `reference.offices()`, or OTHER with the
text as she wrote it kept in the event's sealed details (`<field>_other`), to be mapped onto an
entry later by a coordinator ("Offices to map"). Statistics group by the code alone, so that
"УП г. Орал" and "Орал қ. ПБ" are one unit.

`best_match` finds the entry a written name means, in any script: words are folded with the
linkage engine's transliteration (`linkage.normalise.skeleton`), words that say what kind of
office it is ("УП", "полиция басқармасы", "управление полиции" …) become one marker each, place
words are compared by their stem, and the entry whose label or other name shares most of them
wins when nothing else ties with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from aigaq import reference
from aigaq.linkage.normalise import skeleton
from aigaq.reference import Office

OTHER = "other"

_WORD = re.compile(r"[^\W\d_]+")
_STEM = 5

# Folded words (prefixes, as `skeleton` writes them) that say what an office is, to one marker
# each; the first that fits wins ("межрайонный" is #inter, not #district).
_RAW_MARKERS: tuple[tuple[str, str], ...] = (
    ("depart", "#dp"), ("dp", "#dp"), ("pd", "#dp"), ("dvd", "#dp"), ("guvd", "#dp"), ("uvd", "#dp"),
    ("upravl", "#up"), ("baskarm", "#up"), ("up", "#up"), ("pb", "#up"), ("gop", "#up"), ("ovd", "#up"),
    ("rovd", "#up"), ("op", "#op"), ("otdel", "#op"), ("bolim", "#op"),
    ("polits", "#police"), ("polis", "#police"), ("police", "#police"),
    ("prokur", "#prosecutor"), ("prosecut", "#prosecutor"),
    ("sud", "#court"), ("suda", "#court"), ("sudi", "#court"), ("sot", "#court"), ("soti", "#court"),
    ("court", "#court"),
    ("meiraen", "#inter"), ("mezhraion", "#inter"), ("audanaral", "#inter"), ("inter", "#inter"),
    ("obl", "#region"), ("oblas", "#region"), ("oblis", "#region"), ("region", "#region"),
    ("raen", "#district"), ("raion", "#district"), ("audan", "#district"), ("district", "#district"),
    ("spetsializ", "#special"), ("mamandand", "#special"), ("speciali", "#special"),
    ("administrat", "#admin"), ("akimshil", "#admin"),
    ("ugolov", "#criminal"), ("kilmis", "#criminal"), ("criminal", "#criminal"),
    ("gorodsk", "#citylevel"), ("kalalik", "#citylevel"),
)
# Words that carry nothing: "г.", "города", "қаласы", "of", "по", "делам", "жөніндегі" …
_RAW_NOISE = (
    "g", "gor", "k", "s", "of", "the", "po", "i", "delam", "isteri", "ister", "zhonindegi", "city",
    "rk", "respubliki", "kazahstan", "mvd", "iim", "no", "n", "nomer", "office", "offices", "prosecutors",
)  # fmt: skip
_MARKERS = tuple((skeleton(word), marker) for word, marker in _RAW_MARKERS)
_NOISE = frozenset(skeleton(word) for word in _RAW_NOISE)
_NOISE_PREFIXES = ("gorod", "kala")
# The kinds of office a marker names.
_KIND_OF = {"#dp": "police", "#up": "police", "#op": "police", "#police": "police",
            "#prosecutor": "prosecutor", "#court": "court"}


def _token(word: str) -> str | None:
    folded = skeleton(word)
    if not folded or folded in _NOISE:
        return None
    for prefix, marker in _MARKERS:
        # Short markers ("up", "pb", "sud", "obl") only as whole words; the others as prefixes.
        if folded == prefix or (len(prefix) >= 4 and folded.startswith(prefix)):
            return marker
    if folded.startswith(_NOISE_PREFIXES):
        return None
    return folded[:_STEM]


def tokens(text: str) -> frozenset[str]:
    """The comparison tokens of a written office name: markers and place stems."""
    out = {t for w in _WORD.findall(text) if (t := _token(w)) is not None}
    if out & {"#dp", "#up", "#op"}:
        out.discard("#police")  # "УП" already says police
    return frozenset(out)


def _words(text: str) -> frozenset[str]:
    """The whole folded words of a name (to tell apart places whose stems meet: Қызылорда and
    Қызылжар, an old name of Petropavl)."""
    return frozenset(skeleton(w) for w in _WORD.findall(text))


def _kind(found: Iterable[str]) -> str | None:
    kinds = {_KIND_OF[t] for t in found if t in _KIND_OF}
    return kinds.pop() if len(kinds) == 1 else None


def _place_names(entry: Office) -> tuple[str, ...]:
    """The names of the place an office is named after: its city's or its region's, with their
    other names ("ЗКО", "Уральск"), so that any of them names the office."""
    place: reference.City | reference.Region | None = (
        reference.city(entry.city) if entry.city else
        reference.region(entry.region) if entry.level == "region" else None
    )
    return (*place.labels.values(), *place.alt_names) if place is not None else ()


@cache
def _entry_tokens() -> tuple[tuple[Office, tuple[tuple[frozenset[str], frozenset[str]], ...]], ...]:
    out = []
    for entry in reference.offices():
        own = (*entry.labels.values(), *entry.alt_names)
        names = [(tokens(name), _words(name)) for name in own]
        markers = frozenset(t for t in names[0][0] if t.startswith("#"))
        names += [(markers | tokens(place), _words(place)) for place in _place_names(entry)]
        out.append((entry, tuple(dict.fromkeys(names))))
    return tuple(out)


def best_match(text: str, *, kind: str, region: str = "") -> Office | None:
    """The office of `kind` that `text` names, or None when none fits or two fit equally well.
    With `region`, a good match among the offices of that region wins; another region's office
    is taken only when none of the region's fits."""
    found, words = tokens(text), _words(text)
    places = {t for t in found if not t.startswith("#")}
    if not places:
        return None
    said = _kind(found)
    if said is not None and said != kind:
        return None
    scored: list[tuple[float, Office]] = []
    for entry, names in _entry_tokens():
        if entry.kind != kind:
            continue
        best = 0.0
        for name, name_words in names:
            name_places = {t for t in name if not t.startswith("#")}
            if not places & name_places:
                continue
            score = len(found & name) / len(found | name)
            if places - name_places:  # she named a place the entry does not have
                score -= 0.5
            # Whole words in common break a tie of stems.
            best = max(best, score + 0.001 * len(words & name_words))
        if best <= 0:
            continue
        scored.append((best, entry))
    # A good match in the case's region wins over any other region's ("УП Есиль" in an Astana
    # case is the Yesil district's unit, not the town of Yesil in Akmola Region).
    mine = [pair for pair in scored if pair[1].region == region and pair[0] >= 0.5] if region else []
    scored = mine or scored
    if not scored:
        return None
    scored.sort(key=lambda pair: -pair[0])
    top, entry = scored[0]
    if top < 0.5 or (len(scored) > 1 and scored[1][0] == top):
        return None
    return entry


def resolve(value: str, *, kind: str, region: str = "") -> tuple[str, str]:
    """What an office field stores for a value typed or chosen: (code, other text). A code of the
    list stays; OTHER with text, or any text, is matched (`best_match`) and kept as OTHER with the
    text when nothing matches."""
    value = " ".join(str(value).split())
    if not value:
        return "", ""
    found = reference.office(value)
    if found is not None and found.kind == kind:
        return found.code, ""
    match = best_match(value, kind=kind, region=region)
    if match is not None:
        return match.code, ""
    return OTHER, value


def label(code: str, lang: str) -> str:
    entry = reference.office(code)
    return entry.label(lang) if entry else code


def grouped_choices(kind: str, region: str, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The offices of `kind` grouped by region, the case's region first, for a select that works
    without JavaScript (an optgroup per region)."""
    by_region: dict[str, list[tuple[str, str]]] = {}
    for entry in reference.offices():
        if entry.kind == kind:
            by_region.setdefault(entry.region, []).append((entry.code, entry.label(lang)))
    order = [r.code for r in reference.regions()]
    if region in order:
        order.remove(region)
        order.insert(0, region)
    groups = []
    for code in order:
        found = reference.region(code)
        if code in by_region and found is not None:
            groups.append((found.label(lang), by_region[code]))
    return groups
