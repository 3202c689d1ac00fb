"""A caseworker on a 375 px phone: no page scrolls sideways (wide tables scroll inside their box,
labels go above their values, long office names wrap), in Kazakh, where words are longest."""

from __future__ import annotations

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
                 "/documents/templates/", "/no-such-page/"]:
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wide[path] = width
    assert wide == {}
