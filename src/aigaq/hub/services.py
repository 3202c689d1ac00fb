"""Writes of the hub. Each is keyword-only and writes its audit row (organisation_code = the member's
id; never a token, a ref's content or a contact text) in the transaction of what it records.

A join talks to the key service before it writes anything, outside any transaction (a slow key
service must not hold the database): if the key service cannot register the member, the join
fails with "unavailable" and the invitation stays unused. Two joins racing with one invitation
both register at the key service, and only one becomes a member here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.lib import netproto
from aigaq.lib.crypto import oprf, random_code
from aigaq.peers.models import Peer
from aigaq.peers.signed import peer_register

from . import matching
from .errors import HubError
from .files import SecretFileError
from .identity import hub_identity, hub_public_key, keyservice
from .models import (
    Alert,
    AlertState,
    ContactRequest,
    ContactState,
    Decision,
    Encoding,
    EncodingToken,
    Invitation,
    KeyService,
    Member,
    SyncBatch,
)
from .selectors import alert_of, side_of
from .wire import SyncRequest

log = logging.getLogger("aigaq.hub")

INVITATION_DAYS = 7
BATCHES_KEPT = dt.timedelta(days=30)  # a member retries a lost answer within minutes, not months


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


@transaction.atomic
def invitation_issue(*, name: str, days: int = INVITATION_DAYS) -> tuple[Invitation, str]:
    """A new invitation for the organisation `name`, and its code (shown once, kept only hashed)."""
    code = random_code(20)
    invitation = Invitation.objects.create(code_hash=_code_hash(code), name=name,
                                           expires_at=timezone.now() + dt.timedelta(days=days))
    record(actor=None, action=Action.NETWORK_INVITATION_ISSUED, object_code=str(invitation.pk),
           extra={"days": days})
    return invitation, code


def keyservice_configure(*, url: str) -> KeyService:
    """Asks the key service at `url` who it is (GET /v1/identity) and keeps its answer."""
    answer = netproto.call(url, "GET", "/v1/identity")
    if not isinstance(answer, dict) or answer.get("info") != oprf.INFO.decode():
        raise netproto.NetworkError("bad_request")
    oprf_key, signing_key = answer.get("oprf_public_key"), answer.get("signing_public_key")
    if not (isinstance(oprf_key, str) and oprf_key and isinstance(signing_key, str) and signing_key):
        raise netproto.NetworkError("bad_request")
    return _keyservice_store(url=url.rstrip("/"), oprf_public_key=oprf_key, signing_public_key=signing_key)


@transaction.atomic
def _keyservice_store(*, url: str, oprf_public_key: str, signing_public_key: str) -> KeyService:
    KeyService.objects.exclude(pk=1).delete()
    service, _ = KeyService.objects.update_or_create(
        pk=1, defaults={"url": url, "oprf_public_key": oprf_public_key, "signing_public_key": signing_public_key})
    return service


@dataclass(frozen=True)
class Joined:
    member: Member
    keyservice: KeyService
    hub_public_key: str


def _refuse_invitation() -> HubError:
    with transaction.atomic():
        record(actor=None, action=Action.NETWORK_REQUEST_REFUSED, extra={"reason": "bad_invitation"})
    return HubError("bad_invitation", 400)


def _usable(invitation: Invitation) -> bool:
    return invitation.used_at is None and invitation.expires_at > timezone.now()


def member_join(*, invitation: str, city: str, public_key: str) -> Joined:
    """Makes the holder of a good invitation a member: registered at the key service, then here
    (its key a peer of the hub, the invitation used)."""
    found = Invitation.objects.filter(code_hash=_code_hash(invitation)).first()
    if found is None or not _usable(found):
        raise _refuse_invitation()
    service = keyservice()
    try:
        identity, hub_key = hub_identity(), hub_public_key()
    except SecretFileError as exc:
        log.error("the hub cannot sign: %s (run `aigaq network hub init`)", exc)
        raise HubError("unavailable", 503) from None
    code = random_code()
    try:
        netproto.call(service.url, "POST", "/v1/members", {"member": code, "public_key": public_key},
                      identity=identity)
    except netproto.NetworkError as exc:
        # Said to the operator: "unknown_sender" here means the key service does not trust this hub yet.
        log.warning("the key service did not register a new member: %s", exc.code)
        raise HubError("unavailable", 503) from None
    member = _member_create(invitation_id=found.pk, code=code, city=city, public_key=public_key)
    return Joined(member=member, keyservice=service, hub_public_key=hub_key)


@transaction.atomic
def _member_create(*, invitation_id: int, code: str, city: str, public_key: str) -> Member:
    invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
    if not _usable(invitation):  # used by a join that raced this one
        raise HubError("bad_invitation", 400)
    member = Member.objects.create(code=code, name=invitation.name, city=city)
    peer_register(name=code, public_key=public_key)
    invitation.used_at, invitation.member = timezone.now(), member
    invitation.save(update_fields=["used_at", "member"])
    record(actor=None, action=Action.NETWORK_MEMBER_JOINED, organisation_code=code,
           object_code=str(invitation.pk))
    return member


@dataclass(frozen=True)
class Synced:
    accepted: int  # upserts stored (new refs, or newer versions)
    deleted: int  # refs removed
    changes: matching.Changes


def _store(member: Member, request: SyncRequest) -> list[Encoding]:
    """Stores the upserts that are new or newer; the encodings that changed."""
    existing = {e.ref: e for e in Encoding.objects.filter(member=member, ref__in=[u.ref for u in request.upserts])}
    changed = []
    for upsert in request.upserts:
        encoding = existing.get(upsert.ref)
        if encoding is not None and upsert.version <= encoding.version:
            continue  # the same or an older version: already held
        if encoding is None:
            encoding = Encoding(member=member, ref=upsert.ref)
        else:
            encoding.member = member
            EncodingToken.objects.filter(encoding=encoding).delete()
        encoding.version, encoding.year_month, encoding.region = upsert.version, upsert.year_month, upsert.region
        encoding.save()
        EncodingToken.objects.bulk_create(
            EncodingToken(encoding=encoding, kind=kind, token=token)
            for kind, tokens in upsert.tokens.items() for token in sorted(tokens))
        changed.append(encoding)
    return changed


@transaction.atomic
def sync_apply(*, member: Member, request: SyncRequest) -> Synced:
    """Applies a member's batch and matches every ref that changed.

    Deletes go first (a ref both deleted and upserted in one batch is stored anew), then the
    upserts that are new or newer, then matching. A batch id seen before from this member is
    answered as it was the first time, whatever it holds now, and changes nothing."""
    done = SyncBatch.objects.filter(member=member, batch=request.batch).first()
    if done is not None:
        return Synced(accepted=done.accepted, deleted=done.deleted, changes=matching.Changes())
    deleted = Encoding.objects.filter(member=member, ref__in=request.deletes).count()
    changes = matching.withdraw(member=member, refs=request.deletes)
    changed = _store(member, request)
    for encoding in changed:
        changes += matching.rematch(encoding)
    now = timezone.now()
    SyncBatch.objects.create(member=member, batch=request.batch, accepted=len(changed), deleted=deleted, at=now)
    SyncBatch.objects.filter(at__lt=now - BATCHES_KEPT).delete()
    record(actor=None, action=Action.NETWORK_SYNCED, organisation_code=member.code,
           extra={"upserts": len(request.upserts), "accepted": len(changed), "deletes": len(request.deletes),
                  "deleted": deleted, "alerts_opened": changes.opened, "alerts_updated": changes.updated,
                  "alerts_closed": changes.closed})
    return Synced(accepted=len(changed), deleted=deleted, changes=changes)


def _refuse_state() -> HubError:
    return HubError("bad_request", 400)


@transaction.atomic
def alert_decide(*, member: Member, code: str, decision: str) -> Alert:
    """This side's decision on an open alert; it can change until a contact request is made."""
    alert = alert_of(member=member, code=code, lock=True)
    if alert.state != AlertState.OPEN or ContactRequest.objects.filter(alert=alert).exists():
        raise _refuse_state()
    field = f"decision_{side_of(alert, member)}"
    setattr(alert, field, Decision(decision))
    alert.save(update_fields=[field, "updated_at"])
    record(actor=None, action=Action.NETWORK_ALERT_REVIEWED, organisation_code=member.code,
           object_code=alert.code, extra={"decision": decision})
    return alert


