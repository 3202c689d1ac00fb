"""Encoded mentions as flat arrays (``EncodedIndex``), compared many pairs at a time by the
compiled kernels (aigaq.linkage.kernels): the engine's index in private mode, and the scorer of
one new mention against stored ones."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aigaq.lib.crypto.linkage import WORDS

from .birth import HARD_GAP_YEARS
from .dice import compiled_kernels, u64
from .encode import EncodedMention
from .features import FIELDS
from .model import LEAVE_OUT, TF_PSEUDO, Evidence, is_conflict, outcome, tf_u_from

TOKEN_FLOOR = 0.25  # persons; see EncodedIndex.tf_tables

# Keyed token fields, in the order of the kernels' CSR rows (aigaq.linkage.kernels.T_*).
TOKEN_FIELDS = ("phone", "handle", "plate", "iin", "other_id", "other_id_slip", "patronymic", "sex",
                "city", "region", "name", "date", "date_slip", "patronymic_slip")  # fmt: skip
_T_NAME = TOKEN_FIELDS.index("name")


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

    Whether a birth is documented is read from its span, so that stored encodings stay as they
    are: a date, a month, a year or an IIN lies within one calendar year, while an age A on a day
    D is the year-long interval (D − (A+1), D − A] and always spans two. Only documented births
    make a cannot-link (issue 17); an estimated age weighs in the score.
    """

    mode = "private"

    def __init__(
        self, enc: Sequence[EncodedMention], tf: dict[str, int] | None = None, tf_total: int = 0, tf_one: int = 0
    ) -> None:
        """tf/tf_total/tf_one: keyed whole-name counts from a fitted model (scoring new mentions;
        tf_one 0, a model fitted before it was counted: no word frequency for level-3 pairs that
        share no token); without them the counts come from ``enc`` itself."""
        self.e = list(enc)
        self.ids = [x.id for x in self.e]
        n = len(self.e)
        per_field: list[list[str]] = [[] for _ in TOKEN_FIELDS]
        single_flags: list[bool] = []
        one_word = np.zeros(len(self.e), dtype=np.bool_)
        one_word_any = np.zeros(len(self.e), dtype=np.bool_)
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
                    one_word_any[i] = bool(ones)
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
        self.name_bf = u64(np.concatenate(name_rows)) if name_rows else np.zeros((0, WORDS), dtype=np.uint64)
        self.name_ptr = np.concatenate(([0], np.cumsum(name_len))).astype(np.int64)
        k = compiled_kernels()
        self.name_pop = k.popcounts(self.name_bf)
        self.addr_pop = np.where(has_addr, k.popcounts(self.addr_bf), -1).astype(np.int64)
        # Whole-name tokens: a dense id per distinct token (the engine's TF key) and its frequency.
        lo, hi = int(offsets[_T_NAME]), int(offsets[_T_NAME + 1])
        self.name_tokens = per_field[_T_NAME]
        distinct, self.name_tid = np.unique(self.vals[lo:hi], return_inverse=True)
        self._name_lo = lo
        self.n_keys = len(distinct)
        self.mention_keys = np.repeat(np.arange(n), lengths[_T_NAME])
        self.external: tuple[dict[str, int], int, int] | None = None
        if tf is not None:
            self.external = (dict(tf), tf_total, tf_one)
        self.has_one = one_word_any
        self.word_tf = tf is None or tf_one > 0
        self.f0 = self.tf_tables(None)[0]
        self.freq = np.zeros(len(self.vals))
        self.freq[lo:hi] = self.f0[self.name_tid]
        self.single = np.zeros(len(self.vals), dtype=np.bool_)
        self.single[lo:hi] = np.asarray(single_flags, dtype=np.bool_)
        self.one_word = one_word
        self.own1 = self._own_one_word_tokens(n)

    def _own_one_word_tokens(self, n: int) -> np.ndarray:
        """Per mention, its commonest one-word name token (dense id, −1: none): the word frequency
        of a level-3 pair that shares no token ("Канышбеков Д." inside "Dauren Kanyshbekov")."""
        own = np.full(n, -1, dtype=np.int64)
        sel = np.flatnonzero(self.single[self._name_lo : self._name_lo + len(self.name_tid)])
        if len(sel):
            order = sel[np.lexsort((self.f0[self.name_tid[sel]], self.mention_keys[sel]))]
            last = np.concatenate((self.mention_keys[order][1:] != self.mention_keys[order][:-1], [True]))
            own[self.mention_keys[order][last]] = self.name_tid[order][last]
        return own

    def _key_counts(self, groups: Sequence[int] | None) -> tuple[np.ndarray, int]:
        """Per distinct name token, the number of mentions (or groups) carrying it."""
        if groups is None:
            return np.bincount(self.name_tid, minlength=self.n_keys).astype(float), len(self.ids)
        g = np.asarray(groups, dtype=np.int64)[self.mention_keys]
        code = np.unique(self.name_tid.astype(np.int64) * (len(self.ids) + 1) + g)
        return np.bincount(code // (len(self.ids) + 1), minlength=self.n_keys).astype(float), len(set(groups))

    def tf_tables(self, groups: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray]:
        """Per TF key, the chance that a random person carries the name: the first ``n_keys``
        entries for a shared token, the next ``n_keys`` for a one-word token standing for its word
        in a level-3 pair that shares none (``levels_many``)."""
        if self.external is not None and groups is None:
            counts, total, one = self.external
            tok = np.zeros(self.n_keys)
            tok[self.name_tid] = [counts.get(t, 0) for t in self.name_tokens]
        else:
            tok, total = self._key_counts(groups)
            one = self._one_word_count(groups)
        # The two mentions being compared are left out of their own name's count, as on the plain
        # path (model.LEAVE_OUT): a name token only they carry is not evidence of a namesake. The
        # plain path then falls back on the product of the words' frequencies, which the keyed
        # tokens cannot give; a token carried by nobody else counts as TOKEN_FLOOR of a person,
        # about what that product comes to on the benchmark sets (a common forename times a common
        # surname, times the number of persons). Measured, private F1 (census / stress / FEBRL4):
        # floor 0.25: 0.857 / 0.768 / 0.995; 0.5: 0.835 / 0.765 / 0.995; 1.0: 0.810 / 0.753 / 0.995.
        shared = (np.maximum(tok - LEAVE_OUT, 0) + TOKEN_FLOOR) / (total + TF_PSEUDO)
        # A one-word token (a surname with initials, a bare forename) counts the mentions that
        # wrote that word alone; out of the mentions that wrote any word alone, it estimates how
        # common the word is (what the plain path counts), with only the mention itself left out.
        word = (np.maximum(tok - 1, 0) + TOKEN_FLOOR) / (max(one, 1) + TF_PSEUDO)
        return np.concatenate((shared, word)), np.zeros(0)

    def _one_word_count(self, groups: Sequence[int] | None) -> int:
        """Mentions (or groups) carrying a one-word name token."""
        if groups is None:
            return int(self.has_one.sum())
        return len(set(np.asarray(groups, dtype=np.int64)[self.has_one].tolist()))

    def name_counts(self, groups: Sequence[int] | None) -> tuple[dict[str, int], int, int]:
        """Keyed whole-name token → number of groups carrying it, the number of groups, and of
        those that carry a one-word name token."""
        tok, total = self._key_counts(groups)
        counts = {t: int(tok[k]) for t, k in zip(self.name_tokens, self.name_tid.tolist(), strict=True) if tok[k]}
        return counts, total, self._one_word_count(groups)

    def levels_many(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(levels int8 (P, fields), TF key per pair (−1: none), best name Dice (−1: no name))."""
        pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
        k = compiled_kernels()
        lv, pos, dice = k.levels(
            pairs, self.ptr, self.vals, self.freq, self.name_bf, self.name_pop, self.name_ptr,
            self.addr_bf, self.addr_pop, self.birth, float(HARD_GAP_YEARS), k.NAME_CUTS, k.ADDRESS_CUTS,
            self.single, self.one_word,
        )  # fmt: skip
        if not len(self.name_tid):  # no mention has a name token: no pair shares one
            return lv, np.full(len(pairs), -1, dtype=np.int64), dice
        key = np.where(pos >= 0, self.name_tid[np.maximum(pos - self._name_lo, 0)], -1)
        if self.word_tf:
            want = np.flatnonzero((key < 0) & (lv[:, 0] == 3))
            if len(want):
                a, b = self.own1[pairs[want, 0]], self.own1[pairs[want, 1]]
                fa = np.where(a >= 0, self.f0[np.maximum(a, 0)], -1.0)
                fb = np.where(b >= 0, self.f0[np.maximum(b, 0)], -1.0)
                one = np.where(fa >= fb, a, b)
                key[want] = np.where(one >= 0, one + self.n_keys, -1)  # the second half of tf_tables
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
        # Only documented births (one year: see the class) bound a cluster; an estimate never conflicts.
        return (float(b[0]), float(b[1]) + 1.0) if b and b[0] == b[1] else None

    def block_keys(self, i: int) -> list[str]:
        return self.e[i].blocks

    def probe_hashes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One-sided blocking keys of version 3 encodings (keyed ``features.initial_probe_keys``):
        probes and their members, targets and theirs (blocking.candidate_pairs)."""

        def flat(lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
            h = np.fromiter((hash(t) for x in lists for t in x), dtype=np.int64, count=sum(map(len, lists)))
            return h, np.repeat(np.arange(len(lists), dtype=np.int64), [len(x) for x in lists])

        ph, pm = flat([x.probes for x in self.e])
        th, tm = flat([x.targets for x in self.e])
        return ph, pm, th, tm

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
