"""The insights xlsx: the same suppressed numbers as the CSV and the dashboard, labelled in her
language, and no text cell that runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Callable

import openpyxl
import pytest
from django.test import Client

from aigaq.accounts.decorators import STEP_UP_KEY
from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case

pytestmark = pytest.mark.django_db
URL = "/insights/"


def _stepped_up(client: Client) -> Client:
    session = client.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    return client


@pytest.fixture
def cases(cora: User, build: Callable[..., Case]) -> list[Case]:
    made = [build(cora) for _ in range(6)]
    made += [build(cora, region="KZ-75", city="almaty", date_from=dt.date(2024, 3, 9)) for _ in range(2)]
    return made


def test_the_xlsx_is_suppressed_exactly_as_the_csv(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    client = _stepped_up(login(ann))
    content = client.get(URL + "export.xlsx", {"by": "region"}).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    figures = list(book.worksheets[0].iter_rows(values_only=True))
    keys = figures[0].index("table"), figures[0].index("group"), figures[0].index("measure")
    xlsx = {(r[keys[0]], r[keys[1]], r[keys[2]]): r[4] for r in figures[1:]}
    text = client.get(URL + "export.csv", {"by": "region"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(xlsx)
    for r in rows:
        assert str(xlsx[(r["table"], r["group"], r["measure"])]) == r["value"]
    assert xlsx[("funnel", "KZ-75", "incident")] == "<5"  # two cases: shown as "<5", never 2
    assert xlsx[("funnel", "KZ-71", "incident")] != 6 or xlsx[("funnel", "total", "incident")] == "x"
    assert isinstance(xlsx[("funnel", "KZ-71", "incident")], int | str)
    assert not any(c.code in str(figures) or c.short_code in str(figures) for c in cases)
    assert [e.extra["format"] for e in AuditEntry.objects.filter(action=Action.EXPORTED)] == ["xlsx", "csv"]


def test_the_xlsx_is_labelled_in_her_language_with_whole_month_periods(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    ann.language = "kk"
    ann.save()
    content = _stepped_up(login(ann)).get(URL + "export.xlsx", {"since": "2025-05-04", "until": "2025-05-20"}).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames[1] == "Сүзгі"
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["Кезең"] == "2025-05 – 2025-05"


def test_an_organisation_name_that_looks_like_a_formula_stays_text_in_the_xlsx(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    organisation = ann.membership.organisation
    organisation.name = '=HYPERLINK("http://evil.example","open")'
    organisation.save()
    content = _stepped_up(login(ann)).get(URL + "export.xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[1]
    cell = next(c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix
