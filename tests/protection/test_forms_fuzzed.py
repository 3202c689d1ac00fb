"""Forms fuzzed with hypothesis give no server error and save nothing from invalid input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigaq.accounts.models import User
from aigaq.cases.models import Case, PathwayEvent, Suspect

from ..conftest import client_for
from .helpers import secret_case

# Few examples per run (a rejected form renders the whole case page); hypothesis keeps the
# failing ones in its database, and CI runs add up over time.
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
junk = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-1", "2025-02-30", "9" * 30, "KZ-71", "on",
                                                         "\x00", "<script>", "1e309", "3000-01-01"]))


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), Suspect.objects.count(), PathwayEvent.objects.count()


def _check(client: Client, url: str, data: dict[str, Any]) -> None:
    before = _counts()
    response = client.post(url, data)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert _counts() == before


@pytest.fixture
def alice_client(alice: User) -> Client:
    return client_for(alice)


@FUZZ
@given(data=st.dictionaries(st.sampled_from([
    "survivor-pseudonym", "survivor-name", "survivor-birth_year", "survivor-age_at_incident", "survivor-sex",
    "incident-date_from", "incident-date_to", "incident-region", "incident-city", "incident-area",
    "incident-place_type", "incident-account", "suspects-TOTAL_FORMS", "suspects-INITIAL_FORMS",
    "suspects-0-phones", "suspects-0-iins", "suspects-0-approx_age", "suspects-0-birth_date"]), junk))
def test_the_intake_form_fuzzed_gives_no_server_error_and_saves_nothing_invalid(
    alice_client: Client, data: dict[str, str]
) -> None:
    _check(alice_client, "/cases/new/", data)


@pytest.fixture
def fuzz_case(alice: User) -> Case:
    return secret_case(alice)


@FUZZ
@given(event_type=st.sampled_from(["report_refused", "report_registered", "requalified", "sentence", "hearing"]),
       data=st.dictionaries(st.sampled_from(["date", "reason", "quote", "initial_article", "from_article",
                                             "to_article", "sentence_type", "length_months", "amount",
                                             "closed"]), junk))
def test_event_forms_fuzzed_give_no_server_error_and_save_nothing_invalid(
    alice_client: Client, fuzz_case: Case, event_type: str, data: dict[str, str]
) -> None:
    _check(alice_client, f"/cases/{fuzz_case.code}/events/{event_type}/", data)


@FUZZ
@given(data=st.dictionaries(st.sampled_from([
    "suspect-full_name", "suspect-phones", "suspect-handles", "suspect-plates", "suspect-iins",
    "suspect-birth_date", "suspect-approx_age", "suspect-sex", "suspect-relation"]), junk))
def test_the_suspect_form_fuzzed_gives_no_server_error_and_saves_nothing_invalid(
    alice_client: Client, fuzz_case: Case, data: dict[str, str]
) -> None:
    _check(alice_client, f"/cases/{fuzz_case.code}/suspects/", data)
