"""Per-mention features, computed once, and the pairwise comparison into agreement levels.

Comparisons return one level per field (``FIELDS``), or -1 when either side lacks the field.
The level definitions are shared by the plain and the private path; docs/linkage.md lists them.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
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
N_LEVELS = (6, 6, 2, 2, 2, 2, 3, 3, 2, 3, 4)
F_NAME, F_BIRTH, F_IIN, F_FATHER = 0, 1, 5, 7
# Two birth intervals further apart than this cannot be one man, whatever else agrees; ages given
# by victims are rough, so the gap is generous.
HARD_GAP_YEARS = 8.0
STRONG_TOKEN = 0.88
# An everyday form (Нурик, Саша) meeting a full name it may stand for is strong agreement but not
# the same word: Ерик may be Ерлан, Ержан or Ерболат, so it must weigh less than Ерлан = Ерлан.
FORM_SIM = 1.0
SLIP_SIM = 0.9  # a one-letter slip of a father's name: strong agreement, not the same word
# What a name word is: a plain word (forename, or a surname written without its ending), a surname
# whose -ов/-ев/-ин ending was removed, or a father's name written with -ұлы/-қызы.
W_PLAIN, W_SURNAME, W_FATHER = 0, 1, 2

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


def word_class(skel: str, stem: str) -> int:
    """W_FATHER for a -ұлы/-қызы word, W_SURNAME when a surname ending was removed, else W_PLAIN."""
    if stem == skel:
        return W_PLAIN
    return W_FATHER if skel.endswith(("uli", "kizi")) else W_SURNAME


def one_edit_keys(word: str) -> tuple[str, ...]:
    """The word and the word with each letter deleted: two words within one typing slip (a letter
    wrong, missing, extra, or two neighbours swapped) share at least one of these keys."""
    return (word, *dict.fromkeys(word[:k] + word[k + 1 :] for k in range(len(word))))


def name_key(tt: TokenTable, t: int) -> str:
    """A word's key in whole-name frequencies and private encodings: its frequency key, in capitals
    for a father's name (-ұлы), so that Ержанұлы never meets the forename Ержан there either."""
    k = tt.freq_key[t]
    return k.upper() if tt.wclass[t] == W_FATHER else k


def father_level(a: Iterable[str], b: Iterable[str]) -> int:
    """2 the same father's name, 1 one slip apart (Ерлан/Ержан: maybe a typo, maybe another man),
    0 different; a and b are the fathers' names as frequency keys."""
    sa, sb = set(a), set(b)
    if sa & sb:
        return 2
    ka = {k for x in sa for k in one_edit_keys(x)}
    return 1 if any(k in ka for y in sb for k in one_edit_keys(y)) else 0


