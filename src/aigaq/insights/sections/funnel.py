"""Where cases are lost: every counted case at each step of its pathway that it reached."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from ..figures import FUNNEL_LABELS, FUNNEL_STEPS
from ..filters import Filter
from ..rollup import Tallied
from .tables import Column, Counts, Section, by_label, chart_from_total, count_table, groups


def funnel_counts(funnel: list[Tallied]) -> Counts:
    """Cases that reached each step, by breakdown group: a case at step k counts at steps 0 to k."""
    steps: Counts = defaultdict(lambda: [0] * len(FUNNEL_STEPS))
    for t in funnel:
        for k in range((t.value or 0) + 1):
            steps[t.group][k] += t.n
    return dict(steps)


def funnel_section(f: Filter, *, funnel: list[Tallied]) -> Section:
    steps = funnel_counts(funnel)
    table = count_table(
        "funnel",
        _("Attrition funnel"),
        by_label(f.by),
        [Column(k, str(label)) for k, label in zip(FUNNEL_STEPS, FUNNEL_LABELS, strict=True)],
        groups(f.by, steps),
        steps,
        row_kind="nested",
    )
    return Section(
        "funnel",
        _("Where cases are lost"),
        _("Cases counted at each step they reached, each step only among the cases that reached the one before it."),
        [table],
        [chart_from_total("funnel", _("Attrition funnel"), table)],
    )
