"""The network's inputs: whole values only, the same keys across alphabets, documented births only;
and the hub's score: agreeing kinds, how common the agreeing tokens are, conflicts."""

from __future__ import annotations

import pytest

from aigaq.linkage.mention import Mention
from aigaq.linkage.network import EVIDENCE_KINDS, KINDS, MATCH_THRESHOLD, REGION, network_inputs, score

RARE, COMMON = 2, 40  # refs in the network holding a token: only the pair, or a common name


def _agree(a: Mention, b: Mention) -> list[str]:
    ia, ib = network_inputs(a), network_inputs(b)
    return [k for k in KINDS if set(ia.get(k, ())) & set(ib.get(k, ()))]


def _conflicts(a: Mention, b: Mention) -> list[str]:
    """What the hub passes as conflicts: kinds both refs hold tokens of, sharing none."""
    ia, ib = network_inputs(a), network_inputs(b)
    agree = _agree(a, b)
    return [k for k in KINDS if k in ia and k in ib and k not in agree]


def _score(a: Mention, b: Mention, count: int | None = None) -> float:
    kinds = _agree(a, b)
    counts = None if count is None else dict.fromkeys(kinds, count)
    return score(kinds, counts=counts, conflicts=_conflicts(a, b))


def test_the_same_name_in_two_alphabets_gives_the_same_keys() -> None:
    """A whole name written in two alphabets is worth a coordinator's look unless the network holds
    it many times: alone it is the commonest repeat-attack evidence (most repeat attacks share no
    identifier), and the human review is the check; a common name alone is not."""
    a, b = Mention(id="a", full_name="Жәнібек Сейітов"), Mention(id="b", full_name="Zhanibek Seitov")
    assert _agree(a, b) == ["name", "name_phonetic", "name_initial"]
    assert _score(a, b) >= MATCH_THRESHOLD
    assert _score(a, b, RARE) >= MATCH_THRESHOLD > _score(a, b, COMMON)


def test_a_phone_written_two_ways_agrees_and_alone_is_worth_a_look() -> None:
    kinds = _agree(Mention(id="a", phones=["8 (701) 555-12-34"]), Mention(id="b", phones=["+7 701 5551234"]))
    assert kinds == ["phone"] and score(kinds) >= MATCH_THRESHOLD
    assert score(kinds, counts={"phone": 2}) >= MATCH_THRESHOLD


def test_different_men_share_nothing_and_score_low() -> None:
    kinds = _agree(Mention(id="a", full_name="Ерлан Омаров", phones=["87015550000"]),
                   Mention(id="b", full_name="Марат Қасымов", phones=["87775551111"]))
    assert kinds == [] and score(kinds) < 0.001


def test_an_estimated_age_gives_no_birth_year_but_a_birth_date_does() -> None:
    aged = network_inputs(Mention(id="a", full_name="Жәнібек Сейітов", age_at_incident=34, incident_date="2025-05-04"))
    assert "name_birth" not in aged
    # The age gives the two years he may have been born in, under its own kind.
    assert aged["name_age"] == ["janibek seit 1990", "janibek seit 1991"]
    born = network_inputs(Mention(id="a", full_name="Жәнібек Сейітов", birth_date="1990-03-02"))
    assert born["name_birth"] == ["janibek seit 1990"] and born["name_age"] == ["janibek seit 1990"]


def test_no_input_is_a_single_word_or_a_fragment() -> None:
    """Small domains (a bigram, a forename alone, a year) would let a member rebuild the key by
    dictionary: every name input names a whole word and at least one more word or initial."""
    inputs = network_inputs(Mention(id="a", full_name="Ерлан", birth_date="1990"))
    assert not any(k.startswith("name") for k in inputs)
    inputs = network_inputs(Mention(id="a", full_name="Ахметов Джаслан Турсынханулы", aliases=["Жасик"],
                                    birth_date="1977-04-05", phones=["87015550000"]))
    for kind, values in inputs.items():
        if kind.startswith("name"):
            for value in values:
                words = value.split()
                assert len(words) >= 2 and len(words[0]) >= 2, (kind, value)


def test_a_name_with_or_without_its_patronymic_still_meets() -> None:
    a = Mention(id="a", full_name="Ахметов Джаслан Турсынханулы")
    b = Mention(id="b", full_name="ахметов джаслан")
    assert "name" in _agree(a, b) and _score(a, b) >= MATCH_THRESHOLD


