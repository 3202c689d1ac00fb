"""The network's inputs: whole values only, the same keys across alphabets, documented births only."""

from __future__ import annotations

from aigaq.linkage.mention import Mention
from aigaq.linkage.network import KINDS, MATCH_THRESHOLD, network_inputs, score


def _agree(a: Mention, b: Mention) -> list[str]:
    ia, ib = network_inputs(a), network_inputs(b)
    return [k for k in KINDS if set(ia.get(k, ())) & set(ib.get(k, ()))]


def test_the_same_name_in_two_alphabets_gives_the_same_keys() -> None:
    kinds = _agree(Mention(id="a", full_name="Жәнібек Сейітов"), Mention(id="b", full_name="Zhanibek Seitov"))
    assert kinds == ["name", "name_initial"]
    assert score(kinds) >= MATCH_THRESHOLD


def test_a_phone_written_two_ways_agrees_and_alone_is_worth_a_look() -> None:
    kinds = _agree(Mention(id="a", phones=["8 (701) 555-12-34"]), Mention(id="b", phones=["+7 701 5551234"]))
    assert kinds == ["phone"] and score(kinds) >= MATCH_THRESHOLD


def test_different_men_share_nothing_and_score_low() -> None:
    kinds = _agree(Mention(id="a", full_name="Ерлан Омаров", phones=["87015550000"]),
                   Mention(id="b", full_name="Марат Қасымов", phones=["87775551111"]))
    assert kinds == [] and score(kinds) < 0.001


def test_an_estimated_age_gives_no_birth_decade_but_a_birth_date_does() -> None:
    assert "name_birth" not in network_inputs(Mention(id="a", full_name="Жәнібек Сейітов", age_at_incident=34,
                                                        incident_date="2025-05-04"))
    assert network_inputs(Mention(id="a", full_name="Жәнібек Сейітов", birth_date="1990-03-02"))["name_birth"]


def test_no_input_is_a_single_word_or_a_fragment() -> None:
    """Small domains (a bigram, a forename alone, a year) would let a member rebuild the key by
    dictionary: every name input has at least two words."""
    inputs = network_inputs(Mention(id="a", full_name="Ерлан", birth_date="1990"))
    assert "name" not in inputs and "name_birth" not in inputs and "name_initial" not in inputs
