"""The levels of many candidate pairs, in batches, over forked workers when there are many."""

from __future__ import annotations

import multiprocessing as mp
import os

import numpy as np

from .features import FIELDS
from .index import Index, Progress

BATCH_PAIRS = 200_000  # pairs compared per batch (one numpy pass, or one kernel call)


def levels_serial(
    index: Index, pairs: np.ndarray, progress: Progress | None = None, stage: str = ""
) -> tuple[np.ndarray, np.ndarray]:
    """(levels, TF keys) of every pair: int8 (P, fields) and int32 (P, 2) padded with −1."""
    p = len(pairs)
    lv = np.empty((p, len(FIELDS)), dtype=np.int8)
    keys = np.empty((p, 2), dtype=np.int32)
    for start in range(0, p, BATCH_PAIRS):
        part = pairs[start : start + BATCH_PAIRS]
        lv[start : start + len(part)], keys[start : start + len(part)] = index.levels_batch(part[:, 0], part[:, 1])
        if progress:
            progress(stage, start + len(part), p)
    return lv, keys


# Forked workers read the index and the pairs from these module globals (copy-on-write), so
# nothing big is pickled; only each chunk's small level matrix travels back.
_SHARED: tuple[Index, np.ndarray] | None = None
PARALLEL_MIN_PAIRS = 200_000


def _levels_span(span: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    assert _SHARED is not None
    index, pairs = _SHARED
    return levels_serial(index, pairs[span[0] : span[1]])


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8))


def levels_matrix(
    index: Index, pairs: np.ndarray, progress: Progress | None, stage: str, workers: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Levels of every pair; above PARALLEL_MIN_PAIRS the pairs are split over forked workers."""
    p = len(pairs)
    if workers < 2 or p < PARALLEL_MIN_PAIRS or "fork" not in mp.get_all_start_methods():
        return levels_serial(index, pairs, progress, stage)
    global _SHARED
    _SHARED = (index, pairs)
    try:
        spans = [(s, min(s + BATCH_PAIRS, p)) for s in range(0, p, BATCH_PAIRS)]
        lv = np.empty((p, len(FIELDS)), dtype=np.int8)
        keys = np.empty((p, 2), dtype=np.int32)
        with mp.get_context("fork").Pool(workers) as pool:
            for (start, end), (lv_part, ks_part) in zip(spans, pool.imap(_levels_span, spans), strict=True):
                lv[start:end], keys[start:end] = lv_part, ks_part
                if progress:
                    progress(stage, end, p)
        return lv, keys
    finally:
        _SHARED = None
