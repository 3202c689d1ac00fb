"""Police: refusals to register a report and the reasons given, and the days from the first
contact with police to registration, by breakdown group and by place."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from aigaq import reference
from aigaq.i18n import active_language
from aigaq.lib.suppression import Cell

from ..filters import Filter
from ..rollup import Tallied
from .tables import (
    Column,
    Counts,
    Histograms,
    Row,
    Section,
    Table,
    by_label,
    chart_from_column,
    chart_from_total,
    coded_counts,
    count_table,
    entry_columns,
    extended,
    flagged_counts,
    groups,
    histograms,
    median_cell,
    partition_table,
    timing_table,
)

TOP_PLACES = 20  # cities and police units listed one by one; the rest are summed as "other"
OTHER = "__other__"


def refusal_table(by: str, *, funnel: list[Tallied], refused: list[Tallied]) -> Table:
    """Cases reported to police, those refused registration at least once, and the refusal rate."""
    police: Counts = defaultdict(lambda: [0, 0])
    for t in funnel:
        if (t.value or 0) >= 1:
            police[t.group][0] += t.n
    for t in refused:  # a refused case was reported to police, so its group is already there
        police[t.group][1] += t.n
    return count_table(
        "refusals",
        _("Refusals to register a report"),
        by_label(by),
        [Column("reported", _("Reported to police")), Column("refused", _("Refused"))],
        groups(by, (t.group for t in funnel)),
        dict(police),
        row_kind="nested",
        share_label=_("Refusal rate"),
    )


def registration_table(by: str, registration: Histograms) -> Table:
    return timing_table(
        "registration_days",
        _("Days from first contact with police to registration"),
        by_label(by),
        registration,
        by,
    )


def registration_hours_table(by: str, hours: Histograms) -> Table:
    return timing_table(
        "registration_hours",
        _("Hours from first contact with police to registration, where both times were recorded "
          "and it took under two days"),
        by_label(by),
        hours,
        by,
        hours=True,
    )


def reasons_table(by: str, *, refused: list[Tallied]) -> Table:
    """The reason police gave for each refused case, and the refused cases in all."""
    return partition_table(
        "refusal_reasons",
        _("Reasons police gave for refusing"),
        by,
        [*entry_columns(reference.refusal_reasons()), Column("refused", _("Refused cases"))],
        coded_counts(refused, [e.code for e in reference.refusal_reasons()]),
    )


def _place_label(column: str, code: str) -> str:
    if column == "city":
        found = reference.city(code)
        return found.label(active_language()) if found else code
    office = reference.office(code)
    return office.label(active_language()) if office else code


def _top_places(counts: Counts) -> tuple[list[str], set[str]]:
    """The TOP_PLACES places with most reports, and the rest (with the cases of no recorded place)."""
    ranked = sorted((k for k in counts if k), key=lambda k: -counts[k][0])
    return ranked[:TOP_PLACES], set(ranked[TOP_PLACES:]) | ({""} & set(counts))


def _place_days(f: Filter, measure: str, top: list[str], rest: set[str], every: list[tuple[int, int]]) -> Histograms:
    """Days to registration per top place, and for the pooled rest: `every` less the top places."""
    hist: Histograms = defaultdict(list)
    if top:
        for t in f.tally(f"{measure}_days", keys=top):
            if t.value is not None:
                hist[t.key].append((t.value, t.n))
    if rest:
        left: dict[int, int] = defaultdict(int)
        for value, n in every:
            left[value] += n
        for h in hist.values():
            for value, n in h:
                left[value] -= n
        hist[OTHER] = [(value, n) for value, n in left.items() if n]
    return hist


def place_table(
    f: Filter,
    measure: str,
    every: list[tuple[int, int]],
    title: str,
    label: str,
    *,
    public: bool = True,
) -> Table:
    """Reported cases, refusals and the median days to registration per place, the TOP_PLACES
    places with most reports one by one and the rest pooled; `every` is the histogram of days of
    all the filter's registered cases, so the pooled rest is `every` minus the top places."""
    column = "city" if measure == "city" else "police_unit"
    counts = flagged_counts(f.tally(measure), by_key=True)
    top, rest = _top_places(counts)
    values = {k: counts[k] for k in top}
    if rest:
        values[OTHER] = [sum(counts[k][i] for k in rest) for i in (0, 1)]
    rows_of = [(k, _place_label(column, k)) for k in top] + ([(OTHER, _("Other or not recorded"))] if rest else [])
    table = count_table(
        column,
        title,
        label,
        [Column("reported", _("Reported to police")), Column("refused", _("Refused"))],
        rows_of,
        values,
        row_kind="nested",
        share_label=_("Refusal rate"),
        public=public,
        group_key=column,
    )
    hist = _place_days(f, measure, top, rest, every)

    def median(r: Row) -> list[Cell]:
        return [median_cell(every if r.is_total else hist.get(r.key, []))]

    return extended(table, [Column("median_days", _("Median days to registration"))], median)


def police_section(f: Filter, *, funnel: list[Tallied], refused: list[Tallied]) -> Section:
    refusals = refusal_table(f.by, funnel=funnel, refused=refused)
    registration = histograms(f.tally("registration"))
    reasons = reasons_table(f.by, refused=refused)
    every = [pair for h in registration.values() for pair in h]
    cities = place_table(f, "city", every, _("Refusals and time to registration by city"), _("City"))
    units = place_table(
        f,
        "unit",
        every,
        _("Refusals and time to registration by police unit"),
        _("Police unit"),
        public=False,
    )
    return Section(
        "police",
        _("Police"),
        _(
            "Refusal rate: cases refused registration at least once, among cases reported to police. Time to "
            "registration: days from the first contact with police to the first registration."
        ),
        [
            refusals,
            registration_table(f.by, registration),
            registration_hours_table(f.by, histograms(f.tally("registration_hours"))),
            reasons,
            cities,
            units,
        ],
        [
            chart_from_column("refusal_rate", _("Refusal rate"), refusals, 2, percent=True),
            chart_from_total(
                "refusal_reasons",
                _("Reasons police gave for refusing"),
                reasons,
                range(len(reference.refusal_reasons())),
            ),
        ],
    )
