"""Encoding mentions under a key: what private mode keeps of a mention, with no plaintext left.

* Exact identifiers (phones, handles, plates, IINs, document numbers, city, sex, whole canonical
  name, birth date) become keyed tokens, each purpose under its own key; slips of document
  numbers, fathers' names and dates get tokens of their own, so a slip still meets.
* Name words and addresses become keyed Bloom filters of padded bigrams; names and addresses use
  separate filters.
* Blocking keys are the plain blocking keys under their own key; from version 3 also the
  one-sided keys of a surname with initials (probes) and of whole names (targets).
* Birth is kept only as a coarse year interval.

The keyed primitives are aigaq.lib.crypto.linkage's; tests/linkage/test_encoding_fixed.py pins
the bytes of every version, which stored suspects are encoded with.

Versions (``EncodedMention.version``; docs/linkage.md, "Private mode"):

* 2 — XOR-folded 512-bit filters (written without a version number).
* 3 — issue 17: the names an alias or a handle implies (``names.extra_name_texts``) are name
  variants too; the one-sided block keys of a surname with initials (``features.
  initial_probe_keys``). Encodings of versions 2 and 3 are not to be compared with each other:
  ``aigaq.matching`` re-encodes stored suspects (migration 0007).
"""

from __future__ import annotations

import base64
import functools
import json
import multiprocessing as mp
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from aigaq.lib.crypto.linkage import BLOOM_BITS, KEY_MIN_BYTES, WORDS, LinkageKeys

from .features import build_features, initial_probe_keys, plain_block_keys
from .index import Progress
from .mention import Mention
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


def _bigrams(word: str) -> list[str]:
    w = f"_{word}_"
    return [w[i : i + 2] for i in range(len(w) - 1)]


def _name_keys(full_key: str) -> list[str]:
    """The whole name and every pair of its words, leaving out pairs with a father's name (in
    capitals, see names.name_key): "Серік Маратұлы" is a forename and a patronymic many men
    share, so that pair alone must not count as the same name."""
    words = full_key.split()
    return [full_key] + [f"{a} {b}" for i, a in enumerate(words) for b in words[i + 1 :] if a.islower() and b.islower()]


def slip_variants(s: str) -> list[str]:
    """The value with each position masked and each neighbour pair sorted: equal tokens then mean
    "one character wrong" or "two characters swapped", which is what the plain path calls a slip."""
    out = [s[:i] + "*" + s[i + 1 :] for i in range(len(s))]
    out += [s[:i] + "~" + "".join(sorted(s[i : i + 2])) + s[i + 2 :] for i in range(len(s) - 1)]
    return out


ENCODING_VERSION = 3  # what encode_mentions writes; see the module's docstring
VERSIONS = (2, 3)  # what EncodedMention.from_json reads and encode_mentions can still write


