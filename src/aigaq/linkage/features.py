"""Per-mention features, computed once, and the pairwise comparison into agreement levels.

Comparisons return one level per field (``FIELDS``), or -1 when either side lacks the field.
The level definitions are shared by the plain and the private path; docs/linkage.md lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import token_sort_ratio

from .mention import Mention
from .normalise import (
    CityKey,
    canonical_forms,
    consonant_key,
    default_city_key,
    iin_birth_date,
    iin_is_valid,
    name_forms,
    name_tokens,
    normalise_handle,
    normalise_iin,
    normalise_other_id,
    normalise_phone,
    normalise_plate,
    skeleton,
    stem_of,
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
N_LEVELS = (6, 6, 2, 2, 2, 2, 3, 2, 2, 3, 4)
F_NAME, F_BIRTH = 0, 1
# Two birth intervals further apart than this cannot be one man, whatever else agrees; ages given
# by victims are rough, so the gap is generous.
HARD_GAP_YEARS = 8.0
STRONG_TOKEN = 0.88

_SEX = {
    "m": "m", "male": "m", "man": "m", "м": "m", "муж": "m", "мужской": "m", "ер": "m", "еркек": "m",
    "f": "f", "female": "f", "woman": "f", "ж": "f", "жен": "f", "женский": "f", "әйел": "f",
}  # fmt: skip


def normalise_sex(raw: str | None) -> str | None:
    if not raw:
        return None
    return _SEX.get(raw.strip().lower().rstrip("."))


# --- Birth ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Birth:
    """Possible birth dates as an interval in fractional years, and the exact date when known."""

    lo: float
    hi: float
    exact: str | None  # "YYYYMMDD"
    source: str  # "date", "iin" or "age"
    label: str  # what a coordinator reads: "born 1985-04-12", "aged 34 on 2022-05-01"


def _year_float(d: dt.date) -> float:
    """The date as a fractional year (1 July 1985 ≈ 1985.5), so int() gives the calendar year."""
    start = dt.date(d.year, 1, 1).toordinal()
    return d.year + (d.toordinal() - start) / (dt.date(d.year + 1, 1, 1).toordinal() - start)


def birth_of(m: Mention, iins: Sequence[str]) -> Birth | None:
    if m.birth_date:
        parts = [int(p) for p in m.birth_date.split("-")]
        if len(parts) == 3:
            d = dt.date(*parts)
            return Birth(_year_float(d), _year_float(d), d.strftime("%Y%m%d"), "date", f"born {m.birth_date}")
        if len(parts) == 2:
            y, mo = parts
            start = dt.date(y, mo, 1)
            end = dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)
            return Birth(_year_float(start), _year_float(end), None, "date", f"born {m.birth_date}")
        y = parts[0]
        return Birth(_year_float(dt.date(y, 1, 1)), _year_float(dt.date(y, 12, 31)), None, "date", f"born {y}")
    for iin in iins:
        born = iin_birth_date(iin)
        if born:
            label = f"born {born} (from IIN)"
            return Birth(_year_float(born), _year_float(born), born.strftime("%Y%m%d"), "iin", label)
    if m.age_at_incident is not None and m.incident_date:
        inc = dt.date.fromisoformat(m.incident_date)
        # Aged A on day D means born after D minus A+1 years and on or before D minus A years.
        hi = _year_float(inc) - m.age_at_incident
        lo = hi - 1.0
        return Birth(lo, hi, None, "age", f"aged {m.age_at_incident} on {m.incident_date}")
    return None


def date_typo_like(a: str, b: str) -> bool:
    """One digit wrong, two neighbours swapped, or day and month swapped: a slip, not two men."""
    if len(a) != len(b) or a == b:
        return a == b
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return True
    return len(a) == 8 and a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]


def birth_gap(a: Birth, b: Birth) -> float:
    return max(0.0, a.lo - b.hi, b.lo - a.hi)


def birth_level(a: Birth, b: Birth) -> int:
    """5 same date, 4 slip of a date, 3 compatible, 2 within 2 years, 1 disagree, 0 impossible."""
    if a.exact and b.exact:
        if a.exact == b.exact:
            return 5
        if date_typo_like(a.exact, b.exact):
            return 4
        return 0 if birth_gap(a, b) > HARD_GAP_YEARS else 1
    gap = birth_gap(a, b)
    if gap == 0.0:
        return 3
    if gap <= 2.0:
        return 2
    return 1 if gap <= HARD_GAP_YEARS else 0


# --- Names ----------------------------------------------------------------------------------------


class TokenTable:
    """Interns name words; keeps each word's stem, canonical forms and frequency in the data."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.stems: list[str] = []
        self.canon: list[frozenset[str]] = []
        self.freq_key: list[str] = []
        self._sim: dict[tuple[int, int], float] = {}
        # Names recur (namesakes, one man in many cases), so whole-name alignments are cached too.
        self.variant_ids: dict[tuple[tuple[int, ...], tuple[str, ...]], int] = {}
        self.variant_cache: dict[int, tuple[int, tuple[tuple[int, int, float], ...]]] = {}
        self._common = frozenset(name_forms()) | frozenset(s for v in name_forms().values() for s in v)

    def intern(self, skel: str, stem: str) -> int:
        tid = self.ids.get(skel)
        if tid is None:
            tid = len(self.stems)
            self.ids[skel] = tid
            self.stems.append(stem)
            forms = canonical_forms(skel)
            self.canon.append(frozenset(stem_of(f)[0] for f in forms))
            others = sorted(forms - {skel})
            self.freq_key.append(stem_of(others[0])[0] if others else stem)
        return tid

    def is_common(self, tid: int) -> bool:
        return self.freq_key[tid] in self._common or self.stems[tid] in self._common

    def sim(self, a: int, b: int) -> float:
        if a == b:
            return 1.0
        key = (a, b) if a < b else (b, a)
        s = self._sim.get(key)
        if s is None:
            if self.canon[a] & self.canon[b]:
                s = 1.0
            else:
                s = JaroWinkler.normalized_similarity(self.stems[a], self.stems[b])
            if len(self._sim) >= CACHE_LIMIT:
                self._sim.clear()
            self._sim[key] = s
        return s