class TokenTable:
    """Interns name words; keeps each word's stem, canonical forms and frequency in the data."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.stems: list[str] = []
        self.canon: list[frozenset[str]] = []
        self.freq_key: list[str] = []
        self.wclass: list[int] = []
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
            self.wclass.append(word_class(skel, stem))
        return tid

    def is_common(self, tid: int) -> bool:
        return self.freq_key[tid] in self._common or self.stems[tid] in self._common

    def sim(self, a: int, b: int) -> float:
        if a == b:
            return 1.0
        key = (a, b) if a < b else (b, a)
        s = self._sim.get(key)
        if s is None:
            ca, cb = self.wclass[a], self.wclass[b]
            if (ca == W_FATHER and cb == W_PLAIN) or (cb == W_FATHER and ca == W_PLAIN):
                # Ержанұлы is "son of Ержан": it may stand for a surname made from the father's
                # name (Family Code art. 194: Сейітұлы for Сейітов), never for the forename Ержан.
                s = 0.0
            elif self.stems[a] == self.stems[b]:
                s = 1.0
            elif W_FATHER in (ca, cb):
                # A father's name against another father's name or a surname: the same name or a
                # slip of it (Куанышжанұлы is not Куанышбеков, however alike they look).
                s = SLIP_SIM if father_level([self.stems[a]], [self.stems[b]]) else 0.0
            elif self.canon[a] & self.canon[b]:
                s = FORM_SIM
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


def _variant(tt: TokenTable, text: str) -> tuple[NameVariant | None, list[int]]:
    toks = name_tokens(text)
    names = tuple(tt.intern(t.skel, t.stem) for t in toks if t.kind == "name")
    # The father's name, from a Russian patronymic or from a -ұлы/-қызы word (which also stays a name
    # word: it may be the surname).
    patr = [tt.intern(t.skel, t.stem) for t in toks if t.kind == "patronymic"]
    patr += [t for t in names if tt.wclass[t] == W_FATHER]
    inits = tuple(t.skel for t in toks if t.kind == "initial")
    if not names and not inits:
        return None, patr
    key = " ".join(sorted(name_key(tt, t) for t in names))
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


# --- Columnar features and batch comparison ----------------------------------------------------------
# A million mentions as Features objects (tuples, frozensets, dataclasses) cost several GB and
# comparing them pair by pair in Python is the slowest part of a run. The plain index therefore
# keeps every field as flat numpy columns (interned integer ids; CSR offsets for lists) and
# compares candidate pairs in batches: the levels are the same as compare_features gives.

EXACT_FIELDS = ("phones", "handles", "plates", "iins", "other_ids")
_SOURCES = ("date", "iin", "age")
_SEX_CODE = {"m": 0, "f": 1}
_SEX_NAME = ("m", "f")
MAX_ALIGN_TOKENS = 6  # longer names (rare) are aligned one pair at a time by _align


class Interner:
    """Strings to dense integer ids and back."""

    __slots__ = ("ids", "values")

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def __call__(self, value: str) -> int:
        k = self.ids.get(value)
        if k is None:
            k = self.ids[value] = len(self.values)
            self.values.append(value)
        return k


class Csr:
    """Variable-length integer lists per mention: values[ptr[i]:ptr[i + 1]] belong to mention i."""

    __slots__ = ("ptr", "values")

    def __init__(self, ptr: np.ndarray, values: np.ndarray) -> None:
        self.ptr = ptr
        self.values = values

    def row(self, i: int) -> list[int]:
        return self.values[self.ptr[i] : self.ptr[i + 1]].tolist()


class _CsrBuilder:
    __slots__ = ("ptr", "values")

    def __init__(self) -> None:
        self.ptr = array("q", [0])
        self.values = array("i")

    def add(self, values: Iterable[int]) -> None:
        self.values.extend(values)
        self.ptr.append(len(self.values))

    def build(self) -> Csr:
        return Csr(np.frombuffer(self.ptr, dtype=np.int64).copy(), np.frombuffer(self.values, dtype=np.int32).copy())


@dataclass(slots=True)
class Columns:
    """Every mention's features as numpy columns; ``features(i)`` rebuilds one Features object."""

    ids: list[str]
    variants: Csr  # variant ids (see vtokens …) per mention, in written order
    variant_text: Csr  # id in texts of each variant as written (parallel to variants)
    vtokens: list[tuple[int, ...]]  # per variant id: name word token ids
    vinits: list[tuple[str, ...]]
    vfull: list[str]
    texts: list[str]
    patronymics: Csr
    exact: dict[str, tuple[Csr, list[str]]]  # field → (value ids per mention, values)
    birth_lo: np.ndarray  # float64, NaN when unknown
    birth_hi: np.ndarray
    birth_exact: np.ndarray  # int32 YYYYMMDD, 0 when not an exact date
    birth_source: np.ndarray  # int8 index into _SOURCES, −1 when unknown
    birth_label: np.ndarray  # int32 id in labels
    labels: list[str]
    sex: np.ndarray  # int8 0 m, 1 f, −1 unknown
    city: np.ndarray  # int32 id in places, −1
    city_text: np.ndarray  # int32 id in texts, −1
    region: np.ndarray  # int32 id in places, −1
    address: np.ndarray  # int32 id in addresses, −1
    places: list[str]
    addresses: list[str]
    block_hash: np.ndarray  # int64 hashes of every mention's block keys …
    block_member: np.ndarray  # … and the mention each belongs to (int32)

    def features(self, i: int) -> Features:
        vids = self.variants.row(i)
        tids = self.variant_text.row(i)
        variants = tuple(
            NameVariant(self.vtokens[v], self.vinits[v], self.texts[t], self.vfull[v], v)
            for v, t in zip(vids, tids, strict=True)
        )
        values = {name: frozenset(vals[x] for x in csr.row(i)) or _EMPTY for name, (csr, vals) in self.exact.items()}
        birth = None
        src = int(self.birth_source[i])
        if src >= 0:
            exact = int(self.birth_exact[i])
            birth = Birth(
                float(self.birth_lo[i]),
                float(self.birth_hi[i]),
                f"{exact:08d}" if exact else None,
                _SOURCES[src],
                self.labels[int(self.birth_label[i])],
            )
        sex = int(self.sex[i])
        city, region, ct, ad = int(self.city[i]), int(self.region[i]), int(self.city_text[i]), int(self.address[i])
        return Features(
            id=self.ids[i],
            variants=variants,
            patronymics=tuple(self.patronymics.row(i)),
            phones=values["phones"],
            handles=values["handles"],
            plates=values["plates"],
            iins=values["iins"],
            other_ids=values["other_ids"],
            birth=birth,
            sex=_SEX_NAME[sex] if sex >= 0 else None,
            city=self.places[city] if city >= 0 else None,
            city_text=self.texts[ct] if ct >= 0 else None,
            region=self.places[region] if region >= 0 else None,
            address=self.addresses[ad] if ad >= 0 else None,
        )


class ColumnBuilder:
    """Turns mentions one at a time into columns; nothing per mention outlives its row."""

    def __init__(self, tt: TokenTable, city_key: CityKey) -> None:
        self.tt = tt
        self.city_key = city_key
        self.ids: list[str] = []
        self.variants, self.variant_text, self.patronymics = _CsrBuilder(), _CsrBuilder(), _CsrBuilder()
        self.vtokens: list[tuple[int, ...]] = []
        self.vinits: list[tuple[str, ...]] = []
        self.vfull: list[str] = []
        self.texts, self.labels, self.places, self.addresses = Interner(), Interner(), Interner(), Interner()
        self.exact = {name: (_CsrBuilder(), Interner()) for name in EXACT_FIELDS}
        self.birth_lo, self.birth_hi = array("d"), array("d")
        self.birth_exact, self.birth_label = array("i"), array("i")
        self.birth_source, self.sex = array("b"), array("b")
        self.city, self.city_text, self.region, self.address = array("i"), array("i"), array("i"), array("i")
        self.block_hash, self.block_member = array("q"), array("i")

    def add(self, m: Mention) -> None:
        f = build_features(m, self.tt, self.city_key)
        k = len(self.ids)
        self.ids.append(f.id)
        for v in f.variants:
            if v.vid == len(self.vtokens):
                self.vtokens.append(v.tokens)
                self.vinits.append(v.initials)
                self.vfull.append(v.full_key)
        self.variants.add(v.vid for v in f.variants)
        self.variant_text.add(self.texts(v.text) for v in f.variants)
        self.patronymics.add(f.patronymics)
        for name, (csr, interner) in self.exact.items():
            csr.add(sorted(interner(x) for x in getattr(f, name)))
        b = f.birth
        self.birth_lo.append(b.lo if b else math.nan)
        self.birth_hi.append(b.hi if b else math.nan)
        self.birth_exact.append(int(b.exact) if b and b.exact else 0)
        self.birth_source.append(_SOURCES.index(b.source) if b else -1)
        self.birth_label.append(self.labels(b.label) if b else -1)
        self.sex.append(_SEX_CODE[f.sex] if f.sex else -1)
        self.city.append(self.places(f.city) if f.city else -1)
        self.city_text.append(self.texts(f.city_text) if f.city_text else -1)
        self.region.append(self.places(f.region) if f.region else -1)
        self.address.append(self.addresses(f.address) if f.address else -1)
        keys = plain_block_keys(f, self.tt)
        self.block_hash.extend(map(hash, keys))
        self.block_member.extend([k] * len(keys))

    def build(self) -> Columns:
        def arr(a: array, dtype: type) -> np.ndarray:
            return np.frombuffer(a, dtype=dtype).copy() if len(a) else np.zeros(0, dtype=dtype)

        cols = Columns(
            ids=self.ids,
            variants=self.variants.build(),
            variant_text=self.variant_text.build(),
            vtokens=self.vtokens,
            vinits=self.vinits,
            vfull=self.vfull,
            texts=self.texts.values,
            patronymics=self.patronymics.build(),
            exact={name: (csr.build(), interner.values) for name, (csr, interner) in self.exact.items()},
            birth_lo=arr(self.birth_lo, np.float64),
            birth_hi=arr(self.birth_hi, np.float64),
            birth_exact=arr(self.birth_exact, np.int32),
            birth_source=arr(self.birth_source, np.int8),
            birth_label=arr(self.birth_label, np.int32),
            labels=self.labels.values,
            sex=arr(self.sex, np.int8),
            city=arr(self.city, np.int32),
            city_text=arr(self.city_text, np.int32),
            region=arr(self.region, np.int32),
            address=arr(self.address, np.int32),
            places=self.places.values,
            addresses=self.addresses.values,
            block_hash=arr(self.block_hash, np.int64),
            block_member=arr(self.block_member, np.int32),
        )
        return cols


