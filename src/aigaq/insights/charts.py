"""Charts drawn on the server as small SVG documents, from suppressed tables only.

Why not matplotlib: on the 2-core benchmark machine matplotlib took 0.10-0.34 s per bar chart
(docs/benchmarks.md), so the dashboard's eight charts alone would have spent the whole one-second
budget. These charts are horizontal bars and their labels, which a few lines of SVG draw in well
under a millisecond each.

The SVG has no <style>, no script and no style attribute (only presentation attributes), so it
can sit inline in a page under the CSP (default-src 'self'). Text stays text, in the page's font
stack led by DejaVu Sans, which covers the Kazakh letters (ә ғ қ ң ө ұ ү һ і); WeasyPrint draws
it with the same font in the PDF. The numbers are also in a table beside each chart, for screen
readers and for anyone who wants to copy them. A suppressed value has no bar, only "<5" or "x".
"""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

from .metrics import Chart

BAR = "#4b2c82"
INK = "#1a1a1a"
MUTED = "#5c5c66"
FONT = "DejaVu Sans, Noto Sans, Segoe UI, Arial, sans-serif"
WIDTH = 640
LABEL_WIDTH = 250
CHAR_WIDTH = 7.0  # DejaVu Sans at 11 px, Cyrillic capitals included, with a margin
LINE = 14


def chart_svg(chart: Chart) -> SafeString:
    values = tuple(c.value for c in chart.cells)
    svg = _draw(chart.title, tuple(chart.labels), values, tuple(c.text for c in chart.cells), chart.percent)
    return mark_safe(svg)  # noqa: S308 - every text in it went through escape()/quoteattr()


@lru_cache(maxsize=256)
def _draw(
    title: str,
    labels: tuple[str, ...],
    values: tuple[float | int | None, ...],
    texts: tuple[str, ...],
    percent: bool,
) -> str:
    wrapped = [_wrap(label, int(LABEL_WIDTH / CHAR_WIDTH)) for label in labels]
    rows = [max(len(lines), 1) * LINE + 10 for lines in wrapped]
    top = 30
    height = top + sum(rows) + 10
    numbers = [float(v) if v is not None else 0.0 for v in values]
    scale_max = 100.0 if percent else max([*numbers, 1.0])
    span = WIDTH - LABEL_WIDTH - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label={quoteattr(title)} '
        f'font-family={quoteattr(FONT)} font-size="11">',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="4" y="18" font-size="13" font-weight="bold" fill="{INK}">{escape(title)}</text>',
        f'<line x1="{LABEL_WIDTH}" y1="{top - 4}" x2="{LABEL_WIDTH}" y2="{height - 8}" stroke="{MUTED}"/>',
    ]
    y = top
    for lines, row, number, value, text in zip(wrapped, rows, numbers, values, texts, strict=True):
        mid = y + row / 2
        first = mid - (len(lines) - 1) * LINE / 2 + 4
        for i, line in enumerate(lines):
            parts.append(
                f'<text x="{LABEL_WIDTH - 6}" y="{first + i * LINE:.1f}" text-anchor="end" '
                f'fill="{INK}">{escape(line)}</text>'
            )
        bar = span * min(number, scale_max) / scale_max if scale_max else 0
        if value is not None and bar > 0:
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{mid - 7:.1f}" width="{bar:.1f}" height="14" fill="{BAR}"/>')
        colour = INK if value is not None else MUTED
        parts.append(f'<text x="{LABEL_WIDTH + bar + 5:.1f}" y="{mid + 4:.1f}" fill="{colour}">{escape(text)}</text>')
        y += row
    parts.append("</svg>")
    return "".join(parts)


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
