"""What each case contributes to the statistics, derived from its events: the rules behind
docs/metrics.md, and the cache (`CaseFigures`) that keeps them ready for aggregation.

`case_figures()` is a pure function of a case's events, incident date and costs; it reuses
`pathway.derive()` for the flags the case pages show, so a case page and the statistics cannot
disagree about whether a case was refused, downgraded, heard in closed court or ended in custody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext_lazy

from aigaq import reference
from aigaq.cases.inputs import SENTENCE_MONTHS_MAX
from aigaq.cases.models import Case, Cost, PathwayEvent
from aigaq.cases.pathway import EventLike, chronological, current, derive, registration_interval

from .models import CaseFigures
from .rollup import case_contributions, cases_contributions, tally_change, tally_rebuild_all

POLICE_EVENTS = ("police_contacted", "police_arrived", "report_refused", "report_registered")
SURVIVOR_PAYERS = ("survivor", "family")
# Funnel steps, in order; a case's step is the deepest one it reached with every step before it.
FUNNEL_STEPS = (
    "incident",
    "reported",
    "registered",
    "charged_sexual",
    "sent_to_court",
    "convicted",
    "custodial",
)
# What each step is called on the dashboard, the map's choice of figure and the report.
FUNNEL_LABELS = (
    gettext_lazy("Incidents"),
    gettext_lazy("Reported to police"),
    gettext_lazy("Registered (ERDR)"),
    gettext_lazy("Charged under a sexual-offence article"),
    gettext_lazy("Sent to court"),
    gettext_lazy("Convicted"),
    gettext_lazy("Custodial sentence"),
)


def defence_codes() -> tuple[str, ...]:
    return tuple(e.code for e in reference.defence_arguments())


def is_sexual_offence(code: str) -> bool:
    found = reference.article(code) if code else None
    return found is not None and found.code_kind == "CC" and found.sexual


@dataclass(frozen=True)
class Figures:
    funnel_step: int
    reported: bool
    refused: bool
    refusal_reason: str
    police_unit: str
    days_to_registration: int | None
    hours_to_registration: int | None  # only when both times of day were recorded
    registered_sexual: bool
    downgraded: bool
    ending: str
    had_hearing: bool
    closed_hearing: bool
    defence_mask: int
    verdict_outcome: str
    sentence_type: str
    sentence_months: int | None
    days_to_verdict: int | None
    survivor_paid: int
    survivor_paid_lawyer: int


@dataclass(frozen=True)
class CostLike:
    kind: str
    payer: str
    amount: Decimal


def case_figures(events: Iterable[EventLike], *, incident_date: dt.date, costs: Iterable[CostLike] = ()) -> Figures:
    # Superseded and retracted events are history, not facts: they count for nothing.
    ordered: Sequence[EventLike] = chronological(current(events))
    # derive() needs a date only for the waiting flag, which statistics do not use.
    derived = derive(ordered, today=incident_date, waiting_limit_days=0)
    police = [e for e in ordered if e.type in POLICE_EVENTS]
    registrations = [e for e in ordered if e.type == "report_registered"]
    refusals = [e for e in ordered if e.type == "report_refused"]
    verdicts = [e for e in ordered if e.type == "verdict"]
    sentences = [e for e in ordered if e.type == "sentence"]
    hearings = [e for e in ordered if e.type == "hearing"]

    article = ""  # the article in force: initial, then each requalification, then the one sent to court
    for event in ordered:
        facts = event.facts or {}
        if event.type == "report_registered" and not article:
            article = str(facts.get("initial_article", ""))
        elif event.type == "requalified":
            article = str(facts.get("to_article", "")) or article
        elif event.type == "sent_to_court":
            article = str(facts.get("article", "")) or article

    verdict_outcome = str((verdicts[-1].facts or {}).get("outcome", "")) if verdicts else ""
    steps = (
        bool(police),
        bool(registrations),
        bool(registrations) and is_sexual_offence(article),
        any(e.type == "sent_to_court" for e in ordered),
        verdict_outcome == "convicted",
        derived.custodial is True,
    )
    funnel_step = 0
    for reached in steps:
        if not reached:
            break
        funnel_step += 1

    codes = defence_codes()
    mask = 0
    for hearing in hearings:
        for code in (hearing.facts or {}).get("defence_arguments", []) or []:
            if code in codes:
                mask |= 1 << codes.index(code)

    # The first police unit recorded, by its code of reference.offices(): "other" (a name not in
    # the list, sealed in the event) and anything else that is not a code counts as not recorded,
    # so that no name reaches the statistics.
    unit = next((code for e in police if reference.office(code := str((e.facts or {}).get("unit", "")))), "")
    sentence_facts = (sentences[-1].facts or {}) if sentences else {}
    months = sentence_facts.get("length_months")
    paid = [c for c in costs if c.payer in SURVIVOR_PAYERS]
    interval = registration_interval(ordered)
    return Figures(
        funnel_step=funnel_step,
        reported=bool(police),
        refused=derived.refused_registration,
        refusal_reason=str((refusals[0].facts or {}).get("reason", "")) if refusals else "",
        police_unit=unit,
        days_to_registration=(registrations[0].date - police[0].date).days if registrations else None,
        hours_to_registration=interval.hours if interval is not None else None,
        registered_sexual=bool(registrations)
        and is_sexual_offence(str((registrations[0].facts or {}).get("initial_article", ""))),
        downgraded=derived.downgraded,
        ending=_ending(ordered, verdict_outcome),
        had_hearing=bool(hearings),
        closed_hearing=derived.closed_hearing,
        defence_mask=mask,
        verdict_outcome=verdict_outcome,
        sentence_type=str(sentence_facts.get("sentence_type", "")),
        sentence_months=_sentence_months(months),
        days_to_verdict=(verdicts[0].date - incident_date).days if verdicts else None,
        survivor_paid=int(sum((c.amount for c in paid), Decimal(0))),
        survivor_paid_lawyer=int(sum((c.amount for c in paid if c.kind == "lawyer"), Decimal(0))),
    )


def _sentence_months(value: Any) -> int | None:
    """The sentence's length if it is a plausible number of months; None otherwise (facts saved
    before the forms bounded it may hold anything, and the row's column is a 32-bit integer)."""
    try:
        months = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return months if 0 <= months <= SENTENCE_MONTHS_MAX else None


