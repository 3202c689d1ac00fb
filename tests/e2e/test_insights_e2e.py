"""An analyst in a real browser: the dashboard, a filter, the CSV export and the PDF in three languages."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest

from aigaq.accounts.models import Organisation
from aigaq.cases import services
from aigaq.cases.models import Case

from ..conftest import INCIDENT, PASSWORD, case_data, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/aigaq-screens")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_an_analyst_filters_the_dashboard_and_downloads_safe_data_and_the_report(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    org = Organisation.objects.create(name="Crisis centre", default_language="en")
    cora = make_user("cora", org, "coordinator")
    ann = make_user("ann", org, "analyst")
    for i in range(12):
        region = "KZ-71" if i < 7 else "KZ-75"
        incident = dataclasses.replace(
            INCIDENT,
            region=region,
            city="astana" if region == "KZ-71" else "almaty",
            gbv_type="rape",
            date_from=dt.date(2025, 3, 1 + i),
        )
        case = services.case_create(actor=cora, **case_data(incident=incident))
        services.pathway_event_add(
            actor=cora, case=case, event_type="police_contacted", date=dt.date(2025, 3, 20), data={"unit": "Almaly"}
        )
        if i % 2:
            services.pathway_event_add(
                actor=cora,
                case=case,
                event_type="report_refused",
                date=dt.date(2025, 3, 20),
                data={"reason": "natural_instincts"},
            )

    base = live_server.url
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(ann.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/insights/")
    assert page.get_by_role("heading", name="Where cases are lost", exact=True).is_visible()
    assert page.locator("svg.chart").count() >= 5
    assert page.locator("svg.chart text", has_text="Reported to police").count() >= 1

    page.get_by_label("Region", exact=True).select_option("KZ-71")
    page.get_by_label("Break down by").select_option("region")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/insights/?*region=KZ-71*")
    funnel = page.locator("#section-funnel ~ * table.figures").first
    assert "Astana" in funnel.inner_text() and "Almaty" not in funnel.inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "insights-dashboard.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    incidents = {r["group"]: r["value"] for r in rows if r["table"] == "funnel" and r["measure"] == "incident"}
    assert incidents == {"KZ-71": "7", "total": "7"}
    codes = set(Case.objects.values_list("code", flat=True))
    assert not any(code in value for code in codes for r in rows for value in r.values())

    words = {"kk": "Істер қай жерде жоғалады", "ru": "Где теряются дела", "en": "Where cases are lost"}
    for lang, title in words.items():
        page.get_by_label("Report language").select_option(lang)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the PDF report").click()
        target = tmp_path / f"report-{lang}.pdf"
        download.value.save_as(target)
        text = " ".join(pdf_text(target).split())
        assert title in text, (lang, text[:300])
    kazakh = " ".join(pdf_text(tmp_path / "report-kk.pdf").split())
    assert "Полицияға арыз берілді" in kazakh and "Астана қаласы" in kazakh
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "2",
            str(tmp_path / "report-kk.pdf"),
            str(SHOTS / "insights-report-kk"),
        ],
        check=True,
    )

    page.locator("form.lang-switch button[value=kk]").click()
    page.goto(f"{base}/insights/")
    assert page.locator("svg.chart text", has_text="Полицияға арыз берілді").count() >= 1
    page.screenshot(path=str(SHOTS / "insights-dashboard-kk.png"), full_page=True)
    # The inline charts carry no style the Content-Security-Policy would refuse.
    assert not [m for m in console if "Content Security Policy" in m], console
