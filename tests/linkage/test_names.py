"""Names written in any alphabet, order and form meet after normalisation (domain-kz.md §4)."""

from __future__ import annotations

import pytest

from aigaq.linkage.names import NameVariant, TokenTable, cached_align, name_variant
from aigaq.linkage.normalise import fix_lookalikes, name_forms, name_tokens, skeleton

# Жәнібек in every script the research notes list (domain-kz.md §4.1, §4.3 worked example).
JANIBEK = [
    "Жәнібек",  # Kazakh Cyrillic
    "Жанибек",  # Russian Cyrillic
    "Джанибек",  # Soviet Дж
    "Ja'nibek",  # Latin 2017 (apostrophes)
    "Jánibek",  # Latin 2018 (acute accents)
    "Jänıbek",  # Latin 2021 (diacritics, dotless ı)
    "ZHANIBEK",  # ICAO passport, capitals
    "Zhanibek",  # BGN/PCGN
    "Žanibek",  # GOST 7.79 A (ж = ž)
    "Dzhanibek",  # BGN of Джанибек
    "Janibek",  # informal
    "Djanibek",  # French-style informal
    "zhanibek",  # lower case
]


@pytest.mark.parametrize("written", JANIBEK)
def test_every_spelling_of_zhanibek_has_one_skeleton(written: str) -> None:
    assert skeleton(written) == skeleton("Жәнібек")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Қайрат", "Qairat"),  # қ/q
        ("Қайрат", "KAIRAT"),  # ICAO қ → k
        ("Ғалым", "Ğalym"),  # ғ/ğ (2021)
        ("Ғалым", "G'alym"),  # ғ/g' (2017)
        ("Ғалым", "Ǵalym"),  # ғ/ǵ (2018)
        ("Ақжол", "Aqjol"),  # 2021
        ("Шәріпов", "Şäripov"),  # ш/ş, ә/ä (2021)
        ("Шәріпов", "S'a'ripov"),  # ш/s', ә/a' (2017)
        ("Шәріпов", "Shárіpov".replace("і", "i")),  # 2018 Sh and á
        ("Шәріпов", "SHARIPOV"),  # ICAO
        ("Өтебаев", "Ötebaev"),  # ө/ö (2021)
        ("Өтебаев", "O'tebaev"),  # ө/o' (2017)
        ("Өтебаев", "Ótebaev"),  # ө/ó (2018)
        ("Үсенов", "Üsenov"),  # ү/ü (2021)
        ("Үсенов", "U'senov"),  # ү/u' (2017)
        ("Ұлан", "Ūlan"),  # ұ/ū (2021)
        ("Маңғыстау", "Mañğystau"),  # ң/ñ, ғ/ğ (2021)
        ("Маңғыстау", "Man'g'ystau"),  # ң/n', ғ/g' (2017)
        ("Маңғыстау", "Mańǵystau"),  # ң/ń, ғ/ǵ (2018)
        ("Ахметов", "Akhmetov"),  # х/kh (ICAO, BGN)
        ("Ахметов", "Ahmetov"),  # х/h (Kazakh Latin)
        ("Сергеев", "Sergeyev"),  # BGN ye
        ("Евгений", "Yevgeniy"),  # BGN initial ye, -iy
        ("Евгений", "Evgenii"),  # ICAO
        ("Юрий", "Iurii"),  # ICAO ю → iu
        ("Юрий", "Yuriy"),  # BGN ю → yu
        ("Щербаков", "Shcherbakov"),  # щ → shch
        ("Цой", "Tsoi"),  # ц → ts
        ("Чингиз", "Chingiz"),  # ч → ch
        ("Чингиз", "C'ingiz"),  # 2017 Ч = C'
    ],
)
def test_letters_of_every_alphabet_fold_together(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_latin_lookalike_letters_inside_a_cyrillic_word_are_read_as_cyrillic() -> None:
    # "Сейiтов" with a Latin i, "Aхметов" with a Latin A, "HурлaH" with Latin H and a.
    assert fix_lookalikes("Сейiтов") == "Сейітов"
    assert skeleton("Aхметов") == skeleton("Ахметов")
    assert skeleton("HурлaH") == skeleton("Нурлан")
    # A Latin word stays Latin.
    assert fix_lookalikes("Seitov") == "Seitov"


def _v(tt: TokenTable, text: str) -> NameVariant:
    v, _ = name_variant(tt, text)
    assert v is not None
    return v


def level(a: str, b: str) -> int:
    tt = TokenTable()
    return cached_align(tt, _v(tt, a), _v(tt, b))[0]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Жәнібек Сейітов", "ZHANIBEK SEITOV"),
        ("Жәнібек Сейітов", "Сейітов Жәнібек"),  # surname first
        ("Жәнібек Сейітов", "SEITOV ZHANIBEK"),
        ("Жәнібек Сейітов", "Жанибек Сейтов"),  # Russian spelling of the surname
        ("Жәнібек Сейітов", "Жәнібек Сейіт"),  # -ов dropped (Family Code art. 194)
        ("Гүлнар Сейітова", "Гүлнар Сейіт"),  # -ова dropped
        ("Жәнібек Сейітов", "Жәнібек Сейітұлы"),  # -ұлы in place of the surname
        ("Жәнібек Сейітов", "Janibek Seituly"),  # -uly
        ("Жәнібек Нұрланұлы Сейітов", "Жанибек Нурланович Сейтов"),  # -ұлы vs -ович patronymic
        ("Жәнібек Сейітов", "Жанибек Нурланович Сейтов"),  # patronymic present on one side only
        ("Нұрлан Ахметов", "Нурлан Ахметов"),
        ("Нұрлан Ахметов", "нурлан ахметов"),  # lower case
    ],
)
def test_the_same_name_in_another_script_order_or_form_agrees_fully(a: str, b: str) -> None:
    assert level(a, b) == 5


