"""A coordinator adds a survivor's report to an existing case in a real browser, in Kazakh: the
case's code, the page that shows what will be added, the confirmation, then the case with her
account as a note and her photo as evidence (issue 14)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image

from aigaq.accounts.models import Organisation
from aigaq.cases import services as case_services
from aigaq.evidence.models import EvidenceItem
from aigaq.reports import services
from aigaq.reports.models import Report

from ..conftest import INCIDENT, SURVIVOR, SUSPECT, make_user
from .test_case_e2e import SHOTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACCOUNT = "Ол маған түнде қорқытып хат жазды"


def test_a_coordinator_adds_a_report_to_an_existing_case_in_kazakh(page: Any, live_server: Any) -> None:
    org = Organisation.objects.create(name="Дағдарыс орталығы", default_language="kk")
    cora = make_user("cora", org, "coordinator")
    case = case_services.case_create(actor=cora, survivor=SURVIVOR, incident=INCIDENT, suspects=[SUSPECT])
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(png, "PNG")
    services.report_submit(organisation=org, pin="482913", upload=("screenshot.png", png.getvalue()),
                           data=services.ReportInput(account=ACCOUNT, his_name="Ерлан", his_phones="+7 701 999 12 34"))
    report = Report.objects.get()
    base = live_server.url
    sign_in(page, base, cora)
    page.goto(f"{base}/report/queue/{report.code}/")
    page.get_by_role("link", name="Бар іске қосу").click()
    page.get_by_label("Іс коды").fill(case.short_code)
    page.get_by_role("button", name="Жалғастыру").click()
    page.locator("#merge-note").wait_for()
    assert ACCOUNT in page.locator("#merge-note").inner_text()
    page.get_by_label("Оны іске жаңа күдікті ретінде қосу").check()
    page.get_by_label("Иә, бұл хабарды осы іске қосу").check()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "report-merge-kk.png"), full_page=True)
    page.get_by_role("button", name="Іске қосу").click()
    page.wait_for_url(re.compile(rf"/cases/{case.code}/$"))
    page.get_by_text("Хабар іске қосылды.").wait_for()
    assert ACCOUNT in page.content()
    assert EvidenceItem.objects.get(case=case).filename == "screenshot.png"
    assert Report.objects.get().status == Report.Status.MERGED
