"""Costs borne by survivors: the cases where she or her family paid, and how much, in all and for a lawyer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aigaq.lib.suppression import Cell, measure_cell

from ..filters import Filter
from ..rollup import Tallied
from .tables import Column, Row, Section, Table, by_label, count_table, extended, groups, hidden_cells


@dataclass
class Paid:
    """What the cases of one group paid: cases, cases that paid, tenge in all, tenge for a lawyer."""

    cases: int = 0
    paying: int = 0
    total: int = 0
    lawyer: int = 0


def paid_by_group(*, funnel: list[Tallied], paid: list[Tallied]) -> dict[str, Paid]:
    by_group: dict[str, Paid] = defaultdict(Paid)
    for t in funnel:
        by_group[t.group].cases += t.n
    for t in paid:
        by_group[t.group].paying += t.n
        by_group[t.group].total += t.total
        by_group[t.group].lawyer += t.total_lawyer
    return dict(by_group)


def cost_table(by: str, *, funnel: list[Tallied], paid: dict[str, Paid]) -> Table:
    shares = count_table(
        "costs",
        _("Costs borne by survivors"),
        by_label(by),
        [Column("cases", _("Cases")), Column("paid", _("Cases where she or her family paid"))],
        groups(by, (t.group for t in funnel)),
        {k: [p.cases, p.paying] for k, p in paid.items()},
        row_kind="nested",
        share_label=_("Share"),
        group_key=by,
    )
    everyone = Paid(
        paying=sum(p.paying for p in paid.values()),
        total=sum(p.total for p in paid.values()),
        lawyer=sum(p.lawyer for p in paid.values()),
    )

    def sums(r: Row) -> list[Cell]:
        if r.cells[1].suppressed:
            return hidden_cells(r.cells[1], 2)
        p = everyone if r.is_total else paid.get(r.key, Paid())
        return [measure_cell(p.total, p.paying, unit=" ₸"), measure_cell(p.lawyer, p.paying, unit=" ₸")]

    columns = [Column("paid_total", _("Paid in all, tenge")), Column("paid_lawyer", _("Of which for a lawyer, tenge"))]
    return extended(shares, columns, sums)


def costs_section(f: Filter, *, funnel: list[Tallied]) -> Section:
    paid = paid_by_group(funnel=funnel, paid=f.tally("paid"))
    return Section(
        "costs",
        _("Costs borne by survivors"),
        _(
            "Money the survivor or her family paid, as recorded in the case's costs (lawyer, forensic "
            "examination, travel, treatment…)."
        ),
        [cost_table(f.by, funnel=funnel, paid=paid)],
        [],
    )
