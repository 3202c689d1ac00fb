"""Charts drawn on the server as SVG with matplotlib, from suppressed tables only.

Text is drawn as glyph outlines (svg.fonttype "path") in DejaVu Sans, which ships with matplotlib
and covers the Kazakh letters (ә ғ қ ң ө ұ ү һ і): the picture looks the same in any browser and in
WeasyPrint, with no font to fetch. The numbers are also in a table beside each chart, for screen
readers and for anyone who wants to copy them. A suppressed value has no bar, only its "<5" or "x".
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from .metrics import Chart

BAR = "#4b2c82"
BACKGROUND = "#ffffff"


def chart_svg(chart: Chart) -> str:
    values = tuple(c.value if c.value is not None else None for c in chart.cells)
    return _draw(chart.title, tuple(chart.labels), values, tuple(c.text for c in chart.cells), chart.percent)


def chart_data_uri(chart: Chart) -> str:
    """For <img src>: the page's CSP allows data: images, and an SVG image runs no script."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart_svg(chart).encode()).decode()


@lru_cache(maxsize=256)
def _draw(
    title: str,
    labels: tuple[str, ...],
    values: tuple[float | int | None, ...],
    texts: tuple[str, ...],
    percent: bool,
) -> str:
    with matplotlib.rc_context(
        {"svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "aigaq"}
    ):
        height = 0.9 + 0.32 * max(len(labels), 1)
        fig = Figure(figsize=(7.2, height), facecolor=BACKGROUND)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        numbers = [float(v) if v is not None else 0.0 for v in values]
        ax.barh(positions, numbers, color=BAR, height=0.6)
        top = max([*numbers, 1.0])
        for y, number, text in zip(positions, numbers, texts, strict=True):
            ax.text(number + top * 0.01, y, text, va="center", fontsize=8)
        ax.set_yticks(positions, [_wrap(label) for label in labels])
        ax.set_xlim(0, 100 if percent and top <= 100 else top * 1.15)
        if percent:
            ax.xaxis.set_major_formatter(PercentFormatter())
        ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        return out.getvalue()


def _wrap(label: str, width: int = 38) -> str:
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    return label[:cut] + "\n" + _wrap(label[cut:].strip(), width)
