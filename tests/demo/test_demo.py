"""`aigaq demo`: the demo organisation, its accounts and synthetic cases that behave like real ones."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from aigaq import reference
from aigaq.accounts.models import Membership, Organisation, Role, User
from aigaq.accounts.services import temporary_password
from aigaq.audit.models import AuditEntry
from aigaq.cases import hooks
from aigaq.cases.forms import parse_phones
from aigaq.cases.listing import case_list
from aigaq.cases.models import Case, PathwayEvent
from aigaq.cases.pathway import LOCAL_CHOICES, SPECS, STAGES, registration_interval
from aigaq.cases.selectors import derived_for
from aigaq.demo.generate import plan_cases
from aigaq.demo.load import demo_create
from aigaq.insights.models import CaseFigures
from aigaq.matching.models import MatchAlert

TODAY = dt.date(2026, 11, 29)

# What must come before each event type (any one of the set) for a pathway to make legal sense.
COMES_AFTER = {
    "police_arrived": {"police_contacted"},
    "report_refused": {"police_contacted"},
    "report_registered": {"police_contacted"},
    "forensic_exam": {"report_registered"},
    "requalified": {"report_registered"},
    "investigation_terminated": {"report_registered"},
    "sent_to_court": {"report_registered"},
    "hearing": {"sent_to_court"},
    "verdict": {"hearing"},
    "sentence": {"verdict"},
    "appeal": {"verdict", "administrative_decision"},
    "administrative_decision": {"police_contacted"},
    "protective_order": {"police_contacted"},
}


def run_demo(accounts_file: Path, *args: str, cases: int = 30) -> str:
    """Runs `aigaq demo`; two cases (the story's) where the test needs no more, as each case costs a
    key-store write."""
    out = StringIO()
    call_command("demo", "--cases", str(cases), "--accounts-file", str(accounts_file), *args, stdout=out)
    return out.getvalue()


def coordinator() -> User:
    return User.objects.get(username="coordinator")


def story_cases() -> tuple[Case, Case]:
    """The article's two cases, found the way a caseworker would: by the man's name."""
    rows = case_list(coordinator(), q="Жәнібек Сейітов")
    by_region = {case.incident.region: case for case in rows}
    return by_region["KZ-71"], by_region["KZ-27"]


@pytest.mark.django_db
def test_demo_creates_the_four_accounts_and_writes_their_passwords_to_a_private_file(tmp_path: Path) -> None:
    accounts_file = tmp_path / "demo-accounts.txt"
    accounts_file.write_text("old")
    accounts_file.chmod(0o644)  # a file left from an earlier demo must not stay readable by others
    printed = run_demo(accounts_file, cases=2)
    organisation = Organisation.objects.get()
    assert organisation.default_language == "kk"
    roles = dict(Membership.objects.filter(organisation=organisation).values_list("user__username", "role"))
    assert roles == {"caseworker": Role.CASEWORKER, "lawyer": Role.LAWYER, "coordinator": Role.COORDINATOR,
                     "analyst": Role.ANALYST}
    assert accounts_file.stat().st_mode & 0o777 == 0o600
    text = accounts_file.read_text()
    assert "http://127.0.0.1:" in text and "http://127.0.0.1:" in printed
    for line in text.splitlines()[-4:]:
        role, username, password = line.split()
        assert role == username
        assert len(password) >= 16
        assert User.objects.get(username=username).check_password(password)
        assert password in printed


@pytest.mark.django_db
def test_if_empty_loads_the_demo_once_and_then_keeps_all_data(tmp_path: Path) -> None:
    accounts_file = tmp_path / "demo-accounts.txt"
    run_demo(accounts_file, "--if-empty", cases=2)
    assert Case.objects.count() == 2

    def state() -> tuple[int, int, int, str]:
        counts = Case.objects.count(), User.objects.count(), AuditEntry.objects.count()
        return (*counts, accounts_file.read_text())

    before = state()
    printed = run_demo(accounts_file, "--if-empty", cases=2)
    assert state() == before
    assert "http://127.0.0.1:" in printed and str(accounts_file) in printed


@pytest.mark.django_db
def test_loading_the_demo_twice_without_if_empty_is_refused(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo-accounts.txt", cases=2)
    with pytest.raises(CommandError, match="exist already"):
        run_demo(tmp_path / "other.txt", cases=2)
    assert Organisation.objects.count() == 1
    assert not (tmp_path / "other.txt").exists()


@pytest.mark.django_db
def test_the_astana_park_case_has_a_closed_hearing_the_next_day_and_no_custody(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo-accounts.txt", cases=2)
    astana, _ = story_cases()
    incident = astana.incident
    assert (incident.region, incident.city, incident.place_type) == ("KZ-71", "astana", "park")
    assert astana.survivor.consent_matching
    assert {s.full_name for s in astana.suspects.all()} == {"Жәнібек Сейітов", "Руслан"}
    events = {e.type: e for e in astana.events.all()}
    assert events["police_arrived"].facts["minutes_after_call"] == 15
    assert events["report_refused"].facts["reason"] == "natural_instincts"
    assert "инстинктов" in events["report_refused"].details["quote"]
    assert events["report_registered"].date == events["incident"].date
    assert events["hearing"].facts["closed"] is True
    assert events["hearing"].date == events["incident"].date + dt.timedelta(days=1)
    assert any("пять часов" in note.text for note in astana.notes.all())
    assert astana.costs.get(kind="lawyer").payer == "volunteer_pro_bono"
    derived = derived_for(astana)
    assert derived.closed_hearing and derived.downgraded
    assert derived.custodial is False


@pytest.mark.django_db
def test_the_astana_case_records_five_hours_from_the_call_to_registration(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo-accounts.txt", cases=2)
    astana, _oral = story_cases()
    interval = registration_interval(astana.events.all())
    assert interval is not None and interval.in_hours and interval.hours == 5
    assert CaseFigures.objects.get(case_id=astana.pk).hours_to_registration == 5


@pytest.mark.django_db
def test_six_months_later_the_oral_case_names_the_same_man_in_latin_letters(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo-accounts.txt", cases=2)
    astana, oral = story_cases()  # the Cyrillic name finds him in both cases
    assert (oral.incident.region, oral.incident.city) == ("KZ-27", "oral")
    assert 150 <= (oral.incident.date_from - astana.incident.date_from).days <= 200
    suspect = oral.suspects.get()
    assert suspect.full_name == "ZHANIBEK SEITOV"
    assert (suspect.phones, suspect.approx_age) == ("+7 701 555 1234", 35)
    assert oral.survivor.consent_matching
    hearing = oral.events.get(type="hearing")
    assert {"married_family_man", "victim_mentally_unstable", "removing_stain"} <= set(
        hearing.facts["defence_arguments"])
    assert oral.costs.get(kind="lawyer").payer == "survivor"
    assert set(case_list(coordinator(), q="8 701 555 12 34")) == {astana, oral}


@pytest.mark.django_db
def test_every_pathway_is_in_date_order_never_in_the_future_and_in_legal_order(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo-accounts.txt")
    today = timezone.localdate()
    stages: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    for case in Case.objects.select_related("incident"):
        events = list(PathwayEvent.objects.filter(case=case).order_by("id"))
        dates = [e.date for e in events]
        assert events[0].type == "incident" and dates[0] == case.incident.date_from
        assert dates == sorted(dates), case.code
        assert dates[-1] <= today and case.created_at.date() <= today
        seen: set[str] = set()
        for event in events:
            needed = COMES_AFTER.get(event.type)
            assert needed is None or needed & seen, f"{event.type} before any of {needed}"
            assert "investigation_terminated" not in seen, "nothing follows a terminated investigation"
            if event.type == "sentence":
                assert case.events.get(type="verdict").facts["outcome"] == "convicted"
            seen.add(event.type)
        derived = derived_for(case)
        assert derived.refused_registration == ("report_refused" in seen)
        # A sentence, or an administrative penalty (fine, warning, community work, arrest), sets it.
        penalised = "sentence" in seen or any(
            e.type == "administrative_decision" and e.facts.get("outcome") != "dismissed" for e in events)
        assert (derived.custodial is None) == (not penalised)
        stages[derived.stage] += 1
        flags.update(f for f in ("refused_registration", "waiting", "downgraded", "closed_hearing")
                     if getattr(derived, f))
        flags.update(["custodial" if derived.custodial else "non_custodial"] if penalised else [])
    # Even a small demo shows every stage and every flag a caseworker can filter by.
    assert set(stages) == {code for code, _ in STAGES}
    assert set(flags) == {"refused_registration", "waiting", "downgraded", "closed_hearing", "custodial",
                          "non_custodial"}


@pytest.mark.django_db
def test_the_demo_raises_alerts_for_the_same_man_and_none_for_namesakes(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo-accounts.txt")
    pairs = {frozenset((a.suspect_a.full_name, a.suspect_b.full_name))
             for a in MatchAlert.objects.select_related("suspect_a", "suspect_b")}
    assert frozenset(("Жәнібек Сейітов", "ZHANIBEK SEITOV")) in pairs
    assert len(pairs) >= 5  # a handful of true repeats, written differently in each case
    akhmetovs = {"Нурлан Ахметов", "Ахметов Нұрлан Серікұлы", "NURLAN AKHMETOV"}
    saparovs = {"Асхат Сапаров", "Сапаров Асхат"}
    assert not [p for p in pairs if p <= akhmetovs or p <= saparovs]  # namesakes whose ages cannot match
    # A bare forename against a bare forename ("Санжар" / "Санжар") is never enough for an alert.
    assert not [p for p in pairs if len(p) == 2 and all(len(n.split()) == 1 for n in p)]


def test_every_coded_fact_is_a_code_the_forms_offer() -> None:
    for plan in plan_cases(count=300, seed=2026, today=TODAY):
        assert reference.gbv_type(plan.incident["gbv_type"]) is not None
        assert plan.incident["place_type"] in {p.code for p in reference.place_types()}
        for step in plan.events:
            for spec in SPECS[step.type].fields:
                value = step.data.get(spec.name)
                if value is None:
                    continue
                if spec.kind == "article":
                    found = reference.article(value)
                    assert found is not None and found.code == value
                elif spec.kind in ("choice", "multichoice"):
                    if spec.choices in LOCAL_CHOICES:
                        codes = {c for c, _ in LOCAL_CHOICES[spec.choices]}
                    else:
                        codes = {e.code for e in getattr(reference, spec.choices)()}
                    assert set(value if spec.kind == "multichoice" else [value]) <= codes, (step.type, value)
        for referral in plan.referrals:
            assert referral["kind"] in {e.code for e in reference.referral_types()}
        for cost in plan.costs:
            assert cost["payer"] in {e.code for e in reference.payers()}


def test_cases_are_spread_over_every_region_with_its_own_cities_and_dates_from_2022() -> None:
    plans = plan_cases(count=300, seed=2026, today=TODAY)
    regions = Counter(p.incident["region"] for p in plans)
    assert set(regions) == {r.code for r in reference.regions()}
    assert regions.most_common(1)[0][0] == "KZ-75"
    for plan in plans:
        incident = plan.incident
        assert dt.date(2022, 1, 1) <= incident["date_from"] <= TODAY
        if incident["city"]:
            city = reference.city(incident["city"])
            assert city is not None and city.region == incident["region"]
            assert incident["area"] == ("urban" if city.urban else "rural")
        else:
            assert incident["settlement"] and incident["area"] == "rural"


def test_every_phone_in_the_demo_is_one_the_intake_form_accepts() -> None:
    phones = [s["phones"] for p in plan_cases(count=300, seed=2026, today=TODAY)
              for s in p.suspects if s.get("phones")]
    assert len(phones) > 50
    assert len({p[:2] for p in phones}) > 2  # written in several ways
    for phone in phones:
        assert parse_phones(phone) == [phone]


def test_the_same_seed_plans_the_same_cases_and_another_seed_others() -> None:
    first = plan_cases(count=40, seed=7, today=TODAY)
    assert plan_cases(count=40, seed=7, today=TODAY) == first
    assert plan_cases(count=40, seed=8, today=TODAY) != first


def test_the_story_too_has_nothing_dated_after_the_day() -> None:
    today = dt.date(2025, 11, 20)  # the Oral case's hearing is four days later
    story = plan_cases(count=2, seed=1, today=today)
    assert [p.incident["region"] for p in story] == ["KZ-71", "KZ-27"]
    assert all(step.date <= today for p in story for step in p.events)
    assert "requalified" in {step.type for step in story[1].events}
    assert "hearing" not in {step.type for step in story[1].events}


def test_demo_passwords_are_long_and_never_repeat() -> None:
    passwords = {temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) >= 16 for p in passwords)


@pytest.mark.django_db
def test_the_demo_leaves_the_case_changed_receivers_as_they_were_and_counts_every_consenting_case() -> None:
    receivers = hooks._case_changed
    before = list(receivers)
    assert before  # insights counts cases through it
    demo_create(count=12, seed=3, today=TODAY)
    assert hooks._case_changed is receivers and receivers == before
    assert hooks._coalescing == []
    consenting = set(Case.objects.filter(survivor__consent_statistics=True).values_list("pk", flat=True))
    assert consenting and consenting != set(Case.objects.values_list("pk", flat=True))
    assert set(CaseFigures.objects.values_list("case_id", flat=True)) == consenting


NEEDLES = ("Жәнібек", "ZHANIBEK", "Сейітов", "555-12-34", "беговой группой", "пять часов", "Бекмуратов")


@pytest.mark.django_db(transaction=True)
def test_names_phones_and_accounts_are_not_stored_in_plaintext(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo-accounts.txt")
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names
            parts.extend(repr(row) for row in cursor.fetchall())
    stored = "\n".join(parts)
    assert "Қорған" in stored  # the organisation's name is not personal: the scan does see plaintext
    assert [n for n in NEEDLES if n in stored] == []
    if connection.vendor == "sqlite":
        raw = connection.connection
        assert isinstance(raw, sqlite3.Connection)
        image = raw.serialize()  # the database file's bytes, whether on disk or in memory
        assert [n for n in NEEDLES if n.encode() in image] == []
