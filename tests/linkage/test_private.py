"""Private mode: keyed encodings carry no plaintext, still link, and can be matched incrementally."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest

from aigaq.lib.crypto.linkage import BLOOM_BITS
from aigaq.linkage import (
    EncodedMention,
    Mention,
    block_keys,
    encode_mentions,
    generate_key,
    link,
    load_key,
    score_encoded,
)
from aigaq.linkage.dice import compiled_kernels, dice_many_to_many, dice_one_to_many

from .synth import generate

KEY = bytes(range(32))
SEITOV = Mention(
    id="a",
    full_name="Жәнібек Сейітов",
    phones=["8 (701) 555-12-34"],
    handles=["@zhanibek_85"],
    plates=["123 ABC 02"],
    iins=["850412300704"],
    city="Орал",
    address="ул. Абая 12",
)


def test_generated_keys_are_32_random_bytes_and_load_from_hex_or_raw(tmp_path: Path) -> None:
    k1, k2 = generate_key(), generate_key()
    assert len(k1) == 32 and k1 != k2
    (tmp_path / "hex").write_text(k1.hex() + "\n")
    (tmp_path / "raw").write_bytes(k2)
    assert load_key(tmp_path / "hex") == k1
    assert load_key(tmp_path / "raw") == k2
    (tmp_path / "short").write_text("00ff")
    with pytest.raises(ValueError, match="at least 32"):
        load_key(tmp_path / "short")


def test_encodings_contain_no_plaintext_and_round_trip_through_json() -> None:
    enc = encode_mentions([SEITOV], KEY)[0]
    text = enc.to_json()
    clear = str(enc.tokens) + str(enc.blocks)  # the Bloom filters are bits, checked by the Dice tests
    for secret in (
        "Жәнібек",
        "janibek",
        "seitov",
        "7015551234",
        "zhanibek",
        "123ABC02",
        "850412",
        "oral",
        "abai",
    ):
        assert secret.lower() not in clear.lower()
    assert "Жәнібек" not in text and "+7701" not in text
    assert enc.birth == (1985, 1985)  # only the coarse birth year is kept in the clear (docs/linkage.md)
    back = EncodedMention.from_json(text)
    assert back.tokens == enc.tokens and back.blocks == enc.blocks and back.birth == enc.birth
    assert np.array_equal(back.name_bf, enc.name_bf) and np.array_equal(back.addr_bf, enc.addr_bf)


def test_encodings_of_an_earlier_filter_length_are_refused_on_reading() -> None:
    text = encode_mentions([SEITOV], KEY)[0].to_json()
    d = json.loads(text)
    old_row = base64.b64encode(bytes(1024 // 8)).decode()  # the unfolded 1024-bit filters of version 1
    for field, value in (("name_bf", [old_row]), ("addr_bf", old_row)):
        with pytest.raises(ValueError, match="earlier version"):
            EncodedMention.from_json(json.dumps({**d, field: value}))
    assert EncodedMention.from_json(text).name_bf.shape == (1, BLOOM_BITS // 64)


def test_exact_identifiers_in_any_format_give_the_same_token() -> None:
    other = Mention(
        id="b",
        full_name="ZHANIBEK SEITOV",
        phones=["+7 701 555 12 34"],
        handles=["t.me/Zhanibek_85"],
        plates=["123 авс 02"],
        iins=["8504 1230 0704"],
        city="Уральск",
    )
    a, b = encode_mentions([SEITOV, other], KEY)
    for field in ("phone", "handle", "plate", "iin", "city", "name"):
        assert a.tokens[field] == b.tokens[field], field
    assert set(block_keys(a)) & set(block_keys(b))


def test_a_different_key_gives_unrelated_tokens() -> None:
    a = encode_mentions([SEITOV], KEY)[0]
    b = encode_mentions([SEITOV], bytes(32))[0]
    assert not set(a.tokens["phone"]) & set(b.tokens["phone"])
    assert not set(a.blocks) & set(b.blocks)


def test_keys_shorter_than_32_bytes_are_refused() -> None:
    with pytest.raises(ValueError):
        encode_mentions([SEITOV], b"short")


def test_private_evidence_does_not_reveal_the_plaintext() -> None:
    other = Mention(id="b", full_name="ZHANIBEK SEITOV", phones=["+7 701 555 12 34"])
    result = link([SEITOV, other], key=KEY)
    assert result.clusters["a"] == result.clusters["b"]
    texts = [e.text for p in result.pairs for e in p.evidence]
    assert "same phone (keyed token)" in texts
    assert not any("701" in t or "SEITOV" in t or "Сейітов" in t for t in texts)


def test_one_new_mention_is_scored_against_stored_encodings() -> None:
    mentions, _ = generate(300, seed=5)
    stored = [*mentions, SEITOV]
    result = link(stored, key=KEY)
    assert result.model is not None and result.model.mode == "private"
    encoded = encode_mentions(stored, KEY)
    new = encode_mentions([Mention(id="new", full_name="Сейітов Ж.", phones=["87015551234"])], KEY)[0]
    scored = score_encoded(new, encoded, result.model)
    assert scored[0].b == "a" and scored[0].match_probability > 0.8
    assert [s.match_weight for s in scored] == sorted((s.match_weight for s in scored), reverse=True)


def _random_filters(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 2**63, size=(n, BLOOM_BITS // 64), dtype=np.uint64)


def test_the_dice_kernel_matches_a_plain_python_count() -> None:
    rng = np.random.default_rng(1)
    a, b = _random_filters(3, rng), _random_filters(50, rng)

    def dice(x: np.ndarray, y: np.ndarray) -> float:
        inter = sum(bin(int(p) & int(q)).count("1") for p, q in zip(x, y, strict=True))
        return 2 * inter / (sum(bin(int(p)).count("1") for p in x) + sum(bin(int(q)).count("1") for q in y))

    expected = np.array([[dice(x, y) for y in b] for x in a])
    assert np.allclose(dice_many_to_many(a, b), expected)
    assert np.allclose(dice_one_to_many(a[0], b), expected[0])
    assert compiled_kernels().popcounts(np.array([[1, 3, 2**63]], dtype=np.uint64)).tolist() == [4]


def test_similar_names_have_similar_bloom_filters_and_different_names_do_not() -> None:
    enc = encode_mentions(
        [
            Mention(id="a", full_name="Жәнібек Сейітов"),
            Mention(id="b", full_name="Жанибек Сейтіов"),
            Mention(id="c", full_name="Бауыржан Оспанов"),
        ],
        KEY,
    )
    same = dice_one_to_many(enc[0].name_bf[0], enc[1].name_bf)[0]
    other = dice_one_to_many(enc[0].name_bf[0], enc[2].name_bf)[0]
    assert same > 0.8 > 0.5 > other


def test_a_fitted_model_survives_json_and_still_scores() -> None:
    from aigaq.linkage import Model

    mentions, _ = generate(200, seed=6)
    model = link([*mentions, SEITOV], key=KEY).model
    assert model is not None
    back = Model.from_json(model.to_json())
    assert back == model
    new = encode_mentions([Mention(id="new", full_name="ZHANIBEK SEITOV", phones=["87015551234"])], KEY)[0]
    stored = encode_mentions([SEITOV], KEY)
    assert score_encoded(new, stored, back)[0].b == "a"
    assert score_encoded(new, stored, Model.default("private"))[0].b == "a"


def _name_compared(a: str, b: str, key: bytes = KEY) -> tuple[int, float]:
    """(name level, name Dice) of two encoded names."""
    from aigaq.linkage import EncodedIndex

    enc = encode_mentions([Mention(id="a", full_name=a), Mention(id="b", full_name=b)], key)
    lv, _, dice = EncodedIndex(enc).levels_many(np.array([[0, 1]]))
    return int(lv[0, 0]), float(dice[0])


def _name_level(a: str, b: str, key: bytes = KEY) -> int:
    return _name_compared(a, b, key)[0]


def test_a_single_word_is_never_a_whole_name_token() -> None:
    # "Нурлан" alone is not the name "Нурлан": as on the plain path, one word is at most similar.
    (enc,) = encode_mentions([Mention(id="a", full_name="Нурлан")], KEY)
    assert "name" not in enc.tokens
    # The same one word is "one word the same, nothing contradicts" (level 3), as on the plain path,
    # never "two words similar" (level 4), however alike the filters are.
    assert _name_level("Нурлан", "NURLAN") == 3
    assert _name_level("Abylai", "Абылай") == 3
    assert _name_level("Абылай", "Абылай Серіков") == 3
    assert _name_level("Нурлан Ахметов", "NURLAN AKHMETOV") == 5


def test_a_fathers_name_does_not_form_a_name_token_with_a_forename() -> None:
    # "Серік Маратұлы" is a forename and a patronymic that many men share.
    assert _name_level("Жанатов Серік Маратұлы", "SHARIPOV SERIK MARATULY") < 5


@pytest.mark.parametrize("key", [KEY, b"\x01" * 32, b"\x07" * 32])
def test_initials_that_do_not_fit_weigh_against_a_private_name_match(key: bytes) -> None:
    # The initials' grams make the filters differ; folding makes the level cut-offs a matter of
    # chance per key, so the property is on the Dice itself.
    fitting = _name_compared("Сейітов Ж.", "Жәнібек Сейітов", key)
    clashing = _name_compared("Сейітов П.", "Жәнібек Сейітов", key)
    assert fitting[0] >= 3
    assert clashing[1] < fitting[1]


def test_a_one_word_name_is_scored_against_stored_one_word_names() -> None:
    # One-word names carry no whole-name token, so a new suspect and all his candidates may have
    # no name token at all: scoring must still work (it raised IndexError once).
    stored = encode_mentions(
        [Mention(id="s1", full_name="Zhandos", phones=["87011234567"]), Mention(id="s2", full_name="Жандос")], KEY
    )
    (new,) = encode_mentions([Mention(id="n", full_name="ЖАНДОС", phones=["+7 701 123 45 67"])], KEY)
    from aigaq.linkage import Model

    scored = score_encoded(new, stored, Model.default("private"))
    assert scored and scored[0].b == "s1"
