"""The coded offices: every region has its police department, prosecutor's office and courts, and
each regional centre its city police unit and city court; none is marked verified yet."""

from __future__ import annotations

import pytest

import aigaq.reference as ref

REGIONS = [r.code for r in ref.regions()]


@pytest.mark.parametrize("region", REGIONS)
def test_every_region_has_its_police_department_prosecutor_s_office_and_regional_court(region: str) -> None:
    mine = [o for o in ref.offices() if o.region == region]
    levels = {(o.kind, o.level) for o in mine}
    assert {("police", "region"), ("prosecutor", "region"), ("court", "region")} <= levels
    assert any(o.kind == "police" and o.level in ("city", "district") for o in mine)


def test_every_regional_centre_has_its_city_police_unit_and_city_court() -> None:
    for region in ref.regions():
        if region.centre is None:  # a city of republican significance: its district units instead
            continue
        kinds = {o.kind for o in ref.offices() if o.city == region.centre}
        assert {"police", "court"} <= kinds, region.code


def test_offices_name_their_region_and_a_known_kind_and_city() -> None:
    for office in ref.offices():
        assert ref.region(office.region) is not None, office.code
        assert office.kind in ref.office_kinds()
        if office.city:
            city = ref.city(office.city)
            assert city is not None and city.region == office.region, office.code


def test_no_office_is_marked_verified_until_a_speaker_and_a_source_have_checked_it() -> None:
    assert all(not o.verified and not o.kk_verified for o in ref.offices())


def test_an_office_is_found_by_its_code_and_an_unknown_code_is_none() -> None:
    found = ref.office("kz-27-up-oral")
    assert found is not None and found.label("kk") == "Орал қалалық полиция басқармасы"
    assert ref.office("other") is None
