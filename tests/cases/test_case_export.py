"""The case list as xlsx and CSV: the list's filters, only her cases, her language, step-up, audit,
and nothing the list does not show."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Callable

import openpyxl
import pytest
from django.test import Client

from aigaq.accounts.models import User
from aigaq.accounts.sessions import STEP_UP_KEY
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case

from ..conftest import INCIDENT, PASSWORD, SUSPECT, client_for

pytestmark = pytest.mark.django_db


def stepped_up(user: User) -> Client:
    import time

    client = client_for(user)
    session = client.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    return client


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def three(alice: User, make_case: Callable[..., Case]) -> dict[str, Case]:
    oral = dataclasses.replace(INCIDENT, region="KZ-27", city="oral", date_from=dt.date(2025, 3, 2))
    other = dataclasses.replace(SUSPECT, full_name="Болат Нұрланов", phones="")
    return {"astana": make_case(alice), "oral": make_case(alice, incident=oral, suspects=[other]),
            "astana2": make_case(alice, suspects=[other])}


def test_the_export_asks_for_a_fresh_step_up_and_carries_the_filters_through_it(
    alice: User, three: dict[str, Case]
) -> None:
    client = client_for(alice)
    asked = client.post("/cases/export.csv", {"region": "KZ-27"})
    assert asked.status_code == 200 and not asked.has_header("Content-Disposition")
    body = asked.content.decode()
    assert "step_up_password" in body and 'name="region" value="KZ-27"' in body
    assert not AuditEntry.objects.filter(action=Action.CASES_EXPORTED).exists()
    confirmed = client.post("/cases/export.csv", {"region": "KZ-27", "step_up_method": "POST",
                                                  "step_up_password": PASSWORD})
    assert confirmed["Content-Disposition"].startswith("attachment")
    assert [r[0] for r in csv_rows(confirmed.content)[1:]] == [three["oral"].short_code]


def test_a_get_is_refused_so_no_filter_travels_in_the_address(alice: User, three: dict[str, Case]) -> None:
    assert stepped_up(alice).get("/cases/export.csv", {"q": "Сейітов"}).status_code == 405


def test_the_export_applies_the_lists_filters_and_search(alice: User, three: dict[str, Case]) -> None:
    client = stepped_up(alice)
    rows = csv_rows(client.post("/cases/export.csv", {"region": "KZ-71"}).content)
    assert {r[0] for r in rows[1:]} == {three["astana"].short_code, three["astana2"].short_code}
    rows = csv_rows(client.post("/cases/export.csv", {"q": "Сейітов"}).content)
    assert [r[0] for r in rows[1:]] == [three["astana"].short_code]
    rows = xlsx_rows(client.post("/cases/export.xlsx", {"since": "2025-04-01"}).content)
    assert {r[0] for r in rows[1:]} == {three["astana"].short_code, three["astana2"].short_code}
    assert rows[1][1] == dt.datetime(2025, 5, 4)  # a date cell, not text


def test_a_caseworker_exports_only_the_cases_she_has_a_place_on(
    alice: User, cora: User, make_case: Callable[..., Case], three: dict[str, Case]
) -> None:
    coordinators = make_case(cora)
    mine = {r[0] for r in csv_rows(stepped_up(alice).post("/cases/export.csv").content)[1:]}
    assert mine == {c.short_code for c in three.values()}
    everyone = {r[0] for r in csv_rows(stepped_up(cora).post("/cases/export.csv").content)[1:]}
    assert everyone == mine | {coordinators.short_code}


def test_the_columns_and_values_are_in_her_language(alice: User, three: dict[str, Case]) -> None:
    alice.language = "ru"
    alice.save()
    rows = xlsx_rows(stepped_up(alice).post("/cases/export.xlsx", {"region": "KZ-27"}).content)
    assert rows[0][:3] == ["Код", "Инцидент", "Регион"]
    assert rows[1][2] == "Западно-Казахстанская область"


def test_the_export_holds_no_name_pseudonym_phone_or_account(alice: User, three: dict[str, Case]) -> None:
    client = stepped_up(alice)
    for fmt in ("csv", "xlsx"):
        content = client.post(f"/cases/export.{fmt}").content
        text = content.decode("utf-8-sig") if fmt == "csv" else str(xlsx_rows(content))
        for secret in ("Сейітов", "Нұрланов", "555-12-34", "running in the park"):
            assert secret not in text
        for case in three.values():
            assert case.survivor.pseudonym not in text


def test_the_export_is_audited_with_the_filters_codes_but_not_the_search_text(
    alice: User, three: dict[str, Case]
) -> None:
    stepped_up(alice).post("/cases/export.xlsx", {"q": "Сейітов", "region": "KZ-71", "view": "mine"})
    entry = AuditEntry.objects.get(action=Action.CASES_EXPORTED)
    assert entry.extra["format"] == "xlsx" and entry.extra["rows"] == 1
    assert entry.extra["region"] == "KZ-71" and entry.extra["view"] == "mine" and entry.extra["search"] is True
    assert "Сейітов" not in str(entry.extra)


def test_bad_filters_export_nothing_and_say_so(alice: User, three: dict[str, Case]) -> None:
    response = stepped_up(alice).post("/cases/export.csv", {"since": "2025-05-01", "until": "2025-01-01"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert not AuditEntry.objects.filter(action=Action.CASES_EXPORTED).exists()


def test_the_list_offers_the_export_with_its_filters_in_the_form_body(alice: User, three: dict[str, Case]) -> None:
    body = client_for(alice).get("/cases/", {"region": "KZ-71", "page": "1"}).content.decode()
    assert 'action="/cases/export.xlsx"' in body and 'formaction="/cases/export.csv"' in body
    form = body.split('class="list-export"')[1].split("</form>")[0]
    assert 'name="region" value="KZ-71"' in form and 'name="page"' not in form
