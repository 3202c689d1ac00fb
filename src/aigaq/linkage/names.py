"""Name words and whole names: interned words with their stems, canonical forms and frequency
keys, word similarity, and the order-free alignment of two names into a level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler

from .normalise import canonical_forms, name_forms, name_tokens, normalise_handle, stem_of

STRONG_TOKEN = 0.88
# An everyday form (Нурик, Саша) meeting a full name it may stand for is strong agreement but not
# the same word: Ерик may be Ерлан, Ержан or Ерболат, so it must weigh less than Ерлан = Ерлан.
FORM_SIM = 1.0
SLIP_SIM = 0.9  # a one-letter slip of a father's name: strong agreement, not the same word
# A surname against a plain word of a name that has its own surname (Рамазанов ~ Рамазан in
# "Рамазан Ахметов"): that word is a forename, and a forename is not the surname made from it,
# however alike they are. Weak, not strong: it does not count as the same name.
CROSS_SIM = 0.75
# What a name word is: a plain word (forename, or a surname written without its ending), a surname
# whose -ов/-ев/-ин ending was removed, or a father's name written with -ұлы/-қызы.
W_PLAIN, W_SURNAME, W_FATHER = 0, 1, 2


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


CACHE_LIMIT = 500_000  # entries; the caches are emptied when full so memory stays bounded


def cached_align(tt: TokenTable, va: NameVariant, vb: NameVariant) -> tuple[int, tuple[tuple[int, int, float], ...]]:
    key = va.vid << 32 | vb.vid
    hit = tt.variant_cache.get(key)
    if hit is None:
        hit = align(tt, va, vb)
        if len(tt.variant_cache) >= CACHE_LIMIT:
            tt.variant_cache.clear()
        tt.variant_cache[key] = hit
    return hit


def plain_words_are_forenames(tt: TokenTable, tokens: Iterable[int]) -> bool:
    """True when the plain words of a name can only be forenames: it has a surname with its ending
    ("Рамазан Ахметов"), or one plain word beside a -ұлы word, which is the father's name or the
    surname made from it ("Руслан Талғатұлы")."""
    classes = [tt.wclass[t] for t in tokens]
    return W_SURNAME in classes or (W_FATHER in classes and classes.count(W_PLAIN) == 1)


def cross_sim(tt: TokenTable, x: int, y: int, ta: Sequence[int], tb: Sequence[int]) -> float:
    """tt.sim of word x of name ta and word y of name tb, at most CROSS_SIM for a surname against
    a forename: a plain word of a name whose plain words are forenames (Рамазан in "Рамазан
    Ахметов" is not Рамазанов). A plain word in a name with no surname may be that surname
    without its ending (Сейіт Ерлан ~ Сейітов Ерлан), so it still meets it."""
    s = tt.sim(x, y)
    if s > CROSS_SIM:
        cx, cy = tt.wclass[x], tt.wclass[y]
        if (cx == W_SURNAME and cy == W_PLAIN and plain_words_are_forenames(tt, tb)) or (
            cy == W_SURNAME and cx == W_PLAIN and plain_words_are_forenames(tt, ta)
        ):
            return CROSS_SIM
    return s


def align(tt: TokenTable, va: NameVariant, vb: NameVariant) -> tuple[int, tuple[tuple[int, int, float], ...]]:
    """Best one-to-one alignment of name words (order-free), then a level, and the strong matches.

    5: two or more words, all the same (after folding and everyday forms); 4: two or more similar;
    3: one word the same and nothing contradicts (single word or consistent initials);
    2: one word the same, another contradicts; 1: only weakly similar; 0: different.
    """
    ta, tb = va.tokens, vb.tokens
    cand = sorted(((cross_sim(tt, x, y, ta, tb), i, j) for i, x in enumerate(ta) for j, y in enumerate(tb)),
                  reverse=True)  # fmt: skip
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


def name_variant(tt: TokenTable, text: str) -> tuple[NameVariant | None, list[int]]:
    """One written name as a variant (None when it has neither a name word nor an initial), and
    the father's names it carries."""
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


# --- Name evidence outside the name field ----------------------------------------------------------

_WORD_SPLIT = re.compile(r"[\s,;/()\"«»\-–—_.]+")
_HANDLE_PARTS = re.compile(r"[^a-z]+")
MIN_HANDLE_SURNAME = 5  # letters: "abaev" is a surname, "ov" or "bek" inside a nickname is not


def is_surname_word(raw: str) -> bool:
    """True for one written word that is a surname by its ending (-ов/-ева/-ин…, any script)."""
    toks = name_tokens(raw)
    if len(toks) != 1 or toks[0].kind != "name":
        return False
    return word_class(toks[0].skel, toks[0].stem) == W_SURNAME


def surname_words(text: str) -> list[str]:
    """The words of a written name that are surnames by their ending, as written."""
    return [w for w in _WORD_SPLIT.split(text) if w and is_surname_word(w)]


def handle_name(raw: str) -> tuple[str, tuple[str, ...]] | None:
    """(surname, initials) inside a social-media handle — abaev_k, k.abaev, abaev1987 →
    ("abaev", ("k",)) — or None when it holds no one surname. Only a word with a surname ending
    counts: a handle such as nurik_87 may be anyone's nickname."""
    h = normalise_handle(raw)
    if not h:
        return None
    parts = [x for x in _HANDLE_PARTS.split(h) if x]
    surnames = [x for x in parts if len(x) >= MIN_HANDLE_SURNAME and is_surname_word(x)]
    if len(surnames) != 1:
        return None
    initials = tuple(x for x in parts if len(x) == 1)
    return surnames[0], initials[:2]


def extra_name_texts(full_name: str | None, aliases: Sequence[str], handles: Sequence[str]) -> list[str]:
    """Whole names a mention implies beyond the ones written: a surname found only in an alias or a
    handle, added to a written name that has none ("Кайрат" with the alias "Абаев" or the handle
    @abaev_k is "Кайрат abaev"); with no name written, the handle's surname and initials alone."""
    texts = [t for t in (full_name or "", *aliases) if t.strip()]
    found: list[str] = [w for t in texts[1:] for w in surname_words(t)]
    initials: tuple[str, ...] = ()
    for h in handles:
        hit = handle_name(h)
        if hit is not None:
            found.append(hit[0])
            initials = initials or hit[1]
    if not found:
        return []
    if not texts:
        return [" ".join((found[0], *(f"{x}." for x in initials)))]
    base = texts[0]
    toks = name_tokens(base)
    plain = [t for t in toks if t.kind == "name" and word_class(t.skel, t.stem) == W_PLAIN]
    if surname_words(base) or len(plain) > 1:
        # The written name has its surname (or a word that may be one, written without its
        # ending): an alias's or a handle's other surname is not added to it.
        return []
    stems = [t.stem for t in toks]

    def new(w: str) -> bool:
        stem = name_tokens(w)[0].stem
        return all(JaroWinkler.normalized_similarity(stem, x) < STRONG_TOKEN for x in stems)

    word = next((w for w in found if new(w)), None)
    return [f"{base} {word}"] if word else []
