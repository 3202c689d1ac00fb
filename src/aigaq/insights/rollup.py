"""The statistics cache summed by month and by year (`FigureTally`), and how a filter reads it.

Each metric asks for a *measure*: the `CaseFigures` rows it counts, grouped by one coded column
(`key`) and one whole number (`value`: a funnel step, a flag, a bucket of days). A measure is
defined once, as a database aggregate, and the same definition fills the cache and counts the days
of a period that do not make a whole month, so the two cannot disagree:

- month rows: `measure_rows()` over the cases of one organisation, month and region;
- year rows: the sum of a year's month rows; "all regions" rows (region ALL_REGIONS): the sum over
  the regions, read when the filter names no region and the breakdown is not by region;
- a period is read from the year rows of its whole years, the month rows of its other whole
  months, and `CaseFigures` itself for the days left at either end (at most two part-months).

When a case changes (the insights hook of `cases.services`) or a counted case is erased, its old
contributions are taken out and its new ones put in, computed from its `CaseFigures` row by the
same database expressions; `insights_rebuild` recomputes everything from `CaseFigures`.

Durations are counted in buckets so that a year of a region holds a few dozen rows, not one per
case: to the day up to 34 days, to the week (35, 42, …) up to 419 days, then to 30 days (420, 450,
…). A median or percentile is exact to its bucket: the value shown is the bucket's first day, and
`bucket_width()` says how wide it is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Expression,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth, TruncYear

from aigaq.accounts.models import Organisation

from .models import CaseFigures, FigureTally

EXACT_DAYS = 34
HOURS_UNTIL = 48  # registrations shown in hours: those that took less than two days
WEEKLY_UNTIL = 419  # 420 = 60 weeks = 14 × 30 days, so the week and 30-day buckets do not overlap
LENGTH_BANDS = ((0, 12), (12, 36), (36, 60), (60, 120), (120, None))  # sentence months, [low, high)
VARIANTS = ("", "area", "gbv_type")  # "": no group column (year and region are in every row)


def bucket_width(low: int) -> int:
    """How many days the bucket starting at `low` spans."""
    return 1 if low <= EXACT_DAYS else 7 if low <= WEEKLY_UNTIL else 30


def _days_bucket(column: str) -> Expression:
    # Integer division of two integers truncates in SQLite and PostgreSQL alike.
    return Case(
        When(**{f"{column}__lte": EXACT_DAYS}, then=F(column)),
        When(**{f"{column}__lte": WEEKLY_UNTIL}, then=F(column) / 7 * 7),
        default=F(column) / 30 * 30,
        output_field=IntegerField(),
    )


def _flag(column: str) -> Expression:
    return Case(When(**{column: True}, then=Value(1)), default=Value(0), output_field=IntegerField())


def _length_band() -> Expression:
    """The index of the sentence's band in LENGTH_BANDS; len(LENGTH_BANDS) when not recorded."""
    whens = [
        When(Q(sentence_months__gte=low) & (Q(sentence_months__lt=high) if high else Q()), then=Value(i))
        for i, (low, high) in enumerate(LENGTH_BANDS)
    ]
    return Case(*whens, default=Value(len(LENGTH_BANDS)), output_field=IntegerField())


@dataclass(frozen=True, eq=False)
class Measure:
    where: Q
    key: str = ""  # a CaseFigures column
    value: Any = None  # an expression (F, Case) of the row
    sums: bool = False  # also sum what the survivor paid, in all and for a lawyer
    broken_down: bool = True  # kept per breakdown group; False: only for the whole filter


