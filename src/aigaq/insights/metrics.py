"""The metrics of docs/metrics.md, computed by a few aggregate queries over `CaseFigures`.

No metric loops over cases: each section asks for a measure of `rollup` (counts grouped by the
breakdown and a coded column, summed from the monthly cache) and suppresses small cells
(`suppression`) before anything is shown, exported or printed. A section is a list of tables plus
the charts drawn from them; charts only ever see suppressed tables.

The sections are in `sections/`, one module a concern: `tables` (what a section is made of, and
the helpers that build its suppressed tables), `funnel`, `police`, `courts` (downgrades, courts,
time to verdict), `costs` and `suspects` (repeat suspects). The measures several sections count
(every case's funnel step, the refused cases) are read once here and handed to each.
"""

from __future__ import annotations

from collections.abc import Iterable

from .filters import Filter
from .sections.costs import costs_section
from .sections.courts import courts_section, downgrades_section, verdict_timing_section
from .sections.funnel import funnel_section
from .sections.police import police_section
from .sections.suspects import repeat_suspects_section
from .sections.tables import Chart, Section, Table

__all__ = ["Chart", "Section", "Table", "all_sections", "public_tables"]


def all_sections(f: Filter) -> list[Section]:
    """Every section of the dashboard, in the order shown (the exports and the report too)."""
    funnel = f.tally("funnel")
    refused = f.tally("refused")
    return [
        funnel_section(f, funnel=funnel),
        police_section(f, funnel=funnel, refused=refused),
        downgrades_section(f),
        courts_section(f),
        repeat_suspects_section(f, funnel=funnel),
        costs_section(f, funnel=funnel),
        verdict_timing_section(f),
    ]


def public_tables(sections: Iterable[Section]) -> list[tuple[Section, Table]]:
    return [(s, t) for s in sections for t in s.tables if t.public]
