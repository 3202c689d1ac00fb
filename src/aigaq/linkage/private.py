"""Private mode: scoring and fitting on keyed encodings alone (aigaq.linkage.encode makes them).

``score_encoded`` scores one new mention against stored encodings with a fitted model;
``fit_encoded`` fits the weights on encodings with reviewers' decisions as labels;
``warm_up`` loads the compiled kernels before the first request needs them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from aigaq.lib.crypto.linkage import WORDS

from .blocking import candidate_pairs
from .dice import dice_many_to_many, dice_one_to_many
from .em import em, estimate_u
from .encode import EncodedMention
from .encoded import EncodedIndex
from .features import F_BIRTH, F_NAME, FIELDS
from .index import Progress
from .model import Model, ScoredPair, outcome, probability, score


def outcomes(levels: Sequence[int]) -> dict[str, str]:
    """Field → "agree", "partial", "disagree" or "conflict" for one pair's levels (missing fields
    left out): the equality pattern the keyed encodings already show, never a value."""
    return {name: outcome(f, int(levels[f])) for f, name in enumerate(FIELDS) if levels[f] >= 0}


def score_encoded(
    new: EncodedMention,
    candidates: Sequence[EncodedMention],
    model: Model,
    *,
    min_probability: float = 0.0,
) -> list[ScoredPair]:
    """Score one new encoded mention against stored ones; best first.

    All candidates are scored in one vectorised pass (tokens as 64-bit integers, Dice of the
    packed filters, levels to weights by table lookup), about a microsecond a candidate, so the
    caller can hand it every mention sharing a block key with the new one. Evidence is written
    only for the pairs returned. ``model.tf``/``model.tf_total``/``model.tf_one`` give the name
    frequencies; ``tf`` should count the new mention's name tokens and the candidates' one-word ones.
    """
    if not candidates:
        return []
    index = EncodedIndex([new, *candidates], tf=model.tf, tf_total=max(model.tf_total, 1), tf_one=model.tf_one)
    pairs = np.stack([np.zeros(len(candidates), dtype=np.int64), np.arange(1, len(candidates) + 1)], axis=1)
    lv, key, dice = index.levels_many(pairs)
    total, per_field = score(model, lv, index.tf_u(key, lv[:, F_NAME]))
    prob = probability(total)
    out = []
    for k in np.argsort(-total, kind="stable").tolist():
        if prob[k] < min_probability:
            break
        row = [int(x) for x in lv[k]]
        ev = index._evidence(0, k + 1, row, [float(x) for x in per_field[k]], float(dice[k]))
        out.append(ScoredPair(new.id, candidates[k].id, float(prob[k]), float(total[k]), ev, row[F_BIRTH] != 0))
    return out


@dataclass(frozen=True)
class EncodedLink:
    """A pair of a fit at or above the threshold, without a birth conflict."""

    a: str
    b: str
    match_probability: float
    match_weight: float
    outcomes: dict[str, str]


@dataclass(frozen=True)
class EncodedFit:
    """Weights fitted on encodings, with every candidate pair's levels and scores."""

    model: Model
    index: EncodedIndex
    pairs: np.ndarray  # (P, 2) positions in index.ids
    levels: np.ndarray  # (P, fields) int8
    tf_u: np.ndarray
    weight: np.ndarray  # match weight in bits
    probability: np.ndarray

    def links(self, threshold: float) -> list[EncodedLink]:
        """Pairs with match probability ≥ threshold that birth dates do not rule out."""
        keep = np.flatnonzero((self.probability >= threshold) & (self.levels[:, F_BIRTH] != 0))
        ids = self.index.ids
        return [
            EncodedLink(
                ids[int(self.pairs[k, 0])],
                ids[int(self.pairs[k, 1])],
                float(self.probability[k]),
                float(self.weight[k]),
                outcomes(self.levels[k]),
            )
            for k in keep.tolist()
        ]


LEVEL_CHUNK = 500_000  # pairs per kernel call: progress between calls, bounded temporary memory


def fit_encoded(
    encoded: Sequence[EncodedMention],
    labels: Mapping[tuple[str, str], bool] | None = None,
    *,
    also: Iterable[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> EncodedFit:
    """Fit Fellegi–Sunter weights on encodings, with reviewers' decisions as labels.

    labels: (id, id) → True for a confirmed pair, False for a rejected one. EM runs over the
    blocked candidate pairs with u from random pairs, as ``link`` does, but the labelled pairs'
    match probability is clamped to the label (semi-supervised EM), so the weights move toward
    what reviewers decided. Labelled pairs and the pairs in ``also`` are scored even when
    blocking does not pair them. Name frequencies count mentions (``model.tf``, ``tf_total``).
    """
    labels = dict(labels or {})
    index = EncodedIndex(encoded)
    n = len(index.ids)
    pos = {x: k for k, x in enumerate(index.ids)}

    def code(a: str, b: str) -> int:
        i, j = sorted((pos[a], pos[b]))
        return i * n + j

    pairs = candidate_pairs(index, progress)
    codes = pairs[:, 0] * n + pairs[:, 1]
    wanted = np.asarray(
        sorted({code(a, b) for a, b in [*labels, *also] if a in pos and b in pos and a != b}), dtype=np.int64
    )
    extra = wanted[~np.isin(wanted, codes)]
    if len(extra):
        pairs = np.concatenate([pairs, np.stack([extra // n, extra % n], axis=1)])
        codes = np.concatenate([codes, extra])
    lv = np.empty((len(pairs), len(FIELDS)), dtype=np.int8)
    key = np.empty(len(pairs), dtype=np.int64)
    for start in range(0, len(pairs), LEVEL_CHUNK):
        end = min(start + LEVEL_CHUNK, len(pairs))
        lv[start:end], key[start:end], _ = index.levels_many(pairs[start:end])
        if progress:
            progress("scoring", end, len(pairs))
    tf_u = index.tf_u(key, lv[:, F_NAME])
    clamp = np.full(len(pairs), np.nan)
    found = np.flatnonzero(np.isin(codes, wanted))
    row = dict(zip(codes[found].tolist(), found.tolist(), strict=True))
    for (a, b), same in labels.items():
        if a in pos and b in pos and a != b:
            clamp[row[code(a, b)]] = 1.0 if same else 0.0
    model = em(lv, tf_u, estimate_u(index), max(n * (n - 1) // 2, 1), clamp)
    model.mode, model.n_mentions = "private", n
    model.tf, model.tf_total, model.tf_one = index.name_counts(None)
    weight, _ = score(model, lv, tf_u, ())
    return EncodedFit(model, index, pairs, lv, tf_u, weight, probability(weight))


def warm_up() -> None:
    """Load (or compile, the first time on a machine) every kernel now, so that no request or
    command pays for it later: about a second from the disk cache, several when compiling."""
    one = np.zeros((1, WORDS), dtype=np.uint64)
    dice_many_to_many(one, one)
    dice_one_to_many(one[0], one)
    enc = EncodedMention("warm-up", {}, one, None, None)
    EncodedIndex([enc, enc]).levels_many(np.array([[0, 1]]))
