"""A lawyer makes a court bundle in a real browser, in Kazakh: from the case page, through the
file choice and the step-up confirmation, to a ZIP that verifies and holds her evidence as stored."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.models import Assignment
from aigaq.demo.load import demo_create
from aigaq.evidence.services import evidence_add
from aigaq.lib import bundle

from ..conftest import case_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_lawyer_makes_a_court_bundle_in_kazakh(browser: Any, live_server: Any, plain_http: None,
                                                settings: Any) -> None:
    settings.STEP_UP_SECONDS = 0  # signing in counts as a fresh step-up: ask again at once
    result = demo_create(count=2, today=dt.date(2026, 11, 29))
    secret = {account.username: account.password for account in result.accounts}
    caseworker, lawyer = User.objects.get(username="caseworker"), User.objects.get(username="lawyer")
    case = services.case_create(actor=caseworker, **case_data())
    Assignment.objects.create(case=case, user=lawyer, role=Assignment.Role.LAWYER)
    statement = "Ол маған қол көтерді.\n".encode()
    evidence_add(actor=caseworker, case=case, filename="statement.txt", data=statement, title="Арызы")
    base = live_server.url
    context = browser.new_context(locale="kk-KZ", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("lawyer")
    page.locator("#id_password").fill(secret["lawyer"])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cases/$"))

    page.goto(f"{base}/cases/{case.code}/")
    page.get_by_role("link", name="Сотқа арналған дәлелдемелер жинағы").click()
    page.wait_for_url(f"{base}/cases/{case.code}/evidence/bundle/")
    assert page.get_by_label("Тізімдеме тілі").input_value() == "kk"
    page.get_by_role("button", name="Жинақты жасап, жүктеп алу").click()
    page.locator("#id_step_up_password").wait_for()
    assert page.locator("h1").inner_text() == "Бұл сіз екеніңізді растаңыз"
    page.locator("#id_step_up_password").fill(secret["lawyer"])
    with page.expect_download() as download:
        page.locator("main button[type=submit]").click()
    data = Path(download.value.path()).read_bytes()  # before close: closing deletes the download
    assert download.value.suggested_filename == f"aigaq-bundle-{case.short_code.lower()}.zip"
    context.close()
    verdict = bundle.verify(io.BytesIO(data))
    assert verdict.ok and verdict.receipts == 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        evidence = [n for n in archive.namelist() if n.startswith("evidence/")]
        assert [archive.read(n) for n in evidence] == [statement]
