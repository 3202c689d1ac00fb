"""Charts: matplotlib's SVG, made safe to sit inline under the page's Content-Security-Policy."""

from __future__ import annotations

import re

from aigaq.insights.charts import _draw, chart_svg
from aigaq.insights.metrics import Chart
from aigaq.lib.suppression import HIDDEN, SMALL, Cell

KAZAKH = ["Полицияға арыз берілді", "Жыныстық қылмыс бабы бойынша айып тағылды", "Бас бостандығынан айыру"]


def funnel(first: int) -> Chart:
    return Chart(
        "funnel",
        "Іс қай жерде жоғалады",
        KAZAKH,
        [Cell(first, str(first)), Cell(None, "<5", SMALL), Cell(None, "x", HIDDEN)],
    )


def test_a_chart_has_no_style_script_or_prologue_so_the_csp_lets_it_inline() -> None:
    svg = str(chart_svg(funnel(40)))
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert "style" not in svg and "<script" not in svg and "<?xml" not in svg and "<metadata" not in svg
    assert ' id="' not in svg  # several charts in one page repeat no id


def test_kazakh_labels_stay_text_in_dejavu_sans() -> None:
    svg = str(chart_svg(funnel(40)))
    for label in ("Полицияға арыз берілді", "Іс қай жерде жоғалады"):
        assert f">{label}<" in svg
    assert 'font-family="DejaVu Sans' in svg
    assert "<path" in svg and "glyph" not in svg  # text is not drawn as glyph outlines


def test_a_suppressed_value_gets_its_mark_but_no_bar() -> None:
    svg = str(chart_svg(funnel(40)))
    assert ">&lt;5<" in svg and ">x<" in svg
    bars = re.findall(r'<path d="M [^"]*"[^>]*fill="#4b2c82"', svg)
    assert len(bars) == 1


def test_the_same_numbers_are_drawn_once_and_changed_numbers_again() -> None:
    _draw.cache_clear()
    chart_svg(funnel(40))
    chart_svg(funnel(40))
    assert _draw.cache_info().hits == 1
    assert chart_svg(funnel(41)) != chart_svg(funnel(40))
