"""A record's correction page, with real record codes, answers 404 to a member of another
organisation, an analyst and a lawyer not on the case — to a GET and to a save — and no save of
theirs changes the record; the audit of a correction holds no plaintext."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aigaq.accounts.models import User
from aigaq.audit.models import AuditEntry
from aigaq.cases import services
from aigaq.cases.forms import edit_initial
from aigaq.cases.inputs import CostInput, ReferralInput, WitnessInput

from ..cases.edit_helpers import as_posted
from ..conftest import client_for
from .helpers import ACCOUNT, SURVIVOR_NAME, leaks, secret_case, step_up_session


def test_outsiders_get_404_on_every_records_correction_and_change_nothing(
    alice: User, olga: User, ann: User, bob: User
) -> None:
    case = secret_case(alice)
    records = {
        "survivor": (f"/cases/{case.code}/survivor/edit/", case.survivor),
        "incident": (f"/cases/{case.code}/incident/edit/", case.incident),
    }
    suspect = case.suspects.get()
    witness = services.witness_add(actor=alice, case=case, data=WitnessInput(name="Дана"))
    referral = services.referral_add(actor=alice, case=case, data=ReferralInput(
        kind="legal_aid", status="made", referred_on=dt.date(2025, 5, 6)))
    cost = services.cost_add(actor=alice, case=case, data=CostInput(kind="travel", amount=Decimal(1), payer="survivor"))
    note = services.note_add(actor=alice, case=case, text="Қоңырау шалды")
    for kind, path, record in (("suspect", "suspects", suspect), ("witness", "witnesses", witness),
                               ("referral", "referrals", referral), ("cost", "costs", cost),
                               ("note", "notes", note)):
        records[kind] = (f"/cases/{case.code}/{path}/{record.code}/edit/", record)
    failures = []
    for who in (olga, ann, bob):
        client = step_up_session(client_for(who))
        for kind, (url, record) in records.items():
            posted = as_posted(kind, {**edit_initial(record), "version": 1})
            for method, response in (("GET", client.get(url)), ("POST", client.post(url, posted))):
                if response.status_code != 404:
                    failures.append(f"{method} {kind} as {who.username}: {response.status_code}")
    assert not failures, failures
    for _kind, (_url, record) in records.items():
        record.refresh_from_db()
        assert record.version == 1


def test_the_audit_of_a_correction_holds_no_plaintext(alice: User) -> None:
    case = secret_case(alice)
    client = step_up_session(client_for(alice))
    client.post(f"/cases/{case.code}/survivor/edit/",
                as_posted("survivor", {**edit_initial(case.survivor), "contact": SURVIVOR_NAME + " via SMS"}))
    client.post(f"/cases/{case.code}/incident/edit/",
                as_posted("incident", {**edit_initial(case.incident), "account": ACCOUNT + " (corrected)"}))
    entries = AuditEntry.objects.filter(case_code=case.code)
    assert entries.filter(extra__fields__isnull=False).count() == 2
    assert leaks(repr(list(entries.values())).encode("utf-8")) == []
