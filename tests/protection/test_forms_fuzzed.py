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
junk = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "-1", "2025-02-30", "9" * 30, "KZ-71", "on", "\x00", "<script>", "1e309", "3000-01-01",
                     str(2**63), str(-(2**63) - 1), str(2**31), "NaN", "Infinity", "-0", "1.005", "12345678901.99",
                     "Ж\u202eНІБЕК", "\u2066x\u2069", "imprisonment", "2025-09-01"]),
)


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
    # The event forms are prefixed by their type; a valid date and sentence type let the numbers through
    # to the statistics, where 2**63 months used to crash.
    posted = {"date": "2025-09-01", "sentence_type": "imprisonment", **data}
    _check(alice_client, f"/cases/{fuzz_case.code}/events/{event_type}/",
           {f"{event_type}-{name}": value for name, value in posted.items()})


@FUZZ
@given(form=st.sampled_from([
    ("costs", "cost", ["kind", "amount", "payer", "paid_on", "note"], {"kind": "lawyer", "payer": "survivor"}),
    ("referrals", "referral", ["kind", "provider", "status", "referred_on", "closed_on", "note"],
     {"referred_on": "2025-05-05"}),
    ("witnesses", "witness", ["name", "contact", "statement"], {}),
    ("notes", "note", ["text"], {}),
]), data=st.data())
def test_the_record_forms_fuzzed_give_no_server_error_and_save_nothing_invalid(
    alice_client: Client, fuzz_case: Case, form: tuple[str, str, list[str], dict[str, str]], data: st.DataObject
) -> None:
    path, prefix, names, base = form
    values = {**base, **data.draw(st.dictionaries(st.sampled_from(names), junk))}
    response = alice_client.post(f"/cases/{fuzz_case.code}/{path}/",
                                 {f"{prefix}-{name}": value for name, value in values.items()})
    assert response.status_code in (302, 400), response.status_code


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["since", "until", "region", "organisation", "by"]), junk))
def test_the_dashboard_filter_fuzzed_gives_no_server_error(ann: User, data: dict[str, str]) -> None:
    response = client_for(ann).get("/insights/", data)
    assert response.status_code in (200, 400), response.status_code


@FUZZ
@given(data=st.dictionaries(st.sampled_from([
    "suspect-full_name", "suspect-phones", "suspect-handles", "suspect-plates", "suspect-iins",
    "suspect-birth_date", "suspect-approx_age", "suspect-sex", "suspect-relation"]), junk))
def test_the_suspect_form_fuzzed_gives_no_server_error_and_saves_nothing_invalid(
    alice_client: Client, fuzz_case: Case, data: dict[str, str]
) -> None:
    _check(alice_client, f"/cases/{fuzz_case.code}/suspects/", data)
