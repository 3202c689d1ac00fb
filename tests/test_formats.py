"""Dates read as people in Kazakhstan write them, in every language of the interface."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize(("lang", "expected"), [("kk", "29.11.2026 14:13"), ("ru", "29.11.2026 14:13")])
def test_short_dates_are_day_first_on_a_24_hour_clock(lang: str, expected: str) -> None:
    when = dt.datetime(2026, 11, 29, 14, 13)
    with translation.override(lang):
        text = Template('{{ when|date:"SHORT_DATETIME_FORMAT" }} {{ when|date:"DATE_FORMAT" }}').render(
            Context({"when": when})
        )
    assert text.startswith(expected)
    assert "Т.Қ" not in text and "/" not in text
