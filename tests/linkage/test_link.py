"""End-to-end linkage: the same man is found across scripts; namesakes and impossible ages stay apart."""

from __future__ import annotations

import pytest

from aigaq.linkage import LinkResult, Mention, ScoredPair, link
from aigaq.linkage.cli import pairwise_scores

from .synth import generate


def _background(n: int = 300) -> list[Mention]:
    """Unrelated mentions so that frequencies and the prior are estimated from a population."""
    mentions, _ = generate(n, seed=11)
    return mentions


def _same(result: LinkResult, a: str, b: str) -> bool:
    return result.clusters[a] == result.clusters[b]


def _pair(result: LinkResult, a: str, b: str) -> ScoredPair:
    for p in result.pairs:
        if {p.a, p.b} == {a, b}:
            return p
    raise AssertionError(f"no scored pair {a}–{b}")


def test_empty_input_gives_empty_output() -> None:
    result = link([])
    assert result.clusters == {} and result.pairs == []


def test_every_input_id_gets_a_cluster_and_singletons_are_their_own() -> None:
    result = link([Mention(id="a", full_name="Жәнібек Сейітов"), Mention(id="b", full_name="Бауыржан Оспанов")])
    assert result.clusters == {"a": "a", "b": "b"}


def test_the_issue_example_links_across_scripts_phone_formats_and_city_names() -> None:
    mentions = [
        *_background(),
        Mention(
            id="c17-s1",
            full_name="Жәнібек Сейітов",
            phones=["8 (701) 555-12-34"],
            age_at_incident=34,
            incident_date="2022-05-01",
            city="Орал",
        ),
        Mention(
            id="c20-s1",
            full_name="ZHANIBEK SEITOV",
            age_at_incident=35,
            incident_date="2022-11-01",
            city="Уральск",
        ),
        Mention(id="c31-s2", full_name="Сейітов Ж.Н.", phones=["+7 701 555 12 34"], city="Oral"),
    ]
    result = link(mentions)
    assert _same(result, "c17-s1", "c20-s1")
    assert _same(result, "c17-s1", "c31-s2")
    texts = [e.text for e in _pair(result, "c17-s1", "c31-s2").evidence]
    assert "same phone +7 701 555 12 34" in texts
    texts = [e.text for e in _pair(result, "c17-s1", "c20-s1").evidence]
    assert "names Жәнібек Сейітов ~ ZHANIBEK SEITOV" in texts
    assert "ages 34 and 35 compatible" in texts


@pytest.mark.parametrize(
    ("field", "a", "b"),
    [
        ("phones", "8 (701) 555-12-34", "+77015551234"),
        ("handles", "@zhanibek_85", "https://www.instagram.com/zhanibek_85/"),
        ("plates", "123 ABC 02", "123 авс 02"),
        ("iins", "850412300704", "8504 1230 0704"),
    ],
)
def test_a_shared_exact_identifier_links_despite_different_name_spellings(field: str, a: str, b: str) -> None:
    x = Mention(id="x", full_name="Нұрлан Ахметов", **{field: [a]})  # type: ignore[arg-type]
    y = Mention(id="y", full_name="Нурик Ахметов", **{field: [b]})  # type: ignore[arg-type]
    result = link([*_background(), x, y])
    assert _same(result, "x", "y")


def test_namesakes_with_a_common_name_and_nothing_else_are_kept_apart() -> None:
    background = _background()
    common = [
        Mention(id=f"n{k}", full_name="Нурлан Ахметов", city=c)
        for k, c in enumerate(["Алматы", "Шымкент", "Орал", "Астана", "Ақтөбе", "Алматы"])
    ]
    result = link([*background, *common])
    assert len({result.clusters[m.id] for m in common}) == len(common)


def test_a_rare_name_weighs_more_than_a_common_one() -> None:
    background = _background()
    common = [Mention(id=f"n{k}", full_name="Нурлан Ахметов", city="Алматы") for k in range(12)]
    rare = [
        Mention(id="r1", full_name="Жәнібек Құдайбергенов", city="Алматы"),
        Mention(id="r2", full_name="Жанибек Кудайбергенов", city="Алматы"),
    ]
    result = link([*background, *common, *rare], threshold=0.0)
    common_w = _pair(result, "n0", "n1").evidence[0]
    rare_w = _pair(result, "r1", "r2").evidence[0]
    assert common_w.field == rare_w.field == "name"
    assert rare_w.weight > common_w.weight + 2