MEASURES: dict[str, Measure] = {
    "funnel": Measure(Q(), value=F("funnel_step")),
    "refused": Measure(Q(refused=True), key="refusal_reason"),
    "paid": Measure(Q(survivor_paid__gt=0), sums=True),
    "registration": Measure(Q(days_to_registration__isnull=False), value=_days_bucket("days_to_registration")),
    # Same-day registrations in hours: only cases with both times recorded and under two days.
    "registration_hours": Measure(
        Q(hours_to_registration__isnull=False, hours_to_registration__lt=HOURS_UNTIL),
        value=F("hours_to_registration"),
    ),
    "city": Measure(Q(reported=True), key="city", value=_flag("refused"), broken_down=False),
    "city_days": Measure(
        Q(reported=True, days_to_registration__isnull=False),
        key="city",
        value=_days_bucket("days_to_registration"),
        broken_down=False,
    ),
    "unit": Measure(Q(reported=True), key="police_unit", value=_flag("refused"), broken_down=False),
    "unit_days": Measure(
        Q(reported=True, days_to_registration__isnull=False),
        key="police_unit",
        value=_days_bucket("days_to_registration"),
        broken_down=False,
    ),
    "downgrade": Measure(Q(registered_sexual=True), key="ending", value=_flag("downgraded")),
    "hearing": Measure(Q(had_hearing=True), value=_flag("closed_hearing")),
    "defence": Measure(Q(defence_mask__gt=0), key="verdict_outcome", value=F("defence_mask"), broken_down=False),
    "sentence": Measure(~Q(sentence_type=""), key="sentence_type", value=_length_band()),
    "verdict": Measure(Q(days_to_verdict__isnull=False), value=_days_bucket("days_to_verdict")),
}


def measure_rows(rows: QuerySet[CaseFigures], measure: Measure, group: Any, *dims: str) -> QuerySet[Any]:
    """Counts (and sums) of `rows` in the measure, grouped by `dims`, `group`, key and value."""
    text = CharField()
    counted = rows.filter(measure.where).annotate(
        t_group=group,
        t_key=F(measure.key) if measure.key else Value("", output_field=text),
        t_value=measure.value if measure.value is not None else Value(0, output_field=IntegerField()),
    )
    sums = (
        {
            "t_total": Coalesce(Sum("survivor_paid"), 0, output_field=IntegerField()),
            "t_lawyer": Coalesce(Sum("survivor_paid_lawyer"), 0, output_field=IntegerField()),
        }
        if measure.sums
        else {}
    )
    return counted.values(*dims, "t_group", "t_key", "t_value").annotate(t_n=Count("*"), **sums)


# Filling the cache

ALL_REGIONS = "*"  # rows summed over every region, read when the filter names no region
TALLY_COLUMNS = (
    "organisation_id",
    "span",
    "month",
    "region",
    "by",
    "group",
    "measure",
    "key",
    "value",
    "n",
    "total",
    "total_lawyer",
)


def _insert_sql(select: QuerySet[Any], names: dict[str, str], constants: dict[str, str]) -> tuple[str, list[Any]]:
    """INSERT … SELECT: the rows of `select` into the cache, in the database, without a round trip
    through Python (the cache of a million cases holds millions of month rows). `names` maps a
    cache column to the column of `select` that fills it; `constants` gives the others."""
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    picked, values = [], []
    for column in TALLY_COLUMNS:
        if column in constants:
            picked.append("%s")
            values.append(constants[column])
        else:
            picked.append(quote(names.get(column, column)))
    table = FigureTally._meta.db_table
    insert = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in TALLY_COLUMNS)}) "  # noqa: S608 - names only
        f"SELECT {', '.join(picked)} FROM ({sql}) grouped"
    )
    return insert, [*values, *params]


