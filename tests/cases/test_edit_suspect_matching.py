"""Correcting a suspect's name, phone, account or plate runs matching again for him: an alert
that no longer holds is closed with the reason, a new one is raised, and a later correction that
makes the two match again opens the closed alert again."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aigaq.accounts.models import User
from aigaq.cases.inputs import SuspectInput
from aigaq.cases.models import Case
from aigaq.matching import review
from aigaq.matching.models import CloseReason, MatchAlert, Status

from ..conftest import client_for
from ..matching.conftest import LATIN, ORAL
from ..protection.helpers import step_up_session
from .edit_helpers import edit_post


@pytest.fixture
def pair(alice: User, make_case: Callable[..., Case]) -> tuple[Case, Case]:
    """The article's story: one man in Astana and in Oral, so one open alert."""
    return make_case(alice), make_case(alice, incident=ORAL, suspects=[LATIN])


def _correct_oral_suspect(alice: User, oral: Case, **changes: object) -> None:
    suspect = oral.suspects.get()
    response = edit_post(step_up_session(client_for(alice)), f"/cases/{oral.code}/suspects/{suspect.code}/edit/",
                         "suspect", suspect, **changes)
    assert response.status_code == 302


def test_a_corrected_name_and_phone_close_the_alert_that_no_longer_holds_with_the_reason(
    alice: User, pair: tuple[Case, Case]
) -> None:
    _correct_oral_suspect(alice, pair[1], full_name="Ерлан Омаров", phones="+7 777 000 1122", approx_age=60)
    alert = MatchAlert.objects.get()
    assert (alert.status, alert.closed_reason) == (Status.CLOSED, CloseReason.SUSPECT_CHANGED)


def test_correcting_him_back_opens_the_closed_alert_again(alice: User, pair: tuple[Case, Case]) -> None:
    _correct_oral_suspect(alice, pair[1], full_name="Ерлан Омаров", phones="+7 777 000 1122", approx_age=60)
    _correct_oral_suspect(alice, pair[1], full_name=LATIN.full_name, phones=LATIN.phones, approx_age=35)
    alert = MatchAlert.objects.get()
    assert (alert.status, alert.closed_reason) == (Status.OPEN, "")


def test_a_typo_in_his_name_corrected_raises_the_alert_it_hid(alice: User, make_case: Callable[..., Case]) -> None:
    """Only his name, so nothing matched while it was misspelt beyond recognition."""
    make_case(alice)
    oral = make_case(alice, incident=ORAL, suspects=[
        SuspectInput(full_name="Qwerty Asdfgh", sex="male", relation="stranger", approx_age=35)])
    assert not MatchAlert.objects.exists()
    _correct_oral_suspect(alice, oral, full_name="ZHANIBEK SEITOV", phones="+7 701 555 1234")
    assert MatchAlert.objects.get().status == Status.OPEN


def test_a_confirmed_alert_keeps_the_coordinators_decision_after_a_correction(
    alice: User, cora: User, pair: tuple[Case, Case]
) -> None:
    alert = MatchAlert.objects.get()
    review.alert_decide(actor=cora, alert=alert, decision=Status.CONFIRMED)
    _correct_oral_suspect(alice, pair[1], full_name="Ерлан Омаров", phones="+7 777 000 1122", approx_age=60)
    assert MatchAlert.objects.get().status == Status.CONFIRMED


def test_a_closed_alert_is_listed_with_its_reason_and_can_no_longer_be_decided(
    alice: User, cora: User, pair: tuple[Case, Case]
) -> None:
    _correct_oral_suspect(alice, pair[1], full_name="Ерлан Омаров", phones="+7 777 000 1122", approx_age=60)
    alert = MatchAlert.objects.get()
    client = client_for(cora)
    assert alert.code not in client.get("/matching/").content.decode()
    assert alert.code in client.get("/matching/?show=closed").content.decode()
    page = client.get(f"/matching/{alert.code}/").content.decode()
    assert "A suspect&#x27;s details were corrected and the two no longer match." in page
    assert f'action="/matching/{alert.code}/decide/"' not in page
    refused = client.post(f"/matching/{alert.code}/decide/", {"decision": "confirmed"})
    assert refused.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Status.CLOSED and not alert.decisions.exists()
    with pytest.raises(ValueError):
        review.alert_decide(actor=cora, alert=alert, decision=Status.CONFIRMED)
