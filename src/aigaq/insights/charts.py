"""Charts drawn on the server with matplotlib, as SVG that sits inline in the page and the PDF.

Charts only ever see suppressed tables: a suppressed value has no bar, only "<5" or "x". The numbers
are also in a table beside each chart, for screen readers and for anyone who wants to copy them.

Text stays text (`svg.fonttype: none`) in DejaVu Sans, which covers the Kazakh letters
(ә ғ қ ң ө ұ ү һ і) and ships with matplotlib; the page and WeasyPrint draw it with the same font.

The page's Content-Security-Policy allows no inline style, so the SVG is rewritten as it leaves
matplotlib: its <style> element goes (its two rules become attributes of the root) and every
style="…" becomes the equivalent presentation attributes (fill, font-size, text-anchor…).

Speed (docs/benchmarks.md, "Insights"): a figure with one Axes and its axis turned off, bars and
texts only, fixed margins instead of tight_layout; each chart is then 20-40 ms to draw. The SVG is
kept in a small in-process LRU keyed by everything drawn (title, labels, values, language through
the labels), so a repeat view of the same numbers costs nothing, and a changed number can never
show a stale chart.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from xml.sax.saxutils import quoteattr

import matplotlib
from django.utils.safestring import SafeString, mark_safe
from matplotlib.figure import Figure

from .metrics import Chart, Section

BAR = "#4b2c82"
INK = "#1a1a1a"
MUTED = "#5c5c66"
FONT = "DejaVu Sans, Noto Sans, Segoe UI, Arial, sans-serif"
WIDTH_IN = 6.4
ROW_IN = 0.3  # per line of label
TOP_IN, BOTTOM_IN = 0.42, 0.08
LABEL_SHARE = 0.4  # of the width, for the labels at the left
LABEL_CHARS = 34  # characters of a label line at 9 pt in that space
# rc_context changes matplotlib's global settings, and waitress serves requests in threads.
_LOCK = threading.Lock()


def chart_svg(chart: Chart) -> SafeString:
    values = tuple(c.value for c in chart.cells)
    svg = _draw(chart.title, tuple(chart.labels), values, tuple(c.text for c in chart.cells), chart.percent)
    return mark_safe(svg)  # noqa: S308 - matplotlib escapes the texts it writes; the title is quoteattr()ed


def section_charts(sections: Iterable[Section]) -> dict[str, SafeString]:
    """Every chart of the sections as SVG, by the chart's key (what the page and the report embed)."""
    return {c.key: chart_svg(c) for s in sections for c in s.charts}


@lru_cache(maxsize=256)
def _draw(
    title: str,
    labels: tuple[str, ...],
    values: tuple[float | int | None, ...],
    texts: tuple[str, ...],
    percent: bool,
) -> str:
    wrapped = [_wrap(label, LABEL_CHARS) for label in labels]
    lines = [max(len(w), 1) for w in wrapped]
    body = max(ROW_IN * sum(lines) + 0.1 * len(lines), ROW_IN)  # a chart with no rows keeps its title
    height = TOP_IN + body + BOTTOM_IN
    numbers = [float(v) if v is not None else 0.0 for v in values]
    scale = 100.0 if percent else max([*numbers, 1.0])
    with (
        _LOCK,
        matplotlib.rc_context(
            {
                "svg.fonttype": "none",
                "svg.hashsalt": "aigaq",  # the same numbers give the same bytes (no random ids)
                "font.family": "DejaVu Sans",
                "font.size": 9,
                "text.parse_math": False,  # a label with "$" is text, not a formula
            }
        ),
    ):
        figure = Figure(figsize=(WIDTH_IN, height))
        axes = figure.add_axes((LABEL_SHARE, BOTTOM_IN / height, 1 - LABEL_SHARE - 0.12, body / height))
        axes.set_axis_off()
        axes.set_xlim(0, scale)
        centres, y = [], 0.0
        for n in lines:  # a two-line label gets a taller row
            row = ROW_IN * n + 0.1
            centres.append(y + row / 2)
            y += row
        axes.set_ylim(max(y, ROW_IN), 0)
        shown = [(c, min(v, scale)) for c, v in zip(centres, values, strict=True) if v is not None]
        axes.barh([c for c, _ in shown], [v for _, v in shown], height=0.2, color=BAR, clip_on=False)
        axes.axvline(0, color=MUTED, linewidth=0.8, clip_on=False)
        for centre, label_lines, number, value, text in zip(centres, wrapped, numbers, values, texts, strict=True):
            axes.text(-0.015 * scale, centre, "\n".join(label_lines), ha="right", va="center", color=INK)
            axes.text(
                min(number, scale) + 0.01 * scale,
                centre,
                text,
                ha="left",
                va="center",
                color=INK if value is not None else MUTED,
            )
        figure.text(0.01, 1 - 0.12 / height, title, ha="left", va="top", fontsize=11, fontweight="bold", color=INK)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _for_the_page(out.getvalue(), title)


STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)
IDS = re.compile(r' id="[^"]*"')


def _attributes(match: re.Match[str]) -> str:
    parts = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name:
            continue
        if name == "font-family":
            value = FONT
        parts.append(f"{name}={quoteattr(value)}")
    return " ".join(parts)


def _for_the_page(svg: str, title: str) -> str:
    """matplotlib's SVG without the XML prologue, metadata, <style> or style attributes."""
    svg = svg[svg.index("<svg") :]
    svg = METADATA.sub("", svg)
    svg = STYLE_ELEMENT.sub("", svg)
    svg = STYLE_ATTRIBUTE.sub(_attributes, svg)
    if "url(#" not in svg and 'href="#' not in svg:
        # Nothing refers to them, and every chart would repeat "figure_1", "axes_1"… in one page.
        svg = IDS.sub("", svg)
    return svg.replace(
        "<svg ",
        f'<svg class="chart" role="img" aria-label={quoteattr(title)} stroke-linejoin="round" stroke-linecap="butt" ',
        1,
    )


def _wrap(label: str, width: int) -> list[str]:
    """At most two lines; a longer label is cut with an ellipsis (the table has it whole)."""
    words, lines, current = label.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], (lines[1][: width - 1] + "…")]
    return lines or [""]
