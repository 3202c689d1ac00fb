"""XOR folding hides the per-bigram "atoms" that attacks on Bloom-filter encodings mine.

Kroll & Steinmetzer (2015) and the pattern-mining attacks of Christen et al. (2017/2018) start from
the same property of a plain Bloom filter: the positions one bigram sets are set together in every
filter that holds the bigram, so they can be found as bits that always move together and then
assigned to frequent bigrams. Private mode draws every bigram's positions in a filter of twice the
stored length and stores first half XOR second half (Schnell & Borgs 2016): a position of the
bigram is cleared wherever another bigram of the same name set its partner position.

The test encodes 2,000 generated names (a skewed frequency list: a few names recur, as common
names do) through ``encode_mentions`` and compares the stored filters with the same keyed positions
before folding. Measured with this key (docs/linkage.md, "What the encodings leak"): bits set in
every filter holding one of the 10 most frequent bigrams, 19–24 unfolded, 18–29 when the halves
are OR-ed instead of XOR-ed, 0–3 folded (mean 0.7; twelve other keys: mean 0.3–1.1, at most 3).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from aigaq.lib.crypto.linkage import BLOOM_BITS, BLOOM_K, ENCODE_BITS, WORDS, LinkageKeys
from aigaq.linkage import encode_mentions

from .synth import generate

KEY = bytes(range(32))
NAMES = 2000


def _unfolded(keyed: LinkageKeys, grams: list[str]) -> np.ndarray:
    """The ``ENCODE_BITS``-bit filter of the grams before folding, from their keyed positions:
    never stored, built here only to measure what folding hides."""
    bits = np.zeros(ENCODE_BITS, dtype=np.uint8)
    for g in grams:
        bits[keyed.positions("bloom-name", g)] = 1
    return np.packbits(bits, bitorder="little").view("<u8").astype(np.uint64)


@functools.cache
def _filters() -> tuple[np.ndarray, np.ndarray, list[set[str]]]:
    """(unfolded bits, stored folded bits, bigram set) per name filter of 2,000 mentions."""
    mentions, _ = generate(1700, seed=3)
    mentions = mentions[:NAMES]
    assert len(mentions) == NAMES
    grams: list[list[str]] = []
    bloom = LinkageKeys.bloom

    def recording(self: LinkageKeys, purpose: str, gs: list[str]) -> np.ndarray:
        if purpose == "bloom-name":
            grams.append(list(gs))
        return bloom(self, purpose, gs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LinkageKeys, "bloom", recording)
        encoded = encode_mentions(mentions, KEY)
    stored = np.concatenate([e.name_bf for e in encoded])
    assert len(stored) == len(grams) and stored.shape[1] == WORDS
    keyed = LinkageKeys(KEY)
    wide = np.stack([_unfolded(keyed, g) for g in grams])
    assert wide.shape[1] * 64 == ENCODE_BITS == 2 * BLOOM_BITS
    # What is stored is exactly the unfolded filter's first half XOR its second half.
    assert np.array_equal(stored, wide[:, :WORDS] ^ wide[:, WORDS:])

    def bits(rows: np.ndarray) -> np.ndarray:
        return np.unpackbits(rows.view(np.uint8), axis=1, bitorder="little").astype(bool)

    return bits(wide), bits(stored), [set(g) for g in grams]


def _atoms(x: np.ndarray, sets: list[set[str]], top: int = 10) -> list[int]:
    """For each of the most frequent bigrams, the number of bits set in every filter holding it."""
    counts: dict[str, int] = {}
    for s in sets:
        for g in s:
            counts[g] = counts.get(g, 0) + 1
    frequent = sorted(counts, key=lambda g: (-counts[g], g))[:top]
    assert counts[frequent[-1]] >= NAMES // 5  # each held by hundreds of filters: no small-sample luck
    return [int(x[np.array([g in s for s in sets])].all(axis=0).sum()) for g in frequent]


def test_no_frequent_bigram_keeps_an_atom_of_bits_set_in_every_filter_that_holds_it() -> None:
    unfolded, folded, sets = _filters()
    before, after = _atoms(unfolded, sets), _atoms(folded, sets)
    # Unfolded, each frequent bigram's positions (BLOOM_K, less a rare collision) are its atom.
    assert min(before) >= BLOOM_K * 3 // 4, before
    # OR-ing the halves instead gives a plain filter of the stored length and density: the atoms
    # stay, so what removes them is the XOR, not the shorter, fuller filter.
    dense = unfolded[:, :BLOOM_BITS] | unfolded[:, BLOOM_BITS:]
    assert min(_atoms(dense, sets)) >= BLOOM_K * 3 // 4
    # Folded, at most a few bits stay set in all its filters: no atom to assign to a bigram.
    assert max(after) <= BLOOM_K // 5 and np.mean(after) <= 1.5, after
