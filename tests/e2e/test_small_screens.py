"""A caseworker on a 375 px phone: no page scrolls sideways (wide tables scroll inside their box,
labels go above their values, long office names wrap), in Kazakh, where words are longest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aigaq.accounts.models import Organisation
from aigaq.cases import services

from ..conftest import PASSWORD, case_data, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_no_main_page_scrolls_sideways_on_a_375_px_phone(page: Any, live_server: Any) -> None:
    org = Organisation.objects.create(name="Crisis centre", default_language="kk")
    cora = make_user("cora", org, "coordinator")
    cases = [services.case_create(actor=cora, **case_data()) for _ in range(3)]
    # A police unit written in as "other", so that "Offices to map" shows its list of offices.
    services.pathway_event_add(actor=cora, case=cases[0], event_type="police_contacted", date=dt.date(2025, 5, 5),
                               data={"unit": "other", "unit_other": "Шонжы ауылдық полиция бекеті"})
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("cora")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/cases/")
    wide = {}
    for path in ["/cases/", "/cases/new/", f"/cases/{cases[0].code}/", "/insights/", "/matching/",
                 "/audit/", "/accounts/", "/accounts/team/", f"/cases/{cases[0].code}/documents/",
                 "/documents/templates/", "/cases/offices/", "/no-such-page/"]:
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wide[path] = width
    assert wide == {}
