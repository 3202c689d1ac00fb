"""Reading only the first rows of a sheet, with a count of all of them."""

from __future__ import annotations

import pytest

from aigaq.imports.reader import read

from .conftest import HEADER, csv_bytes, good_row, xlsx


def rows_with_gaps(kind: str) -> list[list[object]]:
    # A blank row above the header in the workbook (a csv's first line is the one its dialect is sniffed from).
    rows: list[list[object]] = [[None] * 3, HEADER] if kind == "xlsx" else [HEADER]
    for n in range(1, 31):
        rows.append(good_row(n))
        if n % 7 == 0 and kind == "xlsx":  # (csv.Sniffer is thrown by blank lines: a limit of the reader)
            rows.append([None, "", None])  # blank rows are not rows of data
    return rows


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_sheet_read_with_a_limit_has_its_first_rows_and_the_count_of_all(kind: str) -> None:
    data = xlsx(rows_with_gaps(kind)) if kind == "xlsx" else csv_bytes(rows_with_gaps(kind))
    whole = read(data, f"s.{kind}")
    first = read(data, f"s.{kind}", limit=5)
    assert whole.row_count == len(whole.rows) == 30 and whole.complete
    assert first.rows == whole.rows[:5] and first.row_count == 30 and not first.complete
    assert first.headers == whole.headers == HEADER


def test_a_short_sheet_read_with_a_limit_is_complete() -> None:
    sheet = read(xlsx([HEADER, good_row(1), good_row(2)]), "s.xlsx", limit=5)
    assert sheet.complete and sheet.row_count == 2


def test_the_count_of_a_workbook_with_inline_strings_and_prefixed_elements() -> None:
    """Workbooks written by other programs: inline strings and a namespace prefix on every element."""
    import io
    import zipfile

    data = xlsx([HEADER, *(good_row(n) for n in range(1, 13))])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                text = content.decode()
                text = text.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=")
                text = text.replace("</worksheet>", "</x:worksheet>")
                for tag in ("sheetData", "row", "c", "v", "dimension", "sheetViews", "sheetView", "selection",
                            "sheetFormatPr", "pageMargins", "is", "t"):
                    text = text.replace(f"<{tag} ", f"<x:{tag} ").replace(f"<{tag}>", f"<x:{tag}>")
                    text = text.replace(f"</{tag}>", f"</x:{tag}>").replace(f"<{tag}/>", f"<x:{tag}/>")
                content = text.encode()
            target.writestr(name, content)
    sheet = read(out.getvalue(), "s.xlsx", limit=3)
    assert sheet.row_count == 12 and len(sheet.rows) == 3
