"""Repeat suspects: the counted cases whose suspect a coordinator confirmed as the same person as
a suspect of another case (matching answers through cases.hooks.linked_cases)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from aigaq.cases import hooks

from ..filters import Filter
from ..rollup import Tallied
from .tables import Column, Counts, Section, by_label, count_table, groups

CHUNK = 5000  # case ids a query: stays under every database's limit on query parameters


def repeat_suspects_section(f: Filter, *, funnel: list[Tallied]) -> Section:
    qs, by = f.figures(), f.by
    counts: Counts = defaultdict(lambda: [0, 0])
    for t in funnel:
        counts[t.group][0] += t.n
    linked = sorted(hooks.linked_cases(organisation_ids=[o.pk for o in f.organisations]))
    for start in range(0, len(linked), CHUNK):
        for row in qs.filter(case_id__in=linked[start : start + CHUNK]).values(by).annotate(n=Count("*")):
            counts[str(row[by])][1] += row["n"]
    table = count_table(
        "repeat_suspects",
        _("Cases whose suspect is linked to another case"),
        by_label(by),
        [Column("cases", _("Cases")), Column("linked", _("Suspect linked to another case"))],
        groups(by, counts),
        dict(counts),
        row_kind="nested",
        share_label=_("Share"),
    )
    return Section(
        "repeat_suspects",
        _("Repeat suspects"),
        _("Cases with a suspect that a coordinator confirmed as the same person as a suspect of another case."),
        [table],
        [],
    )