def test_patronymic_suffixes_are_separated_from_the_name() -> None:
    kinds = {t.stem: t.kind for t in name_tokens("Жанибек Нурланович Сейтов")}
    assert kinds == {"janibek": "name", "nurlan": "patronymic", "seit": "name"}
    assert {t.stem for t in name_tokens("Айгүл Нұрланқызы")} == {"aigul", "nurlan"}
    assert {t.stem for t in name_tokens("Aigul Nurlankyzy")} == {"aigul", "nurlan"}
    assert {t.stem for t in name_tokens("Айгуль Нурлановна Сейтова")} >= {"nurlan", "seit"}
    # A detached "ұлы" makes the word before it the patronymic.
    assert [t.stem for t in name_tokens("Нұрлан ұлы Жәнібек")] == ["nurlan", "janibek"]


def test_initials_agree_with_the_words_they_abbreviate() -> None:
    assert level("Сейітов Ж.Н.", "Жәнібек Сейітов") == 3
    assert level("Сейітов Ж.", "ZHANIBEK SEITOV") == 3
    # An initial that fits no word on the other side is a contradiction.
    assert level("Сейітов А.Н.", "Жәнібек Сейітов") == 2


@pytest.mark.parametrize(
    ("form", "full"),
    [
        ("Нурик", "Нұрлан"),
        ("Саша", "Александр"),
        ("Серёжа", "Сергей"),
        ("Вова", "Владимир"),
        ("Бауке", "Бауыржан"),
    ],
)
def test_everyday_forms_meet_the_full_name(form: str, full: str) -> None:
    assert level(f"{form} Ахметов", f"{full} Ахметов") == 5


def test_the_name_forms_table_is_large_and_loaded_from_reference_data() -> None:
    forms = name_forms()
    assert len(forms) >= 150
    assert skeleton("Нұрлан") in forms[skeleton("Нурик")]


def test_a_typo_in_one_word_still_counts_as_similar() -> None:
    assert level("Жәнібек Сейітов", "Жәнібек Сейітоп") == 4
    assert level("Нұрлан Ахметов", "Нурлан Ахмедов") == 4


def test_one_shared_word_with_another_contradicting_is_only_partial() -> None:
    assert level("Нұрлан Ахметов", "Нұрлан Сейітов") == 2
    assert level("Нурик", "Нұрлан Ахметов") == 3  # a single word contradicts nothing
    assert level("Жәнібек Сейітов", "Бауыржан Оспанов") == 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Семёнов", "Semyonov"),
        ("Артём", "Artiom"),
        ("Фёдоров", "Fyodorov"),
        ("Серёжа", "Serioja"),
        ("Семёнов", "Семенов"),
    ],
)
def test_yo_written_as_e_yo_io_or_e_diaeresis_meets(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_gost_j_for_short_i_is_read_as_i_but_kazakh_j_before_a_vowel_stays() -> None:
    assert skeleton("Dmitrij") == skeleton("Дмитрий")
    assert skeleton("Andrej") == skeleton("Андрей")
    assert skeleton("Ajdos") == skeleton("Айдос")
    assert skeleton("Ajar") == skeleton("Ажар") != skeleton("Айар")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Serikbaev Kajrat Eržanuly", "Ержан Серікбаев"),  # son of Ержан is not Ержан
        ("Кулбаев Нурсултан Ерболатулы", "Ерик Кулбаев"),  # Ерик may be Ерболат, but not a father's name
        ("Айдос Ержанұлы", "Ержан Айдосов"),
    ],
)
def test_a_fathers_name_written_with_uly_never_meets_a_forename(a: str, b: str) -> None:
    assert level(a, b) <= 3


def test_a_fathers_name_written_with_uly_still_meets_a_surname_made_from_it() -> None:
    # Family Code art. 194: Сейітұлы may stand where Сейітов stood.
    assert level("Жәнібек Сейітұлы", "Жәнібек Сейітов") == 5


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (["erlan"], ["erlan"], 2),
        (["erlan"], ["erjan"], 1),  # one letter apart: a slip or another father
        (["erlan"], ["ierlan"], 1),  # an extra letter ("Yerlan")
        (["erlan"], ["nurlan"], 0),
        (["serikbol"], ["gabit"], 0),
        (["gabit", "serikbol"], ["serikbol"], 2),
    ],
)
def test_fathers_names_agree_differ_by_a_slip_or_differ(a: list[str], b: list[str], expected: int) -> None:
    from aigaq.linkage.names import father_level

    assert father_level(a, b) == expected


def test_the_fathers_name_comes_from_a_russian_patronymic_and_from_an_uly_word_alike() -> None:
    from aigaq.linkage.features import build_features
    from aigaq.linkage.mention import Mention

    tt = TokenTable()
    ru = build_features(Mention(id="a", full_name="Жанибек Нурланович Сейтов"), tt)
    kz = build_features(Mention(id="b", full_name="Сейітов Жәнібек Нұрланұлы"), tt)
    assert [tt.freq_key[t] for t in ru.patronymics] == [tt.freq_key[t] for t in kz.patronymics] == ["nurlan"]


def test_a_fathers_name_meets_a_surname_only_when_it_is_the_same_name_or_a_slip_of_it() -> None:
    # Куанышжанұлы (son of Куанышжан) looks like Куанышбеков but is another name.
    assert level("Шокайханов Тілеубай Қуанышжанұлы", "Қуанышбеков Тілеубай") <= 3
    assert level("Тілеубай Қуанышбекұлы", "Қуанышбеков Тілеубай") == 5
