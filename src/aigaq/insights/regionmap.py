"""A map of Kazakhstan's 20 regions (as of June 2022: with Abai, Zhetysu and Ulytau), coloured by a
step of the attrition funnel, drawn on the server as SVG that sits inline in the page and the PDF.

It is a tile-grid cartogram, one square per region placed roughly where the region lies, not a map
of borders. Why (docs/metrics.md, "The map of the regions"): no boundary file of the 2022 regions
with a clear licence could be had (the one outline found predates 2018, without Shymkent, Abai,
Zhetysu or Ulytau, and has no open licence), and in a choropleth the large, thinly populated regions
(Karaganda, Aktobe) dominate the eye while the three cities, where most cases are, are dots too
small to colour or name at 375 px. Equal squares give every region the same weight
and room for its name and number.

The numbers are the funnel table *by region*, suppressed by the same rules as the dashboard's
tables (`suppression`, through `sections.funnel`): a region whose count is suppressed is grey and
hatched with its "<5" or "x", and never takes a colour from its value. The shades are classes of
the shown counts only. With a region chosen in the filter, the other regions are drawn as outside
it. Every square has a `<title>` with the region's full name in the page's language, and the same
numbers are in a table under the map.

The SVG uses presentation attributes only (no `<style>`, no `style=`, no ids), as the
Content-Security-Policy requires, and draws the hatching as lines, so WeasyPrint renders it as the
browser does. It needs no script, font file or tile server.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from aigaq import i18n, reference
from aigaq.lib.suppression import SHOWN, Cell

from .figures import FUNNEL_LABELS, FUNNEL_STEPS
from .filters import Filter
from .metrics import Section, Table
from .sections.funnel import funnel_section

# Column, row of each region's square: west to east, north to south.
TILES: dict[str, tuple[int, int]] = {
    "KZ-59": (3, 0),  # North Kazakhstan
    "KZ-27": (0, 1),  # West Kazakhstan
    "KZ-15": (1, 1),  # Aktobe
    "KZ-39": (2, 1),  # Kostanay
    "KZ-11": (3, 1),  # Akmola
    "KZ-71": (4, 1),  # Astana
    "KZ-55": (5, 1),  # Pavlodar
    "KZ-63": (6, 1),  # East Kazakhstan
    "KZ-23": (0, 2),  # Atyrau
    "KZ-43": (2, 2),  # Kyzylorda
    "KZ-62": (3, 2),  # Ulytau
    "KZ-35": (4, 2),  # Karaganda
    "KZ-10": (5, 2),  # Abai
    "KZ-47": (0, 3),  # Mangystau
    "KZ-61": (3, 3),  # Turkistan
    "KZ-31": (4, 3),  # Zhambyl
    "KZ-19": (5, 3),  # Almaty Region
    "KZ-33": (6, 3),  # Zhetysu
    "KZ-79": (3, 4),  # Shymkent
    "KZ-75": (5, 4),  # Almaty
}
# What fits in a square; the full name is in its title and in the table.
SHORT_NAMES = {
    "KZ-10": pgettext_lazy("region on the map", "Abai"),
    "KZ-11": pgettext_lazy("region on the map", "Akmola"),
    "KZ-15": pgettext_lazy("region on the map", "Aktobe"),
    "KZ-19": pgettext_lazy("region on the map", "Almaty R."),
    "KZ-23": pgettext_lazy("region on the map", "Atyrau"),
    "KZ-27": pgettext_lazy("region on the map", "W. Kaz."),
    "KZ-31": pgettext_lazy("region on the map", "Zhambyl"),
    "KZ-33": pgettext_lazy("region on the map", "Zhetysu"),
    "KZ-35": pgettext_lazy("region on the map", "Karaganda"),
    "KZ-39": pgettext_lazy("region on the map", "Kostanay"),
    "KZ-43": pgettext_lazy("region on the map", "Kyzylorda"),
    "KZ-47": pgettext_lazy("region on the map", "Mangystau"),
    "KZ-55": pgettext_lazy("region on the map", "Pavlodar"),
    "KZ-59": pgettext_lazy("region on the map", "N. Kaz."),
    "KZ-61": pgettext_lazy("region on the map", "Turkistan"),
    "KZ-62": pgettext_lazy("region on the map", "Ulytau"),
    "KZ-63": pgettext_lazy("region on the map", "E. Kaz."),
    "KZ-71": pgettext_lazy("region on the map", "Astana"),
    "KZ-75": pgettext_lazy("region on the map", "Almaty"),
    "KZ-79": pgettext_lazy("region on the map", "Shymkent"),
}
COLUMNS, ROWS = 7, 5
SIZE, GAP = 60, 3
# Light to dark, from the charts' purple (charts.BAR is the darkest); white text from SHADES[3] on.
SHADES = ("#f1edf7", "#d5c7ea", "#a98ed2", "#7753ae", "#4b2c82")
LIGHT_TEXT_FROM = 3
SUPPRESSED_FILL, HATCH = "#d9d9d9", "#7a7a7a"
OUTSIDE_FILL, OUTSIDE_LINE = "#ffffff", "#9a9a9a"
INK, FONT = "#1a1a1a", "DejaVu Sans, Noto Sans, Segoe UI, Arial, sans-serif"

OUTSIDE = "outside"  # a region outside the filter's chosen region


@dataclass(frozen=True)
class MapRegion:
    code: str
    name: str  # the full name, in the active language
    short: str
    cell: Cell
    shade: int | None  # index into SHADES; None when suppressed or outside the filter
    state: str  # suppression.SHOWN, SMALL, HIDDEN, or OUTSIDE


@dataclass(frozen=True)
class LegendItem:
    label: str
    fill: str
    hatched: bool = False
    outline: bool = False

    @property
    def swatch(self) -> SafeString:
        return swatch(self)


@dataclass(frozen=True)
class RegionMap:
    figure: str
    title: str
    regions: list[MapRegion]
    legend: list[LegendItem]
    svg: SafeString


def _funnel_by_region(f: Filter, sections: Sequence[Section] | None) -> Table:
    if f.by == "region" and sections:
        found = next((t for s in sections for t in s.tables if t.key == "funnel"), None)
        if found is not None:
            return found  # the dashboard's own table: the same cells, no second query
    by_region = dataclasses.replace(f, by="region")
    return funnel_section(by_region, funnel=by_region.tally("funnel")).tables[0]


def shade_classes(values: Sequence[int]) -> list[tuple[int, int]]:
    """Up to four equal ranges [low, high] covering the shown non-zero counts (0 has a class of its
    own, the lightest). Only shown counts go in, so the ranges tell nothing a square does not."""
    positive = sorted({v for v in values if v > 0})
    if not positive:
        return []
    low, high = positive[0], positive[-1]
    k = min(len(SHADES) - 1, len(positive), high - low + 1)
    edges = [low + round(i * (high - low + 1) / k) for i in range(k + 1)]
    return [(edges[i], edges[i + 1] - 1) for i in range(k)]


def _shade(value: int, classes: list[tuple[int, int]]) -> int:
    if value <= 0:
        return 0
    offset = len(SHADES) - 1 - len(classes)  # few classes: start darker, so a single value still shows
    return next((offset + i + 1 for i, (_low, high) in enumerate(classes) if value <= high), len(SHADES) - 1)


def region_map(f: Filter, *, figure: str, sections: Sequence[Section] | None = None) -> RegionMap:
    """The map of `figure` (a funnel step of figures.FUNNEL_STEPS) for the filter, suppressed."""
    if figure not in FUNNEL_STEPS:
        raise ValueError(f"the map shows a funnel step ({', '.join(FUNNEL_STEPS)}), not {figure!r}")
    column = FUNNEL_STEPS.index(figure)
    table = _funnel_by_region(f, sections)
    cells = {r.key: r.cells[column] for r in table.rows if not r.is_total}
    lang = i18n.active_language()
    zero = Cell(0, "0")
    picked = {code: cells.get(code, zero) for code in TILES}
    inside = {code for code in TILES if not f.region or code == f.region}
    shown = [int(c.value or 0) for code, c in picked.items() if code in inside and c.state == SHOWN]
    classes = shade_classes(shown)
    regions = []
    for entry in reference.regions():
        cell = picked[entry.code]
        if entry.code not in inside:
            state, shade = OUTSIDE, None
        elif cell.state != SHOWN:
            state, shade = cell.state, None
        else:
            state, shade = SHOWN, _shade(int(cell.value or 0), classes)
        regions.append(MapRegion(entry.code, entry.label(lang), str(SHORT_NAMES[entry.code]), cell, shade, state))
    offset = len(SHADES) - 1 - len(classes)
    legend = [LegendItem("0", SHADES[0])]
    legend += [
        LegendItem(str(low) if low == high else f"{low}–{high}", SHADES[offset + i + 1])
        for i, (low, high) in enumerate(classes)
    ]
    legend.append(LegendItem(_("“<5” or “x”: suppressed, not coloured"), SUPPRESSED_FILL, hatched=True))
    if f.region:
        legend.append(LegendItem(_("outside the chosen region"), OUTSIDE_FILL, outline=True))
    title = _("Map of the regions: %(figure)s") % {"figure": FUNNEL_LABELS[column]}
    return RegionMap(figure, title, regions, legend, _svg(title, regions))


def _hatch(x: int, y: int, size: int, step: int = 8) -> list[str]:
    """Diagonal lines across the square (x, y, size): the hatching, drawn as lines (no pattern)."""
    lines = []
    for d in range(step, 2 * size, step):
        if d <= size:
            x1, y1, x2, y2 = x + d, y, x, y + d
        else:
            x1, y1, x2, y2 = x + size, y + d - size, x + d - size, y + size
        lines.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{HATCH}" stroke-width="1"/>')
    return lines


def _tile(region: MapRegion) -> str:
    col, row = TILES[region.code]
    x, y = col * (SIZE + GAP) + GAP, row * (SIZE + GAP) + GAP
    parts = [f"<title>{escape(region.name)}: {escape(region.cell.text if region.state != OUTSIDE else '–')}</title>"]
    ink = INK
    if region.state == OUTSIDE:
        parts.append(
            f'<rect x="{x}" y="{y}" width="{SIZE}" height="{SIZE}" rx="3" fill="{OUTSIDE_FILL}" '
            f'stroke="{OUTSIDE_LINE}" stroke-dasharray="3 2"/>'
        )
        value = "–"
    elif region.shade is None:
        parts.append(f'<rect x="{x}" y="{y}" width="{SIZE}" height="{SIZE}" rx="3" fill="{SUPPRESSED_FILL}"/>')
        parts += _hatch(x, y, SIZE)
        value = region.cell.text
    else:
        parts.append(f'<rect x="{x}" y="{y}" width="{SIZE}" height="{SIZE}" rx="3" fill="{SHADES[region.shade]}"/>')
        ink = "#ffffff" if region.shade >= LIGHT_TEXT_FROM else INK
        value = region.cell.text
    centre = x + SIZE // 2
    # Long names are squeezed to the square's width (the full name is in the title and the table).
    fit = f' textLength="{SIZE - 4}" lengthAdjust="spacingAndGlyphs"' if len(region.short) > 7 else ""
    if region.shade is None and region.state != OUTSIDE:
        # White backings keep the name and "<5" legible over the hatching.
        parts.append(f'<rect x="{x + 2}" y="{y + 8}" width="{SIZE - 4}" height="16" rx="2" fill="#ffffff"/>')
        parts.append(f'<rect x="{centre - 16}" y="{y + 30}" width="32" height="22" rx="2" fill="#ffffff"/>')
    parts.append(
        f'<text x="{centre}" y="{y + 21}" text-anchor="middle" font-size="12.5" fill="{ink}"{fit}>'
        f"{escape(region.short)}</text>"
    )
    parts.append(
        f'<text x="{centre}" y="{y + 47}" text-anchor="middle" font-size="18" font-weight="bold" fill="{ink}">'
        f"{escape(value)}</text>"
    )
    return f'<g class="region" data-region="{region.code}" data-state="{region.state}">{"".join(parts)}</g>'


def _svg(title: str, regions: list[MapRegion]) -> SafeString:
    width, height = COLUMNS * (SIZE + GAP) + GAP, ROWS * (SIZE + GAP) + GAP
    body = "".join(_tile(r) for r in regions)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="region-map" role="img" aria-label={quoteattr(title)} '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family={quoteattr(FONT)}>'
        f"<title>{escape(title)}</title>{body}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text in it is escape()d or quoteattr()ed


def swatch(item: LegendItem) -> SafeString:
    """The legend's little square for `item`, as SVG."""
    size = 14
    parts = [
        f'<rect x="0.5" y="0.5" width="{size - 1}" height="{size - 1}" fill="{item.fill}" '
        f'stroke="{OUTSIDE_LINE if item.outline else "#bbbbbb"}"'
        + (' stroke-dasharray="3 2"' if item.outline else "")
        + "/>"
    ]
    if item.hatched:
        parts += _hatch(0, 0, size, step=5)
    return mark_safe(  # noqa: S308 - no text in it: colours and numbers only
        f'<svg xmlns="http://www.w3.org/2000/svg" class="swatch" viewBox="0 0 {size} {size}" width="{size}" '
        f'height="{size}" aria-hidden="true">{"".join(parts)}</svg>'
    )
