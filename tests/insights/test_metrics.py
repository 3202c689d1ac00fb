"""The metrics of docs/metrics.md on hand-built cases, boundaries included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from aigaq.accounts.models import Organisation, User
from aigaq.cases import services
from aigaq.cases.models import Case
from aigaq.insights.figures import EventRow, case_figures, figures_rebuild_all
from aigaq.insights.filters import Filter
from aigaq.insights.metrics import Section, Table, all_sections
from aigaq.insights.models import CaseFigures
from aigaq.insights.sections.tables import quantile

pytestmark = pytest.mark.django_db
D = dt.date
INCIDENT = D(2025, 5, 4)


def figures(*events: tuple[str, dt.date, dict[str, Any]]) -> Any:
    rows = [EventRow("incident", INCIDENT, {}), *(EventRow(k, d, f) for k, d, f in events)]
    return case_figures(rows, incident_date=INCIDENT)


def table(sections: list[Section], key: str) -> Table:
    return next(t for s in sections for t in s.tables if t.key == key)


def total(sections: list[Section], key: str) -> list[str]:
    found = table(sections, key).total()
    assert found is not None
    return [c.text for c in found.cells]


def test_a_case_with_no_events_counts_as_an_incident_and_nothing_more() -> None:
    f = figures()
    assert (f.funnel_step, f.reported, f.refused, f.days_to_registration, f.days_to_verdict) == (
        0,
        False,
        False,
        None,
        None,
    )
    assert f.ending == "not_reported"


def test_the_funnel_is_nested_so_a_case_downgraded_before_court_stops_at_registered() -> None:
    f = figures(
        ("police_contacted", D(2025, 5, 5), {}),
        ("report_registered", D(2025, 5, 6), {"initial_article": "CC-120"}),
        ("requalified", D(2025, 6, 1), {"from_article": "CC-120", "to_article": "CAO-434"}),
        ("sent_to_court", D(2025, 7, 1), {"article": "CAO-434"}),
    )
    assert f.funnel_step == 2
    assert f.downgraded and f.registered_sexual


def test_a_full_pathway_reaches_custodial_sentence() -> None:
    f = figures(
        ("police_contacted", D(2025, 5, 5), {}),
        ("report_registered", D(2025, 5, 6), {"initial_article": "CC-120"}),
        ("sent_to_court", D(2025, 7, 1), {"article": "CC-120"}),
        ("hearing", D(2025, 8, 1), {"closed": True, "defence_arguments": ["natural_urges", "victim_drunk"]}),
        ("verdict", D(2025, 9, 1), {"outcome": "convicted"}),
        ("sentence", D(2025, 9, 1), {"sentence_type": "imprisonment", "length_months": 96}),
    )
    assert f.funnel_step == 6
    assert f.closed_hearing and f.had_hearing and f.defence_mask == 0b100000010
    assert (f.verdict_outcome, f.sentence_type, f.sentence_months) == ("convicted", "imprisonment", 96)
    assert f.days_to_verdict == (D(2025, 9, 1) - INCIDENT).days


def test_a_case_requalified_twice_is_downgraded_once_the_second_step_goes_below_a_sexual_offence() -> None:
    sideways = ("requalified", D(2025, 6, 1), {"from_article": "CC-120", "to_article": "CC-121"})
    down = ("requalified", D(2025, 7, 1), {"from_article": "CC-121", "to_article": "CAO-434"})
    registered = ("report_registered", D(2025, 5, 6), {"initial_article": "CC-120"})
    assert not figures(registered, sideways).downgraded
    both = figures(
        registered,
        sideways,
        down,
        ("administrative_decision", D(2025, 8, 1), {"article": "CAO-434", "outcome": "fine"}),
    )
    assert both.downgraded and both.ending == "administrative"
    assert both.funnel_step == 2  # the article in force after both steps is not a sexual offence


def test_time_to_registration_counts_from_the_first_police_contact_in_whole_days() -> None:
    f = figures(
        ("police_contacted", D(2025, 5, 5), {"unit": "kz-75-up-almaly"}),
        ("report_refused", D(2025, 5, 5), {"reason": "natural_instincts"}),
        ("report_registered", D(2025, 5, 12), {"initial_article": "CC-120"}),
    )
    assert f.days_to_registration == 7
    assert f.refused and f.refusal_reason == "natural_instincts"
    assert f.police_unit == "kz-75-up-almaly"
    same_day = figures(("report_registered", D(2025, 5, 5), {"initial_article": "CC-120"}))
    assert same_day.days_to_registration == 0


def test_the_statistics_keep_a_police_unit_by_its_code_only_never_by_a_written_name() -> None:
    written = figures(("police_contacted", D(2025, 5, 5), {"unit": "Almaly district, officer Serik"}))
    other = figures(("police_contacted", D(2025, 5, 5), {"unit": "other"}),
                    ("police_contacted", D(2025, 5, 6), {"unit": "kz-27-up-oral"}))
    assert written.police_unit == ""
    assert other.police_unit == "kz-27-up-oral"  # the first unit of the list


def test_quantiles_are_nearest_rank_values_of_real_cases() -> None:
    assert quantile([(7, 1), (1, 1), (3, 1), (5, 1), (9, 1)], 0.5) == 5
    assert quantile([(7, 1), (1, 1), (3, 1), (5, 1), (9, 1)], 0.9) == 9
    assert quantile([(2, 2), (10, 2)], 0.5) == 2  # rank 2 of 4: the lower middle, never an average
    assert quantile([], 0.5) is None


def _refused_then_registered(days: int) -> list[tuple[str, dt.date, dict[str, Any]]]:
    contact = D(2025, 5, 5)
    return [
        ("police_contacted", contact, {"unit": "Almaly"}),
        ("report_refused", contact, {"reason": "natural_instincts"}),
        ("report_registered", contact + dt.timedelta(days=days), {"initial_article": "CC-120"}),
    ]


def test_the_dashboard_numbers_count_consenting_cases_of_the_filter_only(
    cora: User, olga: User, org: Organisation, build: Callable[..., Case]
) -> None:
    for days in (1, 2, 3, 4, 30):
        build(cora, _refused_then_registered(days))
    for _ in range(5):
        build(cora, [("police_contacted", D(2025, 5, 5), {})])
    build(cora, _refused_then_registered(1), consent=False)  # not counted
    build(cora, _refused_then_registered(1), date_from=D(2023, 2, 1))  # outside the period below
    build(olga, _refused_then_registered(1))  # another organisation

    sections = all_sections(Filter(organisations=(org,), since=D(2025, 1, 1), until=D(2025, 12, 31)))
    assert total(sections, "funnel")[:4] == ["10", "10", "5", "5"]
    assert total(sections, "refusals") == ["10", "5", "50.0%"]
    assert total(sections, "registration_days") == ["5", "3", "30"]
    reasons = table(sections, "refusal_reasons")
    assert reasons.total().cells[-1].text == "5"  # type: ignore[union-attr]


def test_an_event_added_later_updates_the_numbers(cora: User, org: Organisation, build: Callable[..., Case]) -> None:
    cases = [build(cora) for _ in range(5)]
    f = Filter(organisations=(org,))
    assert total(all_sections(f), "funnel")[:2] == ["5", "0"]
    for case in cases:
        services.pathway_event_add(actor=cora, case=case, event_type="police_contacted", date=D(2025, 5, 6), data={})
    assert total(all_sections(f), "funnel")[:2] == ["5", "5"]


def test_the_rebuild_command_gives_the_same_cache_as_the_service_hook(cora: User, build: Callable[..., Case]) -> None:
    build(cora, _refused_then_registered(3))
    build(cora, [("police_contacted", D(2025, 5, 5), {})], consent=False)
    before = list(CaseFigures.objects.values())
    assert figures_rebuild_all() == 1
    after = list(CaseFigures.objects.values())
    strip = [{k: v for k, v in row.items() if k != "refreshed_at"} for row in before]
    assert strip == [{k: v for k, v in row.items() if k != "refreshed_at"} for row in after]


def test_repeat_suspects_count_zero_when_no_case_is_linked(
    cora: User, org: Organisation, build: Callable[..., Case]
) -> None:
    for _ in range(5):
        build(cora)
    assert total(all_sections(Filter(organisations=(org,))), "repeat_suspects") == ["5", "0", "0.0%"]


def test_breakdowns_split_the_same_population(cora: User, org: Organisation, build: Callable[..., Case]) -> None:
    for region in ("KZ-71", "KZ-71", "KZ-71", "KZ-71", "KZ-71", "KZ-75", "KZ-75", "KZ-75", "KZ-75", "KZ-75"):
        build(cora, region=region, city="")
    by_region = table(all_sections(Filter(organisations=(org,), by="region")), "funnel")
    assert [(r.key, r.cells[0].text) for r in by_region.rows] == [("KZ-71", "5"), ("KZ-75", "5"), ("__total__", "10")]
    only = table(all_sections(Filter(organisations=(org,), region="KZ-75", by="area")), "funnel")
    assert [(r.key, r.cells[0].text) for r in only.rows] == [("urban", "5"), ("__total__", "5")]


def _timed(case: Case, actor: User, hours: int) -> None:
    contact = D(2025, 5, 5)
    services.pathway_event_add(actor=actor, case=case, event_type="police_contacted", date=contact,
                               time=dt.time(8, 0), data={})
    registered = dt.datetime.combine(contact, dt.time(8, 0)) + dt.timedelta(hours=hours)
    services.pathway_event_add(actor=actor, case=case, event_type="report_registered", date=registered.date(),
                               time=registered.time(), data={"initial_article": "CC-120"})


def test_hours_to_registration_count_cases_with_both_times_registered_in_under_two_days(
    cora: User, org: Organisation, build: Callable[..., Case]
) -> None:
    for hours in (1, 3, 5, 5, 12, 47):
        _timed(build(cora), cora, hours)
    _timed(build(cora), cora, 48)  # two days: counted in days only
    build(cora, _refused_then_registered(0))  # no times: counted in days only
    sections = all_sections(Filter(organisations=(org,), since=D(2025, 1, 1), until=D(2025, 12, 31)))
    assert total(sections, "registration_hours") == ["6", "5", "47"]
    assert total(sections, "registration_days")[0] == "8"


def test_a_retracted_registration_is_not_counted_in_the_time_to_registration(
    cora: User, org: Organisation, build: Callable[..., Case]
) -> None:
    for days in (1, 2, 3, 4, 5):
        build(cora, _refused_then_registered(days))
    wrong = build(cora, _refused_then_registered(30))
    services.pathway_event_retract(actor=cora, event=wrong.events.get(type="report_registered"),
                                   reason="Entered in the wrong case.")
    sections = all_sections(Filter(organisations=(org,), since=D(2025, 1, 1), until=D(2025, 12, 31)))
    assert total(sections, "registration_days") == ["5", "3", "5"]
