"""Phones, handles, plates, IINs, cities and ages reduce to one comparable form."""

from __future__ import annotations

import phonenumbers
import pytest

from aigaq.linkage import Mention
from aigaq.linkage.birth import Birth, birth_level, birth_of, date_typo_like
from aigaq.linkage.features import build_features
from aigaq.linkage.names import TokenTable
from aigaq.linkage.normalise import (
    default_city_key,
    iin_birth_date,
    iin_is_valid,
    normalise_handle,
    normalise_phone,
    normalise_plate,
)


@pytest.mark.parametrize(
    "written",
    [
        "+7 701 555 12 34",
        "8 701 555 12 34",
        "8 (701) 555-12-34",
        "87015551234",
        "+77015551234",
        "7015551234",
        "8-701-555-12-34",
        "+7 (701) 5551234",
    ],
)
def test_every_local_phone_format_becomes_the_e164_number(written: str) -> None:
    assert normalise_phone(written) == "+77015551234"
    # The same answer phonenumbers gives, whichever path the normaliser took.
    parsed = phonenumbers.parse(written, "KZ")
    assert normalise_phone(written) == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def test_landlines_and_foreign_numbers_go_through_phonenumbers() -> None:
    assert normalise_phone("8 (727) 250-00-00") == "+77272500000"
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"
    assert normalise_phone("12-34") is None


@pytest.mark.parametrize(
    "written",
    [
        "@zhanibek_85",
        "Zhanibek_85",
        "https://www.instagram.com/zhanibek_85/",
        "instagram.com/Zhanibek_85?igsh=abc",
        "https://t.me/zhanibek_85",
        "telegram.me/zhanibek_85",
        "https://www.tiktok.com/@zhanibek_85?lang=ru",
        "https://vk.com/zhanibek_85",
        "m.vk.com/zhanibek_85",
    ],
)
def test_handles_from_any_platform_url_or_at_name_meet(written: str) -> None:
    assert normalise_handle(written) == "zhanibek_85"


@pytest.mark.parametrize(
    "written",
    [
        "123 ABC 02",
        "123ABC02",
        "123 abc 02",
        "123-ABC-02",
        " 123  ABC  02 ",
        "123 АВС 02",
        "123 авс 02",
        "l23 ABC O2",
    ],
)
def test_plates_with_any_spacing_case_or_cyrillic_lookalikes_meet(written: str) -> None:
    assert normalise_plate(written) == "123ABC02"


def test_plates_with_different_letters_stay_different() -> None:
    assert normalise_plate("123 ABD 02") != normalise_plate("123 ABC 02")
    assert normalise_plate("123 ABC 02") != normalise_plate("123 ABC 05")


def test_iin_check_digit_first_pass() -> None:
    # 9·1 + 1·4 + 1·6 + 3·7 = 40; 40 mod 11 = 7.
    assert iin_is_valid("900101300007")
    assert not iin_is_valid("900101300008")


def test_iin_check_digit_second_pass_when_the_first_gives_ten() -> None:
    # First pass: 8+10+16+5+12+21+70 = 142, 142 mod 11 = 10; second pass with weights
    # 3,4,5,6,7,8,9,10,11,1,2: 24+20+24+7+16+27+7 = 125, 125 mod 11 = 4.
    assert iin_is_valid("850412300704")
    assert not iin_is_valid("850412300705")


def test_an_iin_whose_second_pass_also_gives_ten_is_invalid_for_every_last_digit() -> None:
    assert not any(iin_is_valid(f"85041230820{d}") for d in range(10))


def test_iin_needs_exactly_twelve_digits() -> None:
    assert not iin_is_valid("90010130000")
    assert not iin_is_valid("90010130000A")


def test_iin_gives_the_birth_date() -> None:
    assert str(iin_birth_date("850412300704")) == "1985-04-12"
    f = build_features(Mention(id="x", iins=["850412 300704"]), TokenTable())
    assert f.iins == {"850412300704"} and f.birth is not None and f.birth.exact == "19850412"


def test_an_invalid_iin_is_kept_only_as_an_identifier_as_written() -> None:
    f = build_features(Mention(id="x", iins=["850412300705"]), TokenTable())
    assert not f.iins and "850412300705" in f.other_ids and f.birth is None


@pytest.mark.parametrize(
    "names",
    [
        ("Уральск", "Орал", "Oral", "Uralsk"),
        ("Астана", "Nur-Sultan", "Нур-Султан", "Astana"),
        ("Алматы", "Almaty", "Алма-Ата", "Alma-Ata"),
        ("Усть-Каменогорск", "Өскемен", "Oskemen", "Öskemen"),
        ("Семей", "Семипалатинск", "Semey"),
    ],
)
def test_city_names_in_kazakh_russian_latin_and_old_forms_meet(names: tuple[str, ...]) -> None:
    keys = {default_city_key(n) for n in names}
    assert len(keys) == 1 and None not in keys


def test_different_cities_stay_different() -> None:
    assert default_city_key("Орал") != default_city_key("Алматы")


def _birth(**kw: object) -> Birth:
    b = birth_of(Mention(id="x", **kw), [])  # type: ignore[arg-type]
    assert b is not None
    return b


def test_an_age_at_incident_is_a_one_year_interval_not_a_date() -> None:
    b = _birth(age_at_incident=34, incident_date="2022-05-01")
    assert b.hi - b.lo == pytest.approx(1.0)
    assert int(b.lo) == 1987 and int(b.hi) == 1988


def test_a_birth_date_inside_the_age_interval_is_compatible() -> None:
    age = _birth(age_at_incident=34, incident_date="2022-05-01")
    assert birth_level(age, _birth(birth_date="1987-09-30")) == 3
    assert birth_level(age, _birth(birth_date="1988-04-30")) == 3
    assert birth_level(age, _birth(birth_date="1988")) == 3
    # Born 2 May 1988 would make him 33 on 1 May 2022: close, not compatible.
    assert birth_level(age, _birth(birth_date="1988-05-02")) == 2


def test_ages_a_year_apart_six_months_apart_are_compatible() -> None:
    a = _birth(age_at_incident=34, incident_date="2022-05-01")
    b = _birth(age_at_incident=35, incident_date="2022-11-01")
    assert birth_level(a, b) == 3


def test_birth_years_fifteen_years_apart_are_impossible() -> None:
    assert birth_level(_birth(birth_date="1980"), _birth(birth_date="1995")) == 0


def test_a_date_fifteen_years_from_an_estimated_age_only_disagrees() -> None:
    # An age a survivor estimated is not a documented birth: it weighs, it never vetoes (issue 17).
    assert birth_level(_birth(birth_date="1980-03-01"), _birth(age_at_incident=25, incident_date="2021-01-01")) == 1


def test_typing_slips_in_dates_are_not_conflicts() -> None:
    assert date_typo_like("19850412", "19671203") is False
    assert date_typo_like("19850412", "19580412")  # 85 typed as 58
    assert date_typo_like("19850412", "19850421")  # neighbours swapped
    assert date_typo_like("19850412", "19851204")  # day and month swapped
    assert date_typo_like("19850412", "19950412")  # one digit wrong
    assert birth_level(_birth(birth_date="1985-04-12"), _birth(birth_date="1995-04-12")) == 4


def test_month_precision_birth_dates_are_intervals() -> None:
    b = _birth(birth_date="1985-04")
    assert b.exact is None and b.hi - b.lo == pytest.approx(29 / 365)
