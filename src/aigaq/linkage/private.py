"""Private mode: keyed encodings of mentions and linkage that sees only those encodings.

The keyed primitives (a subkey per purpose, keyed tokens, keyed Bloom filters XOR-folded to
``BLOOM_BITS``) are aigaq.lib.crypto.linkage's; this module decides what is encoded:

* Exact identifiers (phones, handles, plates, IINs, document numbers, city, sex, whole canonical
  name, birth date) become tokens, each purpose under its own key.
* Name words and addresses become Bloom filters of padded bigrams; names and addresses use
  separate filters.
* Blocking keys are the plain blocking keys under their own key.
* Birth is kept only as a coarse year interval.
"""

from __future__ import annotations

import base64
import functools
import json
import multiprocessing as mp
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from aigaq.lib.crypto.linkage import BLOOM_BITS, KEY_MIN_BYTES, WORDS, LinkageKeys

from .birth import HARD_GAP_YEARS
from .blocking import candidate_pairs
from .em import em, estimate_u
from .features import F_BIRTH, F_NAME, FIELDS, build_features, plain_block_keys
from .index import Progress
from .mention import Mention
from .model import (
    LEAVE_OUT,
    TF_PSEUDO,
    Evidence,
    Model,
    ScoredPair,
    is_conflict,
    outcome,
    probability,
    score,
    tf_u_from,
)
from .names import TokenTable, name_key, one_edit_keys
from .normalise import CityKey, default_city_key


def _name_grams(tt: TokenTable, tokens: Sequence[int], initials: Sequence[str]) -> list[str]:
    """Bigrams of every word, plus one gram per initial letter, written or of a word: so "Сейітов
    Ж." still lies inside "Жәнібек Сейітов" while "Сейітов П." no longer does."""
    grams = [g for t in tokens for g in _bigrams(name_key(tt, t))]
    if INITIAL_GRAMS:
        grams += [f"^{name_key(tt, t)[:1].lower()}" for t in tokens] + [f"^{x}" for x in initials]
    return grams


INITIAL_GRAMS = True
TOKEN_FLOOR = 0.25  # persons; see EncodedIndex.tf_tables


def _bigrams(word: str) -> list[str]:
    w = f"_{word}_"
    return [w[i : i + 2] for i in range(len(w) - 1)]


def _name_keys(full_key: str) -> list[str]:
    """The whole name and every pair of its words, leaving out pairs with a father's name (in
    capitals, see features.name_key): "Серік Маратұлы" is a forename and a patronymic many men
    share, so that pair alone must not count as the same name."""
    words = full_key.split()
    return [full_key] + [f"{a} {b}" for i, a in enumerate(words) for b in words[i + 1 :] if a.islower() and b.islower()]


def slip_variants(s: str) -> list[str]:
    """The value with each position masked and each neighbour pair sorted: equal tokens then mean
    "one character wrong" or "two characters swapped", which is what the plain path calls a slip."""
    out = [s[:i] + "*" + s[i + 1 :] for i in range(len(s))]
    out += [s[:i] + "~" + "".join(sorted(s[i : i + 2])) + s[i + 2 :] for i in range(len(s) - 1)]
    return out


# --- Encoded mention -----------------------------------------------------------------------------------


@dataclass(slots=True)
class EncodedMention:
    """Everything linkage needs about one mention, with no plaintext left (besides the id)."""

    id: str
    tokens: dict[str, list[str]]  # field → keyed tokens
    name_bf: np.ndarray  # (variants, WORDS) uint64
    addr_bf: np.ndarray | None  # (WORDS,) uint64
    birth: tuple[int, int] | None  # coarse: earliest and latest possible birth year
    blocks: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "tokens": self.tokens,
                "name_bf": [base64.b64encode(r.tobytes()).decode() for r in self.name_bf],
                "addr_bf": base64.b64encode(self.addr_bf.tobytes()).decode() if self.addr_bf is not None else None,
                "birth": list(self.birth) if self.birth else None,
                "blocks": self.blocks,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> EncodedMention:
        """Read what ``to_json`` wrote. Raises ValueError for filters of another length: an
        encoding of an earlier version (1024-bit unfolded filters), which must be encoded again
        (``aigaq.matching.services.relink``, run by migration 0003)."""
        d = json.loads(text)
        rows = [np.frombuffer(base64.b64decode(x), dtype="<u8") for x in d["name_bf"]]
        addr = np.frombuffer(base64.b64decode(d["addr_bf"]), dtype="<u8").copy() if d["addr_bf"] else None
        if any(len(r) != WORDS for r in rows) or (addr is not None and len(addr) != WORDS):
            raise ValueError(
                f"encoding {d['id']!r} holds Bloom filters of another length than {BLOOM_BITS} bits: "
                "written by an earlier version; encode the mentions again"
            )
        name_bf = np.stack(rows) if rows else np.zeros((0, WORDS), dtype=np.uint64)
        birth = (int(d["birth"][0]), int(d["birth"][1])) if d["birth"] else None
        return cls(d["id"], d["tokens"], name_bf.astype(np.uint64), addr, birth, list(d["blocks"]))