@dataclass(frozen=True, slots=True)
class NameVariant:
    tokens: tuple[int, ...]  # name words (including -ұлы words, which may be surnames)
    initials: tuple[str, ...]
    text: str  # as written, for evidence
    full_key: str  # canonical stems sorted: the frequency key of the whole name
    vid: int  # same words and initials → same id, the key of the alignment cache


@dataclass(frozen=True, slots=True)
class NameMatch:
    level: int
    matched: tuple[tuple[int, int, float], ...]
    a_text: str
    b_text: str


def compare_variants(tt: TokenTable, va: NameVariant, vb: NameVariant) -> NameMatch:
    """Best one-to-one alignment of name words (order-free), then a level.

    5: two or more words, all the same (after folding and everyday forms); 4: two or more similar;
    3: one word the same and nothing contradicts (single word or consistent initials);
    2: one word the same, another contradicts; 1: only weakly similar; 0: different.
    """
    hit = _cached_align(tt, va, vb)
    return NameMatch(hit[0], hit[1], va.text, vb.text)


CACHE_LIMIT = 500_000  # entries; the caches are emptied when full so memory stays bounded


def _cached_align(tt: TokenTable, va: NameVariant, vb: NameVariant) -> tuple[int, tuple[tuple[int, int, float], ...]]:
    key = va.vid << 32 | vb.vid
    hit = tt.variant_cache.get(key)
    if hit is None:
        hit = _align(tt, va, vb)
        if len(tt.variant_cache) >= CACHE_LIMIT:
            tt.variant_cache.clear()
        tt.variant_cache[key] = hit
    return hit


def _align(tt: TokenTable, va: NameVariant, vb: NameVariant) -> tuple[int, tuple[tuple[int, int, float], ...]]:
    ta, tb = va.tokens, vb.tokens
    cand = sorted(((tt.sim(x, y), i, j) for i, x in enumerate(ta) for j, y in enumerate(tb)), reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched: list[tuple[int, int, float]] = []
    for s, i, j in cand:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matched.append((ta[i], tb[j], s))
    strong = [m for m in matched if m[2] >= STRONG_TOKEN]
    conflicts = len(matched) - len(strong)
    # Initials on one side are checked against the words left over on the other side.
    for inits, left in (
        (vb.initials, [ta[i] for i in range(len(ta)) if i not in used_a]),
        (va.initials, [tb[j] for j in range(len(tb)) if j not in used_b]),
    ):
        if inits and left:
            firsts = {tt.stems[t][:1] for t in left}
            if not firsts & set(inits):
                conflicts += 1
    if not strong:
        best = matched[0][2] if matched else 0.0
        level = 1 if best >= 0.7 else 0
    elif conflicts == 0:
        level = (5 if all(m[2] == 1.0 for m in strong) else 4) if len(strong) >= 2 else 3
    else:
        level = 2
    return level, tuple(strong)


# --- Mention features ------------------------------------------------------------------------------


@dataclass(slots=True)
class Features:
    id: str
    variants: tuple[NameVariant, ...]
    patronymics: tuple[int, ...]
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


def _variant(tt: TokenTable, text: str) -> tuple[NameVariant | None, list[int]]:
    toks = name_tokens(text)
    names = tuple(tt.intern(t.skel, t.stem) for t in toks if t.kind == "name")
    patr = [tt.intern(t.skel, t.stem) for t in toks if t.kind == "patronymic"]
    inits = tuple(t.skel for t in toks if t.kind == "initial")
    if not names and not inits:
        return None, patr
    key = " ".join(sorted(tt.freq_key[t] for t in names))
    vid = tt.variant_ids.setdefault((names, inits), len(tt.variant_ids))
    return NameVariant(names, inits, text.strip(), key, vid), patr


_EMPTY: frozenset[str] = frozenset()


def _set(values: Iterable[str | None]) -> frozenset[str]:
    """A frozenset of the non-empty values; the shared empty set when there are none (most
    mentions have no plate, IIN or document number, and a million empty sets cost memory)."""
    out = frozenset(v for v in values if v)
    return out if out else _EMPTY


def build_features(m: Mention, tt: TokenTable, city_key: CityKey = default_city_key) -> Features:
    variants: list[NameVariant] = []
    patronymics: list[int] = []
    for text in [m.full_name or "", *m.aliases]:
        if not text.strip():
            continue
        v, patr = _variant(tt, text)
        if v is not None and v not in variants:
            variants.append(v)
        patronymics.extend(patr)
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
                hit = _cached_align(tt, va, vb)
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
        levels[7] = int(any(tt.sim(x, y) >= STRONG_TOKEN for x in a.patronymics for y in b.patronymics))
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


def hard_conflict(a: Features, b: Features) -> bool:
    return a.birth is not None and b.birth is not None and birth_level(a.birth, b.birth) == 0


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
