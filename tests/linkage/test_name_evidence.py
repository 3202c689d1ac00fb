"""Issue 17: name evidence outside the name field, and a surname is not the forename it was made from.

* A surname found only inside a handle (abaev_k, k.abaev, abaev1987) or an alias completes a name
  written without one, in any script.
* Рамазанов is not Рамазан when Рамазан is the forename of a name that has its own surname.
* A surname with initials ("Галибеков О.У.") is compared with the whole name ("Өмiржан Ғалибеков").
"""

from __future__ import annotations

import numpy as np
import pytest

from aigaq.linkage import Mention, encode_mentions, link
from aigaq.linkage.blocking import candidate_pairs
from aigaq.linkage.encoded import EncodedIndex
from aigaq.linkage.features import F_NAME, build_features, compare_features, initial_probe_keys
from aigaq.linkage.names import TokenTable, extra_name_texts, handle_name, surname_words
from aigaq.linkage.plain import plain_index

from .test_link import _background, _same

KEY = bytes(range(32))


def _name_level(a: Mention, b: Mention) -> int:
    tt = TokenTable()
    return compare_features(tt, build_features(a, tt), build_features(b, tt))[0][F_NAME]


def _batch_name_level(a: Mention, b: Mention) -> int:
    index = plain_index([a, b])
    lv, _ = index.cmp.levels(np.array([0]), np.array([1]))
    return int(lv[0, F_NAME])


# --- a surname inside a handle or an alias -------------------------------------------------------


@pytest.mark.parametrize(
    ("handle", "initials"),
    [
        ("@abaev_k", ("k",)),
        ("k.abaev", ("k",)),
        ("abaev1987", ()),
        ("https://www.instagram.com/abaev_k/", ("k",)),
        ("t.me/ABAEV_87", ()),
    ],
)
def test_a_surname_is_read_out_of_a_handle_with_its_initials(handle: str, initials: tuple[str, ...]) -> None:
    assert handle_name(handle) == ("abaev", initials)


@pytest.mark.parametrize("handle", ["@nurik_87", "@kairat.almaty", "@abaev_seitov", "@ov_12", ""])
def test_a_handle_without_exactly_one_surname_gives_no_name(handle: str) -> None:
    assert handle_name(handle) is None


def test_surname_words_are_found_by_their_ending_in_any_script() -> None:
    assert surname_words("Абаев К.") == ["Абаев"]
    assert surname_words("SEITOVA ZHANAR") == ["SEITOVA"]
    assert surname_words("Нурик") == []


def test_a_name_without_a_surname_takes_the_one_from_a_handle_or_an_alias() -> None:
    assert extra_name_texts("Кайрат", [], ["@abaev_k"]) == ["Кайрат abaev"]
    assert extra_name_texts("Кайрат Нұрланұлы", [], ["k.abaev"]) == ["Кайрат Нұрланұлы abaev"]
    assert extra_name_texts("Кайрат", ["Абаев К."], []) == ["Кайрат Абаев"]
    assert extra_name_texts(None, [], ["abaev1987"]) == ["abaev"]
    assert extra_name_texts(None, [], ["@abaev_k"]) == ["abaev k."]


def test_a_name_that_has_its_surname_or_may_have_it_takes_nothing() -> None:
    assert extra_name_texts("Абаев Кайрат", [], ["@seitov_k"]) == []
    assert extra_name_texts("Кайрат Абай", [], ["@abaev_k"]) == []  # Абай may be the surname
    assert extra_name_texts("Кайрат", [], ["@nurik_87"]) == []
    assert extra_name_texts("Абай", [], ["@abaev_k"]) == []  # the same word already


