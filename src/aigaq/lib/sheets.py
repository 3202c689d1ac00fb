"""Spreadsheets that leave Aigaq (exports, error sheets): CSV and xlsx that are safe to open.

*Formula injection.* A spreadsheet program runs a cell that begins with `=`, `+`, `-` or `@` (and,
in some, a tab or a carriage return) as a formula: an organisation's, a place's or a typed name such
as `=HYPERLINK("http://…")` would become a link or a command on the analyst's computer. Every text
cell that begins with one of them is therefore written as text: in CSV with a leading apostrophe
(the OWASP advice; Excel and LibreOffice hide it and keep the rest as text), in xlsx as a string
cell with Excel's "quote prefix" (shown without the apostrophe, and still text when edited).
Numbers stay numbers (a negative number is not a formula).

*Invisible characters* (`aigaq.lib.text.neutralise`) become visible markers in both.

*Excel and UTF-8.* Excel reads a CSV file as the computer's legacy code page unless it begins with
a byte order mark, so Kazakh and Russian come out garbled; `csv_bytes` writes UTF-8 with the mark.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from .text import neutralise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Value = str | int | float | dt.date | None


def as_text(value: str) -> str:
    """The text as a spreadsheet must get it: invisible characters shown, a formula defused."""
    value = neutralise(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_value(value: Value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return as_text(value)
    return value


def csv_bytes(rows: Iterable[Sequence[Value]]) -> bytes:
    """The rows as CSV in UTF-8 with a byte order mark (for Excel), every text cell defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: Sequence[tuple[str, Iterable[Sequence[Value]]]]) -> bytes:
    """A workbook with one sheet per (title, rows), its first row bold; text cells are never formulas.

    Written in openpyxl's write-only mode, row by row, so a list of 100,000 cases does not hold a
    cell object per value in memory."""
    import openpyxl  # loaded when a workbook is made, not by every page
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for title, rows in sheets:
        sheet = book.create_sheet(_sheet_title(title))
        for r, row in enumerate(rows):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=neutralise(value) if isinstance(value, str) else value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text begins with
                    if value.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True  # Excel keeps it text when the cell is edited
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                if r == 0:
                    cell.font = bold
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's limits on a sheet's name: 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in neutralise(title))
    return cleaned[:31] or "Sheet"