def test_a_diminutive_meets_the_full_name() -> None:
    a, b = Mention(id="a", full_name="Нурик Ахметов"), Mention(id="b", full_name="Нурлан Ахметов")
    assert "name" in _agree(a, b) and _score(a, b) >= MATCH_THRESHOLD


def test_a_slip_still_meets_on_the_phonetic_and_initial_keys() -> None:
    a, b = Mention(id="a", full_name="Ізбасарбеков Әмір"), Mention(id="b", full_name="Izbasarbekv Amir")
    assert _agree(a, b) == ["name_phonetic", "name_initial"]
    assert _score(a, b, RARE) >= MATCH_THRESHOLD > _score(a, b, COMMON)


def test_a_surname_with_initials_meets_the_whole_name_when_rare() -> None:
    a, b = Mention(id="a", full_name="Моисеенко А."), Mention(id="b", full_name="МОИСЕЕНКО АНТОН")
    assert _agree(a, b) == ["name_initial"]
    assert _score(a, b, RARE) >= MATCH_THRESHOLD > _score(a, b)


def test_a_namesake_born_in_another_decade_does_not_meet_on_name_birth() -> None:
    a = Mention(id="a", full_name="Ерлан Омаров", birth_date="1985-02-03")
    b = Mention(id="b", full_name="Erlan Omarov", birth_date="1996")
    assert "name" in _agree(a, b) and "name_birth" not in _agree(a, b)
    assert {"name_birth", "name_age"} <= set(_conflicts(a, b))
    assert _score(a, b, RARE) < MATCH_THRESHOLD
    same = Mention(id="c", full_name="Erlan Omarov", birth_date="1985")
    assert "name_birth" in _agree(a, same) and _score(a, same, COMMON) >= MATCH_THRESHOLD


def test_an_age_that_fits_a_birth_date_agrees() -> None:
    a = Mention(id="a", full_name="Ерлан Омаров", birth_date="1985-02-03")
    b = Mention(id="b", full_name="Erlan Omarov", age_at_incident=35, incident_date="2020-06-01")
    assert "name_age" in _agree(a, b) and _score(a, b) >= MATCH_THRESHOLD


def test_a_forename_never_meets_a_fathers_name() -> None:
    """Сәкен Саматов and Самат Сәкенұлы Серікбаев have the same two words in swapped roles."""
    a = Mention(id="a", full_name="Сәкен Саматов")
    b = Mention(id="b", full_name="Серікбаев Самат Сәкенұлы")
    assert "name" not in _agree(a, b) and _score(a, b) < MATCH_THRESHOLD


def test_different_fathers_weaken_the_same_name() -> None:
    a = Mention(id="a", full_name="Омаров Ерлан Маратович")
    b = Mention(id="b", full_name="Омаров Ерлан Асхатұлы")
    kinds = _agree(a, b)
    assert "name" in kinds and _conflicts(a, b) == ["name_father"]
    assert _score(a, b) < MATCH_THRESHOLD <= score(kinds)
    c = Mention(id="c", full_name="Ерлан Маратұлы Омаров")
    assert "name_father" in _agree(a, c)


def test_a_birth_conflict_counts_only_for_the_same_name() -> None:
    assert score(["phone"], conflicts=["name_birth"]) == score(["phone"])
    assert score(["name"], conflicts=["name_birth"]) < score(["name"])


@pytest.mark.parametrize("counts", [None, {"name": 5, "name_initial": 9}])
def test_the_region_is_evidence_both_ways(counts: dict[str, int] | None) -> None:
    kinds = ["name", "name_initial"]
    assert REGION in EVIDENCE_KINDS and REGION not in KINDS
    plain = score(kinds, counts=counts)
    assert score([*kinds, REGION], counts=counts) > plain > score(kinds, counts=counts, conflicts=[REGION])


def test_a_commoner_token_is_weaker_evidence() -> None:
    kinds = ["name", "name_phonetic", "name_initial"]
    strengths = [score(kinds, counts=dict.fromkeys(kinds, n)) for n in (2, 5, 20, 100)]
    assert strengths == sorted(strengths, reverse=True)
    assert score(kinds) == score(kinds, counts=None)
