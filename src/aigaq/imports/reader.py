"""Reading a sheet: xlsx through openpyxl (values only, never a formula's code: `data_only` gives the
value Excel saved), csv with its delimiter and encoding sniffed. Everything is read from bytes in
memory, so an upload never touches the disk in plaintext.

`read(data, name, limit=n)` reads only the header and the first n data rows (the mapping page's
preview) and counts the rest without reading their cells (`Sheet.row_count`); the import reads
and checks every row.

Why openpyxl alone: django-import-export writes model rows itself, which would bypass the case
services (no sealing under the case's key, no search tokens, matching or audit), and its admin-style
resources would have to be turned off field by field; tablib is a layer over openpyxl and csv that
adds neither the value mapping nor the per-cell problems we need, only another dependency."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


class Unreadable(ValueError):
    """The file is neither an xlsx workbook nor a csv text that can be read."""


@dataclass
class Sheet:
    name: str
    headers: list[str]
    # Each data row with its row number in the sheet (1 = the first row, as the spreadsheet shows).
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    # The number of data rows in the whole sheet: len(rows) unless it was read with a limit.
    row_count: int = 0

    @property
    def complete(self) -> bool:
        """Whether `rows` holds every data row (it was read without a limit, or the sheet is short)."""
        return len(self.rows) == self.row_count


# A worksheet's rows in its XML, and whether one holds a value (a cell's <v> or an inline string):
# enough to count the rows without reading their cells. Element names may carry a prefix ("x:row").
_XML_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_XML_VALUE = re.compile(rb"<(?:\w+:)?(?:v>[^<]|is>)")


def read(data: bytes, filename: str, *, limit: int | None = None) -> Sheet:
    """The sheet's header and its data rows: every one, or the first `limit` (and their count)."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data, limit)
    return _read_csv(data, limit)


def _xlsx_rows_with_values(book: Any, sheet: Any) -> int | None:
    """How many of the worksheet's rows hold a value, from its XML alone (a few tenths of a second
    for 50,000 rows, where openpyxl takes about 15 s to read their cells); None if the worksheet's
    XML cannot be found this way (then the rows are counted by reading them)."""
    archive, path = getattr(book, "_archive", None), getattr(sheet, "_worksheet_path", None)
    if not isinstance(archive, zipfile.ZipFile) or not isinstance(path, str):
        return None
    try:
        xml = archive.read(path)
    except (KeyError, OSError, zipfile.BadZipFile):
        return None
    return sum(1 for row in _XML_ROW.finditer(xml) if row.group(1) and _XML_VALUE.search(row.group(1)))


def _read_xlsx(data: bytes, limit: int | None) -> Sheet:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: the file is not a workbook
        raise Unreadable(_("This file could not be read as an Excel workbook (xlsx).")) from exc
    try:
        sheet = book.worksheets[0]
        counted = _xlsx_rows_with_values(book, sheet) if limit is not None else None
        out = _sheet(sheet.title, sheet.iter_rows(values_only=True), limit, count_rest=counted is None)
        if counted is not None and out.row_count > len(out.rows):
            # The rows with a value, less the header (rows above it are blank): at least those read.
            out.row_count = max(counted - 1, out.row_count)
        return out
    finally:
        book.close()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable(_("This file could not be read as text (csv): save it as UTF-8."))


def _read_csv(data: bytes, limit: int | None) -> Sheet:
    text = _decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # csv's reader is fast: rows beyond the limit are counted by reading them.
    return _sheet("csv", csv.reader(io.StringIO(text), dialect), limit, count_rest=True)


def _blank(row: Sequence[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _sheet(name: str, rows: Any, limit: int | None, *, count_rest: bool = True) -> Sheet:
    """The header (the first row that is not blank) and the data rows after it, blank ones left
    out: every one, or the first `limit`; `row_count` counts the others too when `count_rest`,
    else is one more than those read when there are more (the caller counts them)."""
    header: list[str] | None = None
    out = Sheet(name=name, headers=[])
    for number, row in enumerate(rows, start=1):
        cells = list(row)
        if header is None:
            if _blank(cells):
                continue
            header = ["" if c is None else str(c).strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            out.headers = header
            continue
        if _blank(cells):
            continue
        out.row_count += 1
        if limit is not None and out.row_count > limit:
            if not count_rest:
                break
            continue
        cells = (cells + [None] * len(header))[: len(header)]
        out.rows.append((number, cells))
    if header is None:
        raise Unreadable(_("The sheet is empty."))
    return out