def _insert(select: QuerySet[Any], names: dict[str, str], constants: dict[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(*_insert_sql(select, names, constants))


def _variant_group(variant: str) -> Any:
    return F(variant) if variant else Value("", output_field=CharField())


MONTH_NAMES = {
    "month": "t_month",
    "group": "t_group",
    "key": "t_key",
    "value": "t_value",
    "n": "t_n",
    "total": "t_total",
    "total_lawyer": "t_lawyer",
}


def _month_inserts(rows: QuerySet[CaseFigures]) -> list[tuple[str, list[Any]]]:
    """The INSERT … SELECTs that write the month rows of each region of `rows`."""
    inserts = []
    for name, measure in MEASURES.items():
        for variant in VARIANTS if measure.broken_down else ("",):
            grouped = measure_rows(
                rows.annotate(t_month=TruncMonth("incident_date")),
                measure,
                _variant_group(variant),
                "organisation_id",
                "t_month",
                "region",
            )
            if not measure.sums:
                grouped = grouped.annotate(t_total=Value(0), t_lawyer=Value(0))
            inserts.append(_insert_sql(grouped, MONTH_NAMES, {"span": "month", "by": variant, "measure": name}))
    return inserts


def _fill_months(rows: QuerySet[CaseFigures]) -> None:
    """Month rows of each region, from the cases."""
    with connection.cursor() as cursor:
        for sql, params in _month_inserts(rows):
            cursor.execute(sql, params)


def _sum_rows(rows: QuerySet[FigureTally], *, span: str, region: str | None) -> None:
    """Sums cache rows into rows of `span`: over the regions (region ALL_REGIONS) or, for
    span "year", over the months of each year (region None: each region and ALL_REGIONS kept)."""
    dims = ["organisation_id", "by", "group", "measure", "key", "value"]
    rows = rows.annotate(t_month=TruncYear("month") if span == "year" else F("month"))
    constants = {"span": span}
    if region is None:
        dims.append("region")
    else:
        constants["region"] = region
    grouped = rows.values(*dims, "t_month").annotate(t_n=Sum("n"), t_total=Sum("total"), t_lawyer=Sum("total_lawyer"))
    names = {"month": "t_month", "n": "t_n", "total": "t_total", "total_lawyer": "t_lawyer"}
    _insert(grouped, names, constants)


def _next_month(first: dt.date) -> dt.date | None:
    if (first.year, first.month) == (dt.MAXYEAR, 12):
        return None
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _previous_month(first: dt.date) -> dt.date | None:
    return None if first == dt.date.min else (first - dt.timedelta(days=1)).replace(day=1)


def _month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = _next_month(first)
    return first, following - dt.timedelta(days=1) if following else dt.date.max


# Keeping it up to date, one case at a time

# A case's contributions: the measure rows of its one CaseFigures row. Building these thirty-odd
# queries costs far more in Django than running them on one row, and they run twice on every
# write to a case, so they are built once with a stand-in case id that each call replaces.
_STAND_IN = -987654321
_CASE_SELECTS: dict[str, list[tuple[str, str, str, list[Any]]]] = {}
KEY_COLUMNS = ("organisation_id", "span", "month", "region", "by", "group", "measure", "key", "value")

Contribution = tuple[Any, ...]  # KEY_COLUMNS, then n, total, total_lawyer


def _selects(rows: Any) -> list[tuple[str, str, str, list[Any]]]:
    """The measure rows of these CaseFigures rows as SQL: (measure, variant, sql, params)."""
    selects = []
    rows = rows.annotate(t_month=TruncMonth("incident_date"))
    for name, measure in MEASURES.items():
        for variant in VARIANTS if measure.broken_down else ("",):
            grouped = measure_rows(rows, measure, _variant_group(variant), "organisation_id", "t_month", "region")
            if not measure.sums:
                grouped = grouped.annotate(t_total=Value(0), t_lawyer=Value(0))
            sql, params = grouped.query.sql_with_params()
            selects.append((name, variant, sql, list(params)))
    return selects


def _case_selects() -> list[tuple[str, str, str, list[Any]]]:
    if connection.vendor not in _CASE_SELECTS:
        selects = _selects(CaseFigures.objects.filter(case_id=_STAND_IN))
        for _name, _variant, _sql, params in selects:
            if list(params).count(_STAND_IN) != 1:
                raise RuntimeError("the stand-in case id is not one parameter of its own")
        _CASE_SELECTS[connection.vendor] = selects
    return _CASE_SELECTS[connection.vendor]


def _day(value: Any) -> dt.date:
    """A truncated month as the database returns it (a date, a datetime or, in SQLite, text)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, dt.datetime) else value


def case_contributions(case_id: int) -> list[Contribution]:
    """What one case adds to the cache: its month row of every measure, and the same row in its
    region's year, in the month over all regions and in the year over all regions."""
    return _contributions([(name, variant, sql, [case_id if p == _STAND_IN else p for p in params])
                           for name, variant, sql, params in _case_selects()])


# The same for up to MANY cases at once, built once with MANY stand-in ids (an unused place gets
# the id 0, which no case has): a list of hundreds of ids costs Django more to build into thirty
# queries than the queries take to run.
MANY = 500
_MANY_STAND_INS = [_STAND_IN - 1 - i for i in range(MANY)]
_MANY_SELECTS: dict[str, list[tuple[str, str, str, list[Any]]]] = {}


def _many_selects() -> list[tuple[str, str, str, list[Any]]]:
    if connection.vendor not in _MANY_SELECTS:
        selects = _selects(CaseFigures.objects.filter(case_id__in=_MANY_STAND_INS))
        for _name, _variant, _sql, params in selects:
            if sorted(p for p in params if p in set(_MANY_STAND_INS)) != sorted(_MANY_STAND_INS):
                raise RuntimeError("the stand-in case ids are not parameters of their own")
        _MANY_SELECTS[connection.vendor] = selects
    return _MANY_SELECTS[connection.vendor]


def cases_contributions(case_ids: list[int]) -> list[Contribution]:
    """What these cases add to the cache together (a bulk write: the sum of each one's
    `case_contributions`, which `tally_change` adds up the same way), one query a measure for
    every MANY cases."""
    made: list[Contribution] = []
    for start in range(0, len(case_ids), MANY):
        part = case_ids[start : start + MANY]
        ids = dict(zip(_MANY_STAND_INS, [*part, *[0] * (MANY - len(part))], strict=True))
        made.extend(_contributions([(name, variant, sql, [ids.get(p, p) if isinstance(p, int) else p for p in params])
                                    for name, variant, sql, params in _many_selects()]))
    return made


def _contributions(selects: list[tuple[str, str, str, list[Any]]]) -> list[Contribution]:
    made = []
    with connection.cursor() as cursor:
        for name, variant, sql, params in selects:
            cursor.execute(sql, params)
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                r = dict(zip(columns, row, strict=True))
                month = _day(r["t_month"])
                for span, first in (("month", month), ("year", month.replace(month=1))):
                    for region in (r["region"], ALL_REGIONS):
                        made.append(
                            (
                                r["organisation_id"],
                                span,
                                first,
                                region,
                                variant,
                                r["t_group"],
                                name,
                                r["t_key"],
                                r["t_value"],
                                r["t_n"],
                                r["t_total"],
                                r["t_lawyer"],
                            )
                        )
    return made


def tally_change(*, before: list[Contribution], after: list[Contribution]) -> None:
    """Takes a case's old contributions out of the cache and puts its new ones in.

    Each difference is an upsert that adds to the row's counts, so parallel writes to the same
    month add up instead of overwriting each other; rows that fall to zero are removed, as a
    rebuild would not make them."""
    delta: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for sign, rows in ((-1, before), (1, after)):
        for row in rows:
            d = delta[row[: len(KEY_COLUMNS)]]
            for i, amount in enumerate(row[len(KEY_COLUMNS) :]):
                d[i] += sign * amount
    changed = {key: d for key, d in delta.items() if any(d)}
    if not changed:
        return
    quote = connection.ops.quote_name
    table = quote(FigureTally._meta.db_table)
    keys = ", ".join(quote(c) for c in KEY_COLUMNS)
    adapt = connection.ops.adapt_datefield_value

    def params(key: tuple[Any, ...]) -> list[Any]:
        return [adapt(v) if isinstance(v, dt.date) else v for v in key]

    upsert = (
        f"INSERT INTO {table} ({keys}, n, total, total_lawyer) VALUES ({', '.join(['%s'] * 12)}) "  # noqa: S608
        f"ON CONFLICT ({keys}) DO UPDATE SET n = {table}.n + excluded.n, "
        f"total = {table}.total + excluded.total, total_lawyer = {table}.total_lawyer + excluded.total_lawyer"
    )
    where = " AND ".join(f"{quote(c)} = %s" for c in KEY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.executemany(upsert, [[*params(key), *d] for key, d in changed.items()])
        emptied = [params(key) for key, d in changed.items() if d[0] < 0]
        if emptied:
            cursor.executemany(f"DELETE FROM {table} WHERE {where} AND n = 0", emptied)  # noqa: S608


@transaction.atomic
def tally_rebuild_all() -> int:
    """Recomputes every row from `CaseFigures`; returns how many rows the cache holds."""
    FigureTally.objects.all().delete()
    _fill_months(CaseFigures.objects.all())
    _sum_rows(FigureTally.objects.filter(span="month"), span="month", region=ALL_REGIONS)
    _sum_rows(FigureTally.objects.filter(span="month"), span="year", region=None)
    return FigureTally.objects.count()


# Reading it for a filter


@dataclass(frozen=True)
class Tallied:
    group: str
    key: str
    value: int | None
    n: int
    total: int = 0
    total_lawyer: int = 0


def _periods(since: dt.date | None, until: dt.date | None) -> tuple[list[Q], list[tuple[dt.date, dt.date]]]:
    """The cache rows that make up [since, until], as ranges of whole years and of whole months,
    and the ranges of days left over (read from the cases). Each range is read by a query of its
    own: one range per query is one index range scan in both databases, an OR of them may not be."""
    low = since or dt.date.min
    high = until or dt.date.max
    start = low if low.day == 1 else _next_month(low.replace(day=1))  # the first whole month
    end_first, end_last = _month_of(high)
    end = end_first if high == end_last else _previous_month(end_first)  # the last whole month
    if start is None or end is None or start > end:
        return [], [(low, high)]
    raw = []
    if low < start:
        raw.append((low, start - dt.timedelta(days=1)))
    month_end = _month_of(end)[1]
    if month_end < high:
        raw.append((month_end + dt.timedelta(days=1), high))
    first_year = start.year if start.month == 1 else start.year + 1
    last_year = end.year if end.month == 12 else end.year - 1
    if first_year > last_year:
        return [Q(span="month", month__gte=start, month__lte=end)], raw
    pieces = [Q(span="year", month__gte=dt.date(first_year, 1, 1), month__lte=dt.date(last_year, 1, 1))]
    if start < dt.date(first_year, 1, 1):
        pieces.append(Q(span="month", month__gte=start, month__lt=dt.date(first_year, 1, 1)))
    if end > dt.date(last_year, 12, 1):
        pieces.append(Q(span="month", month__gt=dt.date(last_year, 12, 1), month__lte=end))
    return pieces, raw


def tally(
    organisations: Iterable[Organisation],
    since: dt.date | None,
    until: dt.date | None,
    region: str,
    by: str,
    name: str,
    *,
    keys: Iterable[str] | None = None,
) -> list[Tallied]:
    """The measure `name` over the filter, grouped by the breakdown `by` (year, region, area or
    gbv_type; ignored for measures that are not broken down), key and value."""
    measure = MEASURES[name]
    org_ids = [o.pk for o in organisations]
    wanted = list(keys) if keys is not None else None
    pieces, raw = _periods(since, until)
    variant = by if by in VARIANTS and measure.broken_down else ""
    cached = FigureTally.objects.filter(measure=name, by=variant, organisation_id__in=org_ids)
    if region:
        cached = cached.filter(region=region)
    elif by == "region" and measure.broken_down:
        cached = cached.exclude(region=ALL_REGIONS)
    else:
        cached = cached.filter(region=ALL_REGIONS)
    if wanted is not None:
        cached = cached.filter(key__in=wanted)
    if not measure.broken_down:
        group: Any = Value("", output_field=CharField())
    elif by == "year":
        group = ExtractYear("month")
    else:
        group = F("region") if by == "region" else F("group")
    sums: dict[tuple[str, str, int | None], list[int]] = defaultdict(lambda: [0, 0, 0])
    for piece in pieces:
        for r in (
            cached.filter(piece)
            .annotate(t_group=group)
            .values("t_group", "key", "value")
            .annotate(t_n=Sum("n"), t_total=Sum("total"), t_lawyer=Sum("total_lawyer"))
        ):
            s = sums[(str(r["t_group"]), r["key"], r["value"])]
            s[0] += r["t_n"]
            s[1] += r["t_total"]
            s[2] += r["t_lawyer"]
    for first, last in raw:
        cases = CaseFigures.objects.filter(
            organisation_id__in=org_ids, incident_date__gte=first, incident_date__lte=last
        )
        if region:
            cases = cases.filter(region=region)
        if wanted is not None:
            cases = cases.filter(**{f"{measure.key}__in": wanted})
        if not measure.broken_down:
            live: Any = Value("", output_field=CharField())
        elif by == "year":
            live = ExtractYear("incident_date")
        else:
            live = F(by)
        for r in measure_rows(cases, measure, live):
            s = sums[(str(r["t_group"]), r["t_key"], r["t_value"])]
            s[0] += r["t_n"]
            s[1] += r.get("t_total", 0)
            s[2] += r.get("t_lawyer", 0)
    return [Tallied(g, k, v, *s) for (g, k, v), s in sums.items() if s[0]]