def _products(ptr: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (value of i, value of j) combination of the pairs where both have values.

    Returns (pairs that have both, owner of each combination as an index into those pairs,
    position of i's value, position of j's value); combinations of one pair are contiguous and
    in row-major order (i's values outer), as compare_features loops over them.
    """
    ca, cb = ptr[i + 1] - ptr[i], ptr[j + 1] - ptr[j]
    sel = np.flatnonzero((ca > 0) & (cb > 0))
    ca, cb = ca[sel], cb[sel]
    cnt = ca * cb
    owner = np.repeat(np.arange(len(sel)), cnt)
    k = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    cbr = cb[owner]
    return sel, owner, ptr[i[sel]][owner] + k // cbr, ptr[j[sel]][owner] + k % cbr


def _any_per_owner(hit: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(owner, weights=hit, minlength=n) > 0


class BatchComparer:
    """compare_features for many pairs at once, on Columns; gives the same levels and TF keys."""

    def __init__(self, cols: Columns, tt: TokenTable, key_of_token: Sequence[int], f0: np.ndarray) -> None:
        self.c = cols
        self.tt = tt
        self.key_of_token = np.asarray(key_of_token, dtype=np.int64)
        self.f0 = f0
        n_var = len(cols.vtokens)
        width = min(max((len(t) for t in cols.vtokens), default=1), MAX_ALIGN_TOKENS) or 1
        self.width = width
        self.vt = np.full((n_var, width), -1, dtype=np.int64)
        self.long = np.zeros(n_var, dtype=bool)
        for v, toks in enumerate(cols.vtokens):
            if len(toks) > width:
                self.long[v] = True
            else:
                self.vt[v, : len(toks)] = toks
        self.vinit = np.array([_letters(x) for x in cols.vinits], dtype=np.int64)
        self.tok_first = np.array([_letters((s[:1],)) for s in tt.stems], dtype=np.int64)
        self._sim: dict[int, float] = {}
        self._city: dict[int, bool] = {}
        self._addr: dict[int, int] = {}
        self._father: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}

    # --- token similarities, cached by integer pair code
    def token_sims(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not len(a):
            return np.zeros(0)
        nt = len(self.tt.stems)
        code = np.minimum(a, b) * nt + np.maximum(a, b)
        uniq, inv = np.unique(code, return_inverse=True)
        cache, sim = self._sim, self.tt.sim
        if len(cache) > CACHE_LIMIT * 2:  # about 100 MB; emptied when full, like the other caches
            cache.clear()
        vals = []
        for c in uniq.tolist():
            s = cache.get(c)
            if s is None:
                s = cache[c] = sim(c // nt, c % nt)
            vals.append(s)
        return np.asarray(vals)[inv]

    def levels(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(levels int8 (P, fields) with −1 for missing, TF keys int32 (P, 2) padded with −1)."""
        i = np.asarray(i, dtype=np.int64)
        j = np.asarray(j, dtype=np.int64)
        p = len(i)
        lv = np.full((p, len(FIELDS)), -1, dtype=np.int8)
        keys = np.full((p, 2), -1, dtype=np.int32)
        if p == 0:
            return lv, keys
        self._names(i, j, lv, keys)
        self._birth(i, j, lv)
        c = self.c
        for f, name in ((2, "phones"), (3, "handles"), (4, "plates"), (5, "iins")):
            csr = c.exact[name][0]
            sel, owner, ai, bj = _products(csr.ptr, i, j)
            if len(sel):
                lv[sel, f] = _any_per_owner(csr.values[ai] == csr.values[bj], owner, len(sel))
        self._other_ids(i, j, lv)
        self._fathers(i, j, lv)
        sa, sb = c.sex[i], c.sex[j]
        both = (sa >= 0) & (sb >= 0)
        lv[both, 8] = sa[both] == sb[both]
        self._place(i, j, lv)
        self._address(i, j, lv)
        return lv, keys

    def _names(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray, keys: np.ndarray) -> None:
        vc = self.c.variants
        sel, owner, ai, bj = _products(vc.ptr, i, j)
        if not len(sel):
            return
        n_var = len(self.c.vtokens)
        code = vc.values[ai].astype(np.int64) * n_var + vc.values[bj]
        uniq, inv = np.unique(code, return_inverse=True)
        level, k0, k1 = self._align(uniq // n_var, uniq % n_var)
        lev = level[inv]
        # The first variant pair with the highest level wins, as in compare_features.
        starts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
        pos = np.arange(len(owner)) - np.repeat(starts, np.diff(np.append(starts, len(owner))))
        big = int(pos.max()) + 1
        best = np.maximum.reduceat(lev.astype(np.int64) * big + (big - 1 - pos), starts)
        best_level = best // big
        chosen = starts + (big - 1 - best % big)
        lv[sel, 0] = best_level
        u = inv[chosen]
        keys[sel, 0] = k0[u]
        keys[sel, 1] = k1[u]

    def _align(self, va: np.ndarray, vb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """_align for many variant pairs: greedy one-to-one word matching by best similarity."""
        u, w = len(va), self.width
        level = np.zeros(u, dtype=np.int64)
        k0 = np.full(u, -1, dtype=np.int64)
        k1 = np.full(u, -1, dtype=np.int64)
        long = self.long[va] | self.long[vb]
        ta, tb = self.vt[va], self.vt[vb]  # (u, w), −1 padded
        valid = (ta[:, :, None] >= 0) & (tb[:, None, :] >= 0)
        sims = np.full((u, w, w), -np.inf)
        aa = np.broadcast_to(ta[:, :, None], valid.shape)[valid]
        bb = np.broadcast_to(tb[:, None, :], valid.shape)[valid]
        sims[valid] = np.where(aa == bb, 1.0, self.token_sims(aa, bb))
        used_a = np.zeros((u, w), dtype=bool)
        used_b = np.zeros((u, w), dtype=bool)
        m_s = np.full((u, w), -np.inf)
        m_a = np.full((u, w), -1, dtype=np.int64)
        m_b = np.full((u, w), -1, dtype=np.int64)
        rows = np.arange(u)
        flat = sims.reshape(u, w * w)
        for step in range(w):
            # The largest (similarity, i, j) first, as _align's reverse sort: argmax over the
            # reversed row picks the largest flat index among equal similarities.
            f = w * w - 1 - flat[:, ::-1].argmax(axis=1)
            s = flat[rows, f]
            ok = s > -np.inf
            if not ok.any():
                break
            r, a, b = rows[ok], f[ok] // w, f[ok] % w
            m_s[r, step] = s[ok]
            m_a[r, step] = ta[r, a]
            m_b[r, step] = tb[r, b]
            used_a[r, a] = True
            used_b[r, b] = True
            sims[r, a, :] = -np.inf
            sims[r, :, b] = -np.inf
        matched = (m_s > -np.inf).sum(axis=1)
        strong = (m_s >= STRONG_TOKEN).sum(axis=1)
        exact = (m_s == 1.0).sum(axis=1)
        conflicts = matched - strong
        first = self.tok_first
        left_a = np.bitwise_or.reduce(np.where((ta >= 0) & ~used_a, first[np.maximum(ta, 0)], 0), axis=1)
        left_b = np.bitwise_or.reduce(np.where((tb >= 0) & ~used_b, first[np.maximum(tb, 0)], 0), axis=1)
        ia, ib = self.vinit[va], self.vinit[vb]
        conflicts += (ib != 0) & (left_a != 0) & ((ib & left_a) == 0)
        conflicts += (ia != 0) & (left_b != 0) & ((ia & left_b) == 0)
        best = np.where(matched > 0, m_s[:, 0], 0.0)
        level[:] = np.where(
            strong == 0,
            np.where(best >= 0.7, 1, 0),
            np.where(conflicts == 0, np.where(strong >= 2, np.where(exact == strong, 5, 4), 3), 2),
        )
        kot, f0 = self.key_of_token, self.f0
        for step, out in ((0, k0), (1, k1)):
            has = (level >= 2) & (strong > step)
            ka, kb = kot[np.maximum(m_a[has, step], 0)], kot[np.maximum(m_b[has, step], 0)]
            out[has] = np.where(f0[ka] >= f0[kb], ka, kb)
        for x in np.flatnonzero(long).tolist():
            level[x], k0[x], k1[x] = self._align_one(int(va[x]), int(vb[x]))
        return level, k0, k1

    def _align_one(self, va: int, vb: int) -> tuple[int, int, int]:
        c = self.c
        nva = NameVariant(c.vtokens[va], c.vinits[va], "", c.vfull[va], va)
        nvb = NameVariant(c.vtokens[vb], c.vinits[vb], "", c.vfull[vb], vb)
        level, strong = _align(self.tt, nva, nvb)
        ks = [-1, -1]
        if level >= 2:
            kot, f0 = self.key_of_token, self.f0
            for n, (a, b, _) in enumerate(strong[:2]):
                ka, kb = int(kot[a]), int(kot[b])
                ks[n] = ka if f0[ka] >= f0[kb] else kb
        return level, ks[0], ks[1]

    def _fathers(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        pc = self.c.patronymics
        ptr = pc.ptr
        sel = np.flatnonzero((ptr[i + 1] > ptr[i]) & (ptr[j + 1] > ptr[j]))
        if not len(sel):
            return
        out = np.empty(len(sel), dtype=np.int8)
        for k, (a, b) in enumerate(zip(i[sel].tolist(), j[sel].tolist(), strict=True)):
            out[k] = self.father_level_of(a, b)
        lv[sel, F_FATHER] = out

    def father_level_of(self, i: int, j: int) -> int:
        """The father's-name level of two mentions (−1: either names no father), cached by the
        two token rows (the same few fathers' names recur)."""
        pc = self.c.patronymics
        ra, rb = tuple(pc.row(i)), tuple(pc.row(j))
        if not ra or not rb:
            return -1
        hit = self._father.get((ra, rb))
        if hit is None:
            if len(self._father) > CACHE_LIMIT:
                self._father.clear()
            fk = self.tt.freq_key
            hit = self._father[(ra, rb)] = father_level([fk[x] for x in ra], [fk[y] for y in rb])
        return hit

    def _birth(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        c = self.c
        sel = np.flatnonzero((c.birth_source[i] >= 0) & (c.birth_source[j] >= 0))
        if not len(sel):
            return
        i, j = i[sel], j[sel]
        lo_a, hi_a, lo_b, hi_b = c.birth_lo[i], c.birth_hi[i], c.birth_lo[j], c.birth_hi[j]
        gap = np.maximum(np.maximum(0.0, lo_a - hi_b), lo_b - hi_a)
        ea, eb = c.birth_exact[i].astype(np.int64), c.birth_exact[j].astype(np.int64)
        loose = np.where(gap == 0.0, 3, np.where(gap <= 2.0, 2, np.where(gap <= HARD_GAP_YEARS, 1, 0)))
        far = np.where(gap > HARD_GAP_YEARS, 0, 1)
        both = (ea > 0) & (eb > 0)
        level = np.where(both, np.where(ea == eb, 5, np.where(_date_slips(ea, eb), 4, far)), loose)
        lv[sel, 1] = level

    def _other_ids(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        csr, values = self.c.exact["other_ids"]
        sel, owner, ai, bj = _products(csr.ptr, i, j)
        if not len(sel):
            return
        shared = _any_per_owner(csr.values[ai] == csr.values[bj], owner, len(sel))
        level = np.where(shared, 2, 0)
        # One character apart (length ≥ 5) is a slip; checked only where nothing is shared.
        for k in np.flatnonzero(~shared).tolist():
            xs = [values[v] for v in csr.row(int(i[sel[k]]))]
            ys = [values[v] for v in csr.row(int(j[sel[k]]))]
            if any(OSA.distance(x, y, score_cutoff=1) <= 1 for x in xs for y in ys if min(len(x), len(y)) >= 5):
                level[k] = 1
        lv[sel, 6] = level

    def _place(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        c = self.c
        ca, cb, ra, rb = c.city[i], c.city[j], c.region[i], c.region[j]
        sel = np.flatnonzero(((ca >= 0) | (ra >= 0)) & ((cb >= 0) | (rb >= 0)))
        if not len(sel):
            return
        ca, cb, ra, rb = ca[sel], cb[sel], ra[sel], rb[sel]
        same_city = (ca >= 0) & (ca == cb)
        near = (ra >= 0) & (ra == rb)
        fuzzy = np.flatnonzero(~same_city & ~near & (ca >= 0) & (cb >= 0))
        if len(fuzzy):
            n_places = len(c.places)
            code = ca[fuzzy].astype(np.int64) * n_places + cb[fuzzy]
            uniq, inv = np.unique(code, return_inverse=True)
            similar = []
            for x in uniq.tolist():
                hit = self._city.get(x)
                if hit is None:
                    a, b = c.places[x // n_places], c.places[x % n_places]
                    hit = self._city[x] = JaroWinkler.normalized_similarity(a, b) >= 0.92
                similar.append(hit)
            near[fuzzy] = np.asarray(similar, dtype=bool)[inv]
        lv[sel, 9] = np.where(same_city, 2, np.where(near, 1, 0))

    def _address(self, i: np.ndarray, j: np.ndarray, lv: np.ndarray) -> None:
        c = self.c
        aa, ab = c.address[i], c.address[j]
        sel = np.flatnonzero((aa >= 0) & (ab >= 0))
        if not len(sel):
            return
        aa, ab = aa[sel], ab[sel]
        level = np.full(len(sel), 3, dtype=np.int8)
        diff = np.flatnonzero(aa != ab)
        if len(diff):
            n_addr = len(c.addresses)
            code = aa[diff].astype(np.int64) * n_addr + ab[diff]
            uniq, inv = np.unique(code, return_inverse=True)
            out = []
            for x in uniq.tolist():
                hit = self._addr.get(x)
                if hit is None:
                    if len(self._addr) > 2_000_000:
                        self._addr.clear()
                    r = token_sort_ratio(c.addresses[x // n_addr], c.addresses[x % n_addr]) / 100.0
                    hit = self._addr[x] = 2 if r >= 0.85 else 1 if r >= 0.6 else 0
                out.append(hit)
            level[diff] = np.asarray(out, dtype=np.int8)[inv]
        lv[sel, 10] = level


def _letters(chars: Iterable[str]) -> int:
    """Bit mask of the initial letters (a–z after skeleton folding)."""
    mask = 0
    for ch in chars:
        if ch and "a" <= ch[0] <= "z":
            mask |= 1 << (ord(ch[0]) - 97)
    return mask


_DIGIT_POWERS = 10 ** np.arange(7, -1, -1, dtype=np.int64)


def _date_slips(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """date_typo_like on YYYYMMDD integers: one digit wrong, two neighbours swapped, or day and
    month swapped."""
    da = (a[:, None] // _DIGIT_POWERS) % 10
    db = (b[:, None] // _DIGIT_POWERS) % 10
    diff = da != db
    nd = diff.sum(axis=1)
    p = np.minimum(diff.argmax(axis=1), 6)
    r = np.arange(len(a))
    swapped = (nd == 2) & diff[r, p + 1] & (da[r, p] == db[r, p + 1]) & (da[r, p + 1] == db[r, p])
    dm = (a // 10000 == b // 10000) & ((a // 100) % 100 == b % 100) & (a % 100 == (b // 100) % 100)
    return (nd <= 1) | swapped | dm
