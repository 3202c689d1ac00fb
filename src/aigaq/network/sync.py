"""One sync with the network: deletes, then uploads, then the alerts (docs/network.md, "Member side").

    network_sync() -> SyncResult

1. The queue is made whole: every consenting suspect of the joined organisation has a ref, and a
   ref whose suspect is gone or no longer consents becomes a tombstone (the hooks do this as it
   happens; this catches any write that went around them).
2. Tombstones go to the hub as deletes; each is dropped once the hub has answered.
3. Dirty suspects go up in batches: their fields are decrypted in memory, turned into the network's
   whole-value inputs (`linkage.network.network_inputs`), blinded, evaluated by the key service
   (signed, at most 2,000 a request), unblinded with the proof checked against the key service's
   public key pinned at joining, and turned into tokens. The hub gets only ref, version, year-month,
   region and tokens. A row is marked clean only after the hub accepted it, and only if it was not
   changed meanwhile (its version is still the one sent).
   Sealed survivors' reports she asked be looked for in the network go up the same way, from the
   tokens keyed when she sent them (`network.reports`): nothing of them is decrypted here.
4. The hub's alerts are stored as NetworkAlert rows; an open alert on a sealed report's ref asks
   her (`cases.hooks.report_network_matched`), as a match inside the organisation does.

Any NetworkError (hub or key service unreachable, a refusal, a rate limit) or a failed proof stops
the run where it is: what was not accepted stays queued, the error code is recorded on the config,
and the next run starts over. Every step is idempotent (the hub keeps the newest version of a
ref; deleting an unknown ref is fine), so a run cut short and run again sends nothing twice that
matters and loses nothing; two runs at once (the serve thread and a sync by hand) at worst send
something twice, which the hub's versions make harmless. Nothing personal is logged or audited:
counts and error codes only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.cases import hooks
from aigaq.cases.mention import mention_for
from aigaq.cases.models import Suspect
from aigaq.lib import crypto
from aigaq.lib.crypto import oprf
from aigaq.lib.netproto import Identity, NetworkError
from aigaq.linkage.network import network_inputs

from . import client, queue
from .models import AlertState, NetworkAlert, NetworkConfig, NetworkReport, NetworkSuspect, Tombstone

log = logging.getLogger(__name__)

SUSPECTS_PER_BATCH = 100
DELETES_PER_BATCH = 500
BAD_PROOF = "bad_proof"


@dataclass
class SyncResult:
    joined: bool
    deleted: int = 0
    uploaded: int = 0
    alerts: int = 0  # alerts held after the run
    new_alerts: int = 0
    error: str = ""  # a NetworkError code, or "bad_proof"; "" when the run finished
    retry_after: int = 0
    skipped: list[str] = field(default_factory=list)  # refs whose suspect could not be read

    @property
    def ok(self) -> bool:
        return self.joined and not self.error


def _enrol(config: NetworkConfig) -> None:
    with transaction.atomic():
        missing = Suspect.objects.filter(
            case__organisation=config.organisation, case__survivor__consent_network=True, network__isnull=True
        )
        queue.suspects_enqueue(missing)
        queue.refs_withdraw(NetworkSuspect.objects.filter(suspect__isnull=True))
        queue.refs_withdraw(
            NetworkSuspect.objects.filter(suspect__isnull=False).exclude(suspect__case__survivor__consent_network=True)
        )


def _send_deletes(config: NetworkConfig, identity: Identity, result: SyncResult) -> None:
    while True:
        batch = list(Tombstone.objects.order_by("pk").values_list("pk", "ref")[:DELETES_PER_BATCH])
        if not batch:
            return
        client.sync(hub_url=config.hub_url, identity=identity, upserts=[], deletes=[ref for _, ref in batch])
        Tombstone.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
        result.deleted += len(batch)


@dataclass(frozen=True)
class _Pending:
    row_id: int
    ref: str
    version: int
    year_month: str
    region: str
    inputs: dict[str, list[str]]


def _pending(row: NetworkSuspect) -> _Pending:
    suspect = row.suspect
    assert suspect is not None  # the query selects rows with a suspect
    incident = getattr(suspect.case, "incident", None)
    return _Pending(
        row_id=row.pk, ref=row.ref, version=row.version,
        year_month=incident.date_from.strftime("%Y-%m") if incident else "",
        region=incident.region if incident else "",
        inputs=network_inputs(mention_for(suspect)),
    )


def _tokens(config: NetworkConfig, identity: Identity, pending: list[_Pending]) -> list[dict[str, list[str]]]:
    """Each suspect's tokens: kind → sorted hex tokens. OprfError if a proof fails."""
    return keyed_tokens(config, identity, [p.inputs for p in pending])