@pytest.mark.parametrize("level_of", [_name_level, _batch_name_level])
def test_a_forename_with_the_surname_from_a_handle_matches_the_whole_name(level_of: object) -> None:
    assert callable(level_of)
    full = Mention(id="b", full_name="Абаев Қайрат")
    assert level_of(Mention(id="a", full_name="Кайрат", handles=["@abaev_k"]), full) == 5
    assert level_of(Mention(id="a", full_name="Кайрат"), full) == 3
    assert level_of(Mention(id="a", full_name="Кайрат", aliases=["Абаев"]), full) == 5
    # The handle's surname and initial alone: one word the same, the initial consistent.
    assert level_of(Mention(id="a", handles=["k.abaev"]), full) == 3
    assert level_of(Mention(id="a", handles=["k.abaev"]), Mention(id="b", full_name="Абаев Бауыржан")) == 2


def test_private_encodings_carry_implied_names_from_version_3_and_version_2_left_them_out() -> None:
    tt = TokenTable()
    m = Mention(id="a", full_name="Кайрат", handles=["@abaev_k"])
    assert len(build_features(m, tt).variants) == 2
    assert len(build_features(m, tt, implied_names=False).variants) == 1
    (v3,) = encode_mentions([m], KEY)
    (v2,) = encode_mentions([m], KEY, version=2)
    assert (v3.version, len(v3.name_bf)) == (3, 2)
    assert (v2.version, len(v2.name_bf)) == (2, 1)
    # The implied whole name is a keyed whole-name token: it meets "Абаев Қайрат" as the same name.
    (whole,) = encode_mentions([Mention(id="b", full_name="Абаев Қайрат")], KEY)
    assert set(v3.tokens["name"]) & set(whole.tokens["name"])
    assert "name" not in v2.tokens


def _city_mention(id: str, name: str, **kw: object) -> Mention:
    return Mention(id=id, full_name=name, city="Орал", age_at_incident=31, incident_date="2023-04-01", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "private"])
def test_a_handle_surname_links_a_forename_only_mention_to_the_full_name(key: bytes | None) -> None:
    a = _city_mention("a", "Кайрат", handles=["@abaev_k"])
    b = _city_mention("b", "Абаев Қайрат Серікұлы")
    result = link([*_background(), a, b], key=key)
    assert _same(result, "a", "b")
    # The same two mentions without the handle: a forename alone is not enough.
    plain_a = _city_mention("a", "Кайрат")
    assert not _same(link([*_background(), plain_a, b], key=key), "a", "b")


# --- a surname is not the forename it was made from ----------------------------------------------


@pytest.mark.parametrize("level_of", [_name_level, _batch_name_level])
def test_a_surname_against_a_forename_does_not_count_as_the_same_name(level_of: object) -> None:
    assert callable(level_of)
    a = Mention(id="a", full_name="Рамазан Ахметов")
    assert level_of(a, Mention(id="b", full_name="Ахмет Рамазанов")) <= 1
    assert level_of(a, Mention(id="b", full_name="Рамазанов Ерлан")) <= 1
    # A -ұлы word beside one plain word: that word is the forename too.
    b = Mention(id="b", full_name="Руслан Талғатұлы")
    assert level_of(b, Mention(id="c", full_name="Русланов Нұрик Талғатұлы")) == 2


@pytest.mark.parametrize("level_of", [_name_level, _batch_name_level])
def test_a_surname_written_without_its_ending_still_meets_it(level_of: object) -> None:
    assert callable(level_of)
    assert level_of(Mention(id="a", full_name="Сейіт Ерлан"), Mention(id="b", full_name="Ерлан Сейітов")) == 5
    assert level_of(Mention(id="a", full_name="Рамазан"), Mention(id="b", full_name="Рамазанов Ерлан")) == 3


def test_father_and_son_named_from_each_other_in_one_city_stay_apart() -> None:
    # Рамазан Ахметов's son may well be Ахмет Рамазанов: same words, not the same man.
    a = _city_mention("a", "Рамазан Ахметов")
    b = _city_mention("b", "Ахмет Рамазанов")
    assert not _same(link([*_background(), a, b]), "a", "b")
    # The same man written in two scripts and orders still links.
    c = _city_mention("c", "AKHMETOV RAMAZAN")
    assert _same(link([*_background(), a, c]), "a", "c")