@transaction.atomic
def contact_request(*, member: Member, code: str, message: str, contact: str) -> Alert:
    """Asks the other side for contact: only on an open alert that both sides confirmed, once."""
    alert = alert_of(member=member, code=code, lock=True)
    confirmed = alert.decision_a == alert.decision_b == Decision.CONFIRMED
    if alert.state != AlertState.OPEN or not confirmed or ContactRequest.objects.filter(alert=alert).exists():
        raise _refuse_state()
    ContactRequest.objects.create(alert=alert, requested_by=side_of(alert, member), message=message,
                                  contact=contact)
    record(actor=None, action=Action.NETWORK_CONTACT_REQUESTED, organisation_code=member.code,
           object_code=alert.code)
    return alert


@transaction.atomic
def contact_answer(*, member: Member, code: str, accept: bool, contact: str) -> Alert:
    """The other side's answer to a pending request: accepting shows each side the other's contact."""
    alert = alert_of(member=member, code=code, lock=True)
    request = ContactRequest.objects.filter(alert=alert).first()
    if (alert.state != AlertState.OPEN or request is None or request.state != ContactState.PENDING
            or request.requested_by == side_of(alert, member)):
        raise _refuse_state()
    request.state = ContactState.ACCEPTED if accept else ContactState.DECLINED
    request.answer_contact = contact if accept else ""
    request.save(update_fields=["state", "answer_contact"])
    record(actor=None, action=Action.NETWORK_CONTACT_ANSWERED, organisation_code=member.code,
           object_code=alert.code, extra={"accepted": accept})
    return alert