def test_birth_years_that_cannot_be_one_man_stay_apart_even_through_a_chain() -> None:
    # a and c share a phone with b; a was born in 1980 and c in 1995: b may join one of them, never both.
    a = Mention(id="a", full_name="Нурлан Ахметов", phones=["+7 701 111 22 33"], birth_date="1980")
    b = Mention(id="b", full_name="Нурлан Ахметов", phones=["+7 701 111 22 33", "+7 702 444 55 66"])
    c = Mention(id="c", full_name="Нурлан Ахметов", phones=["+7 702 444 55 66"], birth_date="1995")
    result = link([*_background(), a, b, c])
    assert not _same(result, "a", "c")
    assert _same(result, "a", "b") or _same(result, "b", "c")
    conflict = [e for p in result.pairs for e in p.evidence if e.outcome == "conflict"]
    assert all("cannot be the same man" in e.text for e in conflict)


def test_a_direct_birth_conflict_is_explained() -> None:
    a = Mention(id="a", full_name="Нурлан Ахметов", phones=["+7 701 111 22 33"], birth_date="1980")
    c = Mention(id="c", full_name="Нурлан Ахметов", phones=["+7 701 111 22 33"], birth_date="1995")
    result = link([a, c], threshold=0.0)
    assert not _same(result, "a", "c")
    pair = _pair(result, "a", "c")
    assert not pair.linked
    assert "birth years 1980 and 1995 cannot be the same man" in [e.text for e in pair.evidence]


def test_must_not_link_holds_through_chains_and_must_link_joins() -> None:
    a = Mention(id="a", full_name="Жәнібек Сейітов", phones=["+7 701 111 22 33"])
    b = Mention(id="b", full_name="Жәнібек Сейітов", phones=["+7 701 111 22 33", "+7 702 444 55 66"])
    c = Mention(id="c", full_name="Жәнібек Сейітов", phones=["+7 702 444 55 66"])
    d = Mention(id="d", full_name="Бауыржан Оспанов")
    result = link([a, b, c, d], must_not_link=[("a", "c")], must_link=[("d", "a")])
    assert not _same(result, "a", "c")
    assert _same(result, "a", "d")


def test_pairs_carry_evidence_with_weights_that_sum_to_the_match_weight() -> None:
    a = Mention(id="a", full_name="Жәнібек Сейітов", phones=["87015551234"], city="Орал")
    b = Mention(id="b", full_name="ZHANIBEK SEITOV", phones=["+77015551234"], city="Oral")
    result = link([*_background(), a, b])
    pair = _pair(result, "a", "b")
    assert 0.5 <= pair.match_probability <= 1.0
    fields = {e.field: e for e in pair.evidence}
    assert fields["phone"].outcome == "agree" and fields["phone"].weight > 5
    assert fields["place"].outcome == "agree"
    assert result.model is not None
    assert sum(e.weight for e in pair.evidence) + result.model.prior_bits() == pytest.approx(pair.match_weight)


def test_progress_is_reported_by_stage() -> None:
    seen: set[str] = set()
    link(_background(50), progress=lambda stage, done, total: seen.add(stage))
    assert {"features", "blocking", "scoring"} <= seen


def test_quality_on_generated_mentions_is_well_above_chance() -> None:
    mentions, labels = generate(400, seed=3)
    precision, recall, f1, *_ = pairwise_scores(link(mentions).clusters, labels)
    assert precision >= 0.85 and recall >= 0.6 and f1 >= 0.75


def test_private_mode_finds_the_same_links_without_plaintext() -> None:
    mentions, labels = generate(400, seed=3)
    plain = pairwise_scores(link(mentions).clusters, labels)[2]
    private = pairwise_scores(link(mentions, key=b"\x01" * 32).clusters, labels)[2]
    assert private >= plain - 0.05


def test_scoring_over_forked_workers_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import aigaq.linkage.levels as levels

    mentions, _ = generate(150, seed=9)
    serial = link(mentions, workers=1)
    monkeypatch.setattr(levels, "PARALLEL_MIN_PAIRS", 1)
    monkeypatch.setattr(levels, "BATCH_PAIRS", 97)  # many spans, so that both workers get some
    parallel = link(mentions, workers=2)
    assert parallel.clusters == serial.clusters
    assert [(p.a, p.b, round(p.match_weight, 9)) for p in parallel.pairs] == [
        (p.a, p.b, round(p.match_weight, 9)) for p in serial.pairs
    ]


