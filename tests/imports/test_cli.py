"""`aigaq import cases` and `aigaq import template`, end to end through the management command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from aigaq.accounts.models import Organisation, User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case, PathwayEvent, SearchToken
from aigaq.imports.columns import KEYS
from aigaq.imports.models import ImportedCase

from .conftest import HEADER, csv_bytes, good_row, xlsx

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def bad_rows() -> list[list[Any]]:
    """Ten rows, each with a different problem, and the column it is in."""
    future = (dt.date.today() + dt.timedelta(days=40)).strftime("%d.%m.%Y")
    rows = [good_row(1000 + i) for i in range(10)]
    rows[0][1] = future  # a date in the future
    rows[1][2] = "Атлантида"  # an unknown region
    rows[2][5] = "позвоните вечером"  # not a phone
    rows[3][0] = ""  # the required reference empty
    rows[4][0] = "A-1"  # the reference of row 2 again
    rows[5][1] = "32.13.2021"  # not a date
    rows[6][4] = "что-то странное"  # an unknown type of violence
    rows[7][1] = ""  # the required date empty
    rows[8][2] = ""  # the required region empty
    rows[9][4] = ""  # the required type empty
    return rows


def sheet_200(tmp_path: Path) -> Path:
    rows = [good_row(n) for n in range(1, 191)]
    for offset, row in enumerate(bad_rows()):
        rows.insert(offset * 19 + 5, row)
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx([HEADER, *rows]))
    return path


def test_a_200_row_sheet_with_ten_kinds_of_error_names_every_error_and_saves_nothing(
    tmp_path: Path, cora: User,
) -> None:
    path = sheet_200(tmp_path)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "cases", str(path), stdout=out, stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 10
    assert all(line.startswith("Лист1, row ") and "column " in line for line in lines)
    assert any("column B (Дата)" in line and "future" in line for line in lines)
    assert any("column C (Область)" in line and "not one of the regions" in line for line in lines)
    assert any("column F (Телефон подозреваемого)" in line and "not a phone" in line for line in lines)
    assert any("already on row" in line for line in lines)
    assert sum("required and is empty" in line for line in lines) == 4
    assert Case.objects.count() == 0 and ImportedCase.objects.count() == 0


def test_skip_bad_rows_saves_the_190_good_rows_and_writes_the_10_bad_ones_to_an_error_sheet(
    tmp_path: Path, cora: User,
) -> None:
    path = sheet_200(tmp_path)
    out, _ = run("cases", str(path), "--skip-bad-rows")
    assert Case.objects.count() == 190
    errors = tmp_path / "cases-errors.xlsx"
    sheet = openpyxl.load_workbook(errors).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][: len(HEADER)] == tuple(HEADER)
    assert len(rows) == 11 and all(row[len(HEADER)] for row in rows[1:])
    assert "190 case(s) created" in out


def test_importing_the_same_file_again_creates_no_new_case(tmp_path: Path, cora: User) -> None:
    path = sheet_200(tmp_path)
    run("cases", str(path), "--skip-bad-rows")
    out, _ = run("cases", str(path), "--skip-bad-rows")
    assert Case.objects.count() == 190
    assert "0 case(s) created, 190 already imported" in out


def test_a_dry_run_checks_every_row_and_writes_nothing(tmp_path: Path, cora: User) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes([HEADER, good_row(1), good_row(2)]))
    out, _ = run("cases", str(path), "--dry-run")
    assert "2 case(s) would be created" in out
    assert Case.objects.count() == 0


def test_lenient_keeps_the_row_and_drops_only_the_bad_value_counting_drops_per_column(
    tmp_path: Path, cora: User,
) -> None:
    rows = [good_row(1), good_row(2), good_row(3)]
    rows[0][5] = "не телефон"
    rows[1][5] = "тоже нет"
    path = tmp_path / "lenient.xlsx"
    path.write_bytes(xlsx([HEADER, *rows]))
    out, _ = run("cases", str(path), "--lenient")
    assert Case.objects.count() == 3
    assert "dropped 2 value(s) of suspect_phone" in out


def test_imported_cases_go_through_the_case_services_with_search_tokens_events_and_audit(
    tmp_path: Path, cora: User,
) -> None:
    header = [*HEADER, "police_contacted_date", "report_registered_date", "article"]
    path = tmp_path / "one.xlsx"
    path.write_bytes(xlsx([header, [*good_row(1), "13.04.2021", "20.04.2021", "ст. 120 УК"]]))
    run("cases", str(path))
    case = Case.objects.get()
    assert case.incident.region == "KZ-19" and case.incident.city == "konaev" and case.incident.gbv_type == "rape"
    assert case.suspects.get().full_name == "Серик Тест1"
    assert SearchToken.objects.filter(case=case).exists()
    assert set(PathwayEvent.objects.filter(case=case).values_list("type", flat=True)) == {
        "incident", "police_contacted", "report_registered"}
    assert PathwayEvent.objects.get(case=case, type="report_registered").facts["initial_article"] == "CC-120"
    assert AuditEntry.objects.filter(action=Action.CASES_IMPORTED).count() == 1
    assert AuditEntry.objects.filter(action=Action.CASE_CREATED, case_code=case.code).exists()


def test_an_imported_case_has_no_consent_to_matching_unless_given(tmp_path: Path, cora: User) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes([HEADER, good_row(1)]))
    run("cases", str(path))
    assert Case.objects.get().survivor.consent_matching is False
    path.write_bytes(csv_bytes([HEADER, good_row(2)]))
    run("cases", str(path), "--consent-matching")
    assert Case.objects.get(incident__isnull=False, survivor__consent_matching=True)


def test_a_consent_column_gives_each_row_its_own_consent(tmp_path: Path, cora: User) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes([[*HEADER, "consent_matching"], [*good_row(1), "да"], [*good_row(2), "нет"]]))
    run("cases", str(path))
    consents = dict(ImportedCase.objects.values_list("external_ref", "case__survivor__consent_matching"))
    assert consents == {"A-1": True, "A-2": False}


def test_a_filled_template_imports_with_no_mapping(tmp_path: Path, cora: User, org: Organisation) -> None:
    template = tmp_path / "template.xlsx"
    run("template", "-o", str(template))
    book = openpyxl.load_workbook(template)
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]][: len(KEYS)] == list(KEYS)
    assert sheet["B2"].value == "Date of the incident"  # the organisation's language (en)
    filled = dict.fromkeys(KEYS, None) | {
        "external_ref": "T-1", "incident_date": "2021-04-12", "region": "Abai Region", "city": "Semey",
        "violence_type": "Rape", "survivor_pseudonym": "Айгүл", "suspect_name": "Ivan", "suspect_phone": "+77015551234",
        "suspect_handle": "@ivan", "police_contacted_date": "13.04.2021", "report_refused_date": "14.04.2021",
        "report_registered_date": "15.04.2021", "article": "CC 120", "verdict_date": "01.10.2021",
        "verdict": "convicted",
    }
    sheet.append([filled[k] for k in KEYS])
    book.save(template)
    run("cases", str(template))
    case = ImportedCase.objects.get(external_ref="T-1").case
    assert case.survivor.pseudonym == "Айгүл"
    assert PathwayEvent.objects.get(case=case, type="verdict").facts == {"outcome": "convicted", "article": "CC-120"}


def test_a_mapping_file_names_the_columns(tmp_path: Path, cora: User) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(csv_bytes([["Дело", "Когда", "Где", "Что"], ["X-1", "12.04.2021", "ЗКО", "побои"]]))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Дело": "external_ref", "Когда": "incident_date", "Где": "region",
                                   "Что": "violence_type"}, ensure_ascii=False))
    run("cases", str(path), "--mapping", str(mapping))
    assert Case.objects.get().incident.gbv_type == "physical_assault"


def test_problems_are_reported_in_the_organisations_language(tmp_path: Path, cora: User, org: Organisation) -> None:
    org.default_language = "ru"
    org.save()
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([HEADER, [*good_row(1)[:2], "Атлантида", *good_row(1)[3:]]]))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "cases", str(path), stdout=StringIO(), stderr=err)
    assert "строка 2" in err.getvalue() and "регион" in err.getvalue()


def test_importing_the_sheet_again_does_not_bring_back_a_case_erased_at_her_request(
    tmp_path: Path, cora: User,
) -> None:
    from aigaq.cases.erasure import case_erase

    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes([HEADER, good_row(1)]))
    run("cases", str(path))
    case_erase(actor=cora, case=Case.objects.get())
    out, _ = run("cases", str(path))
    assert Case.objects.count() == 0
    assert "1 already imported" in out


def test_a_formula_in_a_workbook_is_never_run(tmp_path: Path, cora: User) -> None:
    row = good_row(1)
    row[5] = "=1+1"  # a reader that runs no formula sees the empty cell Excel would have cached
    row[6] = "=cmd|' /C calc'!A0"
    path = tmp_path / "f.xlsx"
    path.write_bytes(xlsx([HEADER, row]))
    run("cases", str(path))
    assert not Case.objects.get().suspects.exists()


def test_a_text_that_looks_like_a_formula_stays_text_in_the_error_sheet(tmp_path: Path, cora: User) -> None:
    row = good_row(1)
    row[2] = '=HYPERLINK("http://evil.example","Алматы")'
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes([HEADER, row]))
    run("cases", str(path), "--skip-bad-rows")
    cell = openpyxl.load_workbook(tmp_path / "f-errors.xlsx").active["C2"]  # type: ignore[index]
    assert cell.data_type == "s" and cell.value == row[2]


def test_aigaq_import_is_a_sub_command_of_the_aigaq_command(tmp_path: Path, cora: User) -> None:
    from aigaq.ops import cli

    target = tmp_path / "t.xlsx"
    assert cli.main(["import", "template", "-o", str(target), "--language", "kk"]) == 0
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None and sheet["A1"].value == "external_ref" and sheet["B2"].value == "Оқиға болған күн"


def test_a_sheet_without_a_required_column_imports_nothing_even_when_skipping_bad_rows(
    tmp_path: Path, cora: User,
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes([["№", "Дата", "Вид насилия"], ["A-1", "12.04.2021", "побои"]]))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "cases", str(path), "--skip-bad-rows", stdout=StringIO(), stderr=err)
    assert "No column is chosen for “Region”" in err.getvalue()
    assert Case.objects.count() == 0


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_shows_progress_bars_on_a_terminal(
    tmp_path: Path, cora: User, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx([HEADER, *(good_row(n) for n in range(1, 31))]))
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    out, _err = run("cases", str(path))
    shown = terminal.getvalue()
    assert "checking: 100%" in shown and "30/30" in shown
    assert "saving: 100%" in shown
    assert "30 case(s) created" in out


def test_the_command_is_quiet_when_not_on_a_terminal(
    tmp_path: Path, cora: User, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx([HEADER, *(good_row(n) for n in range(1, 31))]))
    piped = StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    out, err = run("cases", str(path))
    assert piped.getvalue() == "" and err == ""
    assert "30 case(s) created" in out
