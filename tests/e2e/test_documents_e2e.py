"""A lawyer makes the refusal complaint in a real browser, in Kazakh (the demo organisation's
language): from the case page to the documents page, the Kazakh template, and a .docx that holds
the KUI number and the officer's words."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.models import Assignment
from aigaq.demo.load import demo_create

from ..conftest import SURVIVOR, case_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/aigaq-screens")


def test_a_lawyer_makes_the_refusal_complaint_in_kazakh(browser: Any, live_server: Any, plain_http: None) -> None:
    from docx import Document

    result = demo_create(count=2, today=dt.date(2026, 11, 29))
    secret = {account.username: account.password for account in result.accounts}
    caseworker, lawyer = User.objects.get(username="caseworker"), User.objects.get(username="lawyer")
    case = services.case_create(actor=caseworker, **case_data(survivor=dataclasses.replace(SURVIVOR, name="Сәуле")))
    Assignment.objects.create(case=case, user=lawyer, role=Assignment.Role.LAWYER)
    services.pathway_event_add(actor=caseworker, case=case, event_type="report_refused", date=dt.date(2025, 5, 5),
                               time=dt.time(9, 15), data={"reason": "come_back_later",
                                                          "quote": "Ертең келіңіз, бүгін уақыт жоқ"})
    services.pathway_event_add(actor=caseworker, case=case, event_type="report_registered",
                               date=dt.date(2025, 5, 9), data={"kui_number": "247500031000555",
                                                               "initial_article": "CC-120"})
    base = live_server.url
    context = browser.new_context(locale="kk-KZ", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("lawyer")
    page.locator("#id_password").fill(secret["lawyer"])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cases/$"))

    page.goto(f"{base}/cases/{case.code}/")
    page.locator("#documents").get_by_role("link", name="Құжат жасау").click()
    page.get_by_label("Арызды тіркеуден бас тартуға (тіркемеуге) шағым").check()
    assert page.get_by_label("Құжаттың тілі").input_value() == "kk"
    page.get_by_role("button", name=".docx және PDF жасау").click()
    page.wait_for_url(f"{base}/cases/{case.code}/documents/")
    assert "Құжат жасалып, істе сақталды." in page.locator("body").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "documents-kk.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name=".docx").first.click()
    text = "\n".join(p.text for p in Document(io.BytesIO(Path(download.value.path()).read_bytes())).paragraphs)
    context.close()
    assert "247500031000555" in text and "Ертең келіңіз, бүгін уақыт жоқ" in text
    assert "[зардап шегушінің аты-жөні]" in text and "Сәуле" not in text
