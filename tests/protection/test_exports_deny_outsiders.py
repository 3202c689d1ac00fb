"""Exports leave the server, so each must hold only what its reader may see: another
organisation's coordinator, an analyst, a lawyer not on the case and a visitor get none of a
case in a case-list export, and no export holds a survivor's name, her account or a suspect's phone."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from aigaq.accounts.models import User

from .helpers import leaks, secret_case, stepped_up

pytestmark = pytest.mark.django_db


def _codes(content: bytes, fmt: str) -> set[str]:
    if fmt == "csv":
        return {line.split(",")[0] for line in content.decode("utf-8-sig").splitlines()[1:]}
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return {str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_case_list_export_holds_no_case_of_another_organisation_or_one_she_is_not_on(
    alice: User, bob: User, olga: User, fmt: str
) -> None:
    case = secret_case(alice)
    for outsider in (olga, bob):
        response = stepped_up(outsider).post(f"/cases/export.{fmt}")
        assert response.status_code == 200
        assert case.short_code not in _codes(response.content, fmt) and not leaks(response.content)
    assert case.short_code in _codes(stepped_up(alice).post(f"/cases/export.{fmt}").content, fmt)


def test_an_analyst_and_a_visitor_get_no_case_list_export(alice: User, ann: User) -> None:
    secret_case(alice)
    assert stepped_up(ann).post("/cases/export.csv").status_code == 404
    visitor = Client().post("/cases/export.csv")
    assert visitor.status_code == 302 and "/cases/" not in visitor.get("Content-Disposition", "")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_case_list_export_holds_no_survivor_name_account_or_suspect_phone(cora: User, fmt: str) -> None:
    secret_case(cora)
    content = stepped_up(cora).post(f"/cases/export.{fmt}").content
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        content = repr(list(sheet.iter_rows(values_only=True))).encode()
    assert len(_codes(stepped_up(cora).post(f"/cases/export.{fmt}").content, fmt)) == 1
    assert leaks(content) == []


def test_insights_exports_are_refused_to_caseworkers_and_hold_only_her_organisation(
    alice: User, cora: User, olga: User
) -> None:
    secret_case(cora)
    for fmt in ("csv", "xlsx", "json"):
        assert stepped_up(alice).get(f"/insights/export.{fmt}").status_code == 404
    content = stepped_up(olga).get("/insights/export.xlsx").content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    header = rows[0]
    total = [r for r in rows[1:] if r[header.index("table")] == "funnel" and r[header.index("group")] == "total"]
    assert total and all(r[4] == 0 for r in total) and not leaks(content)
