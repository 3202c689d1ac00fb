"""Writes of the network side: joining, and a coordinator's answers to a network alert.

Each action is sent to the hub first, at once, and written here (with its audit entry, in one
transaction) only once the hub has taken it: if the hub cannot be reached, the NetworkError goes
back to the caller and nothing has changed on either side, so she can simply try again. The hub
call is made outside the transaction so that no database transaction waits on the network.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import Organisation, Role, User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.lib.crypto import random_code
from aigaq.lib.crypto.signing import new_signing_key, public_key_of
from aigaq.lib.netproto import NetworkError

from . import client
from .models import (
    CONFIG_ID,
    LEFT,
    AlertState,
    ContactState,
    Decision,
    NetworkAlert,
    NetworkConfig,
    NetworkReport,
    NetworkSuspect,
    Tombstone,
    version_now,
)
from .sync import DELETES_PER_BATCH, alerts_store


class AlreadyJoined(Exception):
    """This instance is a member already (one membership an instance)."""


class NotJoined(Exception):
    """This instance is not a member of any network."""


def _forget(config: NetworkConfig) -> int:
    """Ends this instance's membership here (the caller's transaction): the hub's alerts close
    with "left", the queue of deletes is dropped (they were for that hub), and every consenting
    suspect gets a new random ref and is marked dirty, so that the next hub joined gets every one
    of them anew, keyed under its key service's key, under refs the old hub never saw. Returns the
    number of suspects queued again."""
    NetworkAlert.objects.filter(state=AlertState.OPEN).update(state=AlertState.CLOSED, closed_reason=LEFT)
    Tombstone.objects.all().delete()
    NetworkSuspect.objects.filter(suspect__isnull=True).delete()
    # A sealed report's tokens are under that network's key and cannot be made again without her
    # code and PIN: they go, and are keyed anew (new ref, new key) at her next visit.
    NetworkReport.objects.all().delete()
    queued = 0
    for row in NetworkSuspect.objects.all().only("pk"):
        row.ref, row.version, row.dirty = random_code(), version_now(), True
        row.save(update_fields=["ref", "version", "dirty", "updated_at"])
        queued += 1
    config.delete()
    return queued


@dataclass(frozen=True)
class Left:
    member_id: str
    hub_url: str
    deleted_at_hub: int  # refs the hub was told to delete (0 with tell_hub=False)
    queued: int  # suspects queued for the next hub


def network_leave(*, tell_hub: bool = True) -> Left:
    """Leaves the network: first asks the hub to delete every ref this member sent (so its alerts
    close for the other members with "withdrawn"), unless `tell_hub` is False (the hub is gone,
    or its operator removes the member); then forgets the membership (`_forget`). A NetworkError
    from the hub leaves everything as it was. `aigaq network join` works again afterwards."""
    config = NetworkConfig.current()
    if config is None:
        raise NotJoined
    deleted = 0
    if tell_hub:
        refs = sorted(set(NetworkSuspect.objects.values_list("ref", flat=True))
                      | set(NetworkReport.objects.values_list("ref", flat=True))
                      | set(Tombstone.objects.values_list("ref", flat=True)))
        identity = config.identity()
        for start in range(0, len(refs), DELETES_PER_BATCH):
            part = refs[start:start + DELETES_PER_BATCH]
            client.sync(hub_url=config.hub_url, identity=identity, upserts=[], deletes=part)
            deleted += len(part)
    with transaction.atomic():
        queued = _forget(config)
        record(actor=None, action=Action.NETWORK_LEFT, organisation_code=config.organisation.code,
               extra={"member": config.member_id, "hub_told": tell_hub, "deleted": deleted, "queued": queued})
    return Left(member_id=config.member_id, hub_url=config.hub_url, deleted_at_hub=deleted, queued=queued)


def network_join(*, hub_url: str, invitation: str, organisation: Organisation, name: str, city: str,
                 rejoin: bool = False) -> NetworkConfig:
    """Joins the network with a one-time invitation from the hub's operator: a new signing key is
    made here, its public half registered at the hub, and the key service's OPRF public key the
    hub names is pinned (every later answer of the key service is checked against it).

    `rejoin`: this instance may already be a member; once the new hub took the invitation, the
    old membership is forgotten (`_forget`: every suspect queued anew under a new ref; the old
    hub is not told, for key rotation's old hub is deleted, see docs/network.md "Key rotation").

    If the hub took the invitation but this write then failed, the invitation is spent: the
    operator issues another (the hub keeps an unused member, nothing else)."""
    if NetworkConfig.current() is not None and not rejoin:
        raise AlreadyJoined
    key = new_signing_key()
    joined = client.join(hub_url=hub_url, invitation=invitation, name=name, city=city, public_key=public_key_of(key))
    with transaction.atomic():
        previous = NetworkConfig.current()
        if previous is not None:
            queued = _forget(previous)
            record(actor=None, action=Action.NETWORK_LEFT, organisation_code=previous.organisation.code,
                   extra={"member": previous.member_id, "hub_told": False, "deleted": 0, "queued": queued})
        config = NetworkConfig(
            pk=CONFIG_ID, organisation=organisation, name=name, city=city, hub_url=hub_url.rstrip("/"),
            member_id=joined.member_id, keyservice_url=joined.keyservice_url,
            keyservice_oprf_public_key=joined.keyservice_oprf_public_key, hub_public_key=joined.hub_public_key,
            joined_at=timezone.now(),
        )
        config.set_signing_key(key)
        config.save(force_insert=True)
        record(actor=None, action=Action.NETWORK_JOINED, organisation_code=organisation.code,
               extra={"member": joined.member_id, "rejoined": previous is not None})
    return config


def _config_for(actor: User) -> NetworkConfig:
    member = acting_member(actor)
    config = NetworkConfig.current()
    if config is None or member.role != Role.COORDINATOR or member.organisation_id != config.organisation_id:
        raise PermissionError("only a coordinator of the member organisation answers network alerts")
    return config


def _check_answerable(alert: NetworkAlert) -> None:
    """An alert on a sealed survivor's report is answered only once she agreed to share it."""
    if NetworkReport.objects.filter(ref=alert.my_ref, shared=False).exists():
        raise PermissionError("the survivor has not agreed to share her sealed report")


def _refresh(config: NetworkConfig) -> None:
    """The hub's newest view of the alerts, so she sees at once what her answer changed (the
    other side's confirmation, a closed alert); if it fails, the next sync brings it."""
    with contextlib.suppress(NetworkError):
        alerts_store(client.alerts(hub_url=config.hub_url, identity=config.identity()))


def alert_review(*, actor: User, alert: NetworkAlert, decision: str) -> NetworkAlert:
    """Her side's decision: confirmed (the same man, as far as she can tell) or rejected."""
    config = _config_for(actor)
    _check_answerable(alert)
    if decision not in Decision.values:
        raise ValueError(f"not a decision: {decision!r}")
    if alert.state != AlertState.OPEN:
        raise ValueError("a closed alert is not decided")
    client.decide(hub_url=config.hub_url, identity=config.identity(), alert_id=alert.hub_id, decision=decision)
    with transaction.atomic():
        alert.my_decision = decision
        alert.save(update_fields=["my_decision", "updated_at"])
        record(actor=actor, action=Action.NETWORK_ALERT_REVIEWED, object_code=alert.code,
               extra={"decision": decision})
    _refresh(config)
    alert.refresh_from_db()
    return alert


def alert_contact_request(*, actor: User, alert: NetworkAlert, message: str, contact: str) -> NetworkAlert:
    """Asks the other organisation's coordinator to get in touch; only once both sides confirmed.
    Her work contact reaches the other side only if they accept."""
    config = _config_for(actor)
    _check_answerable(alert)
    if alert.state != AlertState.OPEN or not alert.both_confirmed or alert.contact_state:
        raise ValueError("contact is asked for once, after both sides confirmed")
    client.contact_request(hub_url=config.hub_url, identity=config.identity(), alert_id=alert.hub_id,
                           message=message, contact=contact)
    with transaction.atomic():
        alert.contact_requested_by = "me"
        alert.contact_state = ContactState.PENDING
        alert.contact_message = message
        alert.contact_mine = contact
        alert.save()
        record(actor=actor, action=Action.NETWORK_CONTACT_REQUESTED, object_code=alert.code)
    _refresh(config)
    alert.refresh_from_db()
    return alert


def alert_contact_answer(*, actor: User, alert: NetworkAlert, accept: bool, contact: str) -> NetworkAlert:
    """Her answer to the other side's request: accepting shares her work contact with them and
    shows her theirs; declining shares nothing."""
    config = _config_for(actor)
    _check_answerable(alert)
    if alert.state != AlertState.OPEN or alert.contact_requested_by != "other" \
            or alert.contact_state != ContactState.PENDING:
        raise ValueError("there is no request for contact to answer")
    client.contact_answer(hub_url=config.hub_url, identity=config.identity(), alert_id=alert.hub_id,
                          accept=accept, contact=contact if accept else "")
    with transaction.atomic():
        alert.contact_state = ContactState.ACCEPTED if accept else ContactState.DECLINED
        alert.contact_mine = contact if accept else ""
        alert.save()
        record(actor=actor, action=Action.NETWORK_CONTACT_ANSWERED, object_code=alert.code,
               extra={"accept": accept})
    _refresh(config)
    alert.refresh_from_db()
    return alert
