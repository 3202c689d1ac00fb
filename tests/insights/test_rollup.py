"""The monthly and yearly sums the metrics read: the same as the cases they sum, however a period
is cut, whether kept up to date by the write hooks or rebuilt."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import CharField, F, Value
from django.db.models.functions import ExtractYear

from aigaq.accounts.models import Organisation, User
from aigaq.cases import services
from aigaq.cases.erasure import case_erase
from aigaq.cases.models import Case
from aigaq.insights.filters import Filter
from aigaq.insights.metrics import all_sections
from aigaq.insights.models import CaseFigures, FigureTally
from aigaq.insights.rollup import MEASURES, measure_rows, tally, tally_rebuild_all

pytestmark = pytest.mark.django_db
D = dt.date


def _pathway(contact: dt.date, days: int, verdict_after: int) -> list[tuple[str, dt.date, dict[str, Any]]]:
    registered = contact + dt.timedelta(days=days)
    verdict = registered + dt.timedelta(days=verdict_after)
    return [
        ("police_contacted", contact, {"unit": "Almaly"}),
        ("report_refused", contact, {"reason": "natural_instincts"}),
        ("report_registered", registered, {"initial_article": "CC-120"}),
        ("requalified", registered, {"from_article": "CC-120", "to_article": "CAO-434"}),
        ("sent_to_court", verdict, {"article": "CC-120"}),
        ("hearing", verdict, {"closed": True, "defence_arguments": ["natural_urges"]}),
        ("verdict", verdict, {"outcome": "convicted"}),
        ("sentence", verdict, {"sentence_type": "imprisonment", "length_months": 40}),
    ]


@pytest.fixture
def spread(cora: User, build: Callable[..., Case]) -> list[Case]:
    """Cases on both sides of month and year boundaries, in two regions and both areas."""
    made = []
    dates = [
        D(2024, 12, 31),
        D(2025, 1, 1),
        D(2025, 1, 15),
        D(2025, 2, 28),
        D(2025, 3, 1),
        D(2025, 12, 31),
        D(2026, 1, 2),
    ]
    for i, date in enumerate(dates):
        region, city, area = ("KZ-75", "almaty", "urban") if i % 2 else ("KZ-71", "astana", "rural")
        made.append(
            build(
                cora,
                _pathway(date, days=i * 9, verdict_after=30 + i * 60),
                date_from=date,
                region=region,
                city=city,
                area=area,
                gbv_type="rape" if i % 3 else "sexual_assault",
            )
        )
    made.append(build(cora, [], date_from=D(2025, 6, 6)))
    return made


def _tally_rows() -> list[tuple[Any, ...]]:
    fields = [f.attname for f in FigureTally._meta.concrete_fields if f.attname != "id"]
    return sorted(FigureTally.objects.values_list(*fields))


def _from_the_cases(org: Organisation, since: dt.date | None, until: dt.date | None, by: str, name: str) -> Counter:
    rows = CaseFigures.objects.filter(organisation=org)
    if since:
        rows = rows.filter(incident_date__gte=since)
    if until:
        rows = rows.filter(incident_date__lte=until)
    measure = MEASURES[name]
    if not measure.broken_down:
        group: Any = Value("", output_field=CharField())
    else:
        group = ExtractYear("incident_date") if by == "year" else F(by)
    return Counter(
        {(str(r["t_group"]), r["t_key"], r["t_value"]): r["t_n"] for r in measure_rows(rows, measure, group)}
    )


def test_the_sums_kept_by_the_write_hooks_are_the_sums_a_rebuild_makes(cora: User, spread: list[Case]) -> None:
    services.pathway_event_add(actor=cora, case=spread[-1], event_type="police_contacted", date=D(2025, 6, 7), data={})
    kept = _tally_rows()
    assert kept
    tally_rebuild_all()
    assert _tally_rows() == kept


PERIODS = [
    (None, None),
    (D(2025, 1, 1), D(2025, 12, 31)),  # one whole year
    (D(2025, 1, 2), D(2025, 12, 30)),  # a year less a day at each end
    (D(2024, 12, 31), D(2026, 1, 2)),  # a whole year and a day on each side
    (D(2025, 2, 1), D(2025, 3, 1)),  # a whole month and a day
    (D(2025, 1, 15), D(2025, 1, 15)),  # one day
    (None, D(2025, 2, 27)),
    (D(2025, 3, 1), None),
]


def test_every_measure_over_any_period_counts_what_the_cases_themselves_count(
    org: Organisation, spread: list[Case]
) -> None:
    for since, until in PERIODS:
        for by in ("year", "region", "area", "gbv_type"):
            for name in MEASURES:
                summed = Counter({(t.group, t.key, t.value): t.n for t in tally((org,), since, until, "", by, name)})
                assert summed == _from_the_cases(org, since, until, by, name), (since, until, by, name)


def test_a_region_filter_reads_that_region_only(org: Organisation, spread: list[Case]) -> None:
    funnel = tally((org,), D(2025, 1, 1), D(2025, 12, 31), "KZ-75", "year", "funnel")
    assert sum(t.n for t in funnel) == CaseFigures.objects.filter(region="KZ-75", year=2025).count() == 3


def test_an_erased_case_leaves_the_sums(cora: User, org: Organisation, spread: list[Case]) -> None:
    before = sum(t.n for t in tally((org,), None, None, "", "year", "funnel"))
    case_erase(actor=cora, case=spread[0])
    assert sum(t.n for t in tally((org,), None, None, "", "year", "funnel")) == before - 1
    kept = _tally_rows()
    tally_rebuild_all()
    assert _tally_rows() == kept


def test_a_median_in_a_weekly_bucket_is_shown_as_the_range_of_that_week(
    cora: User, org: Organisation, build: Callable[..., Case]
) -> None:
    for _ in range(5):
        build(cora, [("verdict", D(2025, 6, 14), {"outcome": "acquitted"})], date_from=D(2025, 5, 4))  # 41 days
    sections = all_sections(Filter(organisations=(org,)))
    timing = next(t for s in sections for t in s.tables if t.key == "verdict_days")
    assert [c.text for c in timing.rows[-1].cells] == ["5", "35–41", "35–41"]


def test_every_measure_name_fits_its_column_on_every_database() -> None:
    # SQLite stores a longer name silently; PostgreSQL refuses the whole write.
    width = FigureTally._meta.get_field("measure").max_length
    assert width is not None and max(len(name) for name in MEASURES) <= width
