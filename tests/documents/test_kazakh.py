"""Kazakh names in the genitive and dative, from real names: vowel harmony, the ending after a
vowel, a voiced and a voiceless consonant, Russian-style surnames, and patronymics in -ұлы/-қызы
(a possessive: dative -на, where the library alone gives -ға). In a full name only the last word
takes the ending."""

from __future__ import annotations

import pytest

from aigaq.documents.kazakh import decline


@pytest.mark.parametrize(("name", "genitive", "dative"), [
    ("Сәуле", "Сәуленің", "Сәулеге"),  # front vowel, after a vowel
    ("Әлия", "Әлияның", "Әлияға"),  # back vowel, after a vowel
    ("Нұрлан", "Нұрланның", "Нұрланға"),  # after a nasal
    ("Асқар", "Асқардың", "Асқарға"),  # after a sonorant
    ("Гүлназ", "Гүлназдың", "Гүлназға"),  # after a voiced consonant
    ("Бақыт", "Бақыттың", "Бақытқа"),  # after a voiceless consonant, back
    ("Серік", "Серіктің", "Серікке"),  # after a voiceless consonant, front
    ("Ахметова", "Ахметованың", "Ахметоваға"),  # feminine Russian-style surname
    ("Смагулов", "Смагуловтың", "Смагуловқа"),  # masculine: harmony from the Kazakh stem
])
def test_one_name_takes_the_ending_its_last_sound_and_vowels_call_for(name: str, genitive: str, dative: str) -> None:
    assert (decline(name, "genitive"), decline(name, "dative")) == (genitive, dative)


def test_in_a_full_name_only_the_last_word_is_declined() -> None:
    assert decline("Ахметова Айгерім", "genitive") == "Ахметова Айгерімнің"
    assert decline("Жәнібек Сейітов", "dative") == "Жәнібек Сейітовке"


def test_a_patronymic_is_a_possessive_and_takes_the_dative_in_na() -> None:
    assert decline("Айгерім Нұрланқызы", "dative") == "Айгерім Нұрланқызына"
    assert decline("Сейітов Жәнібек Асқарұлы", "dative") == "Сейітов Жәнібек Асқарұлына"
    assert decline("Айгерім Нұрланқызы", "genitive") == "Айгерім Нұрланқызының"


@pytest.mark.parametrize("name", ["", "Gulnara Abenova", "[зардап шегушінің аты-жөні]"])
def test_a_name_in_latin_script_or_a_placeholder_is_left_as_written(name: str) -> None:
    assert decline(name, "genitive") == name
