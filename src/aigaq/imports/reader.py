"""Reading a sheet: xlsx through openpyxl (values only, never a formula's code: `data_only` gives the
value Excel saved), csv with its delimiter and encoding sniffed. Everything is read from bytes in
memory, so an upload never touches the disk in plaintext.

Why openpyxl alone: django-import-export writes model rows itself, which would bypass the case
services (no sealing under the case's key, no search tokens, matching or audit), and its admin-style
resources would have to be turned off field by field; tablib is a layer over openpyxl and csv that
adds neither the value mapping nor the per-cell problems we need, only another dependency."""

from __future__ import annotations

import csv
import io
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


def read(data: bytes, filename: str) -> Sheet:
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    return _read_csv(data)


def _read_xlsx(data: bytes) -> Sheet:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: the file is not a workbook
        raise Unreadable(_("This file could not be read as an Excel workbook (xlsx).")) from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        return _sheet(sheet.title, rows)
    finally:
        book.close()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable(_("This file could not be read as text (csv): save it as UTF-8."))


def _read_csv(data: bytes) -> Sheet:
    text = _decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _sheet("csv", csv.reader(io.StringIO(text), dialect))


def _blank(row: Sequence[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _sheet(name: str, rows: Any) -> Sheet:
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
        cells = (cells + [None] * len(header))[: len(header)]
        out.rows.append((number, cells))
    if header is None:
        raise Unreadable(_("The sheet is empty."))
    return out