@dataclass(slots=True)
class EncodedMention:
    """Everything linkage needs about one mention, with no plaintext left (besides the id)."""

    id: str
    tokens: dict[str, list[str]]  # field → keyed tokens
    name_bf: np.ndarray  # (variants, WORDS) uint64
    addr_bf: np.ndarray | None  # (WORDS,) uint64
    birth: tuple[int, int] | None  # coarse: earliest and latest possible birth year
    blocks: list[str] = field(default_factory=list)
    # Version 3: one-sided block keys. A probe (a surname with initials) is compared with the
    # targets (whole names) of its keys, never a probe with a probe or a target with a target.
    probes: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    version: int = ENCODING_VERSION

    def to_json(self) -> str:
        d: dict[str, object] = {"v": self.version} if self.version >= 3 else {}
        d |= {
            "id": self.id,
            "tokens": self.tokens,
            "name_bf": [base64.b64encode(r.tobytes()).decode() for r in self.name_bf],
            "addr_bf": base64.b64encode(self.addr_bf.tobytes()).decode() if self.addr_bf is not None else None,
            "birth": list(self.birth) if self.birth else None,
            "blocks": self.blocks,
        }
        if self.version >= 3:
            d |= {"probes": self.probes, "targets": self.targets}
        return json.dumps(d, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> EncodedMention:
        """Read what ``to_json`` wrote, of any version in ``VERSIONS`` (no "v": version 2). Raises
        ValueError for filters of another length: an encoding of the first version (1024-bit
        unfolded filters), which must be encoded again (``aigaq.matching.relink.relink``), and for
        a version this code does not know."""
        d = json.loads(text)
        version = int(d.get("v", 2))
        if version not in VERSIONS:
            raise ValueError(f"encoding {d.get('id')!r} is of version {version}; this version reads {VERSIONS}")
        rows = [np.frombuffer(base64.b64decode(x), dtype="<u8") for x in d["name_bf"]]
        addr = np.frombuffer(base64.b64decode(d["addr_bf"]), dtype="<u8").copy() if d["addr_bf"] else None
        if any(len(r) != WORDS for r in rows) or (addr is not None and len(addr) != WORDS):
            raise ValueError(
                f"encoding {d['id']!r} holds Bloom filters of another length than {BLOOM_BITS} bits: "
                "written by an earlier version; encode the mentions again"
            )
        name_bf = np.stack(rows) if rows else np.zeros((0, WORDS), dtype=np.uint64)
        birth = (int(d["birth"][0]), int(d["birth"][1])) if d["birth"] else None
        return cls(d["id"], d["tokens"], name_bf.astype(np.uint64), addr, birth, list(d["blocks"]),
                   list(d.get("probes", ())), list(d.get("targets", ())), version)  # fmt: skip


ENCODE_CHUNK = 5000  # mentions a forked worker encodes per task
# Forked workers read the mentions, the key and city_key from here (copy-on-write), so nothing
# but a span goes out and only the encodings come back.
_ENCODE_SHARED: tuple[Sequence[Mention], bytes, CityKey, int] | None = None


def _encode_span(span: tuple[int, int]) -> list[EncodedMention]:
    assert _ENCODE_SHARED is not None
    mentions, key, city_key, version = _ENCODE_SHARED
    return _encode(mentions[span[0] : span[1]], key, city_key, None, version)


def encode_mentions(
    mentions: Sequence[Mention],
    key: bytes,
    *,
    city_key: CityKey = default_city_key,
    progress: Progress | None = None,
    workers: int = 1,
    version: int = ENCODING_VERSION,
) -> list[EncodedMention]:
    """Encode mentions under a key. Two organisations holding the same key can link encodings.

    version: ``ENCODING_VERSION``, or an earlier one of ``VERSIONS`` (only to check that stored
    encodings of that version are re-encoded: tests/linkage/test_encoding_fixed.py, tests/matching).

    workers: processes (fork) that encode chunks of ``ENCODE_CHUNK`` mentions when there are at
    least two chunks; encoding is pure Python, about 0.3 ms a mention, so a relink of 100,000
    suspects spends most of its CPU here."""
    if len(key) < KEY_MIN_BYTES:
        raise ValueError(f"key must be at least {KEY_MIN_BYTES} bytes")
    if version not in VERSIONS:
        raise ValueError(f"encoding version must be one of {VERSIONS}")
    if workers < 2 or len(mentions) < 2 * ENCODE_CHUNK or "fork" not in mp.get_all_start_methods():
        return _encode(mentions, key, city_key, progress, version)
    global _ENCODE_SHARED
    _ENCODE_SHARED = (mentions, key, city_key, version)
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
    mentions: Sequence[Mention], key: bytes, city_key: CityKey, progress: Progress | None, version: int
) -> list[EncodedMention]:
    kd = LinkageKeys(key)
    tt = TokenTable()
    city_key = functools.lru_cache(maxsize=65536)(city_key)  # the same few hundred places recur
    out: list[EncodedMention] = []
    step = max(1, len(mentions) // 20)
    for k, m in enumerate(mentions):
        v3 = version >= 3
        f = build_features(m, tt, city_key, implied_names=v3)
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
        probes: list[str] = []
        targets: list[str] = []
        if v3:
            p_keys, t_keys = initial_probe_keys(f, tt)
            probes = sorted({kd.token("block", b) for b in p_keys})
            targets = sorted({kd.token("block", b) for b in t_keys})
        out.append(EncodedMention(m.id, tok, name_bf, addr_bf, birth, blocks, probes, targets, version))
        if progress and (k % step == 0 or k == len(mentions) - 1):
            progress("encoding", k + 1, len(mentions))
    return out


def block_keys(encoded: EncodedMention) -> list[str]:
    """Keyed blocking keys: store them indexed; candidates for a new mention share at least one."""
    return list(encoded.blocks)
