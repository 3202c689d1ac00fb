"""What a dictionary of each name kind costs under the key service's rate limit.

A member colluding with the hub can evaluate guessed values through the OPRF (each evaluation
counts against its rate limit) and look the tokens up in the hub's database. How many guesses
cover how many men follows from the name frequencies: the census setting of
bench/linkage/generate.py (Zipf–Mandelbrot laws fitted to the 2021 census and the Ministry of
Justice's surnames: 1,100 Kazakh men's names, 1,790 Kazakh surnames, 109 Russian names, 769 other
surnames), men only, 70 % Kazakh. Each man's value of a kind is computed with the network's own
keys (skeletons, stems, consonant keys), so spellings that meet count once. The lists are the
heads of the real distributions: the real tail is longer, so the real cost of covering 99 % is
higher than printed here, and the cost of the head is about right.

    .venv/bin/python bench/network/dictionary.py [--per-day 100000]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench" / "linkage"))

import generate  # noqa: E402

from aigaq.linkage.normalise import consonant_key, skeleton, stem_of  # noqa: E402

KAZAKH_SHARE = 0.70
BIRTH_YEARS = 50  # men of an age to be suspects: born over about fifty years
COVER = (0.5, 0.8, 0.9, 0.99)


def _stem(word: str) -> str:
    return stem_of(skeleton(word))[0]


# Each kind's value from the forename and the other word: the surname, or for name_father the
# father's name.
KEYS: dict[str, Callable[[str, str], str]] = {
    "name": lambda f, s: f"{_stem(f)} {_stem(s)}",
    "name_phonetic": lambda f, s: f"{consonant_key(_stem(f))} {consonant_key(_stem(s))}",
    "name_initial": lambda f, s: f"{_stem(s)} {skeleton(f)[:1]}",
    "name_father": lambda f, p: f"{_stem(f)} {_stem(p)}",
}


def distribution(kind: str) -> np.ndarray:
    """Probabilities of the kind's values over men, largest first."""
    lists = generate.name_lists("census")
    w = generate._weights(lists, "census")
    mass: dict[str, float] = defaultdict(float)
    for share, fore, fw, sur, sw, fathers, pw in (
        (KAZAKH_SHARE, lists.kz_male, w["kz_male"], lists.kz_surnames, w["kz_surnames"], lists.kz_male, w["kz_male"]),
        (1 - KAZAKH_SHARE, lists.ru_male, w["ru_male"], lists.ru_surnames, w["ru_surnames"], lists.ru_fathers,
         w["ru_fathers"]),
    ):
        pf, ps, pp = (np.array(x) / sum(x) for x in (fw, sw, pw))
        key = KEYS[kind]
        second, p2 = (fathers, pp) if kind == "name_father" else (sur, ps)
        for f, a in zip(fore, pf, strict=True):
            for s, b in zip(second, p2, strict=True):
                mass[key(f, s)] += share * a * b
    return np.sort(np.array(list(mass.values())))[::-1]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--per-day", type=int, default=100_000, help="evaluations a member may ask for a day")
    args = p.parse_args(argv)
    print("| kind | distinct values (lists) | " + " | ".join(f"guesses for {c:.0%} of men (days)" for c in COVER)
          + " |")
    print("|---|---:|" + "---:|" * len(COVER))
    for kind in (*KEYS, "name_birth"):
        probs = distribution("name" if kind == "name_birth" else kind)
        if kind == "name_birth":
            # Birth years spread the name's mass: about BIRTH_YEARS values for each name.
            probs = np.repeat(probs / BIRTH_YEARS, BIRTH_YEARS)
        cum = np.cumsum(probs)
        cells = []
        for c in COVER:
            k = int(np.searchsorted(cum, c * cum[-1])) + 1
            cells.append(f"{k:,} ({k / args.per_day:,.1f})")
        print(f"| {kind} | {len(probs):,} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
