"""Private encodings are byte-for-byte what they were: stored suspects are encoded with them.

Encodings of stored suspects live in databases (aigaq.matching) and in other organisations'
pools; a change to a key derivation, a token, a Bloom position or the JSON layout would make new
encodings stop meeting the stored ones without any error. The digests below were taken from the
code before its primitives moved to aigaq.lib.crypto (commit ae253ba); change them only together
with a re-encoding migration.
"""

from __future__ import annotations

import hashlib

import pytest

from aigaq.linkage import EncodedMention, Mention, encode_mentions

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
DIGESTS = {
    "a": "69f95fc6c8304dcb17227b47deab467e4362f63f6a4290f283ad57dbf8deaf84",
    "b": "02cfc018d0611a8bfc84f0fd4db6a955634bc053815e2ecdf86d196a2ef963d9",
    "c": "4d097ee43e61292e7409fce8c04fc7a6b2dabcdbffcb9e4887cfa5e03cfd8f56",
    "d": "0df2802e2ffb3247e84d5300d0b3511a381873d9b4fae81b8eb58c153e8e906a",
    "e": "727e459f126d4bbd9ef1d18b2b6d846d7dbee68993ddada4125431338041305c",
}


@pytest.fixture(scope="module")
def encoded() -> list[EncodedMention]:
    return encode_mentions(MENTIONS, KEY)


def test_every_encoding_is_byte_for_byte_the_stored_one(encoded: list[EncodedMention]) -> None:
    got = {e.id: hashlib.sha256(e.to_json().encode("utf-8")).hexdigest() for e in encoded}
    assert got == DIGESTS


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