# --- a surname with initials is compared with the whole name -------------------------------------


def _probes(m: Mention) -> tuple[set[str], set[str]]:
    tt = TokenTable()
    probes, targets = initial_probe_keys(build_features(m, tt), tt)
    return set(probes), set(targets)


def test_a_surname_with_initials_probes_the_whole_names_with_that_surname_and_initial() -> None:
    probes, targets = _probes(Mention(id="a", full_name="Галибеков О.У."))
    assert probes == {"w:galibek:o", "w:galibek:u"} and targets == set()
    whole_probes, whole_targets = _probes(Mention(id="b", full_name="Өмiржан Ғалибеков"))
    assert whole_probes == set() and probes & whole_targets
    # Another forename's initial is another key.
    assert not probes & _probes(Mention(id="c", full_name="Бауыржан Ғалибеков"))[1]


@pytest.mark.parametrize("private", [False, True], ids=["plain", "private"])
def test_one_sided_blocks_pair_a_probe_with_its_targets_and_never_two_targets(private: bool) -> None:
    ms = [
        Mention(id="probe", full_name="Галибеков О."),
        Mention(id="t1", full_name="Омиржан Галибеков", city="Орал"),
        Mention(id="t2", full_name="Оралбек Галибеков", city="Астана"),
        Mention(id="probe2", full_name="Галибеков О.Б."),
    ]
    index = EncodedIndex(encode_mentions(ms, KEY)) if private else plain_index(ms)
    pairs = {tuple(sorted((int(a), int(b)))) for a, b in candidate_pairs(index)}
    assert {(0, 1), (0, 2), (1, 3), (2, 3)} <= pairs
    assert (1, 2) not in pairs


def test_private_one_sided_keys_are_the_plain_ones_under_the_block_key_and_version_2_has_none() -> None:
    from aigaq.lib.crypto.linkage import LinkageKeys

    m = Mention(id="a", full_name="Галибеков О.У.")
    (enc,) = encode_mentions([m], KEY)
    probes, _ = _probes(m)
    assert enc.probes == sorted(LinkageKeys(KEY).token("block", k) for k in probes) and not enc.targets
    assert not set(enc.probes) & set(enc.blocks)  # a probe key is never an ordinary block key
    (old,) = encode_mentions([m], KEY, version=2)
    assert old.probes == old.targets == []


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "private"])
def test_a_surname_with_initials_links_to_the_whole_name_in_the_same_city_and_age(key: bytes | None) -> None:
    a = Mention(id="a", full_name="Галибеков О.У.", city="Орал", age_at_incident=38, incident_date="2021-03-01")
    b = Mention(id="b", full_name="Өмiржан Ғалибеков", city="Уральск", age_at_incident=40, incident_date="2023-05-02")
    assert _same(link([*_background(), a, b], key=key), "a", "b")


def test_private_a_rare_surname_with_initials_inside_a_whole_name_weighs_more_than_a_common_one() -> None:
    common = [Mention(id=f"c{k}", full_name=f"Ахметов {'АБВГДЕЖЗИК'[k % 10]}.") for k in range(30)]
    ms = [
        *common,
        Mention(id="rare", full_name="Канышбеков Д."),
        Mention(id="rare-whole", full_name="Dauren Kanyshbekov"),
        Mention(id="common-whole", full_name="Ақжол Ахметов"),
        Mention(id="one-common", full_name="Ахметов А."),
    ]
    index = EncodedIndex(encode_mentions(ms, KEY))
    pos = {m.id: k for k, m in enumerate(ms)}
    pairs = np.array([[pos["rare"], pos["rare-whole"]], [pos["one-common"], pos["common-whole"]]])
    lv, key, _ = index.levels_many(pairs)
    assert lv[:, F_NAME].tolist() == [3, 3] and (key >= 0).all()  # no shared token, a word frequency each
    rare, common_u = index.tf_u(key, lv[:, F_NAME]).tolist()
    assert rare < common_u / 5
