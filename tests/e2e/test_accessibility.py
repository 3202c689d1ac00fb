"""WCAG 2.2 AA checks with axe-core (bundled in axe-playwright-python, run inside the page; nothing
is fetched) on the pages staff use most, in Kazakh, where labels and lengths differ most."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from aigaq.accounts.models import Organisation
from aigaq.cases import services

from ..conftest import PASSWORD, case_data, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
        "resultTypes": ["violations"]}


def violations(page: Any) -> list[str]:
    results = Axe().run(page, options=WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]]


def test_the_main_pages_have_no_accessibility_violations(page: Any, live_server: Any) -> None:
    org = Organisation.objects.create(name="Crisis centre", default_language="kk")
    cora = make_user("cora", org, "coordinator")
    case = services.case_create(actor=cora, **case_data())
    base = live_server.url
    found: dict[str, list[str]] = {}
    page.goto(f"{base}/accounts/login/")
    found["login"] = violations(page)
    page.locator("#id_username").fill("cora")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/cases/")
    for name, path in [("case list", "/cases/"), ("intake", "/cases/new/"), ("case page", f"/cases/{case.code}/"),
                       ("insights", "/insights/"), ("match alerts", "/matching/"),
                       ("documents", f"/cases/{case.code}/documents/"), ("templates", "/documents/templates/")]:
        page.goto(base + path)
        found[name] = violations(page)
    problems = {name: v for name, v in found.items() if v}
    assert not problems, problems
