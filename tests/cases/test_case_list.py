"""The case list: search in any alphabet and format, and filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.inputs import IncidentInput
from aigaq.cases.models import Case

from ..conftest import SUSPECT, client_for


def codes(user: User, query: str) -> set[str]:
    body = client_for(user).post("/cases/", {"q": query}).content.decode()
    return {c.code for c in Case.objects.all() if f"/cases/{c.code}/" in body}


@pytest.mark.parametrize("query", [
    "Жәнібек Сейітов", "ZHANIBEK SEITOV", "seitov", "Сейитов Жанибек", "Джанибек", "Jänıbek Seıtov",
    "+77015551234", "8 701 555 12 34", "87015551234",
])
def test_a_suspect_is_found_by_his_name_in_any_alphabet_or_his_phone_in_any_format(
    alice: User, case: Case, query: str
) -> None:
    assert codes(alice, query) == {case.code}


def test_search_needs_every_word_of_the_name(alice: User, case: Case) -> None:
    assert codes(alice, "Жәнібек Ахметов") == set()


def test_a_case_is_found_by_its_code(alice: User, case: Case) -> None:
    assert codes(alice, case.short_code) == {case.code}


def test_search_does_not_reach_another_organisations_cases(olga: User, case: Case) -> None:
    assert codes(olga, "Сейітов") == set()


def test_search_by_code_does_not_reach_another_organisations_cases(olga: User, case: Case) -> None:
    assert codes(olga, case.short_code) == set() and codes(olga, case.code) == set()


def test_a_search_by_code_finds_that_case_only(
    alice: User, case: Case, make_case: Callable[..., Case]
) -> None:
    other = make_case(alice)
    found = codes(alice, case.short_code)
    assert found == {case.code} and other.code not in found


def test_filters_by_region_stage_period_and_flag(alice: User, make_case: Callable[..., Case]) -> None:
    astana = make_case(alice)
    oral = make_case(alice, incident=IncidentInput(
        date_from=dt.date(2025, 11, 10), date_to=None, region="KZ-27", city="oral", settlement="",
        area="urban", place_type="street", gbv_type="sexual_assault", account=""))
    services.pathway_event_add(actor=alice, case=oral, event_type="report_refused", date=dt.date(2025, 11, 10),
                               data={"reason": "natural_instincts"})
    client = client_for(alice)

    def listed(**params: str) -> set[str]:
        body = client.get("/cases/", params).content.decode()
        return {c.code for c in (astana, oral) if f"/cases/{c.code}/" in body}

    assert listed(region="KZ-27") == {oral.code}
    assert listed(stage="refused") == {oral.code}
    assert listed(flag="refused_registration") == {oral.code}
    assert listed(since="2025-06-01") == {oral.code}
    assert listed(until="2025-06-01") == {astana.code}
    assert listed() == {astana.code, oral.code}


def test_an_empty_list_says_what_to_do(alice: User) -> None:
    body = client_for(alice).get("/cases/").content.decode()
    assert "There are no cases yet" in body


def test_a_search_never_puts_what_she_typed_into_an_address(
    alice: User, case: Case, make_case: Callable[..., Case]
) -> None:
    """A suspect's name or phone in a URL stays in the browser's history and the server's logs:
    the search box posts, and a `q` in an address is ignored rather than searched."""
    other = make_case(alice, suspects=[])
    client = client_for(alice)
    assert 'method="post" class="filters"' in client.get("/cases/").content.decode()
    body = client.get("/cases/", {"q": "Сейітов"}).content.decode()
    assert "Сейітов" not in body  # not echoed into the form
    assert f"/cases/{other.code}/" in body and f"/cases/{case.code}/" in body  # not searched
    posted = client.post("/cases/", {"q": "Сейітов"}).content.decode()
    assert f"/cases/{other.code}/" not in posted and f"/cases/{case.code}/" in posted


def test_the_pages_of_a_search_go_by_post_too(alice: User, make_case: Callable[..., Case]) -> None:
    for _ in range(51):
        make_case(alice, suspects=[SUSPECT])
    body = client_for(alice).post("/cases/", {"q": "Сейітов"}).content.decode()
    assert 'name="page" value="2"' in body
    assert "q=" not in body.split('class="pager"')[1]
    second = client_for(alice).post("/cases/", {"q": "Сейітов", "page": "2"}).content.decode()
    assert "Page 2 of 2" in second