ENCODE_CHUNK = 5000  # mentions a forked worker encodes per task
# Forked workers read the mentions, the key and city_key from here (copy-on-write), so nothing
# but a span goes out and only the encodings come back.
_ENCODE_SHARED: tuple[Sequence[Mention], bytes, CityKey] | None = None


def _encode_span(span: tuple[int, int]) -> list[EncodedMention]:
    assert _ENCODE_SHARED is not None
    mentions, key, city_key = _ENCODE_SHARED
    return _encode(mentions[span[0] : span[1]], key, city_key, None)


def encode_mentions(
    mentions: Sequence[Mention],
    key: bytes,
    *,
    city_key: CityKey = default_city_key,
    progress: Progress | None = None,
    workers: int = 1,
) -> list[EncodedMention]:
    """Encode mentions under a key. Two organisations holding the same key can link encodings.

    workers: processes (fork) that encode chunks of ``ENCODE_CHUNK`` mentions when there are at
    least two chunks; encoding is pure Python, about 0.3 ms a mention, so a relink of 100,000
    suspects spends most of its CPU here."""
    if len(key) < KEY_MIN_BYTES:
        raise ValueError(f"key must be at least {KEY_MIN_BYTES} bytes")
    if workers < 2 or len(mentions) < 2 * ENCODE_CHUNK or "fork" not in mp.get_all_start_methods():
        return _encode(mentions, key, city_key, progress)
    global _ENCODE_SHARED
    _ENCODE_SHARED = (mentions, key, city_key)
    try:
        spans = [(s, min(s + ENCODE_CHUNK, len(mentions))) for s in range(0, len(mentions), ENCODE_CHUNK)]
        out: list[EncodedMention] = []
        with mp.get_context("fork").Pool(workers) as pool:
            for (_, end), part in zip(spans, pool.imap(_encode_span, spans), strict=True):
                out.extend(part)
                if progress:
                    progress("encoding", end, len(mentions))
        return out
    finally:
        _ENCODE_SHARED = None


