"""Giving a case to a colleague and managing the team, in a real browser, in Kazakh (the demo
organisation's language): the coordinator shares a case with the demo lawyer, who then sees it
(and her list in Russian); a deactivated member's open page goes to the sign-in page at her next
click."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.demo.load import demo_create

from ..conftest import case_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/aigaq-screens")


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cases/$"))


def passwords() -> dict[str, str]:
    result = demo_create(count=2, today=dt.date(2026, 11, 29))
    return {account.username: account.password for account in result.accounts}


def test_a_coordinator_gives_a_case_to_the_demo_lawyer_who_then_sees_it(browser: Any, live_server: Any,
                                                                       plain_http: None) -> None:
    secret = passwords()
    # A new case of the demo's caseworker: the lawyer has no place on it yet.
    case = services.case_create(actor=User.objects.get(username="caseworker"), **case_data())
    base = live_server.url

    coordinator = browser.new_context(locale="kk-KZ").new_page()
    sign_in(coordinator, base, "coordinator", secret["coordinator"])
    coordinator.goto(f"{base}/cases/{case.code}/")
    assert coordinator.locator("html").get_attribute("lang") == "kk"
    people = coordinator.locator("#people")
    people.get_by_text("Істі бекіту немесе бөлісу").click()
    people.get_by_label("Мүше").select_option(label="lawyer")
    people.get_by_label("Істегі рөлі").select_option("lawyer")
    people.get_by_role("button", name="Сақтау").first.click()
    coordinator.wait_for_url(f"{base}/cases/{case.code}/")
    assert "Мүшенің істегі орны сақталды." in coordinator.locator("body").inner_text()
    assert "lawyer · заңгер" in people.inner_text()
    SHOTS.mkdir(exist_ok=True)
    people.screenshot(path=str(SHOTS / "case-people-kk.png"))

    hers = browser.new_context(locale="kk-KZ").new_page()
    sign_in(hers, base, "lawyer", secret["lawyer"])
    assert hers.locator(f'a[href="/cases/{case.code}/"]').count() == 1
    hers.locator(f'a[href="/cases/{case.code}/"]').click()
    hers.wait_for_url(f"{base}/cases/{case.code}/")
    assert case.short_code in hers.locator("h1").inner_text()
    assert "Істегі рөлі" not in hers.locator("#people").inner_text()  # only the coordinator or owner shares

    # Her list in Russian: the ready-made lists and the next hearing column.
    hers.goto(f"{base}/cases/")
    hers.get_by_role("button", name="Русский").click()
    hers.wait_for_load_state()
    body = hers.locator("main").inner_text()
    assert "Мои дела" in body and "Следующее заседание" in body
    hers.get_by_role("link", name="Мои дела").click()
    assert hers.locator(f'a[href="/cases/{case.code}/"]').count() == 1
    hers.context.close()
    coordinator.context.close()


def test_a_deactivated_members_open_session_gets_the_sign_in_page(browser: Any, live_server: Any,
                                                                 plain_http: None) -> None:
    secret = passwords()
    caseworker = User.objects.get(username="caseworker")
    base = live_server.url

    hers = browser.new_context(locale="kk-KZ").new_page()
    sign_in(hers, base, "caseworker", secret["caseworker"])

    coordinator = browser.new_context(locale="kk-KZ").new_page()
    sign_in(coordinator, base, "coordinator", secret["coordinator"])
    coordinator.goto(f"{base}/accounts/team/")
    row = coordinator.locator(f"#member-{caseworker.code}")
    row.get_by_role("button", name="Белсенсіздендіру").click()
    coordinator.wait_for_url(f"{base}/accounts/team/")
    assert "белсенсіздендірілген" in coordinator.locator(f"#member-{caseworker.code}").inner_text()
    SHOTS.mkdir(exist_ok=True)
    coordinator.screenshot(path=str(SHOTS / "team-kk.png"), full_page=True)

    hers.locator("nav a").first.click()  # her next click on the page she still has open
    hers.wait_for_url(re.compile(r"/accounts/login/"))
    assert hers.locator("#id_username").is_visible()
    hers.context.close()
    coordinator.context.close()
