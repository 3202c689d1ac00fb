"""What a survivor's receipt code and PIN cost the server: the Argon2id receipt hash check, the
Argon2id derivation of the key that unwraps a sealed report's data key (aigaq.lib.crypto.receipt),
and both together (opening a report with the right code and PIN), in milliseconds per call.

    .venv/bin/python bench/reports/run.py --rounds 20

Pure Python and argon2-cffi: no database, no server. Prints a markdown table row per operation."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

from aigaq.lib.crypto import receipt


def _time(fn: Callable[[], object], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="calls timed per operation (default 20)")
    args = parser.parse_args()
    code, pin = receipt.new_receipt_code(), "482913"
    stored, salt = receipt.receipt_hash(code, pin), receipt.new_receipt_salt()
    operations: dict[str, Callable[[], object]] = {
        "receipt hash check (wrong code or PIN: all she waits for)": lambda: receipt.receipt_verify(stored, code, "0"),
        "her key from code + PIN (receipt_key)": lambda: receipt.receipt_key(code, pin, salt),
        "opening with the right code and PIN (both)": lambda: (receipt.receipt_verify(stored, code, pin),
                                                               receipt.receipt_key(code, pin, salt)),
    }
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print("| operation | median ms | p90 ms |")
    print("|---|---|---|")
    for name, fn in operations.items():
        times = sorted(_time(fn, args.rounds))
        print(f"| {name} | {statistics.median(times):.0f} | {times[int(len(times) * 0.9) - 1]:.0f} |")


if __name__ == "__main__":
    main()