@pytest.mark.parametrize("key", [None, b"\x02" * 32])
def test_two_different_iins_keep_mentions_apart_even_through_a_chain(key: bytes | None) -> None:
    # b shares a phone with a and another with c; a and c carry different valid IINs.
    a = Mention(id="a", full_name="Нурлан Ахметов", phones=["+7 701 111 22 33"], iins=["830809348590"])
    b = Mention(id="b", full_name="Нурлан Ахметов", phones=["+7 701 111 22 33", "+7 702 444 55 66"])
    c = Mention(id="c", full_name="Нурлан Ахметов", phones=["+7 702 444 55 66"], iins=["810522383921"])
    result = link([*_background(), a, b, c], key=key)
    assert not _same(result, "a", "c")
    assert _same(result, "a", "b") or _same(result, "b", "c")


@pytest.mark.parametrize("key", [None, b"\x02" * 32])
def test_two_different_fathers_names_keep_namesakes_apart_even_through_a_chain(key: bytes | None) -> None:
    # b names no father; a's is Ерлан and c's Бауыржан: whatever chains them, a and c are two men.
    # (Ерлан and Ержан are one letter apart, a slip or two fathers, so they only weigh less.)
    a = Mention(id="a", full_name="Nurlan Erlanovich Akhmetov", phones=["+7 701 111 22 33"], city="Алматы")
    b = Mention(id="b", full_name="Nurlan Akhmetov", phones=["+7 701 111 22 33", "+7 702 444 55 66"])
    c = Mention(id="c", full_name="АХМЕТ НҰРЛАН БАУЫРЖАНОВИЧ", phones=["+7 702 444 55 66"], city="Алматы")
    result = link([*_background(), a, b, c], key=key)
    assert _same(result, "a", "b") or _same(result, "b", "c")
    assert not _same(result, "a", "c")


def test_a_stored_model_from_before_a_change_of_levels_still_loads() -> None:
    import json

    from aigaq.linkage import Model
    from aigaq.linkage.model import PRIOR_M

    old = json.loads(Model.default("private").to_json())
    old["m"]["patronymic"], old["u"]["patronymic"] = [0.1, 0.9], [0.9, 0.1]  # two levels, as once
    model = Model.from_json(json.dumps(old))
    assert model.m["patronymic"] == PRIOR_M["patronymic"]
    assert model.weight_table().shape[0] == 11


def test_a_shared_phone_alone_stays_strong_when_random_pairs_include_matches() -> None:
    # 120 men each named twice by a phone alone: among the random pairs that estimate u, some are
    # these true pairs, and counted as strangers they would make a shared phone look common.
    pairs = [
        m
        for k in range(120)
        for m in (
            Mention(id=f"a{k}", phones=[f"+7 701 {k:03d} 00 11"]),
            Mention(id=f"b{k}", phones=[f"8 701 {k:03d}0011"]),
        )
    ]
    result = link([*_background(200), *pairs])
    assert result.model is not None
    assert result.model.u["phone"][1] < 3e-4
    assert sum(_same(result, f"a{k}", f"b{k}") for k in range(120)) == 120


def test_a_rare_full_name_shared_by_two_mentions_only_is_not_counted_against_itself() -> None:
    # The two mentions are the only carriers of the name: its frequency must not count them, or a
    # man named in two cases looks like two namesakes.
    a = Mention(id="r1", full_name="Ерасыл Жолдасбеков", city="Алматы")
    b = Mention(id="r2", full_name="YERASYL ZHOLDASBEKOV", city="Орал")
    result = link([*_background(), a, b], threshold=0.0)
    assert _pair(result, "r1", "r2").match_probability >= 0.5


@pytest.mark.parametrize("key", [None, b"\x03" * 32])
def test_without_pairs_the_clusters_are_the_same_and_the_links_still_counted(key: bytes | None) -> None:
    mentions, _ = generate(150, seed=4)
    full = link(mentions, key=key)
    quick = link(mentions, key=key, pairs=False)
    assert quick.clusters == full.clusters
    assert quick.pairs == [] and quick.links == full.links == len(full.pairs) > 0


def test_a_batch_where_every_name_is_one_word_links_without_crashing() -> None:
    # Issue 17: with only one-word names the aligned-token matrix is one column wide and the
    # second name key was read from a column that did not exist (IndexError in the comparator).
    result = link([Mention(id="a", full_name="Ерлан"), Mention(id="b", full_name="Ерлан")])
    assert set(result.clusters) == {"a", "b"}
    # A first name alone is weak evidence: it must not make a link on its own.
    assert not _same(result, "a", "b")
    shared = link(
        [
            Mention(id="a", full_name="Ерлан", phones=["+7 701 555 12 34"]),
            Mention(id="b", full_name="Yerlan", phones=["87015551234"]),
        ]
    )
    assert _same(shared, "a", "b")
