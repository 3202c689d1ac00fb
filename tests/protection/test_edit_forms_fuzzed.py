"""The correction forms fuzzed with hypothesis give no server error, and a refused save (400 or
409) leaves the record as it was."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from aigaq.accounts.models import User
from aigaq.cases.models import Case

from ..conftest import client_for
from .helpers import secret_case
from .test_forms_fuzzed import FUZZ, junk


@pytest.fixture
def alice_client(alice: User) -> Client:
    return client_for(alice)


@pytest.fixture
def fuzz_case(alice: User) -> Case:
    return secret_case(alice)


@FUZZ
@given(data=st.dictionaries(st.sampled_from([
    "incident-version", "incident-date_from", "incident-date_to", "incident-region", "incident-city",
    "incident-area", "incident-place_type", "incident-gbv_rape", "incident-account",
    "survivor-version", "survivor-pseudonym", "survivor-birth_year", "survivor-age_at_incident", "survivor-sex",
    "survivor-consent_matching"]), junk))
def test_the_incident_and_survivor_corrections_fuzzed_give_no_server_error(
    alice_client: Client, fuzz_case: Case, data: dict[str, str]
) -> None:
    for kind in ("incident", "survivor"):
        record = getattr(fuzz_case, kind)
        record.refresh_from_db()
        before = (record.version, record.account if kind == "incident" else record.pseudonym)
        response = alice_client.post(f"/cases/{fuzz_case.code}/{kind}/edit/", data)
        assert response.status_code in (302, 400, 409), response.status_code
        if response.status_code != 302:
            record.refresh_from_db()
            assert (record.version, record.account if kind == "incident" else record.pseudonym) == before
