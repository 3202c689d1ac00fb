"""Dice comparisons per second of aigaq.linkage's compiled (numba) kernel on filters of the stored
length (``BLOOM_BITS``: 512 bits since XOR folding, 1024 before), one core, against plain numpy
(np.bitwise_count) and anonlink's C++ kernel on the same filters in the same run.

    taskset -c 0 python bench/linkage/dice_kernel.py [--n 200000] [--queries 64]

anonlink's C++ kernel does about 100 million comparisons a second per core (anonlink README; the
research notes measured 101–124 M/s). The first lines give the kernels' compile time (no disk
cache: NUMBA_CACHE_DIR is pointed at an empty folder) and their load time from the disk cache.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from aigaq.lib.crypto.linkage import BLOOM_BITS
from aigaq.linkage.dice import compiled_kernels, dice_many_to_many, dice_one_to_many

FIRST_CALL = (
    "import time, numpy as np; t = time.perf_counter(); from aigaq.linkage import private; "
    "private.warm_up(); print(round(time.perf_counter() - t, 2))"
)


def first_call_seconds(cache_dir: str) -> str:
    """Seconds from importing aigaq.linkage.private to all kernels ready, in a fresh process."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def numpy_one_to_many(q: np.ndarray, many: np.ndarray, pops: np.ndarray) -> np.ndarray:
    """The kernel numpy alone offers (numpy >= 2.0): AND, bitwise_count, row sums."""
    inter = np.bitwise_count(many & q).sum(axis=1, dtype=np.int64)
    return 2.0 * inter / np.maximum(pops + int(np.bitwise_count(q).sum()), 1)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=200_000, help="stored filters")
    p.add_argument("--queries", type=int, default=64, help="filters compared against all stored ones")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    words = BLOOM_BITS // 64
    many = rng.integers(0, 2**63, size=(args.n, words), dtype=np.uint64)
    queries = rng.integers(0, 2**63, size=(args.queries, words), dtype=np.uint64)
    pops = compiled_kernels().popcounts(many)
    import numba

    print(f"numba {numba.__version__}, numpy {np.__version__}, {BLOOM_BITS}-bit filters")
    with tempfile.TemporaryDirectory() as cache:
        cold = first_call_seconds(cache)
        warm = first_call_seconds(cache)
    print(f"first call in a fresh process: {cold} s compiling (empty cache), {warm} s from the disk cache")

    best = 0.0
    for _ in range(args.repeat):
        t = time.perf_counter()
        for q in queries:
            dice_one_to_many(q, many, pops)
        best = max(best, args.queries * args.n / (time.perf_counter() - t))
    print(f"one-to-many  ({args.n:,} stored): {best / 1e6:8.1f} M comparisons/s")
    if hasattr(np, "bitwise_count"):
        best = 0.0
        for _ in range(args.repeat):
            t = time.perf_counter()
            for q in queries[:8]:
                numpy_one_to_many(q, many, pops)
            best = max(best, 8 * args.n / (time.perf_counter() - t))
        print(f"numpy one-to-many (bitwise_count):  {best / 1e6:8.1f} M comparisons/s")

    sub = many[: min(args.n, 20_000)]
    best = 0.0
    for _ in range(args.repeat):
        t = time.perf_counter()
        dice_many_to_many(queries, sub)
        best = max(best, len(queries) * len(sub) / (time.perf_counter() - t))
    print(f"many-to-many ({len(queries)} x {len(sub):,}):      {best / 1e6:8.1f} M comparisons/s")
    anonlink_rate(queries, sub, args.repeat)


def anonlink_rate(queries: np.ndarray, sub: np.ndarray, repeat: int) -> None:
    """The same comparisons through anonlink's C++ kernel, when it is installed (bench extra)."""
    try:
        from anonlink.similarities import dice_coefficient_accelerated
        from bitarray import bitarray
    except ImportError:
        print("anonlink not installed: pip install anonlink for a same-machine comparison")
        return

    def as_bits(rows: np.ndarray) -> list[bitarray]:
        out = []
        for r in rows:
            b = bitarray()
            b.frombytes(r.tobytes())
            out.append(b)
        return out

    a, b = as_bits(queries), as_bits(sub)
    best = 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        dice_coefficient_accelerated((a, b), 0.7)
        best = max(best, len(a) * len(b) / (time.perf_counter() - t))
    print(f"anonlink dice_coefficient_accelerated, threshold 0.7: {best / 1e6:8.1f} M comparisons/s")


if __name__ == "__main__":
    main()
