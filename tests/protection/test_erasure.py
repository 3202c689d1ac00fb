"""Erasure destroys the case's key: nothing of it can be read again, from any copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import erasure
from aigaq.cases.models import Case, Survivor
from aigaq.keys import store as keys
from aigaq.ops import backup

from ..conftest import client_for
from .helpers import SURVIVOR_NAME, database_files_after, leaks, secret_case, stepped_up


@pytest.mark.django_db(transaction=True)
def test_an_erased_case_cannot_be_decrypted_from_an_older_backup(cora: User, tmp_path: Path) -> None:
    case = secret_case(cora)
    code = case.code
    older = tmp_path / "older.aigaqbak"
    backup.backup_database(older)
    erasure.case_erase(actor=cora, case=case)
    assert not Case.objects.filter(code=code).exists()

    backup.restore_database(older)  # the old backup brings the rows (ciphertext) back...
    survivor = Survivor.objects.get(case__code=code)
    with pytest.raises(keys.KeyDestroyed):
        survivor.name  # noqa: B018 - ...but no key exists any more to open them
    assert not keys.case_key_exists(code)
    assert not leaks(older.read_bytes())


@pytest.mark.django_db(transaction=True)
def test_an_older_key_store_backup_does_not_bring_an_erased_case_back(
    cora: User, make_case: Callable[..., Case], tmp_path: Path
) -> None:
    erased, kept = secret_case(cora), make_case(cora)
    key_backup = tmp_path / "keys.aigaqbak"
    backup.backup_key_store(key_backup)
    erasure.case_erase(actor=cora, case=erased)
    erased_codes = set(
        AuditEntry.objects.filter(action=Action.CASE_ERASED).values_list("case_code", flat=True))
    _, restored = backup.restore_key_store(key_backup, erased=erased_codes)
    assert not keys.case_key_exists(erased.code)
    assert keys.case_key_exists(kept.code) and restored >= 1


def test_erasing_is_logged_without_personal_data(cora: User) -> None:
    case = secret_case(cora)
    erasure.case_erase(actor=cora, case=case)
    entry = AuditEntry.objects.get(action=Action.CASE_ERASED)
    assert entry.case_code == case.code and entry.actor == cora
    assert not leaks(repr(list(AuditEntry.objects.values())).encode())


def test_only_a_coordinator_may_erase(alice: User, bob: User) -> None:
    case = secret_case(alice)
    for actor in (alice, bob):
        with pytest.raises(PermissionError):
            erasure.case_erase(actor=actor, case=case)
    assert Case.objects.filter(pk=case.pk).exists() and keys.case_key_exists(case.code)


def test_the_erase_page_asks_for_the_case_number_and_then_erases(cora: User) -> None:
    case = secret_case(cora)
    client = stepped_up(cora)
    page = client.get(f"/cases/{case.code}/erase/")
    assert page.status_code == 200 and case.short_code in page.content.decode()
    wrong = client.post(f"/cases/{case.code}/erase/", {"confirm": "AAAAAAAA"})
    assert wrong.status_code == 400 and Case.objects.filter(pk=case.pk).exists()
    done = client.post(f"/cases/{case.code}/erase/", {"confirm": case.short_code.lower()})
    assert done.status_code == 302 and not Case.objects.filter(pk=case.pk).exists()


def test_erasing_needs_a_fresh_re_authentication(cora: User) -> None:
    case = secret_case(cora)
    response = client_for(cora).post(f"/cases/{case.code}/erase/", {"confirm": case.short_code})
    assert response.status_code == 200  # the step-up form, in place of the action
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_caseworker_closes_and_reopens_a_case_and_both_are_logged(alice: User) -> None:
    case = secret_case(alice)
    client = client_for(alice)
    assert client.post(f"/cases/{case.code}/close/").status_code == 302
    case.refresh_from_db()
    assert case.closed_at is not None
    assert client.post(f"/cases/{case.code}/reopen/").status_code == 302
    case.refresh_from_db()
    assert case.closed_at is None
    actions = list(AuditEntry.objects.filter(case_code=case.code).values_list("action", flat=True))
    assert Action.CASE_CLOSED in actions and Action.CASE_REOPENED in actions


def test_retention_erases_only_cases_closed_longer_ago_than_the_setting(
    cora: User, make_case: Callable[..., Case]
) -> None:
    old, recent, open_case = make_case(cora), make_case(cora), make_case(cora)
    now = timezone.now()
    Case.objects.filter(pk=old.pk).update(closed_at=now - dt.timedelta(days=6 * 366))
    Case.objects.filter(pk=recent.pk).update(closed_at=now - dt.timedelta(days=30))
    assert erasure.retention_erase(now=now, years=0) == []
    assert erasure.retention_erase(now=now, years=5) == [old.code]
    assert set(Case.objects.values_list("code", flat=True)) == {recent.code, open_case.code}
    assert not keys.case_key_exists(old.code)
    entry = AuditEntry.objects.get(action=Action.RETENTION_ERASED)
    assert entry.case_code == old.code and entry.organisation_code == cora.membership.organisation.code


def test_the_survivor_name_is_gone_from_the_page_after_erasure(cora: User) -> None:
    case = secret_case(cora)
    client = client_for(cora)
    assert SURVIVOR_NAME not in client.get(f"/cases/{case.code}/").content.decode()  # never shown
    erasure.case_erase(actor=cora, case=case)
    assert client.get(f"/cases/{case.code}/").status_code == 404


# Plaintexts of a case that older versions stored unsealed (a pseudonym, a police unit written as
# free text), besides the sealed ones of `secret_case`: none of them may be in any file of the
# database, before erasure (they are sealed now) or after it.
PSEUDONYM = "Aqqu-Pseud-5Zr"
EARLIER_PSEUDONYM = "Earlier-Pseudonym-Kk3"
UNIT = "Zhetysu-Unit-9Qw district police"
_ERASED_CASE = f"""
import dataclasses, datetime as dt
from aigaq.accounts.models import Organisation, Role
from aigaq.cases import erasure, services
from tests.conftest import SURVIVOR, make_user
from tests.protection.helpers import secret_case

