"""Private encodings are byte-for-byte what they were: stored suspects are encoded with them.

Encodings of stored suspects live in databases (aigaq.matching) and in other organisations'
pools; a change to a key derivation, a token, a Bloom position or the JSON layout would make new
encodings stop meeting the stored ones without any error. Each encoding version has its vector:
version 2's digests were taken from the code before its primitives moved to aigaq.lib.crypto
(commit ae253ba) and are still what ``encode_mentions(..., version=2)`` writes; version 3's
(issue 17: implied names, one-sided block keys) came with aigaq.matching's migration 0007, which
re-encodes stored suspects. Change a vector only together with a new version and a re-encoding
migration.
"""

from __future__ import annotations

import hashlib

import pytest

from aigaq.linkage import ENCODING_VERSION, EncodedMention, Mention, encode_mentions

KEY = bytes(range(32))
MENTIONS = [
    # Every keyed field: phone, handle, plate, IIN (and the birth date it gives), city, region,
    # sex, address, aliases in two scripts (several name filters) and a one-word name.
    Mention(
        id="a",
        full_name="Жәнібек Сейітов",
        aliases=["Жанибек", "ZHANIBEK SEITOV"],
        phones=["8 (701) 555-12-34"],
        handles=["@zhanibek_85"],
        plates=["123 ABC 02"],
        iins=["850412300704"],
        city="Орал",
        region="Западно-Казахстанская область",
        address="ул. Абая 12, кв. 5",
        sex="м",
    ),
    # A -ұлы father's name (its slip keys), a document number (its slip keys), an exact date.
    Mention(
        id="b",
        full_name="Сейітов Тұрсын Қуанышұлы",
        other_ids=["N1234567"],
        birth_date="1985-04-12",
        sex="male",
        city="Уральск",
        incident_date="2022-05-01",
    ),
    # A Russian patronymic, a birth month (no exact date), a region without a city.
    Mention(id="c", full_name="Иванов Пётр Сергеевич", birth_date="1979-11", other_ids=["AB-77 12"], region="Алматы"),
    # An everyday one-word name, an initial, and a birth known only from an age.
    Mention(id="d", full_name="Нурик", aliases=["Сейітов Ж."], age_at_incident=34, incident_date="2022-05-01"),
    Mention(id="e"),
]
DIGESTS = {  # version 2
    "a": "69f95fc6c8304dcb17227b47deab467e4362f63f6a4290f283ad57dbf8deaf84",
    "b": "02cfc018d0611a8bfc84f0fd4db6a955634bc053815e2ecdf86d196a2ef963d9",
    "c": "4d097ee43e61292e7409fce8c04fc7a6b2dabcdbffcb9e4887cfa5e03cfd8f56",
    "d": "0df2802e2ffb3247e84d5300d0b3511a381873d9b4fae81b8eb58c153e8e906a",
    "e": "727e459f126d4bbd9ef1d18b2b6d846d7dbee68993ddada4125431338041305c",
}
DIGESTS_V3 = {
    "a": "35ff553c5ded03444395cf80c3fe89f441f8a65e6a6244439610ee9ba88fd8f2",
    "b": "c5e2f2e61fb9a6b3ba9e74dc7997c71389bcd7b45b140e61629c43947b5ea36d",
    "c": "44d0a373fb418c4690175a63e0bddcc4887e65a88c7597f43ee12cbd9c304ef3",
    "d": "a4fe8b4cf236670ca3a9ffa3257f7c870b5a856b4dfe6b2c7675bade1c6dc94e",
    "e": "5b8a2b5b447941525edf623ee733a12e4492f0767a0849fc7f4626bb3b64993f",
}


@pytest.fixture(scope="module")
def encoded() -> list[EncodedMention]:
    return encode_mentions(MENTIONS, KEY)


@pytest.fixture(scope="module")
def encoded_v2() -> list[EncodedMention]:
    return encode_mentions(MENTIONS, KEY, version=2)


def _digests(encoded: list[EncodedMention]) -> dict[str, str]:
    return {e.id: hashlib.sha256(e.to_json().encode("utf-8")).hexdigest() for e in encoded}


def test_every_encoding_is_byte_for_byte_the_stored_one(encoded: list[EncodedMention]) -> None:
    assert ENCODING_VERSION == 3
    assert _digests(encoded) == DIGESTS_V3


def test_version_2_encodings_are_still_byte_for_byte_what_version_2_stored(encoded_v2: list[EncodedMention]) -> None:
    assert _digests(encoded_v2) == DIGESTS
    assert all(e.version == 2 and '"v":' not in e.to_json() for e in encoded_v2)


def test_version_3_carries_implied_names_one_sided_keys_and_its_version(
    encoded: list[EncodedMention], encoded_v2: list[EncodedMention]
) -> None:
    v3, v2 = {e.id: e for e in encoded}, {e.id: e for e in encoded_v2}
    assert all(e.to_json().startswith('{"v":3,') for e in encoded)
    # "Нурик" with the alias "Сейітов Ж.": the implied "Нурик Сейітов", and the alias probes.
    assert len(v3["d"].name_bf) == len(v2["d"].name_bf) + 1 and v3["d"].probes
    assert v3["a"].targets and not v3["a"].probes
    # Everything version 2 had is still there, unchanged, besides the new variants' tokens and keys.
    for k in v2:
        assert set(v2[k].blocks) <= set(v3[k].blocks)
        assert all(set(v2[k].tokens[f]) <= set(v3[k].tokens[f]) for f in v2[k].tokens)


def test_encodings_of_every_version_read_back_and_an_unknown_version_is_refused(
    encoded: list[EncodedMention], encoded_v2: list[EncodedMention]
) -> None:
    for e in [*encoded, *encoded_v2]:
        again = EncodedMention.from_json(e.to_json())
        assert (again.version, again.probes, again.targets) == (e.version, e.probes, e.targets)
    with pytest.raises(ValueError, match="version 9"):
        EncodedMention.from_json(encoded[0].to_json().replace('"v":3', '"v":9'))


def test_the_fixed_mentions_exercise_every_keyed_field(encoded: list[EncodedMention]) -> None:
    fields = {f for e in encoded for f in e.tokens}
    assert fields == {
        "phone", "handle", "plate", "iin", "other_id", "other_id_slip", "patronymic", "patronymic_slip",
        "sex", "city", "region", "name", "name1", "date", "date_slip",
    }  # fmt: skip
    assert any(e.addr_bf is not None for e in encoded)
    assert any(len(e.name_bf) > 1 for e in encoded)
    assert all(e.blocks for e in encoded if e.id != "e")


def test_an_encoding_read_back_from_json_writes_the_same_bytes(encoded: list[EncodedMention]) -> None:
    again = [EncodedMention.from_json(e.to_json()) for e in encoded]
    assert [e.to_json() for e in again] == [e.to_json() for e in encoded]