def keyed_tokens(config: NetworkConfig, identity: Identity, inputs: list[dict[str, list[str]]]
                 ) -> list[dict[str, list[str]]]:
    """The OPRF tokens of each set of network inputs (kind → sorted hex tokens), through the key
    service. NetworkError if it cannot be reached, OprfError if a proof fails."""
    flat = [(k, kind, value) for k, p in enumerate(inputs) for kind, values in p.items() for value in values]
    public_key = client.unb64(config.keyservice_oprf_public_key)
    outputs: list[bytes] = []
    for start in range(0, len(flat), client.MAX_BLINDED):
        part = flat[start : start + client.MAX_BLINDED]
        blinded = oprf.blind([f"{kind}:{value}".encode() for _, kind, value in part])
        evaluated = client.evaluate(keyservice_url=config.keyservice_url, identity=identity,
                                    messages=blinded.messages)
        outputs += oprf.finalize(blinded, evaluated, public_key)
    tokens: list[dict[str, set[str]]] = [{} for _ in inputs]
    for (k, kind, _), output in zip(flat, outputs, strict=True):
        tokens[k].setdefault(kind, set()).add(oprf.token(output, kind))
    return [{kind: sorted(values) for kind, values in t.items()} for t in tokens]


T = TypeVar("T", bound=Model)


def _batches(dirty: QuerySet[T]) -> Iterator[list[T]]:
    """The rows of `dirty` (ordered by pk) SUSPECTS_PER_BATCH at a time, each batch read after the
    one before was sent (by pk, so rows marked clean meanwhile are not skipped or read twice)."""
    after = 0
    while rows := list(dirty.filter(pk__gt=after)[:SUSPECTS_PER_BATCH]):
        yield rows
        after = rows[-1].pk


def _send_upserts(config: NetworkConfig, identity: Identity, result: SyncResult) -> None:
    dirty = (
        NetworkSuspect.objects.filter(
            dirty=True, suspect__case__organisation=config.organisation, suspect__case__survivor__consent_network=True
        )
        .select_related("suspect__case__incident")
        .order_by("pk")
    )
    for rows in _batches(dirty):
        pending = []
        for row in rows:
            try:
                pending.append(_pending(row))
            except crypto.DecryptionError:
                # His case's key is gone (an erasure cut short): erasing it again removes the row.
                log.warning("network sync: suspect of ref %s could not be read; left queued", row.ref[:8])
                result.skipped.append(row.ref)
        # A suspect with nothing to key (no name, no identifier) is nothing the hub could match:
        # it is deleted there, in case an earlier version had something.
        keyed = [p for p in pending if p.inputs]
        empty = [p for p in pending if not p.inputs]
        upserts = [
            client.Upsert(ref=p.ref, version=p.version, year_month=p.year_month, region=p.region, tokens=tokens)
            for p, tokens in zip(keyed, _tokens(config, identity, keyed), strict=True)
        ]
        if not pending:
            continue
        client.sync(hub_url=config.hub_url, identity=identity, upserts=upserts, deletes=[p.ref for p in empty])
        for p in pending:
            # Still dirty if it changed while we were sending: its newer version goes next run.
            NetworkSuspect.objects.filter(pk=p.row_id, version=p.version).update(dirty=False)
        result.uploaded += len(pending)


