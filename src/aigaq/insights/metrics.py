"""The metrics of docs/metrics.md, computed by a few aggregate queries over `CaseFigures`.

No metric loops over cases: each section asks for a measure of `rollup` (counts grouped by the
breakdown and a coded column, summed from the monthly cache) and suppresses small cells
(`suppression`) before anything is shown, exported or printed. A section is a list of tables plus the chart drawn from
them; charts only ever see suppressed tables.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from aigaq import i18n, reference
from aigaq.cases import hooks
from aigaq.i18n import active_language

from .figures import ENDINGS, FUNNEL_STEPS, defence_codes
from .filters import BREAKDOWNS, Filter
from .rollup import LENGTH_BANDS, Tallied, bucket_width
from .suppression import SHOWN, Cell, count_cell, measure_cell, rate_cell, suppress

TOTAL = "__total__"
TOP_PLACES = 20  # cities and police units listed one by one; the rest are summed as "other"


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


def _entry_label(entries: Iterable[reference.Entry], code: str) -> str:
    return i18n.label(entries, code, missing=code or _("not recorded"))


def _group_order(by: str) -> tuple[list[str], Callable[[str], str]]:
    if by == "region":
        return [r.code for r in reference.regions()], lambda c: _entry_label(reference.regions(), c)
    if by == "area":
        labels = {"urban": _("urban"), "rural": _("rural")}
        return list(labels), lambda c: labels.get(c, c or _("not recorded"))
    if by == "gbv_type":
        return [g.code for g in reference.gbv_types()], lambda c: _entry_label(reference.gbv_types(), c)
    return [], str


def _groups(by: str, present: Iterable[Any]) -> list[tuple[str, str]]:
    order, label = _group_order(by)
    keys = {str(k) for k in present}
    ranked = sorted(keys, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [(k, label(k)) for k in ranked]


def _by_label(by: str) -> str:
    return str(dict(BREAKDOWNS).get(by, by))


# Building suppressed tables from grouped counts


def _table(
    key: str,
    title: str,
    group_label: str,
    columns: list[Column],
    groups: list[tuple[str, str]],
    values: dict[str, list[int]],
    *,
    row_kind: str,
    rows_add_up: bool = True,
    public: bool = True,
    total_label: str | None = None,
    group_key: str = "",
) -> Table:
    width = len(columns)
    grid = [values.get(k, [0] * width) for k, _label in groups]
    keys = list(groups)
    if rows_add_up:
        grid.append([sum(col) for col in zip(*grid, strict=True)] if grid else [0] * width)
        keys.append((TOTAL, total_label or _("All")))
    states = suppress(grid, rows_add_up=rows_add_up, row_kind=row_kind)
    rows = [
        Row(k, label, [count_cell(v, s) for v, s in zip(vals, st, strict=True)])
        for (k, label), vals, st in zip(keys, grid, states, strict=True)
    ]
    return Table(key, title, group_label, columns, rows, public, group_key)


def _with_rate(table: Table, numerator: int, denominator: int, label: str) -> Table:
    rows = [Row(r.key, r.label, [*r.cells, rate_cell(r.cells[numerator], r.cells[denominator])]) for r in table.rows]
    return Table(
        table.key,
        table.title,
        table.group_label,
        [*table.columns, Column("share", label)],
        rows,
        table.public,
        table.group_key,
    )


def _quantile(histogram: Sequence[tuple[int, int]], q: float) -> int | None:
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


def _days_cell(low: int | None, n: int) -> Cell:
    """A quantile in days; a bucket wider than a day is shown as its range (rollup.bucket_width)."""
    cell = measure_cell(low, n)
    if low is None or cell.value is None or bucket_width(low) == 1:
        return cell
    return Cell(cell.value, f"{low}–{low + bucket_width(low) - 1}")


def _histograms(tallied: Iterable[Tallied]) -> dict[str, list[tuple[int, int]]]:
    hist: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for t in tallied:
        if t.value is not None:
            hist[t.group].append((t.value, t.n))
    return hist


def _timing_table(
    key: str,
    title: str,
    group_label: str,
    hist: dict[str, list[tuple[int, int]]],
    by: str,
    *,
    public: bool = True,
) -> Table:
    groups = _groups(by, hist)
    counts = {k: [sum(c for _, c in h)] for k, h in hist.items()}
    base = _table(
        key,
        title,
        group_label,
        [Column("cases", _("Cases"))],
        groups,
        counts,
        row_kind="independent",
        public=public,
    )
    every = [pair for h in hist.values() for pair in h]
    rows = []
    for r in base.rows:
        h = every if r.is_total else hist.get(r.key, [])
        n = sum(c for _, c in h)
        if r.cells[0].suppressed:
            extra = [Cell(None, "x", r.cells[0].state), Cell(None, "x", r.cells[0].state)]
        else:
            extra = [_days_cell(_quantile(h, 0.5), n), _days_cell(_quantile(h, 0.9), n)]
        rows.append(Row(r.key, r.label, [*r.cells, *extra]))
    cols = [
        *base.columns,
        Column("median_days", _("Median, days")),
        Column("p90_days", _("90th percentile, days")),
    ]
    return Table(key, title, group_label, cols, rows, public, base.group_key)


def _chart_from_total(key: str, title: str, table: Table, columns: Sequence[int] | None = None) -> Chart:
    total = table.total()
    assert total is not None
    picked = list(columns) if columns is not None else list(range(len(table.columns)))
    return Chart(key, title, [table.columns[i].label for i in picked], [total.cells[i] for i in picked])


def _chart_from_column(key: str, title: str, table: Table, column: int, *, percent: bool = False) -> Chart:
    rows = [r for r in table.rows if not r.is_total]
    return Chart(key, title, [r.label for r in rows], [r.cells[column] for r in rows], percent)


# Sections


def funnel_and_police(f: Filter) -> list[Section]:
    by = f.by
    steps: dict[str, list[int]] = defaultdict(lambda: [0] * len(FUNNEL_STEPS))
    police: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    costs: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "paid_n": 0, "paid": 0, "lawyer": 0})
    for t in f.tally("funnel"):
        for k in range((t.value or 0) + 1):
            steps[t.group][k] += t.n
        if (t.value or 0) >= 1:
            police[t.group][0] += t.n
        costs[t.group]["n"] += t.n
    refused = f.tally("refused")
    for t in refused:  # a refused case was reported to police, so its group is already there
        police[t.group][1] += t.n
    for t in f.tally("paid"):
        costs[t.group]["paid_n"] += t.n
        costs[t.group]["paid"] += t.total
        costs[t.group]["lawyer"] += t.total_lawyer
    groups = _groups(by, steps)
    step_labels = [
        _("Incidents"),
        _("Reported to police"),
        _("Registered (ERDR)"),
        _("Charged under a sexual-offence article"),
        _("Sent to court"),
        _("Convicted"),
        _("Custodial sentence"),
    ]
    funnel = _table(
        "funnel",
        _("Attrition funnel"),
        _by_label(by),
        [Column(k, label) for k, label in zip(FUNNEL_STEPS, step_labels, strict=True)],
        groups,
        dict(steps),
        row_kind="nested",
    )
    funnel_section = Section(
        "funnel",
        _("Where cases are lost"),
        _("Cases counted at each step they reached, each step only among the cases that reached the one before it."),
        [funnel],
        [_chart_from_total("funnel", _("Attrition funnel"), funnel)],
    )

    refusal = _with_rate(
        _table(
            "refusals",
            _("Refusals to register a report"),
            _by_label(by),
            [Column("reported", _("Reported to police")), Column("refused", _("Refused"))],
            groups,
            dict(police),
            row_kind="nested",
        ),
        1,
        0,
        _("Refusal rate"),
    )
    registration = _histograms(f.tally("registration"))
    timing = _timing_table(
        "registration_days",
        _("Days from first contact with police to registration"),
        _by_label(by),
        registration,
        by,
    )
    reasons_codes = [e.code for e in reference.refusal_reasons()]
    reasons: dict[str, list[int]] = defaultdict(lambda: [0] * (len(reasons_codes) + 1))
    for t in refused:
        if t.key in reasons_codes:
            reasons[t.group][reasons_codes.index(t.key)] += t.n
        reasons[t.group][-1] += t.n
    reason_table = _table(
        "refusal_reasons",
        _("Reasons police gave for refusing"),
        _by_label(by),
        [
            *(Column(e.code, e.label(active_language())) for e in reference.refusal_reasons()),
            Column("refused", _("Refused cases")),
        ],
        _groups(by, reasons),
        dict(reasons),
        row_kind="partition",
    )
    every_registration = [pair for h in registration.values() for pair in h]
    places = [
        _place_table(f, "city", every_registration, _("Refusals and time to registration by city"), _("City")),
        _place_table(
            f,
            "unit",
            every_registration,
            _("Refusals and time to registration by police unit"),
            _("Police unit"),
            public=False,
        ),
    ]
    police_section = Section(
        "police",
        _("Police"),
        _(
            "Refusal rate: cases refused registration at least once, among cases reported to police. Time to "
            "registration: days from the first contact with police to the first registration."
        ),
        [refusal, timing, reason_table, *places],
        [
            _chart_from_column("refusal_rate", _("Refusal rate"), refusal, 2, percent=True),
            _chart_from_total(
                "refusal_reasons",
                _("Reasons police gave for refusing"),
                reason_table,
                range(len(reasons_codes)),
            ),
        ],
    )

    cost_values = {k: [v["n"], v["paid_n"]] for k, v in costs.items()}
    cost_table = _with_rate(
        _table(
            "costs",
            _("Costs borne by survivors"),
            _by_label(by),
            [Column("cases", _("Cases")), Column("paid", _("Cases where she or her family paid"))],
            groups,
            cost_values,
            row_kind="nested",
        ),
        1,
        0,
        _("Share"),
    )
    cost_rows = []
    for r in cost_table.rows:
        sums = (
            costs.get(r.key)
            if not r.is_total
            else {name: sum(v[name] for v in costs.values()) for name in ("paid_n", "paid", "lawyer")}
        )
        sums = sums or {"paid_n": 0, "paid": 0, "lawyer": 0}
        hidden = r.cells[1].suppressed
        extra = (
            [Cell(None, "x", r.cells[1].state)] * 2
            if hidden
            else [
                measure_cell(sums["paid"], sums["paid_n"], unit=" ₸"),
                measure_cell(sums["lawyer"], sums["paid_n"], unit=" ₸"),
            ]
        )
        cost_rows.append(Row(r.key, r.label, [*r.cells, *extra]))
    cost_table = Table(
        "costs",
        cost_table.title,
        cost_table.group_label,
        [
            *cost_table.columns,
            Column("paid_total", _("Paid in all, tenge")),
            Column("paid_lawyer", _("Of which for a lawyer, tenge")),
        ],
        cost_rows,
        True,
        by,
    )
    cost_section = Section(
        "costs",
        _("Costs borne by survivors"),
        _(
            "Money the survivor or her family paid, as recorded in the case's costs (lawyer, forensic "
            "examination, travel, treatment…)."
        ),
        [cost_table],
        [],
    )
    return [funnel_section, police_section, cost_section]


def _place_table(
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
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for t in f.tally(measure):
        counts[t.key][0] += t.n
        counts[t.key][1] += t.n if t.value else 0
    ranked = sorted((k for k in counts if k), key=lambda k: -counts[k][0])
    top, rest = ranked[:TOP_PLACES], set(ranked[TOP_PLACES:]) | ({""} & set(counts))
    other_key = "__other__"
    values = {k: counts[k] for k in top}
    if rest:
        values[other_key] = [sum(counts[k][i] for k in rest) for i in (0, 1)]

    def place(code: str) -> str:
        if column == "city":
            found = reference.city(code)
            return found.label(active_language()) if found else code
        return code

    groups = [(k, place(k)) for k in top] + ([(other_key, _("Other or not recorded"))] if rest else [])
    table = _with_rate(
        _table(
            column,
            title,
            label,
            [Column("reported", _("Reported to police")), Column("refused", _("Refused"))],
            groups,
            values,
            row_kind="nested",
            public=public,
            group_key=column,
        ),
        1,
        0,
        _("Refusal rate"),
    )
    hist: dict[str, list[tuple[int, int]]] = defaultdict(list)
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
        hist[other_key] = [(value, n) for value, n in left.items() if n]
    rows = []
    for r in table.rows:
        h = every if r.is_total else hist.get(r.key, [])
        n = sum(c for _, c in h)
        rows.append(Row(r.key, r.label, [*r.cells, _days_cell(_quantile(h, 0.5), n)]))
    return Table(
        table.key,
        title,
        label,
        [*table.columns, Column("median_days", _("Median days to registration"))],
        rows,
        public,
        column,
    )


def downgrades(f: Filter) -> Section:
    by = f.by
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    endings: dict[str, list[int]] = defaultdict(lambda: [0] * (len(ENDINGS) + 1))
    for t in f.tally("downgrade"):
        counts[t.group][0] += t.n
        if t.value:
            counts[t.group][1] += t.n
            if t.key in ENDINGS:
                endings[t.group][ENDINGS.index(t.key)] += t.n
            endings[t.group][-1] += t.n
    groups = _groups(by, counts)
    share = _with_rate(
        _table(
            "downgrades",
            _("Requalified down from a sexual-offence article"),
            _by_label(by),
            [
                Column("registered_sexual", _("Registered under a sexual-offence article")),
                Column("downgraded", _("Downgraded")),
            ],
            groups,
            dict(counts),
            row_kind="nested",
        ),
        1,
        0,
        _("Share downgraded"),
    )
    ended = _table(
        "downgrade_endings",
        _("How downgraded cases ended"),
        _by_label(by),
        [*(Column(code, _ending_label(code)) for code in ENDINGS), Column("downgraded", _("Downgraded"))],
        _groups(by, endings),
        dict(endings),
        row_kind="partition",
    )
    return Section(
        "downgrades",
        _("Downgrades"),
        _(
            "Among cases registered under a Criminal Code sexual-offence article, those requalified at least "
            "once "
            "to a less serious article or to the Code of Administrative Offences."
        ),
        [share, ended],
        [_chart_from_total("downgrade_endings", _("How downgraded cases ended"), ended, range(len(ENDINGS)))],
    )


def _ending_label(code: str) -> str:
    labels = {
        "administrative": _("Administrative case"),
        "terminated": _("Investigation terminated"),
        "in_court": _("In court"),
        "under_investigation": _("Under investigation"),
        "refused": _("Registration refused"),
        "not_reported": _("Not reported"),
    }
    return labels.get(code) or _entry_label(reference.verdict_outcomes(), code)


def courts(f: Filter) -> Section:
    by = f.by
    hearings: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for t in f.tally("hearing"):
        hearings[t.group][0] += t.n
        hearings[t.group][1] += t.n if t.value else 0
    closed = _with_rate(
        _table(
            "closed_hearings",
            _("Closed hearings"),
            _by_label(by),
            [Column("heard", _("Cases with a hearing")), Column("closed", _("Closed hearing"))],
            _groups(by, hearings),
            dict(hearings),
            row_kind="nested",
        ),
        1,
        0,
        _("Share closed"),
    )

    codes = defence_codes()
    outcomes = [*(e.code for e in reference.verdict_outcomes()), ""]
    heard: dict[str, list[int]] = {c: [0] * (len(outcomes) + 1) for c in codes}
    for t in f.tally("defence"):
        col = outcomes.index(t.key) if t.key in outcomes else len(outcomes) - 1
        for bit, code in enumerate(codes):
            if (t.value or 0) & (1 << bit):
                heard[code][col] += t.n
                heard[code][-1] += t.n
    arguments = _table(
        "defence_arguments",
        _("Defence arguments heard, and the verdicts that followed"),
        _("Argument"),
        [
            *(
                Column(
                    o or "no_verdict",
                    _entry_label(reference.verdict_outcomes(), o) if o else _("No verdict yet"),
                )
                for o in outcomes
            ),
            Column("cases", _("Cases where it was heard")),
        ],
        [(e.code, e.label(active_language())) for e in reference.defence_arguments()],
        heard,
        row_kind="partition",
        rows_add_up=False,
        group_key="argument",
    )

    types = [e.code for e in reference.sentence_types()]
    sentenced: dict[str, list[int]] = defaultdict(lambda: [0] * (len(types) + 1))
    lengths: dict[str, list[int]] = defaultdict(lambda: [0] * (len(LENGTH_BANDS) + 2))
    for t in f.tally("sentence"):
        if t.key in types:
            sentenced[t.group][types.index(t.key)] += t.n
        sentenced[t.group][-1] += t.n
        lengths[t.group][t.value if t.value is not None else len(LENGTH_BANDS)] += t.n
        lengths[t.group][-1] += t.n
    sentence_table = _table(
        "sentence_types",
        _("Sentences"),
        _by_label(by),
        [
            *(Column(e.code, e.label(active_language())) for e in reference.sentence_types()),
            Column("sentenced", _("Sentenced")),
        ],
        _groups(by, sentenced),
        dict(sentenced),
        row_kind="partition",
    )
    band_labels = [
        _("under 1 year"),
        _("1 to 3 years"),
        _("3 to 5 years"),
        _("5 to 10 years"),
        _("10 years or more"),
        _("length not recorded"),
    ]
    length_table = _table(
        "sentence_lengths",
        _("Length of sentences"),
        _by_label(by),
        [
            *(Column(f"band{i}", label) for i, label in enumerate(band_labels)),
            Column("sentenced", _("Sentenced")),
        ],
        _groups(by, lengths),
        dict(lengths),
        row_kind="partition",
    )
    return Section(
        "courts",
        _("Courts"),
        _(
            "Closed hearings among cases with at least one hearing; defence arguments recorded at any "
            "hearing of a case and the case's last verdict; the type and length of the case's last sentence."
        ),
        [closed, arguments, sentence_table, length_table],
        [
            _chart_from_column("closed_hearings", _("Share of closed hearings"), closed, 2, percent=True),
            Chart(
                "defence_arguments",
                _("Defence arguments heard"),
                [r.label for r in arguments.rows],
                [r.cells[-1] for r in arguments.rows],
            ),
            _chart_from_total("sentence_types", _("Sentences"), sentence_table, range(len(types))),
        ],
    )


def repeat_suspects(f: Filter) -> Section:
    qs, by = f.figures(), f.by
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for t in f.tally("funnel"):
        counts[t.group][0] += t.n
    linked = sorted(hooks.linked_cases(organisation_ids=[o.pk for o in f.organisations]))
    for start in range(0, len(linked), 5000):  # stays under every database's limit on query parameters
        for row in qs.filter(case_id__in=linked[start : start + 5000]).values(by).annotate(n=Count("*")):
            counts[str(row[by])][1] += row["n"]
    table = _with_rate(
        _table(
            "repeat_suspects",
            _("Cases whose suspect is linked to another case"),
            _by_label(by),
            [Column("cases", _("Cases")), Column("linked", _("Suspect linked to another case"))],
            _groups(by, counts),
            dict(counts),
            row_kind="nested",
        ),
        1,
        0,
        _("Share"),
    )
    return Section(
        "repeat_suspects",
        _("Repeat suspects"),
        _("Cases with a suspect that a coordinator confirmed as the same person as a suspect of another case."),
        [table],
        [],
    )


def timing(f: Filter) -> Section:
    table = _timing_table(
        "verdict_days",
        _("Days from the incident to the first verdict"),
        _by_label(f.by),
        _histograms(f.tally("verdict")),
        f.by,
    )
    return Section(
        "timing",
        _("Time to verdict"),
        _("Days from the date of the incident (its start, for a period) to the first verdict."),
        [table],
        [_chart_from_column("verdict_days", _("Median days to verdict"), table, 1)],
    )


def all_sections(f: Filter) -> list[Section]:
    first = funnel_and_police(f)
    return [first[0], first[1], downgrades(f), courts(f), repeat_suspects(f), first[2], timing(f)]


def public_tables(sections: Iterable[Section]) -> list[tuple[Section, Table]]:
    return [(s, t) for s in sections for t in s.tables if t.public]


def shown(cell: Cell) -> bool:
    return cell.state == SHOWN
