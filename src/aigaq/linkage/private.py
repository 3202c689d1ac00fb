"""Private mode: keyed encodings of mentions and linkage that sees only those encodings.

* Exact identifiers (phones, handles, plates, IINs, document numbers, city, sex, whole canonical
  name, birth date) become HMAC-SHA256 tokens, each purpose with its own HKDF-derived key.
* Name words and addresses become keyed Bloom filters (1024 bits) of padded bigrams: every bigram
  sets ``BLOOM_K`` positions drawn from one keyed BLAKE2b digest (independent positions; no double
  hashing, which Kroll & Steinmetzer exploit). Names and addresses use separate filters.
* Blocking keys are the plain blocking keys under their own HMAC key.
* Birth is kept only as a coarse year interval.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .engine import (
    FIELDS,
    HARD_GAP_YEARS,
    TF_PSEUDO,
    Evidence,
    Model,
    Progress,
    ScoredPair,
    _group_counts,
    _outcome,
    probability,
    score,
    tf_u_from,
)
from .features import TokenTable, build_features, plain_block_keys
from .mention import Mention
from .normalise import CityKey, default_city_key

BLOOM_BITS = 1024
WORDS = BLOOM_BITS // 64
BLOOM_K = 20
TOKEN_BYTES = 16
KEY_MIN_BYTES = 32
PURPOSES = ("phone", "handle", "plate", "iin", "other_id", "patronymic", "sex", "city", "region",
            "name", "date", "block", "bloom-name", "bloom-address")  # fmt: skip


# --- Keys ----------------------------------------------------------------------------------------


def generate_key() -> bytes:
    """32 random bytes for a new key file (write it as hex; keep it off the database server)."""
    return secrets.token_bytes(KEY_MIN_BYTES)


def load_key(path: str | os.PathLike[str]) -> bytes:
    """Read a key file: hex text (64+ hex digits) or 32+ raw bytes. Raises ValueError otherwise."""
    data = Path(path).read_bytes()
    text = data.strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = data
    if len(key) < KEY_MIN_BYTES:
        raise ValueError(f"key file {path} holds {len(key)} bytes; at least {KEY_MIN_BYTES} are needed")
    return key


@lru_cache(maxsize=64)
def _subkey(key: bytes, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"aigaq-linkage/v1/" + purpose.encode())
    return hkdf.derive(key)


class _Keyed:
    """Per-purpose HMAC tokens and Bloom positions under one master key (with caches)."""

    def __init__(self, key: bytes) -> None:
        self.keys = {p: _subkey(key, p) for p in PURPOSES}
        self._pos: dict[tuple[str, str], np.ndarray] = {}

    def token(self, purpose: str, value: str) -> str:
        d = hmac.new(self.keys[purpose], value.encode("utf-8"), hashlib.sha256).digest()
        return d[:TOKEN_BYTES].hex()

    def positions(self, purpose: str, gram: str) -> np.ndarray:
        pos = self._pos.get((purpose, gram))
        if pos is None:
            digest = hashlib.blake2b(gram.encode("utf-8"), key=self.keys[purpose], digest_size=2 * BLOOM_K).digest()
            pos = np.frombuffer(digest, dtype="<u2") % BLOOM_BITS
            self._pos[(purpose, gram)] = pos
        return pos

    def bloom(self, purpose: str, grams: Sequence[str]) -> np.ndarray:
        bits = np.zeros(BLOOM_BITS, dtype=np.uint8)
        for g in grams:
            bits[self.positions(purpose, g)] = 1
        return np.packbits(bits, bitorder="little").view("<u8").copy()


def _bigrams(word: str) -> list[str]:
    w = f"_{word}_"
    return [w[i : i + 2] for i in range(len(w) - 1)]


def _name_keys(full_key: str) -> list[str]:
    words = full_key.split()
    return [full_key] + [f"{a} {b}" for i, a in enumerate(words) for b in words[i + 1 :]]


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
        d = json.loads(text)
        rows = [np.frombuffer(base64.b64decode(x), dtype="<u8") for x in d["name_bf"]]
        name_bf = np.stack(rows) if rows else np.zeros((0, WORDS), dtype=np.uint64)
        addr = np.frombuffer(base64.b64decode(d["addr_bf"]), dtype="<u8").copy() if d["addr_bf"] else None
        birth = (int(d["birth"][0]), int(d["birth"][1])) if d["birth"] else None
        return cls(d["id"], d["tokens"], name_bf.astype(np.uint64), addr, birth, list(d["blocks"]))


def encode_mentions(
    mentions: Sequence[Mention],
    key: bytes,
    *,
    city_key: CityKey = default_city_key,
    progress: Progress | None = None,
) -> list[EncodedMention]:
    """Encode mentions under a key. Two organisations holding the same key can link encodings."""
    if len(key) < KEY_MIN_BYTES:
        raise ValueError(f"key must be at least {KEY_MIN_BYTES} bytes")
    kd = _Keyed(key)
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
        put("patronymic", [tt.freq_key[t] for t in f.patronymics])
        put("sex", [f.sex] if f.sex else [])
        put("city", [f.city] if f.city else [])
        put("region", [f.region] if f.region else [])
        # The whole canonical name and every pair of its words: two mentions sharing a token agree
        # on at least two words whatever else either adds ("Сейітов Тұрсын Қуанышұлы").
        put("name", [k for v in f.variants if v.tokens for k in _name_keys(v.full_key)])
        if f.birth is not None and f.birth.exact:
            tok["date"] = [kd.token("date", f.birth.exact)]
            tok["date_slip"] = sorted({kd.token("date", "slip:" + v) for v in slip_variants(f.birth.exact)})
        rows = [
            kd.bloom("bloom-name", [g for t in v.tokens for g in _bigrams(tt.freq_key[t])])
            for v in f.variants
            if v.tokens
        ]
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

_HAS_BITCOUNT = hasattr(np, "bitwise_count")
_POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def popcount_rows(x: np.ndarray) -> np.ndarray:
    """Set bits per row of a (n, WORDS) uint64 array."""
    if _HAS_BITCOUNT:
        return np.bitwise_count(x).sum(axis=-1, dtype=np.int64)
    return _POP8[x.view(np.uint8)].reshape(*x.shape[:-1], -1).sum(axis=-1, dtype=np.int64)


_CHUNK = 8192  # rows per pass: the AND and popcount buffers stay in the L2 cache
_BYTE_LANES = np.uint64(0x00FF00FF00FF00FF)
_SUM_LANES = np.uint64(0x0001000100010001)
_S8, _S48 = np.uint64(8), np.uint64(48)


def intersection_counts(q: np.ndarray, many: np.ndarray) -> np.ndarray:
    """popcount(q & row) for every row of many, the inner loop of Dice.

    numpy's sum over a 16-wide axis costs more than the AND and the popcount together, so the
    16 per-word counts (bytes, each ≤ 64) are summed SWAR-style instead: the two uint64 holding
    them are added (bytes ≤ 128), folded into four 16-bit lanes and summed by one multiply.
    """
    n = len(many)
    if not _HAS_BITCOUNT or many.shape[1] != 16:
        return popcount_rows(many & q)
    out = np.empty(n, dtype=np.uint64)
    anded = np.empty((min(n, _CHUNK), 16), dtype=np.uint64)
    counts = np.empty((min(n, _CHUNK), 16), dtype=np.uint8)
    for s in range(0, n, _CHUNK):
        m = min(_CHUNK, n - s)
        np.bitwise_and(many[s : s + m], q, out=anded[:m])
        np.bitwise_count(anded[:m], out=counts[:m])
        words = counts[:m].view(np.uint64)  # (m, 2): sixteen byte counts per row
        y = words[:, 0] + words[:, 1]
        y = (y & _BYTE_LANES) + ((y >> _S8) & _BYTE_LANES)
        out[s : s + m] = (y * _SUM_LANES) >> _S48
    return out.astype(np.int64)


def dice_one_to_many(q: np.ndarray, many: np.ndarray, many_pop: np.ndarray | None = None) -> np.ndarray:
    """Dice coefficient of one filter (WORDS,) against many (n, WORDS), vectorised."""
    if len(many) == 0:
        return np.zeros(0)
    inter = intersection_counts(q, many)
    pops = popcount_rows(many) if many_pop is None else many_pop
    denom = pops + int(popcount_rows(q[None, :])[0])
    return np.where(denom > 0, 2.0 * inter / np.maximum(denom, 1), 0.0)


def dice_many_to_many(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """All-pairs Dice (len(a), len(b))."""
    out = np.empty((len(a), len(b)))
    pb = popcount_rows(b)
    for k, q in enumerate(a):
        out[k] = dice_one_to_many(q, b, pb)
    return out


# --- Index over encodings ----------------------------------------------------------------------------------


def _name_level(dice: float, overlap: float) -> int:
    if dice >= 0.9:
        return 4
    if dice >= 0.8 or overlap >= 0.95:
        return 3
    return 2 if dice >= 0.7 else 1 if dice >= 0.55 else 0


def _addr_level(dice: float) -> int:
    return 3 if dice >= 0.99 else 2 if dice >= 0.85 else 1 if dice >= 0.6 else 0


def _shared(a: dict[str, list[str]], b: dict[str, list[str]], name: str) -> int:
    x, y = a.get(name), b.get(name)
    if not x or not y:
        return -1
    return 1 if set(x) & set(y) else 0


class EncodedIndex:
    mode = "private"

    def __init__(self, enc: Sequence[EncodedMention], tf: dict[str, int] | None = None, tf_total: int = 0) -> None:
        """tf/tf_total: keyed whole-name counts from a fitted model (scoring new mentions);
        without them the counts come from ``enc`` itself."""
        self.e = list(enc)
        self.ids = [x.id for x in self.e]
        self.external = (dict(tf), tf_total) if tf is not None else None
        names = sorted({t for x in self.e for t in x.tokens.get("name", ())} | set(tf or ()))
        self.key_ids = {t: k for k, t in enumerate(names)}
        self.mention_keys = [sorted({self.key_ids[t] for t in x.tokens.get("name", ())}) for x in self.e]
        self.f0 = self.tf_tables(None)[0]
        self.pop = [popcount_rows(x.name_bf) if len(x.name_bf) else np.zeros(0, dtype=np.int64) for x in self.e]

    def tf_tables(self, groups: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray]:
        if self.external is not None and groups is None:
            counts, total = self.external
            tok = np.array([counts.get(t, 0) for t in self.key_ids], dtype=float)
        else:
            tok, _, total = _group_counts(self.mention_keys, [[] for _ in self.e], len(self.key_ids), 0, groups)
        return (tok + TF_PSEUDO * 1e-4) / (total + TF_PSEUDO), np.zeros(0)

    def name_counts(self, groups: Sequence[int] | None) -> tuple[dict[str, int], int]:
        """Keyed whole-name token → number of groups carrying it, and the number of groups."""
        tok, _, total = _group_counts(self.mention_keys, [[] for _ in self.e], len(self.key_ids), 0, groups)
        return {t: int(tok[k]) for t, k in self.key_ids.items() if tok[k]}, total

    def _name_dice(self, i: int, j: int) -> tuple[float, float]:
        """(best Dice, best overlap coefficient) over the two mentions' name variants.

        The overlap coefficient (shared bits over the smaller filter) is near 1 when one name is
        contained in the other, as "Сейітов Ж." is in "Жәнібек Сейітов": the keyed counterpart of
        the plain level "one word the same, nothing contradicts".
        """
        a, b = self.e[i].name_bf, self.e[j].name_bf
        if not len(a) or not len(b):
            return -1.0, -1.0
        inter = popcount_rows(a[:, None, :] & b[None, :, :])
        pa, pb = self.pop[i][:, None], self.pop[j][None, :]
        dice = 2.0 * inter / np.maximum(pa + pb, 1)
        overlap = inter / np.maximum(np.minimum(pa, pb), 1)
        return float(dice.max()), float(overlap.max())

    def levels(self, i: int, j: int) -> tuple[list[int], tuple[int, ...]]:
        a, b = self.e[i], self.e[j]
        ta, tb = a.tokens, b.tokens
        lv = [-1] * len(FIELDS)
        keys: tuple[int, ...] = ()
        shared_names = set(ta.get("name", ())) & set(tb.get("name", ()))
        if shared_names:
            lv[0] = 5
            # The most frequent shared token: the conservative frequency for the agreement.
            keys = (max((self.key_ids[t] for t in shared_names), key=lambda k: self.f0[k]),)
        else:
            d, overlap = self._name_dice(i, j)
            if d >= 0:
                lv[0] = _name_level(d, overlap)
        if "date" in ta and "date" in tb:
            if ta["date"] == tb["date"]:
                lv[1] = 5
            elif set(ta["date_slip"]) & set(tb["date_slip"]):
                lv[1] = 4
            elif a.birth and b.birth:
                lv[1] = 0 if self._gap(a.birth, b.birth) > HARD_GAP_YEARS else 1
        elif a.birth and b.birth:
            gap = self._gap(a.birth, b.birth)
            lv[1] = 3 if gap == 0 else 2 if gap <= 2 else 1 if gap <= HARD_GAP_YEARS else 0
        for f, name in ((2, "phone"), (3, "handle"), (4, "plate"), (5, "iin"), (7, "patronymic"), (8, "sex")):
            lv[f] = _shared(ta, tb, name)
        ex = _shared(ta, tb, "other_id")
        if ex == 0 and set(ta.get("other_id_slip", ())) & set(tb.get("other_id_slip", ())):
            ex = 1
        lv[6] = 2 if ex == 1 and set(ta["other_id"]) & set(tb["other_id"]) else ex
        city, region = _shared(ta, tb, "city"), _shared(ta, tb, "region")
        if city == 1:
            lv[9] = 2
        elif region == 1:
            lv[9] = 1
        elif city == 0 or region == 0:
            lv[9] = 0
        if a.addr_bf is not None and b.addr_bf is not None:
            inter = int(popcount_rows((a.addr_bf & b.addr_bf)[None, :])[0])
            denom = int(popcount_rows(a.addr_bf[None, :])[0] + popcount_rows(b.addr_bf[None, :])[0])
            lv[10] = _addr_level(2.0 * inter / max(denom, 1))
        return lv, keys

    @staticmethod
    def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
        return max(0, a[0] - b[1], b[0] - a[1])

    def hard_conflict(self, i: int, j: int) -> bool:
        return self.levels(i, j)[0][1] == 0

    def bounds(self, i: int) -> tuple[float, float] | None:
        b = self.e[i].birth
        return (float(b[0]), float(b[1]) + 1.0) if b else None

    def block_keys(self, i: int) -> list[str]:
        return self.e[i].blocks

    def place_key(self, i: int) -> str | None:
        city = self.e[i].tokens.get("city")
        return city[0] if city else None

    def evidence(self, i: int, j: int, levels: list[int], weights: list[float]) -> list[Evidence]:
        out = []
        for f, name in enumerate(FIELDS):
            lv = levels[f]
            if lv < 0:
                continue
            out.append(Evidence(name, _outcome(f, lv), weights[f], self._text(name, lv, i, j)))
        return out

    def _text(self, name: str, lv: int, i: int, j: int) -> str:
        if name == "name":
            if lv == 5:
                return "same name (keyed token)"
            d = self._name_dice(i, j)[0]
            return f"names {'similar' if lv >= 2 else 'differ'} (Dice {d:.2f} of keyed Bloom filters)"
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
                 "patronymic": "same patronymic (keyed token)", "sex": "same sex recorded"}  # fmt: skip
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


def score_encoded(
    new: EncodedMention, candidates: Sequence[EncodedMention], model: Model, *, min_probability: float = 0.0
) -> list[ScoredPair]:
    """Score one new encoded mention against stored ones; best first.

    Candidates should come from ``block_keys`` lookups, but a vectorised Dice pre-filter makes a
    scan of many thousands affordable: only candidates sharing a block key or with a name Dice of
    at least 0.5 are scored in full.
    """
    if not candidates:
        return []
    new_blocks = set(new.blocks)
    keep = [k for k, c in enumerate(candidates) if new_blocks.intersection(c.blocks)]
    if len(new.name_bf):
        rows = [c.name_bf[0] if len(c.name_bf) else np.zeros(WORDS, dtype=np.uint64) for c in candidates]
        many = np.stack(rows)
        best = np.max(np.stack([dice_one_to_many(q, many) for q in new.name_bf]), axis=0)
        keep = sorted(set(keep) | set(np.flatnonzero(best >= 0.5).tolist()))
    if not keep:
        return []
    chosen = [candidates[k] for k in keep]
    index = EncodedIndex([new, *chosen], tf=model.tf, tf_total=max(model.tf_total, 1))
    lv = np.full((len(chosen), len(FIELDS)), -1, dtype=np.int8)
    keys = np.full((len(chosen), 2), -1, dtype=np.int32)
    for k in range(len(chosen)):
        row, ks = index.levels(0, k + 1)
        lv[k] = row
        keys[k, : len(ks)] = ks
    tf_u = tf_u_from(keys, lv[:, 0], np.zeros(len(chosen), dtype=np.int64), index.tf_tables(None))
    total, per_field = score(model, lv, tf_u)
    prob = probability(total)
    out = []
    for k in np.argsort(-total, kind="stable").tolist():
        if prob[k] < min_probability:
            continue
        hard = int(lv[k, 1]) == 0
        ev = index.evidence(0, k + 1, [int(x) for x in lv[k]], [float(x) for x in per_field[k]])
        out.append(ScoredPair(new.id, chosen[k].id, float(prob[k]), float(total[k]), ev, not hard))
    return out
