"""The plain index keeps features as numpy columns and compares pairs in batches; every level,
TF key and date slip must be exactly what the one-pair-at-a-time comparison gives."""

from __future__ import annotations

import io
import json
import random

import numpy as np
import pytest

import aigaq.linkage.em as em_module
from aigaq.linkage import InputError, Mention, link
from aigaq.linkage.batch import _date_slips
from aigaq.linkage.birth import date_typo_like
from aigaq.linkage.blocking import candidate_pairs
from aigaq.linkage.em import em
from aigaq.linkage.features import FIELDS, compare_features
from aigaq.linkage.levels import levels_serial
from aigaq.linkage.mention import iter_mentions
from aigaq.linkage.model import PRIOR_U
from aigaq.linkage.plain import plain_index

from .synth import generate

EXTRA = [
    Mention(
        id="x1",
        full_name="Сейітов Ж.Н.",
        phones=["8 (701) 555-12-34", "+7 702 000 00 01"],
        handles=["@seitov_j"],
        plates=["123 ABC 02"],
        city="Орал",
    ),
    Mention(
        id="x2",
        full_name="Жәнібек Нұрланұлы Сейітов",
        aliases=["Жаке"],
        phones=["+77015551234"],
        handles=["https://instagram.com/seitov_j"],
        plates=["123АВС02", "777 KZA 01"],
    ),
    Mention(id="x3", full_name="ZHANIBEK SEITOV", other_ids=["N1234567"], address="ул. Абая 12, кв 3"),
    Mention(id="x4", full_name="Zhanibek Seitov", other_ids=["N1234576"], address="Abaya 12 kv 3", region="ЗКО"),
    Mention(id="x5", full_name="Сейітов Жәнібек Ерланович", iins=["850412300125"], sex="м", handles=["@janik"]),
    Mention(id="x6", full_name="Seitov Janibek Erlanovich", birth_date="1985-12-04", sex="m", city="Oral"),
    Mention(id="x9", full_name="Сейітов Жәнібек Ерланович", iins=["850412300777"], sex="ж", plates=["001 AAA 01"]),
    # A name longer than the batch alignment's width is aligned one pair at a time.
    Mention(id="x7", full_name="Абай Болат Ерлан Жәнібек Сейітов Нұрлан Қайрат Серік", iins=["850412300123"]),
    Mention(id="x8", full_name="Сейітов Жәнібек Нұрлан Қайрат Серік Абай Болат", birth_date="1985"),
]


def _mentions() -> list[Mention]:
    mentions, _ = generate(120, seed=5)
    return [*mentions, *EXTRA]


def test_batch_levels_equal_the_pairwise_comparison_for_candidate_and_random_pairs() -> None:
    index = plain_index(_mentions())
    n = len(index.ids)
    rng = random.Random(3)
    random_pairs = {tuple(sorted(rng.sample(range(n), 2))) for _ in range(3000)}
    pairs = np.concatenate([candidate_pairs(index), np.array(sorted(random_pairs), dtype=np.int32)])
    lv, keys = levels_serial(index, pairs)
    checked = 0
    for row, (i, j) in enumerate(pairs.tolist()):
        want, match = compare_features(index.tt, index.f[i], index.f[j])
        assert lv[row].tolist() == want, (index.ids[i], index.ids[j])
        if match is not None and match.level >= 2:
            kt, f0 = index.key_of_token, index.f0
            expect = [kt[a] if f0[kt[a]] >= f0[kt[b]] else kt[b] for a, b, _ in match.matched[:2]]
            assert [k for k in keys[row].tolist() if k >= 0] == expect
            checked += 1
        else:
            assert keys[row].tolist() == [-1, -1]
    assert checked > 50


def test_every_field_is_compared_somewhere_in_the_batch_test_data() -> None:
    index = plain_index(_mentions())
    lv, _ = levels_serial(index, candidate_pairs(index))
    assert all((lv[:, f] >= 0).any() for f in range(len(FIELDS)))


