"""Blocking: the candidate pairs, those that share at least one block key; big blocks are
sub-blocked by birth year and city and swept by a sorted window."""

from __future__ import annotations

from array import array

import numpy as np

from .index import Index, Progress
from .model import EM_CHUNK

MAX_BLOCK = 60  # larger blocks are compared by a sorted sliding window instead of all pairs
WINDOW = 8
MAX_TARGETS = 200  # a probe key with more targets than this (a common surname and initial) is skipped


def _sub_blocks(members: list[int], index: Index) -> list[list[int]]:
    groups: dict[tuple[str, object], list[int]] = {}
    for i in members:
        b = index.bounds(i)
        if b is not None:
            groups.setdefault(("y", int((b[0] + b[1]) / 2)), []).append(i)
        place = index.place_key(i)
        if place is not None:
            groups.setdefault(("c", place), []).append(i)
    return list(groups.values())


def candidate_pairs(index: Index, progress: Progress | None = None) -> np.ndarray:
    """Unique (i, j), i < j, sharing at least one block key; big blocks are sub-blocked.

    Keys are kept as 64-bit hashes in two flat arrays (key, mention) sorted by key, not as a dict
    of lists: a million mentions file ~15 million keys, and pairs for all blocks of one size are
    generated in one numpy step. A hash collision only adds candidates, never loses one. The
    built-in hash() is enough and is no cryptography: the hashes only bucket keys within one
    process, are never stored, and private mode's keys are keyed tokens already.
    """
    n = len(index.ids)
    hashes = getattr(index, "block_hashes", None)
    if hashes is not None:
        # The plain index hashed its keys while building features: no strings per mention.
        kh, mi = hashes()
        mi = mi.astype(np.int64)
        if progress:
            progress("blocking", n, n)
    else:
        key_hash = array("q")
        member = array("q")
        step = max(1, n // 20)
        for i in range(n):
            ks = index.block_keys(i)
            key_hash.extend(map(hash, ks))
            member.extend([i] * len(ks))
            if progress and (i % step == 0 or i == n - 1):
                progress("blocking", i + 1, n)
        kh = np.frombuffer(key_hash, dtype=np.int64)
        mi = np.frombuffer(member, dtype=np.int64)
    order = np.lexsort((mi, kh))
    kh, mi = kh[order], mi[order]
    starts = np.flatnonzero(np.concatenate(([True], kh[1:] != kh[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(kh)])))
    chunks: list[np.ndarray] = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= MAX_BLOCK)]).tolist():
        block = mi[starts[sizes == size][:, None] + np.arange(size)]  # (blocks, size), ascending
        r, c = np.triu_indices(size, 1)
        chunks.append((block[:, r] * n + block[:, c]).reshape(-1))
    big = starts[sizes > MAX_BLOCK]
    mid = np.zeros(n)
    if len(big):
        mid = np.array([(b[0] + b[1]) / 2 if b else 0.0 for b in map(index.bounds, range(n))])
    for start, size in zip(starts[sizes > MAX_BLOCK].tolist(), sizes[sizes > MAX_BLOCK].tolist(), strict=True):
        members = mi[start : start + size]
        # A big block is mostly namesakes: compare within its birth-year and city sub-blocks,
        # plus a sorted neighbourhood by birth for mentions that have neither.
        for sub in _sub_blocks(members.tolist(), index):
            if 1 < len(sub) <= MAX_BLOCK:
                sarr = np.asarray(sub, dtype=np.int64)
                r, c = np.triu_indices(len(sub), 1)
                chunks.append(np.minimum(sarr[r], sarr[c]) * n + np.maximum(sarr[r], sarr[c]))
        arr = members[np.argsort(mid[members], kind="stable")]
        for off in range(1, WINDOW + 1):
            x, y = arr[:-off], arr[off:]
            chunks.append(np.minimum(x, y) * n + np.maximum(x, y))
    probes = getattr(index, "probe_hashes", None)
    if probes is not None:
        ph, pm, th, tm = probes()
        chunks.extend(_probe_pairs(ph, pm, th, tm, n))
    if not chunks:
        return np.zeros((0, 2), dtype=np.int32)
    codes = np.concatenate(chunks)
    del chunks
    codes.sort()  # sort-based de-duplication: faster than np.unique's hashing on tens of millions
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    codes = codes[codes // n != codes % n]  # two colliding keys of one mention would pair it with itself
    # Mention positions fit in 32 bits (a pair then costs 8 bytes, not 16); filled in steps so
    # that no second full-size 64-bit array is made.
    out = np.empty((len(codes), 2), dtype=np.int32 if n < 2**31 else np.int64)
    for start in range(0, len(codes), EM_CHUNK):
        part = codes[start : start + EM_CHUNK]
        out[start : start + len(part), 0] = part // n
        out[start : start + len(part), 1] = part % n
    return out


def _probe_pairs(ph: np.ndarray, pm: np.ndarray, th: np.ndarray, tm: np.ndarray, n: int) -> list[np.ndarray]:
    """Pair codes of every probe with the targets of its key (one-sided blocks, never target with
    target); keys with more than MAX_TARGETS targets are left out."""
    if not len(ph) or not len(th):
        return []
    order = np.argsort(th, kind="stable")
    th, tm = th[order], tm[order].astype(np.int64)
    lo = np.searchsorted(th, ph, side="left")
    hi = np.searchsorted(th, ph, side="right")
    count = hi - lo
    keep = (count > 0) & (count <= MAX_TARGETS)
    lo, count, probe = lo[keep], count[keep], pm[keep].astype(np.int64)
    if not len(lo):
        return []
    total = int(count.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    target = tm[np.repeat(lo, count) + offsets]
    probe = np.repeat(probe, count)
    return [np.minimum(probe, target) * n + np.maximum(probe, target)]
