"""A coordinator confirms a match alert from the queue in a real browser, and the caseworker of
one case then sees the repeat-suspect flag on her case page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest

from aigaq.accounts.models import Organisation
from aigaq.cases import services
from aigaq.cases.inputs import SuspectInput
from aigaq.matching.models import MatchAlert, Status

from ..conftest import INCIDENT, PASSWORD, case_data, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_coordinator_confirms_an_alert_from_the_queue(page: Any, live_server: Any) -> None:
    org = Organisation.objects.create(name="Crisis centre", default_language="en")
    alice = make_user("alice", org, "caseworker")
    dina = make_user("dina", org, "caseworker")
    make_user("cora", org, "coordinator")
    astana = services.case_create(actor=alice, **case_data())
    oral = case_data(
        incident=dataclasses.replace(INCIDENT, date_from=dt.date(2025, 11, 10), region="KZ-27", city="oral"),
        suspects=[
            SuspectInput(
                full_name="ZHANIBEK SEITOV",
                phones="+7 701 555 1234",
                sex="male",
                relation="stranger",
                approx_age=35,
            )
        ],
    )
    services.case_create(actor=dina, **oral)
    base = live_server.url

    sign_in(page, base, "cora")
    page.get_by_role("link", name="Match alerts").click()
    page.wait_for_url(f"{base}/matching/")
    assert page.get_by_text("new", exact=True).is_visible()
    page.get_by_role("link", name="Open").click()
    page.wait_for_url(re.compile(r"/matching/[a-z2-7]{20,}/$"))
    assert page.get_by_text(re.compile(r"same phone •+34")).is_visible()
    # She signed in a moment ago, which counts as a fresh confirmation: no password asked again.
    page.get_by_role("button", name="Show both suspects' phones, accounts, plates and IIN").click()
    page.get_by_text("same phone +7 701 555 12 34").wait_for()  # the alert again, revealed
    assert page.get_by_text("Жәнібек Сейітов ~ ZHANIBEK SEITOV").is_visible()
    page.get_by_label("Same man: link the cases").check()
    page.get_by_label("Note").fill("Same phone; the Oral description matches.")
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(f"{base}/matching/")
    assert page.get_by_text("Confirmed: the cases are linked under one repeat suspect.").is_visible()
    assert MatchAlert.objects.get().status == Status.CONFIRMED

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "alice")
    page.goto(f"{base}/cases/{astana.code}/")
    flag = page.locator(".repeat-flag")
    assert flag.is_visible()
    assert "linked to 1 other case" in flag.inner_text()
