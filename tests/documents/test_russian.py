"""Names in Russian documents are declined by the person's sex, whatever the order they were typed
in; Kazakh patronymics in -ұлы/-қызы stay as they are; a name of unknown sex, in Latin script or a
placeholder is left alone rather than given a wrong ending."""

from __future__ import annotations

import pytest

from aigaq.documents.russian import decline

# Real names as caseworkers type them: surname first or last, with or without a patronymic.
CASES = [
    ("Ахметов Ерлан Серикович", "male", "Ахметова Ерлана Сериковича", "Ахметову Ерлану Сериковичу"),
    ("Ерлан Ахметов", "male", "Ерлана Ахметова", "Ерлану Ахметову"),
    ("Омарова Айгуль Бахытовна", "female", "Омаровой Айгуль Бахытовны", "Омаровой Айгуль Бахытовне"),
    ("Ахметова Айгерім", "female", "Ахметовой Айгерім", "Ахметовой Айгерім"),
    ("Жәнібек Сейітов", "male", "Жәнібека Сейітова", "Жәнібеку Сейітову"),
    ("Ким Марина Олеговна", "female", "Ким Марины Олеговны", "Ким Марине Олеговне"),
    ("Ким Сергей", "male", "Кима Сергея", "Киму Сергею"),
    ("Дана", "female", "Даны", "Дане"),
    ("Марина Ильина", "female", "Марины Ильиной", "Марине Ильиной"),
    ("Мадина Сейтқали", "female", "Мадины Сейтқали", "Мадине Сейтқали"),
]


@pytest.mark.parametrize(("name", "sex", "genitive", "dative"), CASES)
def test_a_name_is_declined_by_its_sex(name: str, sex: str, genitive: str, dative: str) -> None:
    assert (decline(name, "genitive", sex), decline(name, "dative", sex)) == (genitive, dative)


def test_a_kazakh_patronymic_is_not_declined_in_russian() -> None:
    assert decline("Айгерім Нұрланқызы", "genitive", "female") == "Айгерім Нұрланқызы"
    assert decline("Сейітов Жәнібек Асқарұлы", "dative", "male") == "Сейітову Жәнібеку Асқарұлы"
    assert decline("Нурланкызы Айгерим", "genitive", "female") == "Нурланкызы Айгерим"


@pytest.mark.parametrize("name", ["Aigerim Nurlankyzy", "[ФИО пострадавшей]", ""])
def test_latin_names_placeholders_and_empty_names_are_left_alone(name: str) -> None:
    assert decline(name, "genitive", "female") == name


def test_a_name_of_unknown_sex_is_left_in_the_nominative() -> None:
    assert decline("Ахметов Ерлан", "genitive", "unknown") == "Ахметов Ерлан"
