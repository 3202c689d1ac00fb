"""Writing and verifying the audit chain."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigaq.lib import crypto

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
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
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
        entry.save()
        head.last_hash = entry.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return entry


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    reason: Any  # a lazily translated message


def verify(batch: int = 5000, progress: Callable[[int], object] | None = None) -> Iterator[Problem]:
    """Yields every break in the chain; yields nothing for an intact log. `progress` is called
    with 1 per entry checked (for a progress bar on long chains)."""
    prev = GENESIS
    seen = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch):
        seen += 1
        if progress is not None:
            progress(1)
        if entry.prev_hash != prev:
            yield Problem(entry.id, _("does not follow the entry before it (removed or reordered entries)"))
        if not crypto.constant_time_equals(crypto.hash_chain(entry.prev_hash, _canonical(entry)), entry.hash):
            yield Problem(entry.id, _("its content was altered after it was written"))
        prev = entry.hash
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != prev or head.count != seen):
        yield Problem(None, _("the newest entries were removed (the chain head does not match the last one)"))
