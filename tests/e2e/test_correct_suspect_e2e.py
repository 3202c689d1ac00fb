"""In Kazakh, in a real browser: a caseworker corrects a suspect's name and phone, matching runs
again at once, and the coordinator finds the alert that no longer holds closed, with the reason."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aigaq.accounts.models import Organisation
from aigaq.cases import services
from aigaq.matching.models import MatchAlert, Status

from ..conftest import PASSWORD, case_data, make_user
from ..matching.conftest import LATIN, ORAL

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/aigaq-screens")


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/cases/")


def test_correcting_a_suspects_name_in_kazakh_closes_the_alert_that_no_longer_holds(
    page: Any, live_server: Any
) -> None:
    org = Organisation.objects.create(name="Дағдарыс орталығы", default_language="kk")
    alice = make_user("alice", org, "caseworker")
    make_user("cora", org, "coordinator")
    services.case_create(actor=alice, **case_data())
    oral = services.case_create(actor=alice, **case_data(incident=ORAL, suspects=[LATIN]))
    assert MatchAlert.objects.get().status == Status.OPEN
    base = live_server.url

    sign_in(page, base, "alice")
    page.goto(f"{base}/cases/{oral.code}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.locator(".suspect-card").get_by_role("link", name="Түзету").click()
    # His identifiers are shown whole on the form; she signed in a moment ago, so that counts as
    # the confirmation (the step-up itself is tested in tests/cases/test_edit_records.py).
    page.wait_for_url(re.compile(r"/suspects/[a-z2-7]{20,}/edit/$"))
    assert page.get_by_role("heading", name="Күдікті туралы мәліметті түзету").is_visible()
    assert page.get_by_label("Аты-жөні — жазылғандай дәл").input_value() == "ZHANIBEK SEITOV"
    page.get_by_label("Аты-жөні — жазылғандай дәл").fill("Ерлан Омаров")
    page.locator("#id_suspect-phones").fill("+7 777 000 11 22")
    page.locator("#id_suspect-approx_age").fill("60")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "suspect-edit-kk.png"), full_page=True)
    page.get_by_role("button", name="Түзетуді сақтау").click()
    page.wait_for_url(f"{base}/cases/{oral.code}/")
    assert page.get_by_text("Күдікті туралы мәлімет түзетілді; ол үшін салыстыру қайта жүргізілді.").is_visible()
    assert page.locator(".suspect-card h3").inner_text() == "Ерлан Омаров"
    alert = MatchAlert.objects.get()
    assert alert.status == Status.CLOSED

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/cases/{oral.code}/suspects/{oral.suspects.get().code}/edit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll on a phone
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "suspect-edit-kk-375.png"), full_page=True)
    history = page.locator(".history").inner_text()
    assert "alice" in history and "күдікті туралы мәліметті өзгертті" in history

    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("form[action$='logout/'] button").click()
    page.wait_for_load_state()
    sign_in(page, base, "cora")
    page.goto(f"{base}/matching/")
    assert page.get_by_text("Қарайтын ескерту жоқ.").is_visible()
    page.get_by_role("link", name=re.compile("Енді сәйкес келмейтіндер")).click()
    page.locator(f"a[href='/matching/{alert.code}/']").click()
    assert page.get_by_text("Күдікті туралы мәлімет түзетілді, енді екеуі сәйкес келмейді.").is_visible()
    assert page.locator("form[action$='/decide/']").count() == 0
    page.screenshot(path=str(SHOTS / "alert-closed-kk.png"), full_page=True)
