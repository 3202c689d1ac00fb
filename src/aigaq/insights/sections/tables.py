"""What a section is made of (tables of suppressed cells, and charts drawn from them), and the
helpers every section builds its tables with."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from aigaq import i18n, reference
from aigaq.lib.suppression import Cell, count_cell, measure_cell, rate_cell, suppress

from ..filters import BREAKDOWNS
from ..rollup import Tallied, bucket_width

TOTAL = "__total__"

# Grouped counts: a breakdown group's key → its count in each column.
Counts = dict[str, list[int]]
# Days as (value, cases) pairs, by breakdown group.
Histograms = dict[str, list[tuple[int, int]]]


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: list[Cell]

    @property
    def is_total(self) -> bool:
        return self.key == TOTAL


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    group_label: str
    columns: list[Column]
    rows: list[Row]
    public: bool = True  # False: left out of exports and the report (places below city level)
    group_key: str = ""  # what the rows are: the breakdown dimension, "city", "argument"...

    def total(self) -> Row | None:
        return next((r for r in self.rows if r.is_total), None)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    labels: list[str]
    cells: list[Cell]
    percent: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    definition: str
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)


# Labels


def entry_label(entries: Iterable[reference.Entry], code: str) -> str:
    return i18n.label(entries, code, missing=code or _("not recorded"))


def _group_order(by: str) -> tuple[list[str], Callable[[str], str]]:
    if by == "region":
        return [r.code for r in reference.regions()], lambda c: entry_label(reference.regions(), c)
    if by == "area":
        labels = {"urban": _("urban"), "rural": _("rural")}
        return list(labels), lambda c: labels.get(c, c or _("not recorded"))
    if by == "gbv_type":
        return [g.code for g in reference.gbv_types()], lambda c: entry_label(reference.gbv_types(), c)
    return [], str


def groups(by: str, present: Iterable[Any]) -> list[tuple[str, str]]:
    """The breakdown groups among `present`, in the breakdown's own order, with their labels."""
    order, label = _group_order(by)
    keys = {str(k) for k in present}
    ranked = sorted(keys, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [(k, label(k)) for k in ranked]


def by_label(by: str) -> str:
    return str(dict(BREAKDOWNS).get(by, by))


def entry_columns(entries: Iterable[reference.Entry]) -> list[Column]:
    return [Column(e.code, e.label(i18n.active_language())) for e in entries]


# Counting tallied cases by breakdown group


def flagged_counts(tallied: Iterable[Tallied], *, by_key: bool = False) -> Counts:
    """Cases, and those of them whose value is set, per breakdown group (per tallied key with `by_key`)."""
    counts: Counts = defaultdict(lambda: [0, 0])
    for t in tallied:
        pair = counts[t.key if by_key else t.group]
        pair[0] += t.n
        pair[1] += t.n if t.value else 0
    return dict(counts)


def coded_counts(tallied: Iterable[Tallied], codes: Sequence[str]) -> Counts:
    """Cases per breakdown group in the column of their key's code (none for a key not among
    `codes`), and all of them in a last column."""
    counts: Counts = defaultdict(lambda: [0] * (len(codes) + 1))
    for t in tallied:
        if t.key in codes:
            counts[t.group][codes.index(t.key)] += t.n
        counts[t.group][-1] += t.n
    return dict(counts)


# Building suppressed tables from grouped counts


def count_table(
    key: str,
    title: str,
    group_label: str,
    columns: list[Column],
    rows_of: list[tuple[str, str]],
    values: Counts,
    *,
    row_kind: str,
    rows_add_up: bool = True,
    public: bool = True,
    total_label: str | None = None,
    group_key: str = "",
    share_label: str | None = None,
) -> Table:
    """A table of counts, one row for each of `rows_of` (and a total row when the rows add up),
    suppressed as `row_kind` says (suppression.suppress). With `share_label`, the counts are nested
    (all, and those of them with the property) and a last column gives the second's share of the first."""
    width = len(columns)
    grid = [values.get(k, [0] * width) for k, _label in rows_of]
    keys = list(rows_of)
    if rows_add_up:
        grid.append([sum(col) for col in zip(*grid, strict=True)] if grid else [0] * width)
        keys.append((TOTAL, total_label or _("All")))
    states = suppress(grid, rows_add_up=rows_add_up, row_kind=row_kind)
    rows = [
        Row(k, label, [count_cell(v, s) for v, s in zip(vals, st, strict=True)])
        for (k, label), vals, st in zip(keys, grid, states, strict=True)
    ]
    if share_label is not None:
        rows = [Row(r.key, r.label, [*r.cells, rate_cell(r.cells[1], r.cells[0])]) for r in rows]
        columns = [*columns, Column("share", share_label)]
    return Table(key, title, group_label, columns, rows, public, group_key)


def partition_table(key: str, title: str, by: str, columns: list[Column], counts: Counts) -> Table:
    """One row a breakdown group, its cases split among the columns (the last: all of them)."""
    return count_table(key, title, by_label(by), columns, groups(by, counts), counts, row_kind="partition")


def extended(table: Table, columns: list[Column], extra: Callable[[Row], list[Cell]]) -> Table:
    """The table with more columns, each row's new cells from `extra`."""
    rows = [Row(r.key, r.label, [*r.cells, *extra(r)]) for r in table.rows]
    columns = [*table.columns, *columns]
    return Table(table.key, table.title, table.group_label, columns, rows, table.public, table.group_key)


def hidden_cells(cell: Cell, n: int) -> list[Cell]:
    """`n` cells hidden because the count they describe is: a measure would give it away."""
    return [Cell(None, "x", cell.state)] * n


def quantile(histogram: Sequence[tuple[int, int]], q: float) -> int | None:
    """Nearest-rank quantile of integer values given as (value, count) pairs."""
    n = sum(c for _, c in histogram)
    if not n:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for value, count in sorted(histogram):
        seen += count
        if seen >= rank:
            return value
    return None


def days_cell(low: int | None, n: int) -> Cell:
    """A quantile in days; a bucket wider than a day is shown as its range (rollup.bucket_width)."""
    cell = measure_cell(low, n)
    if low is None or cell.value is None or bucket_width(low) == 1:
        return cell
    return Cell(cell.value, f"{low}–{low + bucket_width(low) - 1}")


def median_cell(histogram: Sequence[tuple[int, int]]) -> Cell:
    return days_cell(quantile(histogram, 0.5), sum(c for _, c in histogram))


def histograms(tallied: Iterable[Tallied]) -> Histograms:
    hist: Histograms = defaultdict(list)
    for t in tallied:
        if t.value is not None:
            hist[t.group].append((t.value, t.n))
    return hist


def timing_table(key: str, title: str, group_label: str, hist: Histograms, by: str, *, hours: bool = False) -> Table:
    """Cases, and the median and 90th percentile of their days (or, with `hours`, of their whole
    hours), per breakdown group."""
    counts = {k: [sum(c for _, c in h)] for k, h in hist.items()}
    base = count_table(
        key,
        title,
        group_label,
        [Column("cases", _("Cases"))],
        groups(by, hist),
        counts,
        row_kind="independent",
    )
    every = [pair for h in hist.values() for pair in h]

    def quantiles(r: Row) -> list[Cell]:
        if r.cells[0].suppressed:
            return hidden_cells(r.cells[0], 2)
        h = every if r.is_total else hist.get(r.key, [])
        n = sum(c for _, c in h)
        cell = measure_cell if hours else days_cell
        return [cell(quantile(h, 0.5), n), cell(quantile(h, 0.9), n)]

    columns = (
        [Column("median_hours", _("Median, hours")), Column("p90_hours", _("90th percentile, hours"))]
        if hours
        else [Column("median_days", _("Median, days")), Column("p90_days", _("90th percentile, days"))]
    )
    return extended(base, columns, quantiles)


def chart_from_total(key: str, title: str, table: Table, columns: Sequence[int] | None = None) -> Chart:
    total = table.total()
    assert total is not None
    picked = list(columns) if columns is not None else list(range(len(table.columns)))
    return Chart(key, title, [table.columns[i].label for i in picked], [total.cells[i] for i in picked])


def chart_from_column(key: str, title: str, table: Table, column: int, *, percent: bool = False) -> Chart:
    rows = [r for r in table.rows if not r.is_total]
    return Chart(key, title, [r.label for r in rows], [r.cells[column] for r in rows], percent)
