"""Who sees insights, what the exports hold, and that downloads are audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from aigaq.accounts.decorators import STEP_UP_KEY
from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/insights/"


def _stepped_up(client: Client) -> Client:
    """She confirmed it is her a moment ago (downloads ask for it)."""
    session = client.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    return client


@pytest.fixture
def cases(cora: User, build: Callable[..., Case]) -> list[Case]:
    refused = [
        ("police_contacted", dt.date(2025, 5, 5), {"unit": "kz-75-up-almaly"}),
        ("report_refused", dt.date(2025, 5, 5), {"reason": "natural_instincts"}),
    ]
    made = [build(cora, refused) for _ in range(6)]
    made += [build(cora, refused, region="KZ-75", city="almaty", date_from=dt.date(2024, 3, 9)) for _ in range(2)]
    return made


def test_caseworkers_and_lawyers_get_404(alice: User, bob: User, login: Callable[[User], Client]) -> None:
    for user in (alice, bob):
        client = login(user)
        for url in (URL, URL + "export.csv", URL + "export.xlsx", URL + "export.json", URL + "report.pdf"):
            assert client.get(url).status_code == 404


def test_an_analyst_lands_on_the_dashboard_and_sees_no_case_code(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    client = login(ann)
    assert client.get("/")["Location"] == URL
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "<table" in body
    assert not any(c.code in body or c.short_code in body for c in cases)
    assert "style=" not in body and "<script>" not in body


def test_the_dashboard_shows_a_police_unit_by_its_name_in_the_list_not_its_code(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    body = login(ann).get(URL).content.decode()
    assert "Almaly District Police Department, Almaty" in body
    assert "kz-75-up-almaly" not in body


def test_the_dashboard_follows_the_filter(ann: User, cases: list[Case], login: Callable[[User], Client]) -> None:
    body = login(ann).get(URL, {"region": "KZ-71", "by": "region"}).content.decode()
    assert "Almaty" not in body.split("Attrition funnel")[1].split("</table>")[0]
    assert login(ann).get(URL, {"since": "2025-02-01", "until": "2025-01-01"}).status_code == 400


def test_exports_and_the_report_ask_for_a_fresh_step_up_before_anything_leaves(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    client = login(ann)
    for url in (URL + "export.csv", URL + "export.xlsx", URL + "export.json", URL + "report.pdf"):
        asked = client.get(url, {"by": "region"})
        assert asked.status_code == 200 and asked["Content-Type"].startswith("text/html")
        assert not asked.has_header("Content-Disposition") and "step_up_password" in asked.content.decode()
    assert not AuditEntry.objects.filter(action__in=[Action.EXPORTED, Action.REPORT_DOWNLOADED]).exists()
    confirmed = client.post(URL + "export.csv?by=region", {"step_up_method": "GET", "step_up_password": PASSWORD})
    assert confirmed.status_code == 302 and confirmed["Location"] == URL + "export.csv?by=region"
    download = client.get(confirmed["Location"])
    assert download["Content-Disposition"].startswith("attachment")
    assert download.content.startswith(b"\xef\xbb\xbfsection,")  # UTF-8 with a byte order mark, for Excel
    assert AuditEntry.objects.filter(action=Action.EXPORTED).count() == 1


def test_periods_are_whole_months_so_exports_a_day_apart_cannot_single_out_a_day(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    from aigaq.insights.filters import Filter

    f = Filter(organisations=(), since=dt.date(2025, 5, 5), until=dt.date(2025, 5, 6))
    assert (f.since, f.until) == (dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert f.period_label() == "2025-05 – 2025-05"
    client = _stepped_up(login(ann))
    exports = [
        client.get(URL + "export.json", {"since": since, "until": until}).content
        for since, until in (("2025-05", "2025-05"), ("2025-05-04", "2025-05-04"), ("2025-05-05", "2025-05-31"))
    ]
    assert exports[0] == exports[1] == exports[2]
    assert json.loads(exports[0])["filter"]["period"] == "2025-05 – 2025-05"
    page = client.get(URL, {"since": "2025-05", "until": "2025-13"})
    assert page.status_code == 400 and "Write a month as, for example, 2025-01." in page.content.decode()


def test_a_coordinator_sees_only_her_organisation(
    olga: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    text = _stepped_up(login(olga)).get(URL + "export.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    funnel_total = [r for r in rows if r["table"] == "funnel" and r["group"] == "total"]
    assert funnel_total and all(r["value"] == "0" for r in funnel_total)


def test_exports_are_suppressed_filtered_audited_and_hold_no_code_date_or_unit(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    client = _stepped_up(login(ann))
    text = client.get(URL + "export.csv", {"by": "region"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    funnel = {r["group"]: r["value"] for r in rows if r["table"] == "funnel" and r["measure"] == "incident"}
    assert funnel == {"KZ-71": "6", "KZ-75": "<5", "total": "x"} or funnel["KZ-75"] == "<5"
    assert not any(c.code in text for c in cases)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text.split("\n", 1)[1])
    assert "Almaly" not in text and "kz-75-up" not in text  # police units are below city level
    data = json.loads(client.get(URL + "export.json", {"since": "2025-01-01"}).content)
    assert data["filter"]["period"].startswith("from")
    assert {r["group"] for r in data["rows"] if r["table"] == "funnel"} == {"2025", "total"}
    exported = AuditEntry.objects.filter(action=Action.EXPORTED)
    assert [e.extra["format"] for e in exported] == ["csv", "json"]


def test_the_report_downloads_as_a_pdf_in_kazakh_and_is_audited(
    ann: User, cases: list[Case], login: Callable[[User], Client], tmp_path: Path
) -> None:
    response = _stepped_up(login(ann)).get(URL + "report.pdf", {"lang": "kk"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Істер" in text or "Іс" in text
    assert AuditEntry.objects.get(action=Action.REPORT_DOWNLOADED).extra["lang"] == "kk"


def test_the_report_command_writes_a_pdf_and_refuses_bad_input(cases: list[Case], tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    call_command("report", "--period", "2025", "--lang", "ru", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    for args, message in (
        (["--period", "2025-2024"], "ends before"),
        (["--period", "last year"], "cannot read"),
        (["--period", "2025", "--lang", "de"], "kk, ru or en"),
        (["--period", "2025", "--organisation", "nope"], "no organisation"),
        (["--period", "2025", "--map", "arrests"], "--map must be one of incident, reported"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("report", *args, "-o", str(out))


def test_the_report_command_speaks_english_whatever_the_server_language(cases: list[Case], tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    with translation.override("kk"):
        with pytest.raises(CommandError, match="cannot read the period"):
            call_command("report", "--period", "last year", "-o", str(out))
        with pytest.raises(CommandError, match="ends before it starts"):
            call_command("report", "--period", "2025-01-02..2025-01-01", "-o", str(out))
        printed = io.StringIO()
        call_command("report", "--period", "2025", "--lang", "ru", "-o", str(out), stdout=printed)
    assert "2025-01 – 2025-12" in printed.getvalue()  # periods are whole months
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Где теряются дела" in " ".join(text.split())