def test_features_rebuilt_from_columns_equal_the_mention_as_given() -> None:
    index = plain_index(EXTRA)
    f = index.f[0]
    assert f.id == "x1" and f.phones == frozenset({"+77015551234", "+77020000001"})
    assert f.variants[0].text == "Сейітов Ж.Н." and f.variants[0].initials == ("j", "n")
    assert index.f[4].birth is not None and index.f[4].birth.exact == "19850412"
    assert index.f[4].sex == "m" and index.f[3].region is not None and index.f[2].address


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("19850412", "19850412"),
        ("19850412", "19850413"),  # one digit
        ("19850412", "19850421"),  # neighbours swapped
        ("19850412", "19851204"),  # day and month swapped
        ("19850412", "19860413"),  # two digits apart
        ("19850412", "19580412"),  # swapped, but not neighbours
        ("20011130", "20011103"),
    ],
)
def test_vectorised_date_slips_agree_with_date_typo_like(a: str, b: str) -> None:
    got = _date_slips(np.array([int(a)]), np.array([int(b)]))[0]
    assert bool(got) == date_typo_like(a, b)


def test_em_on_counted_patterns_equals_em_with_one_row_per_pair() -> None:
    rng = np.random.default_rng(1)
    lv = rng.integers(-1, 2, size=(5000, len(FIELDS))).astype(np.int8)
    lv[:, 0] = rng.integers(-1, 6, size=5000)
    tf = np.where(lv[:, 0] >= 2, rng.uniform(1e-5, 1e-2, size=5000), np.nan)
    u = {k: list(v) for k, v in PRIOR_U.items()}
    a = em(lv, tf, u, 10**7)
    # Splitting the input must not change the estimate (the counted pairs are merged over chunks).

    old = em_module.EM_CHUNK
    em_module.EM_CHUNK = 700
    try:
        b = em(lv, tf, u, 10**7)
    finally:
        em_module.EM_CHUNK = old
    assert a.lambda_all == pytest.approx(b.lambda_all, rel=1e-9)
    for name in a.m:
        assert a.m[name] == pytest.approx(b.m[name], rel=1e-9)


def test_streamed_input_reports_the_bad_line_and_a_repeated_id() -> None:
    lines = [json.dumps({"id": "a", "full_name": "Нұрлан"}), "", json.dumps({"id": "a"})]
    unknown: set[str] = set()
    with pytest.raises(InputError) as exc:
        list(iter_mentions(io.StringIO("\n".join(lines)), unknown))
    assert exc.value.line_no == 3 and "repeated id" in exc.value.reason


def test_clusters_come_in_input_order() -> None:
    mentions = [
        Mention(id="z", full_name="Бауыржан Оспанов", phones=["+77011112233"]),
        Mention(id="b", full_name="Жәнібек Сейітов"),
        Mention(id="a", full_name="Бауыржан Оспанов", phones=["87011112233"]),
    ]
    result = link(mentions)
    assert list(result.clusters) == ["z", "b", "a"]
    assert result.clusters["z"] == result.clusters["a"] == "a"


def test_hard_conflict_from_columns_agrees_with_the_birth_level() -> None:
    births = ["1985-04-12", "1958-04-12", "1995-04-12", "1985", "2001-11-30", None]
    mentions = [Mention(id=f"b{k}", full_name="Нұрлан Ахметов", birth_date=b) for k, b in enumerate(births)]
    mentions.append(Mention(id="age", full_name="Нұрлан Ахметов", age_at_incident=20, incident_date="2020-01-01"))
    index = plain_index(mentions)
    for i in range(len(mentions)):
        for j in range(len(mentions)):
            level = index.levels(i, j)[0][1]
            assert index.hard_conflict(i, j) == (level == 0), (mentions[i].id, mentions[j].id)


def test_hard_conflict_from_columns_agrees_with_the_levels_for_iins_and_fathers() -> None:
    from aigaq.linkage.model import is_conflict

    mentions = [
        Mention(id="a", full_name="Нұрлан Ерланұлы Ахметов", iins=["830809348590"]),
        Mention(id="b", full_name="Нурлан Ерланович Ахметов", iins=["810522383921"]),
        Mention(id="c", full_name="Нурлан Ержанович Ахметов"),
        Mention(id="d", full_name="Нұрлан Бауыржанұлы Ахметов"),
        Mention(id="e", full_name="Нұрлан Ахметов", iins=["830809348590"]),
    ]
    index = plain_index(mentions)
    for i in range(len(mentions)):
        for j in range(len(mentions)):
            if i != j:
                levels = index.levels(i, j)[0]
                assert index.hard_conflict(i, j) == is_conflict(levels), (mentions[i].id, mentions[j].id)
    assert index.hard_conflict(0, 1)  # two IINs
    assert index.hard_conflict(0, 3)  # Ерлан and Бауыржан
    assert not index.hard_conflict(0, 2)  # Ерлан and Ержан: one slip apart
