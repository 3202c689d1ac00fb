"""The whole run: blocking, levels, fitting, name frequencies counted per person, clustering.

The engine works on an *index* (aigaq.linkage.index): plain features (``plain.PlainIndex``) or
keyed encodings (``encoded.EncodedIndex``). Both give the same per-field levels, so EM, weights
and clustering are shared and the private path sees nothing but encodings.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .blocking import candidate_pairs
from .clustering import at_least, cluster
from .em import TfU, em_spans, estimate_u, random_pair_levels, u_from
from .features import F_NAME
from .index import Index, Progress
from .levels import default_workers, levels_matrix
from .model import CONFLICT_FIELDS, EM_CHUNK, LinkResult, Model, ScoredPair, probability, score, tf_u_from

DEFAULT_THRESHOLD = 0.5
U_WITHOUT_MATCHES = True
U_ROUNDS = 3
GROUP_OTHER_BITS = 10.0  # evidence besides the name for a link to group mentions when counting names
EXTRA_PASSES = 1
PASS_THRESHOLD = 0.5
OVERRIDE_BITS = 25.0  # prior included: evidence that outweighs a birth conflict


def _id_pairs(index: Index, pairs: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
    pos = {x: k for k, x in enumerate(index.ids)}
    return [(pos[a], pos[b]) for a, b in pairs if a in pos and b in pos and a != b]


def fit(index: Index, lv: np.ndarray, tf_of: TfU) -> Model:
    n = len(index.ids)
    if n < 2:
        model = em_spans(lv, tf_of, estimate_u(index), 1, None)
    else:
        rand = random_pair_levels(index)
        model = em_spans(lv, tf_of, u_from(rand), n * (n - 1) // 2, None)
        if U_WITHOUT_MATCHES:
            # Random pairs are nearly all non-matches, but the few matches among them are exactly the
            # pairs that share a phone or a plate, and they alone make u of those agreements a
            # hundred times too large. So u is counted again with each random pair weighted by the
            # chance that it is a non-match under the fitted model, and EM runs once more.
            # Repeated a few times: a first model that undervalues a shared phone also gives those
            # pairs a low posterior.
            for _ in range(U_ROUNDS):
                total, _ = score(model, rand, np.full(len(rand), np.nan), ())
                model = em_spans(lv, tf_of, u_from(rand, 1.0 - probability(total)), n * (n - 1) // 2, None)
    model.mode = index.mode
    model.n_mentions = n
    return model


def _weights(
    model: Model, lv: np.ndarray, tf_of: TfU, without_name_floor: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(match weight of every pair, pairs whose birth conflict is waived), in chunks.

    A birth conflict is waived only for a pair whose other evidence is overwhelming (the same
    IIN, or the same document number, name and address): there the dates are a recording error.
    The waiver is per pair, so a chain through other mentions never waives anything.
    without_name_floor: pairs whose evidence besides the name is below it get −inf (never a link).
    Only one float per pair is kept, however many pairs there are.
    """
    total = np.empty(len(lv))
    waive: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(lv), EM_CHUNK):
        part = lv[start : start + EM_CHUNK]
        t, nb = score(model, part, tf_of(start, start + len(part)), (F_NAME, *CONFLICT_FIELDS))
        if without_name_floor is not None:
            t = np.where(t - nb[:, 0] - model.prior_bits() >= without_name_floor, t, -np.inf)
        clash = part[:, CONFLICT_FIELDS] == 0
        rest = t - (nb[:, 1:] * clash).sum(axis=1)
        waive.append(start + np.flatnonzero(clash.any(axis=1) & (rest >= OVERRIDE_BITS)))
        total[start : start + len(part)] = t
    return total, np.concatenate(waive)


def _tf_of(keys: np.ndarray, lv: np.ndarray, pairs: np.ndarray, tables: tuple[np.ndarray, np.ndarray]) -> TfU:
    """tf_u of any span of the candidate pairs, computed when asked: cheap, and not kept as one
    more float per pair."""

    def tf_of(start: int, end: int) -> np.ndarray:
        return tf_u_from(keys[start:end], lv[start:end, F_NAME], pairs[start:end, 0], tables)

    return tf_of


