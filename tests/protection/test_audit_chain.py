"""`aigaq audit verify` detects an altered, removed or reordered entry."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aigaq.accounts.models import User
from aigaq.audit.log import verify
from aigaq.audit.models import AuditEntry
from aigaq.cases.models import Case


@pytest.fixture
def chain(alice: User, make_case: Callable[..., Case]) -> list[AuditEntry]:
    for _ in range(3):
        make_case(alice)
    entries = list(AuditEntry.objects.order_by("id"))
    assert len(entries) >= 3 and not list(verify())
    return entries


def test_an_intact_chain_verifies(chain: list[AuditEntry]) -> None:
    call_command("audit", "verify")


def test_an_audit_chain_with_one_byte_altered_fails_verification(chain: list[AuditEntry]) -> None:
    entry = chain[1]
    code = entry.case_code
    altered = code[:5] + ("b" if code[5] != "b" else "c") + code[6:]
    AuditEntry.objects.filter(pk=entry.pk).update(case_code=altered)
    problems = list(verify())
    assert [p.entry_id for p in problems] == [entry.pk]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_an_audit_chain_with_a_removed_entry_fails_verification(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(pk=chain[1].pk).delete()
    assert chain[2].pk in [p.entry_id for p in verify()]


def test_an_audit_chain_with_its_newest_entry_removed_fails_verification(chain: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(pk=chain[-1].pk).delete()
    assert [p.entry_id for p in verify()] == [None]


def test_an_audit_chain_with_reordered_entries_fails_verification(chain: list[AuditEntry]) -> None:
    first, second = chain[0], chain[1]
    fields = ["at", "actor", "actor_name", "organisation_code", "action", "case_code", "object_code", "extra",
              "prev_hash", "hash"]
    values = {f: getattr(second, f) for f in fields}
    AuditEntry.objects.filter(pk=first.pk).update(hash="x" * 64)  # free the unique hashes
    AuditEntry.objects.filter(pk=second.pk).update(hash="y" * 64)
    AuditEntry.objects.filter(pk=second.pk).update(**{f: getattr(first, f) for f in fields})
    AuditEntry.objects.filter(pk=first.pk).update(**values)
    assert {p.entry_id for p in verify()} >= {first.pk}