ENDINGS = (
    "convicted",
    "acquitted",
    "case_dismissed",
    "returned_for_investigation",
    "administrative",
    "terminated",
    "in_court",
    "under_investigation",
    "refused",
    "not_reported",
)


def _ending(ordered: Sequence[EventLike], verdict_outcome: str) -> str:
    """Where the case stands or ended: the last verdict, else the furthest step it reached."""
    types = {e.type for e in ordered}
    if verdict_outcome:
        return verdict_outcome
    for event_type, ending in (
        ("administrative_decision", "administrative"),
        ("investigation_terminated", "terminated"),
        ("sent_to_court", "in_court"),
        ("report_registered", "under_investigation"),
        ("report_refused", "refused"),
    ):
        if event_type in types:
            return ending
    return "not_reported"


@dataclass(frozen=True)
class EventRow:
    type: str
    date: dt.date
    facts: dict[str, Any]
    occurred_at: dt.datetime | None = None


CASE_COLUMNS = (
    "id",
    "organisation_id",
    "survivor__consent_statistics",
    "incident__date_from",
    "incident__region",
    "incident__city",
    "incident__area",
    "incident__gbv_type",
)


def _row(case: dict[str, Any], events: Iterable[EventLike], costs: Iterable[CostLike]) -> CaseFigures | None:
    """The cache row of a case given as CASE_COLUMNS values; None when it is not counted."""
    date = case["incident__date_from"]
    if not case["survivor__consent_statistics"] or date is None:
        return None
    figures = case_figures(events, incident_date=date, costs=costs)
    return CaseFigures(
        case_id=case["id"],
        organisation_id=case["organisation_id"],
        incident_date=date,
        year=date.year,
        region=case["incident__region"],
        city=case["incident__city"],
        area=case["incident__area"],
        gbv_type=case["incident__gbv_type"],
        **vars(figures),
    )


def _rows(cases: list[dict[str, Any]]) -> list[CaseFigures]:
    ids = [c["id"] for c in cases]
    events: dict[int, list[EventLike]] = {i: [] for i in ids}
    # Plain tuples, not model instances: the rebuild reads millions of events.
    for case_id, kind, date, facts, occurred_at in (
        PathwayEvent.objects.current()
        .filter(case_id__in=ids)
        .order_by("date", "placed_at", "id")
        .values_list("case_id", "type", "date", "facts", "occurred_at")
    ):
        events[case_id].append(EventRow(kind, date, facts or {}, occurred_at))
    costs: dict[int, list[CostLike]] = {i: [] for i in ids}
    for case_id, kind, payer, amount in Cost.objects.filter(case_id__in=ids).values_list(
        "case_id", "kind", "payer", "amount"
    ):
        costs[case_id].append(CostLike(kind, payer, amount))
    return [r for c in cases if (r := _row(c, events[c["id"]], costs[c["id"]])) is not None]


@transaction.atomic
def figures_refresh(*, case: Case) -> None:
    """Rebuilds one case's row (or removes it when the survivor does not consent to statistics),
    and moves the case's counts in the monthly sums from what it was to what it is."""
    before = case_contributions(case.pk)
    CaseFigures.objects.filter(case_id=case.pk).delete()
    CaseFigures.objects.bulk_create(_rows(list(Case.objects.filter(pk=case.pk).values(*CASE_COLUMNS))))
    tally_change(before=before, after=case_contributions(case.pk))


BULK = 500  # cases a statement, in `figures_refresh_many` (rollup.MANY at most a query)


@transaction.atomic
def figures_refresh_many(*, cases: Sequence[Case]) -> None:
    """`figures_refresh` for many cases (a bulk write), a few statements per few hundred cases: the
    rows and the monthly sums end as refreshing each case in turn would leave them."""
    ids = sorted({case.pk for case in cases})
    for start in range(0, len(ids), BULK):
        part = ids[start : start + BULK]
        counted = list(CaseFigures.objects.filter(case_id__in=part).values_list("case_id", flat=True))
        before = cases_contributions(counted)
        CaseFigures.objects.filter(case_id__in=counted).delete()
        CaseFigures.objects.bulk_create(_rows(list(Case.objects.filter(pk__in=part).values(*CASE_COLUMNS))))
        tally_change(before=before, after=cases_contributions(part))


def figures_erasing(*, case: Case) -> None:
    """A case is being erased (its row goes with it): the monthly sums no longer count it."""
    tally_change(before=case_contributions(case.pk), after=[])


def figures_rebuild_all(*, batch: int = 5000) -> int:
    """Rebuilds every row from the cases, then the monthly sums; returns how many cases are counted."""
    counted = 0
    with transaction.atomic():
        # Plain SQL: QuerySet.delete() would load every row to send Django's deletion signals.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {CaseFigures._meta.db_table}")  # noqa: S608 - a model's table name
        last = 0
        while True:
            cases = list(Case.objects.filter(pk__gt=last).order_by("pk").values(*CASE_COLUMNS)[:batch])
            if not cases:
                break
            last = cases[-1]["id"]
            rows = _rows(cases)
            CaseFigures.objects.bulk_create(rows, batch_size=1000)
            counted += len(rows)
        tally_rebuild_all()
    return counted
