from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from aigaq.imports import values
from aigaq.imports.columns import suggest


@pytest.mark.parametrize("typed", ["12.04.2021", "2021-04-12", "12/04/21", "44298", 44298, dt.datetime(2021, 4, 12)])
def test_dates_are_read_as_people_type_them(typed: object) -> None:
    assert values.parse_date(typed) == dt.date(2021, 4, 12)


def test_a_date_in_the_future_is_refused_with_the_reason_in_russian() -> None:
    with translation.override("ru"), pytest.raises(values.Bad) as bad:
        values.parse_date("01.01.2999")
    assert "будущ" in bad.value.reason


@pytest.mark.parametrize("name", ["изнасилование", "Зорлау", "rape", "RAPE"])
def test_violence_types_in_any_language_map_onto_the_gbvims_code(name: str) -> None:
    assert values.parse_gbv(name) == "rape"


@pytest.mark.parametrize(("name", "code"), [
    ("Семипалатинская область", "KZ-10"), ("Абай облысы", "KZ-10"), ("ЗКО", "KZ-27"), ("Алматы", "KZ-75"),
    ("South Kazakhstan Region", "KZ-61"),
])
def test_regions_are_found_by_any_name_and_old_names(name: str, code: str) -> None:
    assert values.parse_region(name) == code


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(values.Bad):
        values.parse_region("Атлантида")


def test_a_phone_that_is_not_a_phone_is_refused() -> None:
    with pytest.raises(values.Bad):
        values.parse_phone("позвонить вечером")
    assert values.parse_phone("8 (701) 555-12-34") == "8 (701) 555-12-34"


def test_columns_are_suggested_by_header_name_in_kk_ru_and_en() -> None:
    assert suggest(["Оқиға күні", "Дата", "region", "Вид насилия", "Непонятно"]) == [
        "incident_date", "", "region", "violence_type", ""]


def test_a_year_alone_is_not_read_as_an_excel_serial_date() -> None:
    with pytest.raises(values.Bad):
        values.parse_date(2021)