@dataclass(frozen=True)
class Removed:
    member: Member
    refs: int  # its encodings deleted
    changes: matching.Changes


@transaction.atomic
def member_remove(*, member: Member) -> Removed:
    """Removes a member (its key leaked, it left, it probed): its encodings are deleted, its open
    alerts close for the other side with "withdrawn" (the reason any withdrawn suspect gives), the
    chained alerts it joined re-chain, and its key is no longer a peer, so every later request of
    it is refused ("unknown_sender"). The row stays, so the other side's closed alerts still name
    it. Removing a removed member changes nothing."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.removed_at is not None:
        return Removed(member=member, refs=0, changes=matching.Changes())
    refs = list(Encoding.objects.filter(member=member).values_list("ref", flat=True))
    changes = matching.Changes()
    for start in range(0, len(refs), 1000):
        changes += matching.withdraw(member=member, refs=refs[start:start + 1000])
    Peer.objects.filter(name=member.code).delete()
    member.removed_at = timezone.now()
    member.save(update_fields=["removed_at"])
    record(actor=None, action=Action.NETWORK_MEMBER_REMOVED, organisation_code=member.code,
           extra={"refs": len(refs), "alerts_closed": changes.closed})
    return Removed(member=member, refs=len(refs), changes=changes)


def rematch_all(*, progress: Callable[[int], object] | None = None, chunk: int = 1000) -> matching.Changes:
    """Matches every encoding again (after a refit of the model, or to bring token counts up to
    date), in encoding order, one transaction per `chunk`: alerts open, follow and close as a sync
    of every ref would make them. Running it twice changes nothing the second time. `progress` is
    told how many encodings each chunk held."""
    ids = list(Encoding.objects.order_by("pk").values_list("pk", flat=True))
    total = matching.Changes()
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            for encoding in Encoding.objects.filter(pk__in=ids[start:start + chunk]).order_by("pk"):
                total += matching.rematch(encoding)
        if progress is not None:
            progress(len(ids[start:start + chunk]))
    with transaction.atomic():
        record(actor=None, action=Action.NETWORK_REMATCHED,
               extra={"encodings": len(ids), "alerts_opened": total.opened, "alerts_updated": total.updated,
                      "alerts_closed": total.closed})
    return total
