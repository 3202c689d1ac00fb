"""The whole caseworker path in a real browser: sign in, intake, refusal, registration, Kazakh."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aigaq.accounts.models import Organisation, User
from aigaq.cases.models import Case

from ..conftest import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/aigaq-screens")


def sign_in(page: Any, base: str, user: User) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_caseworker_records_a_case_and_reads_it_in_kazakh(page: Any, live_server: Any) -> None:
    org = Organisation.objects.create(name="Crisis centre", default_language="en")
    alice = make_user("alice", org, "caseworker")
    base = live_server.url
    sign_in(page, base, alice)
    page.get_by_role("link", name="New case").first.click()

    page.get_by_label("Pseudonym").fill("Айгүл")
    page.get_by_label("Date of the incident").fill("2025-05-04")
    page.get_by_label("Region").select_option("KZ-71")
    page.get_by_label("City or settlement").select_option("astana")
    page.get_by_label("urban", exact=True).check()
    page.get_by_label("Place").select_option("park")
    page.locator("#id_incident-gbv_sexual_assault").check()
    page.get_by_label("What happened, in her words").fill("Екі ер адам саябақта соңымнан жүгірді.")
    page.locator("#id_suspects-0-full_name").fill("Жәнібек Сейітов")
    page.locator("#id_suspects-0-phones").fill("8 (701) 555-12-34")
    page.get_by_role("button", name="Create the case").click()

    page.wait_for_url(re.compile(r"/cases/[a-z2-7]{20,}/$"))
    case = Case.objects.get()
    assert page.get_by_text("Жәнібек Сейітов").first.is_visible()

    page.locator("#add-report_refused > summary").click()
    page.locator("#id_report_refused-date").fill("2025-05-04")
    page.locator("#id_report_refused-reason").select_option("natural_instincts")
    page.locator("#id_report_refused-quote").fill("Это естественные инстинкты мужчины")
    page.locator("#add-report_refused").get_by_role("button", name="Add").click()
    page.wait_for_url(f"{base}/cases/{case.code}/")

    page.locator("#add-report_registered > summary").click()
    page.locator("#id_report_registered-date").fill("2025-05-04")
    page.locator("#id_report_registered-initial_article").fill("УК 999")
    page.locator("#add-report_registered").get_by_role("button", name="Add").click()
    # A wrong article: the form stays open with a message and the typed text.
    assert page.locator("#add-report_registered .error").is_visible()
    page.locator("#id_report_registered-initial_article").fill("ст. 120 УК")
    page.locator("#id_report_registered-erdr_number").fill("251234567890")
    page.locator("#add-report_registered").get_by_role("button", name="Add").click()
    page.wait_for_url(f"{base}/cases/{case.code}/")
    assert case.events.filter(type__in=["report_refused", "report_registered"]).count() == 2

    page.get_by_role("button", name="Қазақша").click()
    page.wait_for_load_state()
    html_lang = page.locator("html").get_attribute("lang")
    assert html_lang == "kk"
    body = page.locator("main").inner_text()
    assert "Жәнібек Сейітов" in body
    assert "Тергеу" in body  # the stage, in Kazakh
    assert "Тіркеуден бас тартылды" in body or "бас тарт" in body  # the refusal flag
    assert "Это естественные инстинкты мужчины" in body
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "case-kk.png"), full_page=True)
    # The choice is remembered on her account.
    alice.refresh_from_db()
    assert alice.language == "kk"


def test_the_quick_exit_button_leaves_at_once(page: Any, live_server: Any, settings: Any) -> None:
    settings.QUICK_EXIT_URL = f"{live_server.url}/static/img/favicon.svg"
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=re.compile("Quick exit")).click()
    page.wait_for_url(settings.QUICK_EXIT_URL)


def test_shift_pressed_three_times_leaves_at_once(page: Any, live_server: Any, settings: Any) -> None:
    settings.QUICK_EXIT_URL = f"{live_server.url}/static/img/favicon.svg"
    page.goto(f"{live_server.url}/accounts/login/")
    # The login form puts the focus in the username field, where Shift is typing and is ignored
    # (tests/e2e/test_quick_exit_e2e.py): move it out of the field first.
    page.locator("h1").first.click()
    assert page.evaluate("document.activeElement.tagName") not in {"INPUT", "TEXTAREA", "SELECT"}
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(settings.QUICK_EXIT_URL)
