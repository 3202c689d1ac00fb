"""`aigaq audit verify` detects an altered, removed or reordered entry, an entry rewritten with its
unkeyed hashes recomputed, and, with a checkpoint kept elsewhere, a chain rebuilt with the key."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aigaq.accounts.models import User
from aigaq.audit import chainkey, log
from aigaq.audit.log import verify
from aigaq.audit.models import Action, AuditEntry, ChainHead
from aigaq.cases.models import Case
from aigaq.lib import crypto


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


def _rewrite_and_rehash(entry: AuditEntry, **changes: object) -> None:
    """What someone with write access to the database but without the key file can do: change an
    entry, recompute every unkeyed hash after it and move the chain head along."""
    AuditEntry.objects.filter(pk=entry.pk).update(**changes)
    prev = AuditEntry.objects.filter(pk__lt=entry.pk).order_by("-id").values_list("hash", flat=True).first()
    prev = prev or log.GENESIS
    for later in AuditEntry.objects.filter(pk__gte=entry.pk).order_by("id"):
        later.prev_hash = prev
        later.hash = crypto.hash_chain(prev, log._canonical(later))
        AuditEntry.objects.filter(pk=later.pk).update(prev_hash=later.prev_hash, hash=later.hash)
        prev = later.hash
    ChainHead.objects.filter(id=1).update(last_hash=prev)


def _unkeyed_problems() -> list[log.Problem]:
    """What verification found before the chain was keyed: the hashes and the head only."""
    with (
        patch.object(chainkey, "chain_key", return_value=None),
        patch.object(chainkey, "configured", return_value=False),
    ):
        return list(verify())


def test_a_rewritten_entry_with_recomputed_unkeyed_hashes_fails_verification(chain: list[AuditEntry]) -> None:
    entry = chain[1]
    _rewrite_and_rehash(entry, action=int(Action.LOGIN), case_code="")
    assert _unkeyed_problems() == []  # the unkeyed chain alone no longer sees it
    problems = list(verify())
    assert entry.pk in [p.entry_id for p in problems]
    assert None in [p.entry_id for p in problems]  # and the keyed head no longer matches
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_stripping_the_keyed_links_and_the_anchor_fails_verification(chain: list[AuditEntry]) -> None:
    _rewrite_and_rehash(chain[0], case_code="")
    AuditEntry.objects.update(mac="")
    ChainHead.objects.filter(id=1).update(keyed_since=None, mac="")
    assert _unkeyed_problems() == []
    assert [p.entry_id for p in verify()] == [None]


def test_moving_the_anchor_past_a_rewritten_entry_fails_verification(chain: list[AuditEntry]) -> None:
    _rewrite_and_rehash(chain[-1], case_code="")
    AuditEntry.objects.filter(pk=chain[-1].pk).update(mac="")
    ChainHead.objects.filter(id=1).update(keyed_since=len(chain) + 1)
    assert [p.entry_id for p in verify()] == [None]


def test_a_chain_written_before_the_anchor_still_verifies_and_the_first_keyed_entry_covers_it(
    alice: User, make_case: Callable[..., Case]
) -> None:
    with patch.object(chainkey, "chain_key", return_value=None):
        make_case(alice)
    old = list(AuditEntry.objects.order_by("id"))
    assert old and all(e.mac == "" for e in old)
    ChainHead.objects.filter(id=1).update(keyed_since=None, mac="")
    assert log.anchor() == len(old) + 1
    make_case(alice)
    assert AuditEntry.objects.exclude(mac="").count() == AuditEntry.objects.count() - len(old)
    assert list(verify()) == []
    first_keyed = AuditEntry.objects.exclude(mac="").order_by("id").first()
    assert first_keyed is not None
    _rewrite_and_rehash(old[0], case_code="")
    assert first_keyed.pk in [p.entry_id for p in verify()]


def test_a_checkpoint_kept_elsewhere_exposes_a_chain_rebuilt_with_the_key(
    chain: list[AuditEntry], tmp_path: Path
) -> None:
    point = log.checkpoint()
    assert point is not None and log.Checkpoint.parse(str(point)) == point
    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert out.getvalue().strip() == str(point)
    kept = tmp_path / "checkpoints.txt"
    kept.write_text(f"# printed on Monday\n{point}\n", encoding="utf-8")
    call_command("audit", "verify", "--checkpoints", str(kept))
    # Someone with the database and the key file rebuilds history with valid keyed links.
    _rewrite_and_rehash(chain[0], case_code="")
    key = chainkey.chain_key()
    assert key is not None
    for entry in AuditEntry.objects.all():
        AuditEntry.objects.filter(pk=entry.pk).update(mac=chainkey.entry_link(key, entry.hash))
    log.anchor()
    head = ChainHead.objects.get(id=1)
    ChainHead.objects.filter(id=1).update(mac=chainkey.head_link(
        key, keyed_since=head.keyed_since or 1, count=head.count, last_hash=head.last_hash))
    assert list(verify()) == []
    assert [p.entry_id for p in verify(checkpoints=[point])] == [chain[-1].pk]
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--checkpoint", str(point))


def test_a_checkpoint_beyond_the_end_of_the_chain_fails_verification(chain: list[AuditEntry]) -> None:
    far = log.Checkpoint(len(chain) + 5, "a" * 64)
    assert [p.entry_id for p in verify(checkpoints=[far])] == [None]
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--checkpoint", "not-a-checkpoint")


def test_rotating_the_key_encryption_keys_leaves_the_chain_verifiable(
    chain: list[AuditEntry], tmp_path: Path, settings: Any
) -> None:
    copy = tmp_path / "keys.json"
    copy.write_bytes(Path(settings.KEY_FILE).read_bytes())
    copy.chmod(0o600)
    settings.KEY_FILE = copy
    assert list(verify()) == []
    crypto.add_primary_kek(copy)
    assert list(verify()) == []
