"""The bulk path (cases.bulk, used by the spreadsheet import): a case created in bulk ends exactly
as the same case typed through `case_create` and `pathway_event_add`, in every stored artifact
derived from it: its rows and sealed values, search tokens, summary on the case row, figures and
monthly sums, matching's encoding, block keys and alerts, the network queue, and the audit."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from aigaq.accounts.models import User
from aigaq.audit.log import verify
from aigaq.audit.models import AuditEntry
from aigaq.cases import services
from aigaq.cases.bulk import NewCase, cases_create_bulk
from aigaq.cases.inputs import IncidentInput, SurvivorInput, SuspectInput
from aigaq.cases.models import Assignment, Case, PathwayEvent, SearchToken
from aigaq.insights.figures import figures_rebuild_all
from aigaq.insights.models import CaseFigures, FigureTally
from aigaq.insights.rollup import case_contributions
from aigaq.keys.store import case_key_exists
from aigaq.matching.models import MatchAlert, SuspectBlockKey, SuspectEncoding
from aigaq.network.models import NetworkSuspect

SURVIVOR = SurvivorInput(pseudonym="Айгүл", contact="+7 701 000 00 00", consent_matching=True,
                         consent_statistics=True, consent_services=True)
INCIDENT = IncidentInput(date_from=dt.date(2024, 3, 9), region="KZ-75", city="almaty", settlement="",
                         area="urban", place_type="home", gbv_type="rape", time_of_day=dt.time(21, 30),
                         account="He came in at night.")
SUSPECT = SuspectInput(full_name="Серік Жұмабаев", phones="8 701 555 12 34", handles="@serik_zh")
EVENTS: list[tuple[str, dt.date, dict[str, Any]]] = [
    ("police_contacted", dt.date(2024, 3, 10), {}),
    ("report_refused", dt.date(2024, 3, 12), {"reason": "other"}),
    ("report_registered", dt.date(2024, 4, 2), {"initial_article": "120"}),
    ("verdict", dt.date(2025, 1, 20), {"outcome": "convicted", "article": "120"}),
]
CASE_FIELDS = ("stage", "awaiting_since", "refused_registration", "downgraded", "closed_hearing", "custodial",
               "incident_on", "closed_at", "next_hearing_on")


def _typed(actor: User) -> Case:
    case = services.case_create(actor=actor, survivor=SURVIVOR, incident=INCIDENT, suspects=[SUSPECT])
    for event_type, date, data in EVENTS:
        services.pathway_event_add(actor=actor, case=case, event_type=event_type, date=date, data=data)
    return case


def _stored(case: Case) -> dict[str, Any]:
    """Everything stored of and for the case, as read back from the database (plaintext where
    sealed), without what is its own by nature (codes, keys, ids, moments)."""
    case = Case.objects.get(pk=case.pk)
    survivor, incident = case.survivor, case.incident
    suspect = case.suspects.get()
    record_fields = ("pseudonym", "name", "contact", "status", "referred_on", "sex", "consent_matching",
                     "consent_statistics", "consent_services", "consent_network")
    figures = CaseFigures.objects.filter(case_id=case.pk).values().first()
    return {
        "case": {f: getattr(case, f) for f in CASE_FIELDS} | {"created_by": case.created_by_id,
                                                              "organisation": case.organisation_id},
        "assignments": list(Assignment.objects.filter(case=case).values_list("user_id", "role")),
        "survivor": {f: getattr(survivor, f) for f in record_fields if hasattr(survivor, f)},
        "incident": {f.name: getattr(incident, f.name) for f in incident._meta.concrete_fields
                     if f.name not in {"id", "case", "code", "created_at", "updated_at"}}
        | {"time_of_day": incident.time_of_day},
        "suspect": {f.name: getattr(suspect, f.name) for f in suspect._meta.concrete_fields
                    if f.name not in {"id", "case", "code", "created_at", "updated_at"}},
        "events": [(e.type, e.date, e.facts, e.details, e.time_of_day, e.created_by_id, e.is_current)
                   for e in PathwayEvent.objects.filter(case=case)],
        "tokens": sorted(SearchToken.objects.filter(case=case).values_list("purpose", "token", "organisation_id")),
        "figures": {k: v for k, v in figures.items() if k not in {"case_id", "refreshed_at"}} if figures else None,
        "contributions": sorted(case_contributions(case.pk)),
        "encoding": {k: v for k, v in json.loads(SuspectEncoding.objects.get(suspect=suspect).encoded).items()
                     if k != "id"},
        "block_keys": sorted(SuspectBlockKey.objects.filter(suspect=suspect).values_list("token", flat=True)),
        "network": NetworkSuspect.objects.filter(suspect=suspect).exists(),
        "audit": [(a.action, a.actor_id, a.organisation_code, a.extra, bool(a.object_code))
                  for a in AuditEntry.objects.filter(case_code=case.code)],
        "key": case_key_exists(case.code),
    }


def test_a_bulk_created_case_equals_the_same_case_typed_in_every_stored_artifact(cora: User) -> None:
    typed = _typed(cora)
    (bulk,) = cases_create_bulk(actor=cora, cases=[NewCase(SURVIVOR, INCIDENT, [SUSPECT], EVENTS)])
    mine, theirs = _stored(bulk), _stored(typed)
    for part in mine:
        assert mine[part] == theirs[part], part
    assert mine["figures"] is not None and mine["encoding"] and mine["block_keys"] and mine["tokens"]
    assert mine["case"]["stage"] != "intake" and mine["key"]
    # Matching: the bulk case's suspect is raised with the typed one, as a second typed case would be.
    alert = MatchAlert.objects.get()
    assert {alert.case_a_id, alert.case_b_id} == {typed.pk, bulk.pk}


def test_the_monthly_sums_after_a_bulk_write_are_what_a_rebuild_makes(cora: User) -> None:
    _typed(cora)
    cases_create_bulk(actor=cora, cases=[NewCase(SURVIVOR, INCIDENT, [SUSPECT], EVENTS),
                                         NewCase(SURVIVOR, INCIDENT, [], EVENTS[:2]),
                                         NewCase(SurvivorInput(), INCIDENT)])
    kept = sorted(FigureTally.objects.values_list(*[f.attname for f in FigureTally._meta.concrete_fields
                                                    if f.attname != "id"]))
    figures_rebuild_all()
    rebuilt = sorted(FigureTally.objects.values_list(*[f.attname for f in FigureTally._meta.concrete_fields
                                                       if f.attname != "id"]))
    assert kept == rebuilt


def test_the_audit_chain_holds_after_a_bulk_write(cora: User) -> None:
    _typed(cora)
    cases_create_bulk(actor=cora, cases=[NewCase(SURVIVOR, INCIDENT, [SUSPECT], EVENTS) for _ in range(3)])
    _typed(cora)  # an entry appended after the batch links to its last one
    assert list(verify()) == []
    assert AuditEntry.objects.count() == 2 * 5 + 3 * 5


def test_a_failure_midway_leaves_nothing(cora: User) -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        unknown: list[tuple[str, dt.date, dict[str, Any]]] = [("no_such", dt.date(2024, 1, 1), {})]
        cases_create_bulk(actor=cora, cases=[NewCase(SURVIVOR, INCIDENT), NewCase(SURVIVOR, INCIDENT, events=unknown)])
    assert not Case.objects.exists() and not AuditEntry.objects.exists()


def test_a_failure_after_the_rows_are_written_rolls_them_all_back(cora: User) -> None:
    from unittest import mock

    with mock.patch("aigaq.cases.bulk.record_many", side_effect=RuntimeError("the disk is full")), \
            pytest.raises(RuntimeError):
        cases_create_bulk(actor=cora, cases=[NewCase(SURVIVOR, INCIDENT, [SUSPECT], EVENTS) for _ in range(3)])
    assert not Case.objects.exists() and not PathwayEvent.objects.exists() and not SearchToken.objects.exists()
    assert not CaseFigures.objects.exists() and not FigureTally.objects.exists() and not AuditEntry.objects.exists()
