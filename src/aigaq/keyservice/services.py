"""The key service's writes: registering members (on the hub's word), trusting the hub, and
evaluating a member's batch within its limits. Each writes its audit entry in its transaction:
counts and reasons only, never a blinded value or an answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.lib.crypto.oprf import KeyHolder, OprfError
from aigaq.peers.models import Peer
from aigaq.peers.signed import peer_register

from . import limits
from .models import EvaluationCount, RemovedMember
from .wire import HUB, BadRequest


class RateLimited(Exception):
    """The member is over its limit; the batch would fit in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Registration:
    peer: Peer
    change: str  # "new", "key_changed" or "same": a repeated registration changes nothing


def _register(*, name: str, public_key: str) -> Registration:
    before = Peer.objects.filter(name=name).values_list("public_key", flat=True).first()
    peer = peer_register(name=name, public_key=public_key)
    change = "new" if before is None else "same" if before == public_key else "key_changed"
    record(actor=None, action=Action.NETWORK_MEMBER_JOINED, organisation_code=name, extra={"change": change})
    return Registration(peer=peer, change=change)


class MemberRemoved(Exception):
    """The key service's operator removed this member: the hub cannot register it again."""


@transaction.atomic
def member_register(*, member: str, public_key: str) -> Registration:
    """Lets `member` sign evaluation requests with `public_key` (the hub asks; idempotent).
    A removed member is refused (MemberRemoved, audited)."""
    if member == HUB:
        raise BadRequest("the hub is not a member")
    if RemovedMember.objects.filter(member=member).exists():
        raise MemberRemoved(member)
    return _register(name=member, public_key=public_key)


@dataclass(frozen=True)
class Removal:
    member: str
    was_registered: bool
    already_removed: bool


@transaction.atomic
def member_remove(*, member: str) -> Removal:
    """Removes a member (the hub's operator removed it, or asks to): its key is no longer a peer,
    so its evaluation requests are refused ("unknown_sender", audited), and the hub cannot
    register it again. Its counts stay for the record. Idempotent."""
    if member == HUB:
        raise BadRequest("the hub is not a member")
    deleted, _ = Peer.objects.filter(name=member).delete()
    _, created = RemovedMember.objects.get_or_create(member=member)
    if created:
        record(actor=None, action=Action.NETWORK_MEMBER_REMOVED, organisation_code=member,
               extra={"was_registered": bool(deleted)})
    return Removal(member=member, was_registered=bool(deleted), already_removed=not created)


@transaction.atomic
def hub_trust(*, public_key: str) -> Registration:
    """Lets the hub holding `public_key` register members (replaces an earlier hub key)."""
    return _register(name=HUB, public_key=public_key)


@transaction.atomic
def refusal_record(*, sender: str, reason: str, count: int) -> None:
    """The audit entry of a signed request answered with an error (`count`: values it carried)."""
    record(actor=None, action=Action.NETWORK_REQUEST_REFUSED, organisation_code=sender[:32],
           extra={"reason": reason, "count": count})


def batch_evaluate(*, member: str, blinded: Sequence[bytes], holder: KeyHolder,
                   now: dt.datetime | None = None) -> bytes:
    """The one batch answer for `blinded`, counted against `member`'s limits. Raises RateLimited
    when over them, BadRequest when a value is not a group element; both refusals are audited.
    Its own transaction, not @transaction.atomic: a refusal's audit entry commits before the
    exception leaves, so the refusal stays on record."""
    moment = now or timezone.now()
    wanted = len(blinded)
    refusal: Exception
    with transaction.atomic():
        # One member's requests one at a time, so two at once cannot both slip under the limit
        # (SQLite's IMMEDIATE transactions already serialise every writer).
        list(Peer.objects.select_for_update().filter(name=member).values_list("id", flat=True))
        rows = EvaluationCount.objects.filter(member=member, hour__gt=limits.window_start(moment))
        counts = {row.hour: row.count for row in rows}
        wait = limits.retry_after(counts=counts, now=moment, wanted=wanted, limits=limits.current())
        if wait:
            refusal, reason = RateLimited(wait), "rate_limited"
        else:
            # Evaluated inside the transaction (about 0.2 s for a full batch): the count and the
            # answer stand or fall together.
            try:
                evaluated = holder.evaluate(blinded)
            except OprfError:
                refusal, reason = BadRequest("not a group element"), "bad_request"
            else:
                hour = limits.bucket(moment)
                EvaluationCount.objects.update_or_create(member=member, hour=hour,
                                                         defaults={"count": counts.get(hour, 0) + wanted})
                record(actor=None, action=Action.NETWORK_EVALUATED, organisation_code=member,
                       extra={"count": wanted})
                return evaluated
        refusal_record(sender=member, reason=reason, count=wanted)
    raise refusal