def _encode(
    mentions: Sequence[Mention], key: bytes, city_key: CityKey, progress: Progress | None
) -> list[EncodedMention]:
    kd = LinkageKeys(key)
    tt = TokenTable()
    city_key = functools.lru_cache(maxsize=65536)(city_key)  # the same few hundred places recur
    out: list[EncodedMention] = []
    step = max(1, len(mentions) // 20)
    for k, m in enumerate(mentions):
        f = build_features(m, tt, city_key)
        tok: dict[str, list[str]] = {}

        def put(purpose: str, values: object, _tok: dict[str, list[str]] = tok) -> None:
            vals = sorted({kd.token(purpose, str(v)) for v in values})  # type: ignore[attr-defined]
            if vals:
                _tok[purpose] = vals

        put("phone", f.phones)
        put("handle", f.handles)
        put("plate", f.plates)
        put("iin", f.iins)
        put("other_id", f.other_ids)
        slips = {v for x in f.other_ids if len(x) >= 5 for v in slip_variants(x)}
        if slips:
            tok["other_id_slip"] = sorted({kd.token("other_id", "slip:" + v) for v in slips})
        fathers = [tt.freq_key[t] for t in f.patronymics]
        put("patronymic", fathers)
        # One-slip keys of the father's name (the word and each deletion): a shared key is level 1.
        fslips = {k for x in fathers for k in one_edit_keys(x)}
        if fslips:
            tok["patronymic_slip"] = sorted({kd.token("patronymic", "slip:" + v) for v in fslips})
        put("sex", [f.sex] if f.sex else [])
        put("city", [f.city] if f.city else [])
        put("region", [f.region] if f.region else [])
        # The whole canonical name and every pair of its words: two mentions sharing a token agree
        # on at least two words whatever else either adds ("Сейітов Тұрсын Қуанышұлы").
        # A single word is not a whole name: its token is kept apart ("name1") and counts as one
        # word the same (level 3, with its frequency), as on the plain path.
        put("name", [k for v in f.variants if len(v.tokens) >= 2 for k in _name_keys(v.full_key)])
        ones = {kd.token("name", "1:" + v.full_key) for v in f.variants if len(v.tokens) == 1}
        if ones:
            tok["name1"] = sorted(ones)
        if f.birth is not None and f.birth.exact:
            tok["date"] = [kd.token("date", f.birth.exact)]
            tok["date_slip"] = sorted({kd.token("date", "slip:" + v) for v in slip_variants(f.birth.exact)})
        rows = [kd.bloom("bloom-name", _name_grams(tt, v.tokens, v.initials)) for v in f.variants if v.tokens]
        name_bf = np.stack(rows) if rows else np.zeros((0, WORDS), dtype=np.uint64)
        addr_bf = kd.bloom("bloom-address", _bigrams(f.address)) if f.address else None
        birth = (int(f.birth.lo), int(f.birth.hi)) if f.birth is not None else None
        blocks = sorted({kd.token("block", b) for b in plain_block_keys(f, tt)})
        out.append(EncodedMention(m.id, tok, name_bf, addr_bf, birth, blocks))
        if progress and (k % step == 0 or k == len(mentions) - 1):
            progress("encoding", k + 1, len(mentions))
    return out


def block_keys(encoded: EncodedMention) -> list[str]:
    """Keyed blocking keys: store them indexed; candidates for a new mention share at least one."""
    return list(encoded.blocks)


# --- Dice kernel ------------------------------------------------------------------------------------------


@functools.cache
def _kernels() -> ModuleType:
    """The compiled kernels, imported on first use (importing numba costs most of a second)."""
    from . import kernels

    return kernels


def _u64(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.uint64)


def popcount_rows(x: np.ndarray) -> np.ndarray:
    """Set bits per row of a (n, WORDS) uint64 array."""
    rows = _u64(x).reshape(-1, x.shape[-1]) if x.ndim > 1 else _u64(x)[None, :]
    return _kernels().popcounts(rows).reshape(x.shape[:-1])


def dice_one_to_many(q: np.ndarray, many: np.ndarray, many_pop: np.ndarray | None = None) -> np.ndarray:
    """Dice coefficient of one filter (WORDS,) against many (n, WORDS)."""
    if len(many) == 0:
        return np.zeros(0)
    k = _kernels()
    q, many = _u64(q), _u64(many)
    pops = k.popcounts(many) if many_pop is None else np.ascontiguousarray(many_pop, dtype=np.int64)
    return k.dice_one_to_many(q, int(k.popcounts(q[None, :])[0]), many, pops)


def dice_many_to_many(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """All-pairs Dice (len(a), len(b)), tiled so that a block of b stays in cache."""
    k = _kernels()
    a, b = _u64(a), _u64(b)
    return k.dice_many_to_many(a, k.popcounts(a), b, k.popcounts(b))


# --- Encodings as arrays -----------------------------------------------------------------------------------

# Keyed token fields, in the order of the kernels' CSR rows (aigaq.linkage.kernels.T_*).
TOKEN_FIELDS = ("phone", "handle", "plate", "iin", "other_id", "other_id_slip", "patronymic", "sex",
                "city", "region", "name", "date", "date_slip", "patronymic_slip")  # fmt: skip
_T_NAME = TOKEN_FIELDS.index("name")
_T_CITY = TOKEN_FIELDS.index("city")


def _token_ints(tokens: list[str]) -> np.ndarray:
    """The first 64 bits of each keyed token: as good as the whole token for equality (a chance
    collision needs 2^32 tokens) and eight bytes instead of a 32-character string."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    return np.frombuffer(bytes.fromhex("".join(t[:16] for t in tokens)), dtype=">u8").astype(np.uint64)


class EncodedIndex:
    """Encoded mentions as flat arrays, compared many pairs at a time by compiled kernels.

    Tokens of each field are 64-bit integers in one CSR layout (``ptr[field, mention]`` ..
    ``ptr[field, mention + 1]`` index ``vals``); name filters of all variants are one (rows, WORDS)
    array with ``name_ptr`` giving each mention's rows; addresses one row per mention; birth year
    intervals an (n, 2) array (−1: unknown). It is also the engine's index for ``link_encoded``.
    """

    mode = "private"

    def __init__(self, enc: Sequence[EncodedMention], tf: dict[str, int] | None = None, tf_total: int = 0) -> None:
        """tf/tf_total: keyed whole-name counts from a fitted model (scoring new mentions);
        without them the counts come from ``enc`` itself."""
        self.e = list(enc)
        self.ids = [x.id for x in self.e]
        n = len(self.e)
        per_field: list[list[str]] = [[] for _ in TOKEN_FIELDS]
        single_flags: list[bool] = []
        one_word = np.zeros(len(self.e), dtype=np.bool_)
        lengths = np.zeros((len(TOKEN_FIELDS), n), dtype=np.int64)
        name_rows: list[np.ndarray] = []
        name_len = np.zeros(n, dtype=np.int64)
        self.addr_bf = np.zeros((n, WORDS), dtype=np.uint64)
        has_addr = np.zeros(n, dtype=bool)
        self.birth = np.full((n, 2), -1, dtype=np.int64)
        for i, x in enumerate(self.e):
            tok = x.tokens
            for f, name in enumerate(TOKEN_FIELDS):
                values = tok.get(name)
                if name == "name":
                    # One-word name tokens share the name field (and its frequency counts), marked.
                    ones = tok.get("name1") or []
                    values = [*(values or []), *ones]
                    single_flags.extend([False] * (len(values) - len(ones)) + [True] * len(ones))
                    one_word[i] = bool(ones) and len(ones) == len(values)
                if values:
                    per_field[f].extend(values)
                    lengths[f, i] = len(values)
            if len(x.name_bf):
                name_rows.append(x.name_bf)
                name_len[i] = len(x.name_bf)
            if x.addr_bf is not None:
                self.addr_bf[i] = x.addr_bf
                has_addr[i] = True
            if x.birth is not None:
                self.birth[i] = x.birth
        offsets = np.cumsum([0] + [len(v) for v in per_field])
        self.ptr = np.zeros((len(TOKEN_FIELDS), n + 1), dtype=np.int64)
        self.ptr[:, 1:] = np.cumsum(lengths, axis=1)
        self.ptr += offsets[:-1, None]
        self.vals = np.concatenate([_token_ints(v) for v in per_field])
        self.name_bf = _u64(np.concatenate(name_rows)) if name_rows else np.zeros((0, WORDS), dtype=np.uint64)
        self.name_ptr = np.concatenate(([0], np.cumsum(name_len))).astype(np.int64)
        k = _kernels()
        self.name_pop = k.popcounts(self.name_bf)
        self.addr_pop = np.where(has_addr, k.popcounts(self.addr_bf), -1).astype(np.int64)
        # Whole-name tokens: a dense id per distinct token (the engine's TF key) and its frequency.
        lo, hi = int(offsets[_T_NAME]), int(offsets[_T_NAME + 1])
        self.name_tokens = per_field[_T_NAME]
        distinct, self.name_tid = np.unique(self.vals[lo:hi], return_inverse=True)
        self._name_lo = lo
        self.n_keys = len(distinct)
        self.mention_keys = np.repeat(np.arange(n), lengths[_T_NAME])
        self.external: tuple[dict[str, int], int] | None = None
        if tf is not None:
            self.external = (dict(tf), tf_total)
        self.f0 = self.tf_tables(None)[0]
        self.freq = np.zeros(len(self.vals))
        self.freq[lo:hi] = self.f0[self.name_tid]
        self.single = np.zeros(len(self.vals), dtype=np.bool_)
        self.single[lo:hi] = np.asarray(single_flags, dtype=np.bool_)
        self.one_word = one_word

    def _key_counts(self, groups: Sequence[int] | None) -> tuple[np.ndarray, int]:
        """Per distinct name token, the number of mentions (or groups) carrying it."""
        if groups is None:
            return np.bincount(self.name_tid, minlength=self.n_keys).astype(float), len(self.ids)
        g = np.asarray(groups, dtype=np.int64)[self.mention_keys]
        code = np.unique(self.name_tid.astype(np.int64) * (len(self.ids) + 1) + g)
        return np.bincount(code // (len(self.ids) + 1), minlength=self.n_keys).astype(float), len(set(groups))

    def tf_tables(self, groups: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray]:
        if self.external is not None and groups is None:
            counts, total = self.external
            tok = np.zeros(self.n_keys)
            tok[self.name_tid] = [counts.get(t, 0) for t in self.name_tokens]
        else:
            tok, total = self._key_counts(groups)
        # The two mentions being compared are left out of their own name's count, as on the plain
        # path (engine.LEAVE_OUT): a name token only they carry is not evidence of a namesake. The
        # plain path then falls back on the product of the words' frequencies, which the keyed
        # tokens cannot give; a token carried by nobody else counts as TOKEN_FLOOR of a person,
        # about what that product comes to on the benchmark sets (a common forename times a common
        # surname, times the number of persons). Measured, private F1 (census / stress / FEBRL4):
        # floor 0.25: 0.857 / 0.768 / 0.995; 0.5: 0.835 / 0.765 / 0.995; 1.0: 0.810 / 0.753 / 0.995.
        return (np.maximum(tok - LEAVE_OUT, 0) + TOKEN_FLOOR) / (total + TF_PSEUDO), np.zeros(0)

    def name_counts(self, groups: Sequence[int] | None) -> tuple[dict[str, int], int]:
        """Keyed whole-name token → number of groups carrying it, and the number of groups."""
        tok, total = self._key_counts(groups)
        return {t: int(tok[k]) for t, k in zip(self.name_tokens, self.name_tid.tolist(), strict=True) if tok[k]}, total

    def levels_many(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(levels int8 (P, fields), TF key per pair (−1: none), best name Dice (−1: no name))."""
        pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
        k = _kernels()
        lv, pos, dice = k.levels(
            pairs, self.ptr, self.vals, self.freq, self.name_bf, self.name_pop, self.name_ptr,
            self.addr_bf, self.addr_pop, self.birth, float(HARD_GAP_YEARS), k.NAME_CUTS, k.ADDRESS_CUTS,
            self.single, self.one_word,
        )  # fmt: skip
        if not len(self.name_tid):  # no mention has a name token: no pair shares one
            return lv, np.full(len(pairs), -1, dtype=np.int64), dice
        key = np.where(pos >= 0, self.name_tid[np.maximum(pos - self._name_lo, 0)], -1)
        return lv, key, dice

    def tf_u(self, key: np.ndarray, name_level: np.ndarray) -> np.ndarray:
        """Per pair, the chance that a random person carries the agreeing name (NaN: no TF)."""
        return tf_u_from(np.stack([key, np.full_like(key, -1)], axis=1), name_level, key, self.tf_tables(None))

    def levels_batch(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The engine's batch hook: levels and TF keys (int32, padded with −1) of pairs (i, j)."""
        lv, key, _ = self.levels_many(np.stack([i, j], axis=1))
        keys = np.full((len(key), 2), -1, dtype=np.int32)
        keys[:, 0] = key
        return lv, keys

    def levels(self, i: int, j: int) -> tuple[list[int], tuple[int, ...]]:
        lv, key, _ = self.levels_many(np.array([[i, j]]))
        return lv[0].tolist(), (int(key[0]),) if key[0] >= 0 else ()

    def hard_conflict(self, i: int, j: int) -> bool:
        return is_conflict(self.levels(i, j)[0])

    def marked(self) -> np.ndarray:
        """Mentions that carry an IIN or a father's name (the cannot-link evidence besides birth)."""
        t_iin, t_father = TOKEN_FIELDS.index("iin"), TOKEN_FIELDS.index("patronymic")
        return (np.diff(self.ptr[t_iin]) > 0) | (np.diff(self.ptr[t_father]) > 0)

    def bounds(self, i: int) -> tuple[float, float] | None:
        b = self.e[i].birth
        return (float(b[0]), float(b[1]) + 1.0) if b else None

    def block_keys(self, i: int) -> list[str]:
        return self.e[i].blocks

    def place_key(self, i: int) -> str | None:
        city = self.e[i].tokens.get("city")
        return city[0] if city else None

    def evidence(self, i: int, j: int, levels: list[int], weights: list[float]) -> list[Evidence]:
        dice = float(self.levels_many(np.array([[i, j]]))[2][0]) if levels[0] >= 0 else -1.0
        return self._evidence(i, j, levels, weights, dice)

    def _evidence(self, i: int, j: int, levels: list[int], weights: list[float], dice: float) -> list[Evidence]:
        out = []
        for f, name in enumerate(FIELDS):
            lv = levels[f]
            if lv < 0:
                continue
            out.append(Evidence(name, outcome(f, lv), weights[f], self._text(name, lv, i, j, dice)))
        return out

    def _text(self, name: str, lv: int, i: int, j: int, dice: float) -> str:
        if name == "name":
            if lv == 5:
                return "same name (keyed token)"
            return f"names {'similar' if lv >= 2 else 'differ'} (Dice {dice:.2f} of keyed Bloom filters)"
        if name == "birth":
            a, b = self.e[i].birth, self.e[j].birth
            words = {
                5: "same birth date (keyed token)",
                4: "birth dates differ by a typing slip (keyed tokens)",
                3: "birth years compatible (coarse)",
                2: "birth years within 2 years (coarse)",
            }
            if lv == 0 and a and b:
                lo, hi = sorted((a, b))
                return f"birth years {lo[1]} and {hi[0]} cannot be the same man"
            return words.get(lv, "birth years differ (coarse)")
        agree = {"phone": "same phone (keyed token)", "handle": "same handle (keyed token)",
                 "plate": "same car plate (keyed token)", "iin": "same IIN (keyed token)",
                 "patronymic": "same father's name (keyed token)", "sex": "same sex recorded"}  # fmt: skip
        if name == "patronymic":
            return {2: agree[name], 1: "fathers' names one letter apart (keyed tokens)"}.get(
                lv, "different fathers' names (keyed tokens)")  # fmt: skip
        if name == "iin" and lv == 0:
            return "different IINs (keyed tokens): cannot be the same man"
        if name in agree:
            return agree[name] if lv else f"different {name.replace('_', ' ')}s (keyed tokens)"
        if name == "other_id":
            return {2: "same document number (keyed token)",
                    1: "document numbers differ by one character (keyed tokens)"}.get(
                lv, "different document numbers (keyed tokens)")  # fmt: skip
        if name == "place":
            return {2: "same city (keyed token)", 1: "same region (keyed token)"}.get(
                lv, "different places (keyed tokens)"
            )
        return {
            3: "same address (keyed Bloom filters)",
            2: "similar addresses (keyed Bloom filters)",
            1: "partly similar addresses (keyed Bloom filters)",
        }.get(lv, "different addresses")


def outcomes(levels: Sequence[int]) -> dict[str, str]:
    """Field → "agree", "partial", "disagree" or "conflict" for one pair's levels (missing fields
    left out): the equality pattern the keyed encodings already show, never a value."""
    return {name: outcome(f, int(levels[f])) for f, name in enumerate(FIELDS) if levels[f] >= 0}


# --- Scoring one new mention -------------------------------------------------------------------------------


def score_encoded(
    new: EncodedMention,
    candidates: Sequence[EncodedMention],
    model: Model,
    *,
    min_probability: float = 0.0,
) -> list[ScoredPair]:
    """Score one new encoded mention against stored ones; best first.

    All candidates are scored in one vectorised pass (tokens as 64-bit integers, Dice of the
    packed filters, levels to weights by table lookup), about a microsecond a candidate, so the
    caller can hand it every mention sharing a block key with the new one. Evidence is written
    only for the pairs returned. ``model.tf``/``model.tf_total`` give the name frequencies.
    """
    if not candidates:
        return []
    index = EncodedIndex([new, *candidates], tf=model.tf, tf_total=max(model.tf_total, 1))
    pairs = np.stack([np.zeros(len(candidates), dtype=np.int64), np.arange(1, len(candidates) + 1)], axis=1)
    lv, key, dice = index.levels_many(pairs)
    total, per_field = score(model, lv, index.tf_u(key, lv[:, F_NAME]))
    prob = probability(total)
    out = []
    for k in np.argsort(-total, kind="stable").tolist():
        if prob[k] < min_probability:
            break
        row = [int(x) for x in lv[k]]
        ev = index._evidence(0, k + 1, row, [float(x) for x in per_field[k]], float(dice[k]))
        out.append(ScoredPair(new.id, candidates[k].id, float(prob[k]), float(total[k]), ev, row[F_BIRTH] != 0))
    return out


# --- Fitting weights on encodings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodedLink:
    """A pair of a fit at or above the threshold, without a birth conflict."""

    a: str
    b: str
    match_probability: float
    match_weight: float
    outcomes: dict[str, str]


@dataclass(frozen=True)
class EncodedFit:
    """Weights fitted on encodings, with every candidate pair's levels and scores."""

    model: Model
    index: EncodedIndex
    pairs: np.ndarray  # (P, 2) positions in index.ids
    levels: np.ndarray  # (P, fields) int8
    tf_u: np.ndarray
    weight: np.ndarray  # match weight in bits
    probability: np.ndarray

    def links(self, threshold: float) -> list[EncodedLink]:
        """Pairs with match probability ≥ threshold that birth dates do not rule out."""
        keep = np.flatnonzero((self.probability >= threshold) & (self.levels[:, F_BIRTH] != 0))
        ids = self.index.ids
        return [
            EncodedLink(
                ids[int(self.pairs[k, 0])],
                ids[int(self.pairs[k, 1])],
                float(self.probability[k]),
                float(self.weight[k]),
                outcomes(self.levels[k]),
            )
            for k in keep.tolist()
        ]


LEVEL_CHUNK = 500_000  # pairs per kernel call: progress between calls, bounded temporary memory


def fit_encoded(
    encoded: Sequence[EncodedMention],
    labels: Mapping[tuple[str, str], bool] | None = None,
    *,
    also: Iterable[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> EncodedFit:
    """Fit Fellegi–Sunter weights on encodings, with reviewers' decisions as labels.

    labels: (id, id) → True for a confirmed pair, False for a rejected one. EM runs over the
    blocked candidate pairs with u from random pairs, as ``link`` does, but the labelled pairs'
    match probability is clamped to the label (semi-supervised EM), so the weights move toward
    what reviewers decided. Labelled pairs and the pairs in ``also`` are scored even when
    blocking does not pair them. Name frequencies count mentions (``model.tf``, ``tf_total``).
    """
    labels = dict(labels or {})
    index = EncodedIndex(encoded)
    n = len(index.ids)
    pos = {x: k for k, x in enumerate(index.ids)}

    def code(a: str, b: str) -> int:
        i, j = sorted((pos[a], pos[b]))
        return i * n + j

    pairs = candidate_pairs(index, progress)
    codes = pairs[:, 0] * n + pairs[:, 1]
    wanted = np.asarray(
        sorted({code(a, b) for a, b in [*labels, *also] if a in pos and b in pos and a != b}), dtype=np.int64
    )
    extra = wanted[~np.isin(wanted, codes)]
    if len(extra):
        pairs = np.concatenate([pairs, np.stack([extra // n, extra % n], axis=1)])
        codes = np.concatenate([codes, extra])
    lv = np.empty((len(pairs), len(FIELDS)), dtype=np.int8)
    key = np.empty(len(pairs), dtype=np.int64)
    for start in range(0, len(pairs), LEVEL_CHUNK):
        end = min(start + LEVEL_CHUNK, len(pairs))
        lv[start:end], key[start:end], _ = index.levels_many(pairs[start:end])
        if progress:
            progress("scoring", end, len(pairs))
    tf_u = index.tf_u(key, lv[:, F_NAME])
    clamp = np.full(len(pairs), np.nan)
    found = np.flatnonzero(np.isin(codes, wanted))
    row = dict(zip(codes[found].tolist(), found.tolist(), strict=True))
    for (a, b), same in labels.items():
        if a in pos and b in pos and a != b:
            clamp[row[code(a, b)]] = 1.0 if same else 0.0
    model = em(lv, tf_u, estimate_u(index), max(n * (n - 1) // 2, 1), clamp)
    model.mode, model.n_mentions = "private", n
    model.tf, model.tf_total = index.name_counts(None)
    weight, _ = score(model, lv, tf_u, ())
    return EncodedFit(model, index, pairs, lv, tf_u, weight, probability(weight))


def warm_up() -> None:
    """Load (or compile, the first time on a machine) every kernel now, so that no request or
    command pays for it later: about a second from the disk cache, several when compiling."""
    one = np.zeros((1, WORDS), dtype=np.uint64)
    dice_many_to_many(one, one)
    dice_one_to_many(one[0], one)
    enc = EncodedMention("warm-up", {}, one, None, None)
    EncodedIndex([enc, enc]).levels_many(np.array([[0, 1]]))
