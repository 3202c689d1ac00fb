"""Writing and verifying the audit chain, its keyed links and checkpoints kept elsewhere."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigaq.lib import crypto

from . import chainkey
from .models import Action, AuditEntry, ChainHead

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    return crypto.canonical_json(
        {
            "at": entry.at.isoformat(),
            "actor": entry.actor_id,
            "actor_name": entry.actor_name,
            "org": entry.organisation_code,
            "action": int(entry.action),
            "case": entry.case_code,
            "object": entry.object_code,
            "extra": entry.extra,
        }
    )


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: Action,
    organisation_code: str = "",
    case_code: str = "",
    object_code: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """Appends an entry. Call inside the transaction of the action it records."""
    user = actor if actor is not None and actor.is_authenticated else None
    if not organisation_code and user is not None:
        # Not accounts.members.current_member: audit sits below accounts (docs/architecture.md).
        member = getattr(user, "membership", None)
        organisation_code = member.organisation.code if member else ""
    key = chainkey.chain_key()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        if key is not None and head.keyed_since is None and head.count == 0:
            head.keyed_since = 1  # a new chain is keyed from its first entry
        entry = AuditEntry(
            at=timezone.now(),
            actor=user,  # type: ignore[misc]
            actor_name=user.get_username() if user is not None else "",
            organisation_code=organisation_code,
            action=action,
            case_code=case_code,
            object_code=object_code,
            extra=extra or {},
            prev_hash=head.last_hash,
        )
        entry.hash = crypto.hash_chain(entry.prev_hash, _canonical(entry))
        entry.mac = chainkey.entry_link(key, entry.hash) if key is not None else ""
        entry.save()
        head.last_hash = entry.hash
        head.count += 1
        _seal_head(head, key)
        head.save(update_fields=["last_hash", "count", "keyed_since", "mac"])
    return entry


@dataclass(frozen=True)
class Entry:
    """One entry of `record_many`: what `record` takes besides the actor."""

    action: Action
    case_code: str = ""
    object_code: str = ""
    extra: dict[str, Any] | None = None


def record_many(*, actor: AbstractBaseUser, entries: Iterable[Entry], organisation_code: str = "") -> int:
    """Appends many entries of one actor (a bulk write) in order, each chained to the one before
    exactly as `record` would chain it, with one lock of the chain's head and one insert a thousand
    entries instead of both per entry. Call inside the transaction of the actions. How many."""
    if not organisation_code:
        member = getattr(actor, "membership", None)
        organisation_code = member.organisation.code if member else ""
    key = chainkey.chain_key()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        if key is not None and head.keyed_since is None and head.count == 0:
            head.keyed_since = 1
        made = []
        last = head.last_hash
        for item in entries:
            entry = AuditEntry(at=timezone.now(), actor=actor, actor_name=actor.get_username(),  # type: ignore[misc]
                               organisation_code=organisation_code, action=item.action, case_code=item.case_code,
                               object_code=item.object_code, extra=item.extra or {}, prev_hash=last)
            entry.hash = crypto.hash_chain(entry.prev_hash, _canonical(entry))
            entry.mac = chainkey.entry_link(key, entry.hash) if key is not None else ""
            last = entry.hash
            made.append(entry)
        if not made:
            return 0
        AuditEntry.objects.bulk_create(made, batch_size=1000)
        head.last_hash = last
        head.count += len(made)
        _seal_head(head, key)
        head.save(update_fields=["last_hash", "count", "keyed_since", "mac"])
    return len(made)


def record_unless_recent(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: Action,
    case_code: str,
    within: dt.timedelta,
) -> AuditEntry | None:
    """Appends an entry unless the same actor's same action on the same case was recorded within
    `within` (then None): reading a case page again and again, or its evidence one item after
    another, is one visit, not one chain entry (and one locked chain head) per page. Only for
    reads: every change is recorded each time."""
    user = actor if actor is not None and actor.is_authenticated else None
    if user is not None and AuditEntry.objects.filter(
        actor_id=user.pk, action=action, case_code=case_code, at__gte=timezone.now() - within
    ).exists():
        return None
    return record(actor=actor, action=action, case_code=case_code)


def _seal_head(head: ChainHead, key: bytes | None) -> None:
    head.mac = (
        chainkey.head_link(key, keyed_since=head.keyed_since, count=head.count, last_hash=head.last_hash)
        if key is not None and head.keyed_since is not None
        else ""
    )


@transaction.atomic
def anchor() -> int:
    """Anchors an unkeyed chain (one written before keyed links existed, or while the key file was
    missing): every entry from the next one on must carry a keyed link, and the head is keyed.
    Returns the position keyed from. Migration audit.0006 does this on upgrade; `aigaq audit
    anchor` is for a chain migrated without its key file. Run it only after `aigaq audit verify`
    passed: it vouches for the entries before it."""
    key = chainkey.chain_key()
    if key is None:
        raise RuntimeError("the key file cannot be read: the audit chain cannot be anchored without it")
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
    if head.keyed_since is None:
        head.keyed_since = head.count + 1
    _seal_head(head, key)
    head.save(update_fields=["keyed_since", "mac"])
    return head.keyed_since


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    reason: Any  # a lazily translated message


@dataclass(frozen=True)
class Checkpoint:
    """The chain's length and newest hash at some moment, written down outside the server
    (`aigaq audit checkpoint`). Whoever holds the database *and* the key file could rebuild the
    chain with valid keyed links; a checkpoint kept elsewhere still exposes it."""

    position: int  # how many entries the chain had (1 = the oldest entry)
    hash: str  # the hash of that newest entry

    PREFIX = "aigaq-audit"

    def __str__(self) -> str:
        return f"{self.PREFIX}:{self.position}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        m = re.fullmatch(rf"{cls.PREFIX}:(\d{{1,18}}):([0-9a-f]{{64}})", text.strip())
        if m is None or int(m.group(1)) < 1:
            raise ValueError(f"not an audit checkpoint: {text.strip()[:80]!r} (expected {cls.PREFIX}:COUNT:HASH)")
        return cls(int(m.group(1)), m.group(2))


def checkpoint() -> Checkpoint | None:
    """The chain's head as a checkpoint to write down elsewhere; None for an empty chain."""
    head = ChainHead.objects.filter(id=1).first()
    if head is None or head.count == 0:
        return None
    return Checkpoint(head.count, head.last_hash)


