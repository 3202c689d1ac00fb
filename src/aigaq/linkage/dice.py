"""Dice coefficients and popcounts of packed Bloom filters, through the compiled kernels."""

from __future__ import annotations

import functools
from types import ModuleType

import numpy as np


@functools.cache
def compiled_kernels() -> ModuleType:
    """The compiled kernels, imported on first use (importing numba costs most of a second)."""
    from . import kernels

    return kernels


def u64(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.uint64)


def dice_one_to_many(q: np.ndarray, many: np.ndarray, many_pop: np.ndarray | None = None) -> np.ndarray:
    """Dice coefficient of one filter (WORDS,) against many (n, WORDS)."""
    if len(many) == 0:
        return np.zeros(0)
    k = compiled_kernels()
    q, many = u64(q), u64(many)
    pops = k.popcounts(many) if many_pop is None else np.ascontiguousarray(many_pop, dtype=np.int64)
    return k.dice_one_to_many(q, int(k.popcounts(q[None, :])[0]), many, pops)


def dice_many_to_many(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """All-pairs Dice (len(a), len(b)), tiled so that a block of b stays in cache."""
    k = compiled_kernels()
    a, b = u64(a), u64(b)
    return k.dice_many_to_many(a, k.popcounts(a), b, k.popcounts(b))
