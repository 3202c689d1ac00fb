"""Compiled inner loops of private mode: Dice of packed Bloom filters and per-pair levels.

numba compiles these to machine code for the host CPU (``popcnt``, or ``vpopcntq`` where AVX-512
has it). Importing numba costs most of a second, so ``aigaq.linkage.dice`` imports this module
only when an encoding is first compared; plain-mode runs never pay for it.

Compiled code is cached on disk (``cache=True``) so that the compile time (a few seconds) is paid
once per machine, not in every CLI run, web process or test run: in ``$NUMBA_CACHE_DIR`` when set,
else ``$AIGAQ_DATA_DIR/cache/numba``, else the user's cache (``$XDG_CACHE_HOME/aigaq/numba``, by
default ``~/.cache/aigaq/numba``). When that folder cannot be written the kernels are compiled in
memory, once per process.

The cache stays correct when the code changes: numba keys each entry on the SHA-256 of this file's
source (and its own version and the CPU), so an edited kernel is compiled again. It does not look
at other modules, which is why every kernel and every global a kernel reads live in this one file.
Processes sharing the folder (web workers, pytest-xdist workers) are safe: numba writes each index
and data file to a temporary name and renames it into place, and a missing or stale entry only
means one more compile.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _cache_dir() -> str | None:
    """The folder numba caches the kernels in (made when missing); None when it cannot be written."""
    given = os.environ.get("NUMBA_CACHE_DIR")
    data = os.environ.get("AIGAQ_DATA_DIR")
    xdg = os.environ.get("XDG_CACHE_HOME")
    try:
        if given:
            path = Path(given)
        elif data:
            path = Path(data) / "cache" / "numba"
        else:
            # The XDG base directory spec: a relative $XDG_CACHE_HOME is invalid and is ignored.
            path = (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "aigaq" / "numba"
        path.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None
    return str(path) if os.access(path, os.W_OK) else None


_CACHE_DIR = _cache_dir()
if _CACHE_DIR is not None:
    # numba reads its configuration once, when it is first imported.
    os.environ.setdefault("NUMBA_CACHE_DIR", _CACHE_DIR)
CACHE = _CACHE_DIR is not None

import numba  # noqa: E402
import numpy as np  # noqa: E402
from numba import types  # noqa: E402
from numba.extending import intrinsic  # noqa: E402


def _ctpop(_typingctx: Any, x: Any) -> Any:  # pragma: no cover - runs only while numba compiles
    """LLVM's ctpop on a uint64: one ``popcnt`` instruction (the loops below vectorise it)."""
    sig = types.uint64(types.uint64)

    def codegen(context: Any, builder: Any, _signature: Any, args: Any) -> Any:
        return builder.ctpop(args[0])

    return sig, codegen


_popcount: Any = intrinsic(_ctpop)
jit = numba.njit(cache=CACHE, nogil=True, fastmath=False, boundscheck=False)


