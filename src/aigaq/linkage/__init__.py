"""aigaq.linkage: find suspect mentions that refer to the same man, across cases, cities and scripts.

A pure library (it never imports Django). Public API, kept stable for the benchmarks and for
``aigaq.matching``::

    from aigaq.linkage import (Mention, parse_mentions, InputError, link, link_encoded,
                               LinkResult, ScoredPair, Evidence, Model, encode_mentions,
                               EncodedMention, score_encoded, block_keys, load_key, generate_key,
                               EncodedIndex, fit_encoded, EncodedFit, EncodedLink, Progress)

    mentions, unknown = parse_mentions(open("mentions.jsonl", encoding="utf-8"))
    result = link(mentions)                      # plain mode
    result = link(mentions, key=load_key("k"))   # private mode: linkage sees only keyed encodings
    result = link_encoded(encoded)               # pooled encodings from several organisations
    result.clusters   # {mention id: cluster id} for every input id
    result.pairs      # [ScoredPair(a, b, match_probability, match_weight, evidence, linked)]

Incremental private matching (one new suspect against stored encodings)::

    enc = encode_mentions([new_mention], key)[0]
    stored = lookup_by_any(block_keys(enc))      # the caller's index of stored block keys, and
    # one-sided (version 3): stored targets of enc.probes, stored probes of enc.targets
    scored = score_encoded(enc, stored, result.model)   # vectorised: thousands in milliseconds

Weights fitted on encodings alone, with reviewers' decisions as labels (semi-supervised EM)::

    fitted = fit_encoded(encoded, {("17", "31"): True, ("17", "40"): False})
    fitted.model                  # Model, reusable with score_encoded
    fitted.links(0.5)             # [EncodedLink(a, b, match_probability, match_weight, outcomes)]

``Mention`` fields: id, full_name, aliases, phones, handles, plates, iins, other_ids, birth_date,
age_at_incident, incident_date, sex, city, region, address, description. docs/linkage.md
describes the formats, the model and what the private encodings leak.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aigaq.lib.crypto.linkage import generate_key, load_key

from .encode import ENCODING_VERSION, EncodedMention, block_keys, encode_mentions
from .encoded import EncodedIndex
from .engine import DEFAULT_THRESHOLD, run
from .index import Progress
from .levels import default_workers
from .mention import InputError, Mention, parse_mentions
from .model import Evidence, LinkResult, Model, ScoredPair
from .normalise import CityKey, default_city_key
from .plain import plain_index
from .private import EncodedFit, EncodedLink, fit_encoded, score_encoded, warm_up

__all__ = [
    "DEFAULT_THRESHOLD",
    "ENCODING_VERSION",
    "EncodedFit",
    "EncodedIndex",
    "EncodedLink",
    "EncodedMention",
    "Evidence",
    "InputError",
    "LinkResult",
    "Mention",
    "Model",
    "Progress",
    "ScoredPair",
    "block_keys",
    "encode_mentions",
    "fit_encoded",
    "generate_key",
    "link",
    "link_encoded",
    "load_key",
    "parse_mentions",
    "score_encoded",
    "warm_up",
]


def link(
    mentions: Sequence[Mention],
    *,
    threshold: float | None = None,
    key: bytes | None = None,
    progress: Progress | None = None,
    must_not_link: Iterable[tuple[str, str]] = (),
    must_link: Iterable[tuple[str, str]] = (),
    city_key: CityKey = default_city_key,
    workers: int | None = None,
    pairs: bool = True,
) -> LinkResult:
    """Cluster mentions into persons.

    threshold: minimum match probability for a link (default 0.5). key: when given, mentions are
    encoded first (private mode) and only the encodings are compared. progress(stage, done,
    total) is called now and then. must_not_link / must_link: reviewers' decisions by id pair;
    cannot-link holds through chains of other links. city_key maps a city name to a comparable
    key (default: aigaq.reference.find_city when available, else the name's skeleton).
    workers: processes that encode mentions and score candidate pairs on big inputs (default: the
    CPUs available). pairs=False skips writing the scored links and their evidence (result.pairs
    is then empty; result.links still counts them).
    """
    if key is not None:
        n_workers = default_workers() if workers is None else workers
        encoded = encode_mentions(mentions, key, city_key=city_key, progress=progress, workers=n_workers)
        return link_encoded(
            encoded,
            threshold=threshold,
            progress=progress,
            must_not_link=must_not_link,
            must_link=must_link,
            workers=workers,
            pairs=pairs,
        )
    index = plain_index(mentions, city_key, progress)
    return run(
        index,
        threshold=threshold,
        progress=progress,
        must_not_link=must_not_link,
        must_link=must_link,
        workers=workers,
        pairs=pairs,
    )


def link_encoded(
    encoded: Sequence[EncodedMention],
    *,
    threshold: float | None = None,
    progress: Progress | None = None,
    must_not_link: Iterable[tuple[str, str]] = (),
    must_link: Iterable[tuple[str, str]] = (),
    model: Model | None = None,
    workers: int | None = None,
    pairs: bool = True,
) -> LinkResult:
    """Link already-encoded mentions (e.g. pooled from several organisations sharing a key)."""
    index = EncodedIndex(encoded)
    result = run(
        index,
        threshold=threshold,
        progress=progress,
        must_not_link=must_not_link,
        must_link=must_link,
        model=model,
        workers=workers,
        pairs=pairs,
    )
    if result.model is not None and not result.model.tf:
        groups = [0] * len(encoded)
        pos = {x.id: k for k, x in enumerate(encoded)}
        for mid, cid in result.clusters.items():
            groups[pos[mid]] = pos[cid]
        result.model.tf, result.model.tf_total, result.model.tf_one = index.name_counts(groups)
    return result
