"""Issue 17: an age a survivor estimates is not a birth date. Only documented births (a date, an
IIN) make a cannot-link; estimated ages far apart only disagree and weigh in the score."""

from __future__ import annotations

import pytest

from aigaq.linkage import Mention, encode_mentions, generate_key, link
from aigaq.linkage.birth import birth_level, birth_of
from aigaq.linkage.encoded import EncodedIndex
from aigaq.linkage.features import F_BIRTH
from aigaq.linkage.plain import plain_index

from .test_link import _background, _pair, _same

KEYS = [None, b"\x03" * 32]


def _aged(id: str, age: int, on: str = "2023-06-01", **kw: object) -> Mention:
    return Mention(id=id, age_at_incident=age, incident_date=on, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", KEYS)
def test_the_same_phone_links_though_estimated_ages_are_far_apart(key: bytes | None) -> None:
    # "About 60" in 2023 and "about 69" in 2021: born 1962–63 and 1951–52, ten years apart.
    a = _aged("a", 60, full_name="Серік Жұмабаев", phones=["+7 701 333 44 55"])
    b = _aged("b", 69, "2021-03-01", full_name="Серик Жумабаев", phones=["8 701 333 44 55"])
    result = link([*_background(), a, b], key=key)
    assert _same(result, "a", "b")
    pair = _pair(result, "a", "b")
    assert pair.linked
    birth = next(e for e in pair.evidence if e.field == "birth")
    assert birth.outcome == "disagree"  # it weighs against the link, it does not veto it
    assert birth.weight < 0


@pytest.mark.parametrize("key", KEYS)
def test_the_same_handle_links_though_one_side_gives_an_age_the_other_a_birth_date(key: bytes | None) -> None:
    a = _aged("a", 25, full_name="Ерлан Қасымов", handles=["@erlan_k"])
    b = Mention(id="b", full_name="Ерлан Касымов", handles=["https://instagram.com/erlan_k"], birth_date="1983-02-11")
    result = link([*_background(), a, b], key=key)
    assert _same(result, "a", "b")


@pytest.mark.parametrize("key", KEYS)
def test_documented_birth_dates_ten_years_apart_keep_namesakes_apart(key: bytes | None) -> None:
    a = Mention(id="a", full_name="Нурлан Ахметов", phones=["+7 701 111 22 33"], birth_date="1980-05-14")
    b = Mention(id="b", full_name="Нурлан Ахметов", phones=["+7 701 111 22 33"], birth_date="1990-09-02")
    result = link([*_background(), a, b], key=key)
    assert not _same(result, "a", "b")
    assert not _pair(result, "a", "b").linked
    birth = next(e for e in _pair(result, "a", "b").evidence if e.field == "birth")
    assert birth.outcome == "conflict"


@pytest.mark.parametrize("key", KEYS)
def test_an_iin_birth_date_still_conflicts_with_a_documented_date_through_a_chain(key: bytes | None) -> None:
    # The IIN 830809348590 says born 1983-08-09; c's papers say 1995. b (an estimated age) shares a
    # phone with each: he may join one, never both.
    a = Mention(id="a", full_name="Нурлан Ахметов", phones=["+7 701 111 22 33"], iins=["830809348590"])
    b = _aged("b", 33, full_name="Нурлан Ахметов", phones=["+7 701 111 22 33", "+7 702 444 55 66"])
    c = Mention(id="c", full_name="Нурлан Ахметов", phones=["+7 702 444 55 66"], birth_date="1995")
    result = link([*_background(), a, b, c], key=key)
    assert not _same(result, "a", "c")
    assert _same(result, "a", "b") or _same(result, "b", "c")


def test_estimated_ages_far_apart_disagree_and_documented_births_conflict() -> None:
    def birth(**kw: object):  # type: ignore[no-untyped-def]
        b = birth_of(Mention(id="x", **kw), [])  # type: ignore[arg-type]
        assert b is not None
        return b

    age60 = birth(age_at_incident=60, incident_date="2023-06-01")
    age69 = birth(age_at_incident=69, incident_date="2021-03-01")
    assert not age60.documented and birth(birth_date="1980").documented
    assert birth_level(age60, age69) == 1
    assert birth_level(age60, birth(birth_date="1990")) == 1
    assert birth_level(birth(birth_date="1980-05-14"), birth(birth_date="1990-09-02")) == 0


def test_plain_and_private_levels_and_hard_conflicts_agree_on_ages_and_dates() -> None:
    mentions = [
        _aged("age60", 60, full_name="Серік Жұмабаев"),
        _aged("age69", 69, "2021-03-01", full_name="Серік Жұмабаев"),
        Mention(id="d1980", full_name="Серік Жұмабаев", birth_date="1980"),
        Mention(id="d1995", full_name="Серік Жұмабаев", birth_date="1995-03-04"),
        Mention(id="iin", full_name="Серік Жұмабаев", iins=["830809348590"]),
    ]
    plain = plain_index(mentions)
    private = EncodedIndex(encode_mentions(mentions, generate_key()))
    documented = {"d1980", "d1995", "iin"}
    for i, a in enumerate(mentions):
        for j, b in enumerate(mentions):
            if i == j:
                continue
            lp, le = plain.levels(i, j)[0][F_BIRTH], private.levels(i, j)[0][F_BIRTH]
            both_documented = a.id in documented and b.id in documented
            assert (lp == 0) <= both_documented and (le == 0) <= both_documented, (a.id, b.id)
            assert plain.hard_conflict(i, j) == (lp == 0), (a.id, b.id)
            assert private.hard_conflict(i, j) == (le == 0), (a.id, b.id)
    assert plain.levels(2, 3)[0][F_BIRTH] == 0 and private.levels(2, 3)[0][F_BIRTH] == 0
    assert plain.levels(0, 1)[0][F_BIRTH] == 1 and private.levels(0, 1)[0][F_BIRTH] == 1
    assert plain.bounds(0) is None and private.bounds(0) is None  # an estimate never bounds a cluster


@pytest.mark.parametrize(
    "mention",
    [
        Mention(id="y", birth_date="1980"),
        Mention(id="m", birth_date="1979-12"),
        Mention(id="d", birth_date="1985-12-31"),
        Mention(id="i", iins=["830809348590"]),
        *[_aged(f"a{k}", 34, on) for k, on in enumerate(["2022-01-01", "2022-05-01", "2022-12-31", "2024-02-29"])],
    ],
    ids=lambda m: m.id,
)
def test_an_encodings_coarse_birth_years_tell_an_estimated_age_from_a_documented_birth(mention: Mention) -> None:
    # Private mode reads "documented" from the encoding's span (one year), so stored encodings
    # need no new field: this must hold for every kind of birth.
    (enc,) = encode_mentions([mention], generate_key())
    b = birth_of(mention, mention.iins)
    assert enc.birth is not None and b is not None
    assert (enc.birth[0] == enc.birth[1]) == b.documented