def run(
    index: Index,
    *,
    threshold: float | None,
    progress: Progress | None,
    must_not_link: Iterable[tuple[str, str]],
    must_link: Iterable[tuple[str, str]],
    model: Model | None = None,
    workers: int | None = None,
    pairs: bool = True,
) -> LinkResult:
    """Link the index. pairs=False leaves out the scored links and their evidence texts (the
    clusters are the same; LinkResult.links still counts the links)."""
    want_pairs = pairs  # the candidate pairs below are "cand"
    thr = DEFAULT_THRESHOLD if threshold is None else threshold
    n = len(index.ids)
    if n == 0:
        return LinkResult({}, [], model)
    cand = candidate_pairs(index, progress)
    n_workers = default_workers() if workers is None else workers
    lv, keys = levels_matrix(index, cand, progress, "scoring", n_workers)
    tables = index.tf_tables(None)
    tf_of = _tf_of(keys, lv, cand, tables)
    fitted = model is None
    if model is None:
        model = fit(index, lv, tf_of)
    must_not: dict[int, set[int]] = {}
    for i, j in _id_pairs(index, must_not_link):
        must_not.setdefault(i, set()).add(j)
        must_not.setdefault(j, set()).add(i)
    links = list(_id_pairs(index, must_link))
    if fitted:
        # Second pass: word frequencies counted once per first-pass cluster, i.e. per person
        # rather than per mention, so that a man named in ten cases does not make his own name
        # look common and weigh less; then EM again with the same u.
        # Only links that stand without the name are used for this grouping: otherwise namesakes
        # linked by their name would make that name rarer and link them ever more easily.
        strong, waive = _weights(model, lv, tf_of, GROUP_OTHER_BITS)
        cl, _ = cluster(index, cand, strong, waive, thr, must_not, links, None)
        del strong, waive
        roots = [cl.find(i) for i in range(n)]
        del cl
        tables = index.tf_tables(roots)
        tf_of = _tf_of(keys, lv, cand, tables)
        del roots
        model = em_spans(lv, tf_of, model.u, max(n * (n - 1) // 2, 1), None)
        model.mode, model.n_mentions = index.mode, n
    for _ in range(EXTRA_PASSES if fitted else 0):
        total, waive = _weights(model, lv, tf_of)
        cl, _ = cluster(index, cand, total, waive, PASS_THRESHOLD, must_not, links, None)
        roots = [cl.find(i) for i in range(n)]
        del cl, total, waive
        tables = index.tf_tables(roots)
        tf_of = _tf_of(keys, lv, cand, tables)
        del roots
        model = em_spans(lv, tf_of, model.u, max(n * (n - 1) // 2, 1), None)
        model.mode, model.n_mentions = index.mode, n
    total, waive = _weights(model, lv, tf_of)
    cl, linked = cluster(index, cand, total, waive, thr, must_not, links, progress)
    keep = at_least(total, thr)
    clusters = cl.clusters()
    del cl
    if not want_pairs:
        return LinkResult(clusters, [], model, links=len(keep))
    keep = keep[np.argsort(-total[keep], kind="stable")]
    out: list[ScoredPair] = []
    kept_tf = tf_u_from(keys[keep], lv[keep, F_NAME], cand[keep, 0], tables)
    kept_weights = score(model, lv[keep], kept_tf)[1]
    prob = probability(total[keep])
    for row, k in enumerate(keep.tolist()):
        i, j = int(cand[k, 0]), int(cand[k, 1])
        weights = [float(x) for x in kept_weights[row]]
        ev = index.evidence(i, j, [int(x) for x in lv[k]], weights)
        out.append(ScoredPair(index.ids[i], index.ids[j], float(prob[row]), float(total[k]), ev, bool(linked[k])))
    return LinkResult(clusters, out, model, links=len(out))
