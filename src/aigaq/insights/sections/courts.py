"""Downgrades and courts: cases requalified down from a sexual-offence article and how they ended,
closed hearings, the defence arguments heard and the verdicts that followed, sentences, and the
days from the incident to the first verdict."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from aigaq import reference
from aigaq.i18n import active_language

from ..figures import ENDINGS, defence_codes
from ..filters import Filter
from ..rollup import LENGTH_BANDS, Tallied
from .tables import (
    Chart,
    Column,
    Counts,
    Section,
    Table,
    by_label,
    chart_from_column,
    chart_from_total,
    coded_counts,
    count_table,
    entry_columns,
    entry_label,
    flagged_counts,
    groups,
    histograms,
    partition_table,
    timing_table,
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
    return labels.get(code) or entry_label(reference.verdict_outcomes(), code)


def downgrade_tables(by: str, downgrade: list[Tallied]) -> tuple[Table, Table]:
    """The share of cases registered under a sexual-offence article that were downgraded, and how
    the downgraded ones ended."""
    counts = flagged_counts(downgrade)
    endings = coded_counts((t for t in downgrade if t.value), ENDINGS)
    share = count_table(
        "downgrades",
        _("Requalified down from a sexual-offence article"),
        by_label(by),
        [
            Column("registered_sexual", _("Registered under a sexual-offence article")),
            Column("downgraded", _("Downgraded")),
        ],
        groups(by, counts),
        counts,
        row_kind="nested",
        share_label=_("Share downgraded"),
    )
    ended = partition_table(
        "downgrade_endings",
        _("How downgraded cases ended"),
        by,
        [*(Column(code, _ending_label(code)) for code in ENDINGS), Column("downgraded", _("Downgraded"))],
        endings,
    )
    return share, ended


def downgrades_section(f: Filter) -> Section:
    share, ended = downgrade_tables(f.by, f.tally("downgrade"))
    return Section(
        "downgrades",
        _("Downgrades"),
        _(
            "Among cases registered under a Criminal Code sexual-offence article, those requalified at least "
            "once "
            "to a less serious article or to the Code of Administrative Offences."
        ),
        [share, ended],
        [chart_from_total("downgrade_endings", _("How downgraded cases ended"), ended, range(len(ENDINGS)))],
    )


def closed_hearing_table(by: str, hearing: list[Tallied]) -> Table:
    hearings = flagged_counts(hearing)
    return count_table(
        "closed_hearings",
        _("Closed hearings"),
        by_label(by),
        [Column("heard", _("Cases with a hearing")), Column("closed", _("Closed hearing"))],
        groups(by, hearings),
        hearings,
        row_kind="nested",
        share_label=_("Share closed"),
    )


def defence_table(defence: list[Tallied]) -> Table:
    """Each defence argument, the cases where it was heard, by the case's last verdict. A case
    counts once under every argument heard in it, so the rows do not add up."""
    codes = defence_codes()
    outcomes = [*(e.code for e in reference.verdict_outcomes()), ""]
    heard: Counts = {c: [0] * (len(outcomes) + 1) for c in codes}
    for t in defence:
        col = outcomes.index(t.key) if t.key in outcomes else len(outcomes) - 1
        for bit, code in enumerate(codes):
            if (t.value or 0) & (1 << bit):
                heard[code][col] += t.n
                heard[code][-1] += t.n
    return count_table(
        "defence_arguments",
        _("Defence arguments heard, and the verdicts that followed"),
        _("Argument"),
        [
            *(
                Column(
                    o or "no_verdict",
                    entry_label(reference.verdict_outcomes(), o) if o else _("No verdict yet"),
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


def sentence_tables(by: str, sentence: list[Tallied]) -> tuple[Table, Table]:
    """The type of each case's last sentence, and its length in bands."""
    sentenced = coded_counts(sentence, [e.code for e in reference.sentence_types()])
    lengths: Counts = defaultdict(lambda: [0] * (len(LENGTH_BANDS) + 2))
    for t in sentence:
        lengths[t.group][t.value if t.value is not None else len(LENGTH_BANDS)] += t.n
        lengths[t.group][-1] += t.n
    type_table = partition_table(
        "sentence_types",
        _("Sentences"),
        by,
        [*entry_columns(reference.sentence_types()), Column("sentenced", _("Sentenced"))],
        sentenced,
    )
    band_labels = [
        _("under 1 year"),
        _("1 to 3 years"),
        _("3 to 5 years"),
        _("5 to 10 years"),
        _("10 years or more"),
        _("length not recorded"),
    ]
    length_table = partition_table(
        "sentence_lengths",
        _("Length of sentences"),
        by,
        [*(Column(f"band{i}", label) for i, label in enumerate(band_labels)), Column("sentenced", _("Sentenced"))],
        dict(lengths),
    )
    return type_table, length_table


def courts_section(f: Filter) -> Section:
    closed = closed_hearing_table(f.by, f.tally("hearing"))
    arguments = defence_table(f.tally("defence"))
    types, lengths = sentence_tables(f.by, f.tally("sentence"))
    return Section(
        "courts",
        _("Courts"),
        _(
            "Closed hearings among cases with at least one hearing; defence arguments recorded at any "
            "hearing of a case and the case's last verdict; the type and length of the case's last sentence."
        ),
        [closed, arguments, types, lengths],
        [
            chart_from_column("closed_hearings", _("Share of closed hearings"), closed, 2, percent=True),
            Chart(
                "defence_arguments",
                _("Defence arguments heard"),
                [r.label for r in arguments.rows],
                [r.cells[-1] for r in arguments.rows],
            ),
            chart_from_total("sentence_types", _("Sentences"), types, range(len(reference.sentence_types()))),
        ],
    )


def verdict_timing_section(f: Filter) -> Section:
    table = timing_table(
        "verdict_days",
        _("Days from the incident to the first verdict"),
        by_label(f.by),
        histograms(f.tally("verdict")),
        f.by,
    )
    return Section(
        "timing",
        _("Time to verdict"),
        _("Days from the date of the incident (its start, for a period) to the first verdict."),
        [table],
        [chart_from_column("verdict_days", _("Median days to verdict"), table, 1)],
    )