org = Organisation.objects.create(name="Crisis centre", default_language="en")
cora = make_user("cora", org, Role.COORDINATOR)
kept = make_user("kept", org, Role.CASEWORKER)
case = secret_case(cora)
for pseudonym in ({EARLIER_PSEUDONYM!r}, {PSEUDONYM!r}):  # an earlier value, corrected
    case.survivor.pseudonym = pseudonym
    case.survivor.save()
services.pathway_event_add(actor=cora, case=case, event_type="police_contacted",
                           date=dt.date(2025, 5, 5), data={{"unit": {UNIT!r}}})
{{erase}}
"""


def _case_values_in(files: dict[str, bytes]) -> dict[str, list[str]]:
    texts = (PSEUDONYM, EARLIER_PSEUDONYM, UNIT)
    return {name: [*leaks(blob), *(t for t in texts if t.encode() in blob)] for name, blob in files.items()}


def test_an_erased_case_leaves_no_plaintext_in_the_database_file_its_wal_or_journal(tmp_path: Path) -> None:
    before = database_files_after(_ERASED_CASE.replace("{erase}", ""), tmp_path / "before")
    assert any(b"Crisis centre" in blob for blob in before.values()), "the scan reads the files' plaintext"
    # The pseudonym and a unit not in the list are sealed (cases 0008): not even there before erasure.
    assert _case_values_in(before) == {name: [] for name in before}

    after = database_files_after(_ERASED_CASE.replace("{erase}", "erasure.case_erase(actor=cora, case=case)"),
                                 tmp_path / "after")
    assert _case_values_in(after) == {name: [] for name in after}


def test_retention_erasure_leaves_no_plaintext_in_the_database_file_its_wal_or_journal(tmp_path: Path) -> None:
    erase = "\n".join([
        "from django.utils import timezone",
        "erasure.case_close(actor=cora, case=case)",
        "assert erasure.retention_erase(now=timezone.now() + dt.timedelta(days=800), years=2) == [case.code]",
    ])
    after = database_files_after(_ERASED_CASE.replace("{erase}", erase), tmp_path / "after")
    assert _case_values_in(after) == {name: [] for name in after}