def _send_report_upserts(config: NetworkConfig, identity: Identity, result: SyncResult) -> None:
    """Sealed reports' refs: their tokens were keyed when she sent the report, so nothing is
    decrypted or evaluated here (her code and PIN are not at hand)."""
    dirty = NetworkReport.objects.filter(dirty=True, organisation=config.organisation).order_by("pk")
    for rows in _batches(dirty):
        upserts = [client.Upsert(ref=r.ref, version=r.version, year_month=r.year_month, region="", tokens=r.tokens)
                   for r in rows]
        client.sync(hub_url=config.hub_url, identity=identity, upserts=upserts, deletes=[])
        for r in rows:
            NetworkReport.objects.filter(pk=r.pk, version=r.version).update(dirty=False)
        result.uploaded += len(rows)


def _reports_matched() -> None:
    """Each open alert on a sealed report's ref asks her, through her receipt code, as a match
    inside the organisation does (reports: asked once; a report already asked is left as it is)."""
    refs = set(NetworkAlert.objects.filter(state=AlertState.OPEN).values_list("my_ref", flat=True))
    for code in NetworkReport.objects.filter(ref__in=refs).values_list("report_code", flat=True):
        hooks.report_network_matched(report_code=code)


def alerts_store(alerts: list[client.Alert]) -> int:
    """Stores the hub's view of this member's alerts; returns how many were new."""
    new = 0
    with transaction.atomic():
        known = {a.hub_id: a for a in NetworkAlert.objects.filter(hub_id__in=[a.id for a in alerts])}
        for wire in alerts:
            alert = known.get(wire.id) or NetworkAlert(hub_id=wire.id)
            new += alert.pk is None
            alert.my_ref, alert.other_member, alert.other_city = wire.my_ref, wire.other_member, wire.other_city
            alert.strength, alert.evidence_kinds, alert.chained = wire.strength, wire.evidence_kinds, wire.chained
            alert.my_year_month, alert.other_year_month = wire.my_year_month, wire.other_year_month
            alert.state, alert.closed_reason = wire.state, wire.closed_reason
            alert.my_decision, alert.other_decision = wire.my_decision, wire.other_decision
            if wire.contact is not None:
                alert.contact_requested_by = wire.contact.requested_by
                alert.contact_state = wire.contact.state
                if wire.contact.message != alert.contact_message:
                    alert.contact_message = wire.contact.message
                if wire.contact.other_contact != alert.contact_other:
                    alert.contact_other = wire.contact.other_contact
            alert.save()
    return new


def _fetch_alerts(config: NetworkConfig, identity: Identity, result: SyncResult) -> None:
    result.new_alerts = alerts_store(client.alerts(hub_url=config.hub_url, identity=identity))
    result.alerts = NetworkAlert.objects.count()
    _reports_matched()


def _finish(config: NetworkConfig, result: SyncResult, now: dt.datetime) -> None:
    previous = config.last_error
    with transaction.atomic():
        if result.error:
            NetworkConfig.objects.filter(pk=config.pk).update(last_error=result.error, last_error_at=now)
        else:
            NetworkConfig.objects.filter(pk=config.pk).update(last_sync_at=now, last_error="", last_error_at=None)
        # An idle run every minute would flood the log: only work done, or a change of error.
        if result.deleted or result.uploaded or result.new_alerts or result.error != previous:
            record(actor=None, action=Action.NETWORK_SYNCED, organisation_code=config.organisation.code,
                   extra={"deleted": result.deleted, "uploaded": result.uploaded, "alerts": result.alerts,
                          "new_alerts": result.new_alerts, "error": result.error})


def network_sync(*, now: dt.datetime | None = None) -> SyncResult:
    """One run; never raises for a network problem (see the module's docstring)."""
    config = NetworkConfig.current()
    if config is None:
        return SyncResult(joined=False)
    result = SyncResult(joined=True)
    identity = config.identity()
    try:
        _enrol(config)
        _send_deletes(config, identity, result)
        _send_upserts(config, identity, result)
        _send_report_upserts(config, identity, result)
        _fetch_alerts(config, identity, result)
    except NetworkError as exc:
        result.error, result.retry_after = exc.code, exc.retry_after
    except oprf.OprfError:
        # The key service answered with another key than the one pinned, or tampered answers.
        result.error = BAD_PROOF
    _finish(config, result, now or timezone.now())
    return result
