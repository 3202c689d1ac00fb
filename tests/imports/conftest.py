"""Sheets for the import tests, written as xlsx or csv bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import openpyxl

HEADER = ["№", "Дата", "Область", "Город", "Вид насилия", "Телефон подозреваемого", "ФИО подозреваемого"]


def xlsx(rows: Sequence[Sequence[Any]], title: str = "Лист1") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("utf-8")


def good_row(n: int) -> list[Any]:
    return [f"A-{n}", "12.04.2021", "Алматинская область", "Конаев", "изнасилование", "8 701 555 12 34",
            f"Серик Тест{n}"]