def verify(
    batch: int = 5000,
    progress: Callable[[int], object] | None = None,
    checkpoints: Iterable[Checkpoint] = (),
) -> Iterator[Problem]:
    """Yields every break in the chain; yields nothing for an intact log. `progress` is called
    with 1 per entry checked (for a progress bar on long chains). With the key file, every entry
    from the anchor on must carry a valid keyed link, and so must the head; each checkpoint must
    name an entry of the chain at its position."""
    key = chainkey.chain_key()
    head = ChainHead.objects.filter(id=1).first()
    keyed_since = head.keyed_since if head is not None else None
    wanted = {c.position: c.hash for c in checkpoints}
    prev = GENESIS
    seen = 0
    keyed = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch):
        seen += 1
        if progress is not None:
            progress(1)
        if entry.prev_hash != prev:
            yield Problem(entry.id, _("does not follow the entry before it (removed or reordered entries)"))
        if not crypto.constant_time_equals(crypto.hash_chain(entry.prev_hash, _canonical(entry)), entry.hash):
            yield Problem(entry.id, _("its content was altered after it was written"))
        if entry.mac:
            keyed += 1
            if key is not None and not crypto.constant_time_equals(chainkey.entry_link(key, entry.hash), entry.mac):
                yield Problem(entry.id, _("its keyed link does not match: it was rewritten by someone without the key"))
        elif key is not None and keyed_since is not None and seen >= keyed_since:
            yield Problem(entry.id, _("it carries no keyed link, although it was written after the chain was anchored"))
        if seen in wanted and not crypto.constant_time_equals(wanted.pop(seen), entry.hash):
            yield Problem(
                entry.id, _("it is not the entry that a checkpoint kept elsewhere recorded (history rewritten)")
            )
        prev = entry.hash
    if wanted:
        yield Problem(None, _("the chain is shorter than a checkpoint kept elsewhere (entries removed)"))
    if head is not None and (head.last_hash != prev or head.count != seen):
        yield Problem(None, _("the newest entries were removed (the chain head does not match the last one)"))
    yield from _head_problems(key, head, seen=seen, keyed=keyed)


def _head_problems(key: bytes | None, head: ChainHead | None, *, seen: int, keyed: int) -> Iterator[Problem]:
    if key is None:
        if chainkey.configured() and (keyed or (head is not None and head.keyed_since is not None)):
            yield Problem(None, _("the key file cannot be read, so the keyed links cannot be checked"))
        return
    if head is None or head.keyed_since is None:
        if seen:
            yield Problem(
                None,
                _("the chain is not anchored to the key: its keyed links were removed, or it was never anchored "
                  "(compare with a checkpoint, then run `aigaq audit anchor`)"),
            )
        return
    expected = chainkey.head_link(key, keyed_since=head.keyed_since, count=head.count, last_hash=head.last_hash)
    if not crypto.constant_time_equals(expected, head.mac):
        yield Problem(None, _("the chain head's keyed link does not match (the head or the anchor was moved)"))