@jit
def popcounts(rows: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    n, w = rows.shape
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        c = np.uint64(0)
        for k in range(w):
            c += _popcount(rows[i, k])
        out[i] = c
    return out


@jit
def dice_one_to_many(q: np.ndarray, q_pop: int, many: np.ndarray, pops: np.ndarray) -> np.ndarray:  # pragma: no cover
    n, w = many.shape
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        c = np.uint64(0)
        for k in range(w):
            c += _popcount(q[k] & many[i, k])
        d = q_pop + pops[i]
        out[i] = 2.0 * c / d if d > 0 else 0.0
    return out


_TILE = 2048  # rows of b per tile: 128 KiB of 512-bit filters, held in L2 while every a row passes


@jit
def dice_many_to_many(
    a: np.ndarray, a_pop: np.ndarray, b: np.ndarray, b_pop: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    na, w = a.shape
    nb = b.shape[0]
    out = np.empty((na, nb), dtype=np.float64)
    for s in range(0, nb, _TILE):
        e = min(nb, s + _TILE)
        for i in range(na):
            for j in range(s, e):
                c = np.uint64(0)
                for k in range(w):
                    c += _popcount(a[i, k] & b[j, k])
                d = a_pop[i] + b_pop[j]
                out[i, j] = 2.0 * c / d if d > 0 else 0.0
    return out


# Dice cut-offs of the name levels 4, 3, 2, 1 and the overlap coefficient that also gives level 3
# (one name inside the other), and of the address levels 3, 2, 1, for XOR-folded 512-bit filters.
# Chosen without labels, on the candidate pairs of a generated set (seed 2) and of FEBRL4: each Dice
# cut puts the same share of pairs at or above it as the unfolded 1024-bit cut did (name 0.9, 0.8,
# 0.7, 0.55; address 0.99, 0.85, 0.6), rounded. Folding breaks exact containment (the short name's
# bits are cancelled wherever the longer name's other bigrams set the partner bit), so the overlap
# cut is the 10th percentile of folded overlap over the pairs the former cut (0.95) caught.
# docs/linkage.md, "Private mode", has the figures.
NAME_CUTS = np.array([0.88, 0.76, 0.67, 0.54, 0.78])
ADDRESS_CUTS = np.array([0.98, 0.78, 0.54])

# Token fields of an EncodedIndex, in the order of its CSR rows (aigaq.linkage.encoded.TOKEN_FIELDS).
T_PHONE, T_HANDLE, T_PLATE, T_IIN, T_OTHER, T_OTHER_SLIP, T_PATRONYMIC, T_SEX = 0, 1, 2, 3, 4, 5, 6, 7
T_CITY, T_REGION, T_NAME, T_DATE, T_DATE_SLIP, T_PATRONYMIC_SLIP = 8, 9, 10, 11, 12, 13


@jit
def _meets(ptr: np.ndarray, vals: np.ndarray, f: int, i: int, j: int) -> int:  # pragma: no cover
    """-1 when either mention has no token of field f, 1 when they share one, else 0. The sets
    are a few tokens each, so a nested loop beats sorting or hashing."""
    a0, a1, b0, b1 = ptr[f, i], ptr[f, i + 1], ptr[f, j], ptr[f, j + 1]
    if a0 == a1 or b0 == b1:
        return -1
    for x in range(a0, a1):
        v = vals[x]
        for y in range(b0, b1):
            if vals[y] == v:
                return 1
    return 0


@jit
def levels(
    pairs: np.ndarray,
    ptr: np.ndarray,
    vals: np.ndarray,
    freq: np.ndarray,
    name_bf: np.ndarray,
    name_pop: np.ndarray,
    name_ptr: np.ndarray,
    addr_bf: np.ndarray,
    addr_pop: np.ndarray,
    birth: np.ndarray,
    hard_gap: float,
    name_cut: np.ndarray,
    addr_cut: np.ndarray,
    single: np.ndarray,
    one_word: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Levels of every pair as ``aigaq.linkage.encoded`` defines them (docs/linkage.md), the
    position in ``vals`` of the most frequent shared whole-name token (−1: none) and the best
    name Dice (−1: a side has no name). name_cut: ``NAME_CUTS``; addr_cut: ``ADDRESS_CUTS``.
    single: per position of ``vals``, whether it is a one-word name token (level 3 at most, as on
    the plain path); one_word: per mention, whether all its names are one word (its Dice levels
    are capped at 3)."""
    p = pairs.shape[0]
    w = name_bf.shape[1]
    n4, n3, n2, n1, n_overlap = name_cut[0], name_cut[1], name_cut[2], name_cut[3], name_cut[4]
    a3, a2, a1 = addr_cut[0], addr_cut[1], addr_cut[2]
    lv = np.full((p, 11), -1, dtype=np.int8)
    key = np.full(p, -1, dtype=np.int64)
    best_dice = np.full(p, -1.0, dtype=np.float64)
    for k in range(p):
        i, j = pairs[k, 0], pairs[k, 1]
        # name: a shared keyed name token is level 5, else Dice and overlap of the filters.
        a0, a1, b0, b1 = ptr[T_NAME, i], ptr[T_NAME, i + 1], ptr[T_NAME, j], ptr[T_NAME, j + 1]
        chosen = -1
        chosen1 = -1
        for x in range(a0, a1):
            for y in range(b0, b1):
                if vals[y] == vals[x]:
                    if single[x]:
                        if chosen1 < 0 or freq[x] > freq[chosen1]:
                            chosen1 = x
                    elif chosen < 0 or freq[x] > freq[chosen]:
                        chosen = x
        if chosen >= 0:
            lv[k, 0] = 5
            key[k] = chosen
        if name_ptr[i] < name_ptr[i + 1] and name_ptr[j] < name_ptr[j + 1]:
            dice, overlap = 0.0, 0.0
            for r in range(name_ptr[i], name_ptr[i + 1]):
                for s in range(name_ptr[j], name_ptr[j + 1]):
                    c = np.uint64(0)
                    for t in range(w):
                        c += _popcount(name_bf[r, t] & name_bf[s, t])
                    pa, pb = name_pop[r], name_pop[s]
                    d = 2.0 * c / max(pa + pb, 1)
                    o = c / max(min(pa, pb), 1)
                    dice = max(dice, d)
                    overlap = max(overlap, o)
            best_dice[k] = dice
            if chosen < 0:
                if dice >= n4:
                    lv[k, 0] = 4
                elif dice >= n3 or overlap >= n_overlap:
                    lv[k, 0] = 3
                elif dice >= n2:
                    lv[k, 0] = 2
                elif dice >= n1:
                    lv[k, 0] = 1
                else:
                    lv[k, 0] = 0
                if (one_word[i] or one_word[j]) and lv[k, 0] > 3:
                    lv[k, 0] = 3
        if chosen < 0 and chosen1 >= 0 and lv[k, 0] <= 3:
            # The same one-word name: "one word the same, nothing contradicts", with its frequency.
            lv[k, 0] = 3
            key[k] = chosen1
        # birth: keyed exact dates and their slips first, then the coarse year intervals.
        both = birth[i, 0] >= 0 and birth[j, 0] >= 0
        gap = max(0, birth[i, 0] - birth[j, 1], birth[j, 0] - birth[i, 1]) if both else 0
        date = _meets(ptr, vals, T_DATE, i, j)
        if date >= 0:
            if date == 1:
                lv[k, 1] = 5
            elif _meets(ptr, vals, T_DATE_SLIP, i, j) == 1:
                lv[k, 1] = 4
            elif both:
                lv[k, 1] = 0 if gap > hard_gap else 1
        elif both:
            # Only two documented births can be impossible; an estimated age only disagrees. An
            # encoding spans one birth year for a date or an IIN, two for an age (see encoded.py).
            documented = birth[i, 1] == birth[i, 0] and birth[j, 1] == birth[j, 0]
            lv[k, 1] = 3 if gap == 0 else 2 if gap <= 2 else 0 if gap > hard_gap and documented else 1
        lv[k, 2] = _meets(ptr, vals, T_PHONE, i, j)
        lv[k, 3] = _meets(ptr, vals, T_HANDLE, i, j)
        lv[k, 4] = _meets(ptr, vals, T_PLATE, i, j)
        lv[k, 5] = _meets(ptr, vals, T_IIN, i, j)
        other = _meets(ptr, vals, T_OTHER, i, j)
        if other == 1:
            lv[k, 6] = 2
        elif other == 0:
            lv[k, 6] = 1 if _meets(ptr, vals, T_OTHER_SLIP, i, j) == 1 else 0
        father = _meets(ptr, vals, T_PATRONYMIC, i, j)
        if father == 1:
            lv[k, 7] = 2
        elif father == 0:
            lv[k, 7] = 1 if _meets(ptr, vals, T_PATRONYMIC_SLIP, i, j) == 1 else 0
        lv[k, 8] = _meets(ptr, vals, T_SEX, i, j)
        city, region = _meets(ptr, vals, T_CITY, i, j), _meets(ptr, vals, T_REGION, i, j)
        if city == 1:
            lv[k, 9] = 2
        elif region == 1:
            lv[k, 9] = 1
        elif city == 0 or region == 0:
            lv[k, 9] = 0
        if addr_pop[i] >= 0 and addr_pop[j] >= 0:
            c = np.uint64(0)
            for t in range(w):
                c += _popcount(addr_bf[i, t] & addr_bf[j, t])
            d = 2.0 * c / max(addr_pop[i] + addr_pop[j], 1)
            lv[k, 10] = 3 if d >= a3 else 2 if d >= a2 else 1 if d >= a1 else 0
    return lv, key, best_dice
