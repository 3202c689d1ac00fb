"""Per-mention features, computed once, the pairwise comparison into agreement levels, and the
blocking keys a mention is filed under.

Comparisons return one level per field (``FIELDS``), or -1 when either side lacks the field.
The level definitions are shared by the plain and the private path; docs/linkage.md lists them.
Births are aigaq.linkage.birth's, names aigaq.linkage.names'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import token_sort_ratio

from .birth import Birth, birth_level, birth_of
from .mention import Mention
from .names import NameMatch, NameVariant, TokenTable, cached_align, extra_name_texts, father_level, name_variant
from .normalise import (
    CityKey,
    consonant_key,
    default_city_key,
    iin_is_valid,
    normalise_handle,
    normalise_iin,
    normalise_other_id,
    normalise_phone,
    normalise_plate,
    skeleton,
    text_key,
)

FIELDS = (
    "name",
    "birth",
    "phone",
    "handle",
    "plate",
    "iin",
    "other_id",
    "patronymic",
    "sex",
    "place",
    "address",
)
N_LEVELS = (6, 6, 2, 2, 2, 2, 3, 3, 2, 3, 4)
F_NAME, F_BIRTH, F_IIN, F_FATHER = 0, 1, 5, 7

_SEX = {
    "m": "m", "male": "m", "man": "m", "м": "m", "муж": "m", "мужской": "m", "ер": "m", "еркек": "m",
    "f": "f", "female": "f", "woman": "f", "ж": "f", "жен": "f", "женский": "f", "әйел": "f",
}  # fmt: skip


def normalise_sex(raw: str | None) -> str | None:
    if not raw:
        return None
    return _SEX.get(raw.strip().lower().rstrip("."))


@dataclass(slots=True)
class Features:
    id: str
    variants: tuple[NameVariant, ...]
    patronymics: tuple[int, ...]  # the father's name: patronymics and -ұлы/-қызы words
    phones: frozenset[str]
    handles: frozenset[str]
    plates: frozenset[str]
    iins: frozenset[str]
    other_ids: frozenset[str]
    birth: Birth | None
    sex: str | None
    city: str | None
    city_text: str | None
    region: str | None
    address: str | None


EMPTY: frozenset[str] = frozenset()


def _set(values: Iterable[str | None]) -> frozenset[str]:
    """A frozenset of the non-empty values; the shared empty set when there are none (most
    mentions have no plate, IIN or document number, and a million empty sets cost memory)."""
    out = frozenset(v for v in values if v)
    return out if out else EMPTY


def build_features(
    m: Mention, tt: TokenTable, city_key: CityKey = default_city_key, implied_names: bool = True
) -> Features:
    """A mention's features. implied_names: also the whole names its aliases and handles imply
    (names.extra_name_texts); private encodings leave them out, so that stored encodings stay
    byte for byte what they were (tests/linkage/test_encoding_fixed.py)."""
    variants: list[NameVariant] = []
    patronymics: list[int] = []
    for text in [m.full_name or "", *m.aliases]:
        if not text.strip():
            continue
        v, patr = name_variant(tt, text)
        if v is not None and v not in variants:
            variants.append(v)
        patronymics.extend(patr)
    # A surname known only from an alias or a handle is name evidence too (issue 17).
    for text in extra_name_texts(m.full_name, m.aliases, m.handles) if implied_names else ():
        v, _ = name_variant(tt, text)
        if v is not None and v not in variants:
            variants.append(v)
    raw_iins = [normalise_iin(x) for x in m.iins]
    iins = [x for x in raw_iins if iin_is_valid(x)]
    # An IIN that fails its check digit is still an identifier as written; compare it exactly.
    others = {normalise_other_id(x) for x in m.other_ids} | {x for x in raw_iins if x and x not in iins}
    city = city_key(m.city) if m.city else None
    return Features(
        id=m.id,
        variants=tuple(variants),
        patronymics=tuple(dict.fromkeys(patronymics)),
        phones=_set(map(normalise_phone, m.phones)),
        handles=_set(map(normalise_handle, m.handles)),
        plates=_set(map(normalise_plate, m.plates)),
        iins=_set(iins),
        other_ids=_set(others),
        birth=birth_of(m, iins),
        sex=normalise_sex(m.sex),
        city=city,
        city_text=m.city.strip() if m.city else None,
        region=(city_key(m.region) or skeleton(m.region)) if m.region else None,
        address=text_key(m.address) if m.address else None,
    )


def _exact(a: frozenset[str], b: frozenset[str]) -> int:
    if not a or not b:
        return -1
    return 1 if a & b else 0


def compare_features(tt: TokenTable, a: Features, b: Features) -> tuple[list[int], NameMatch | None]:
    """Levels for every field (−1 = missing) and the best name alignment."""
    levels = [-1] * len(FIELDS)
    best: NameMatch | None = None
    if a.variants and b.variants:
        top: tuple[int, tuple[tuple[int, int, float], ...]] = (-1, ())
        pair = (a.variants[0], b.variants[0])
        for va in a.variants:
            for vb in b.variants:
                hit = cached_align(tt, va, vb)
                if hit[0] > top[0]:
                    top, pair = hit, (va, vb)
        best = NameMatch(top[0], top[1], pair[0].text, pair[1].text)
        levels[0] = top[0]
    if a.birth is not None and b.birth is not None:
        levels[1] = birth_level(a.birth, b.birth)
    levels[2] = _exact(a.phones, b.phones)
    levels[3] = _exact(a.handles, b.handles)
    levels[4] = _exact(a.plates, b.plates)
    levels[5] = _exact(a.iins, b.iins)
    if a.other_ids and b.other_ids:
        if a.other_ids & b.other_ids:
            levels[6] = 2
        else:
            near = any(
                OSA.distance(x, y, score_cutoff=1) <= 1
                for x in a.other_ids
                for y in b.other_ids
                if min(len(x), len(y)) >= 5
            )
            levels[6] = 1 if near else 0
    if a.patronymics and b.patronymics:
        fk = tt.freq_key
        levels[F_FATHER] = father_level((fk[x] for x in a.patronymics), (fk[y] for y in b.patronymics))
    if a.sex and b.sex:
        levels[8] = int(a.sex == b.sex)
    if (a.city or a.region) and (b.city or b.region):
        if a.city and a.city == b.city:
            levels[9] = 2
        elif (a.region and a.region == b.region) or (
            a.city and b.city and JaroWinkler.normalized_similarity(a.city, b.city) >= 0.92
        ):
            levels[9] = 1
        else:
            levels[9] = 0
    if a.address and b.address:
        if a.address == b.address:
            levels[10] = 3
        else:
            r = token_sort_ratio(a.address, b.address) / 100.0
            levels[10] = 2 if r >= 0.85 else 1 if r >= 0.6 else 0
    return levels, best


# --- Blocking keys ----------------------------------------------------------------------------------

_MAX_COMBOS = 12


def plain_block_keys(f: Features, tt: TokenTable) -> list[str]:
    """Keys under which a mention is filed; two mentions are compared if they share one."""
    keys = [f"p:{x}" for x in f.phones]
    keys += [f"h:{x}" for x in f.handles]
    keys += [f"l:{x}" for x in f.plates]
    keys += [f"i:{x}" for x in f.iins]
    keys += [f"o:{x}" for x in f.other_ids]
    years: list[int] = []
    if f.birth is not None and f.birth.hi - f.birth.lo <= 2.0:
        years = list(range(int(f.birth.lo), int(f.birth.hi) + 1))
    for v in f.variants:
        ck = [sorted({consonant_key(c) for c in tt.canon[t]}) for t in v.tokens]
        combos: set[str] = set()
        for i in range(len(ck)):
            for j in range(i + 1, len(ck)):
                for c1 in ck[i]:
                    for c2 in ck[j]:
                        combos.add("n:" + "|".join(sorted((c1, c2))))
        keys += sorted(combos)[:_MAX_COMBOS]
        if len(v.tokens) == 1:
            keys += [f"s:{c}" for c in ck[0]]
        # Word + birth year + the other words' initials catches a typo the consonant keys miss,
        # without filing every namesake of a common given name under one key.
        stems = [tt.freq_key[t] for t in v.tokens]
        for k, stem in enumerate(stems):
            others = "".join(sorted(x[:1] for x in stems[:k] + stems[k + 1 :]))
            keys += [f"y:{stem}:{others}:{y}" for y in years]
            if f.birth is not None and f.birth.exact:
                keys.append(f"d:{f.birth.exact}:{stem[:1]}")
    return list(dict.fromkeys(keys))


def initial_probe_keys(f: Features, tt: TokenTable) -> tuple[list[str], list[str]]:
    """(probes, targets) for the one-sided blocking of a surname with initials (issue 17).

    "Галибеков О.У." probes w:galibek:o and w:galibek:u; "Өмiржан Ғалибеков" is a target under
    w:galibek:o and w:omirjan:g (each word with each other word's initial). A probe is compared
    with the targets of its key only, never two targets with each other: two whole names that
    share a word and an initial are not worth comparing (Ахметов Ерлан / Ахметов Ержан), and filing
    them together cost precision at 100,000 mentions. Plain mode only.
    """
    probes: list[str] = []
    targets: list[str] = []
    for v in f.variants:
        stems = [tt.freq_key[t] for t in v.tokens]
        if len(stems) == 1:
            probes += [f"w:{stems[0]}:{x}" for x in v.initials]
        elif len(stems) >= 2:
            targets += [f"w:{s}:{o[:1]}" for k, s in enumerate(stems) for o in stems[:k] + stems[k + 1 :]]
    return list(dict.fromkeys(probes)), list(dict.fromkeys(targets))
