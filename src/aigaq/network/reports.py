"""The network's side of a sealed survivor's report (choice c) that she asked be looked for in the
other organisations of the network too (docs/network.md, "Sealed survivors' reports").

A sealed report opens only with her receipt code and PIN, so the sync, which runs without them,
cannot read the man's identifiers. They are keyed instead when she sends or changes the report
(or opens it again, if that could not be done then), while her data is in hand: the network's
inputs are made from them (`linkage.network.network_inputs`, as for a case's suspect), evaluated
blind by the key service, and only the resulting OPRF tokens are kept (NetworkReport), to go up
at the next sync under a random ref. This instance does not hold the OPRF key, so the tokens
neither show what she wrote nor let the server test a guess without asking the key service
(which counts and limits what it evaluates). Registered with `cases.hooks.provide_report_network`.
"""

from __future__ import annotations

import logging

from django.db import transaction

from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.lib.crypto import oprf
from aigaq.lib.netproto import NetworkError
from aigaq.linkage.mention import Mention
from aigaq.linkage.network import network_inputs

from .models import NetworkConfig, NetworkReport, Tombstone, version_now
from .sync import keyed_tokens

log = logging.getLogger(__name__)


def _withdraw(rows: list[NetworkReport]) -> None:
    Tombstone.objects.bulk_create([Tombstone(ref=r.ref) for r in rows], ignore_conflicts=True)
    NetworkReport.objects.filter(pk__in=[r.pk for r in rows]).delete()


class Provider:
    def available(self, *, organisation_id: int) -> bool:
        config = NetworkConfig.current()
        return config is not None and config.organisation_id == organisation_id

    def key(self, *, report_code: str, organisation_id: int, mention: Mention, year_month: str) -> bool:
        config = NetworkConfig.current()
        if config is None or config.organisation_id != organisation_id:
            return False
        inputs = network_inputs(mention)
        if not inputs:
            # Nothing of him the hub could match: no ref (an earlier one is withdrawn).
            self.withdraw(report_code=report_code)
            return True
        try:
            [tokens] = keyed_tokens(config, config.identity(), [inputs])
        except (NetworkError, oprf.OprfError) as exc:
            log.warning("network: a sealed report could not be keyed now (%s); tried again at her next visit",
                        getattr(exc, "code", "bad_proof"))
            return False
        with transaction.atomic():
            row = NetworkReport.objects.select_for_update().filter(report_code=report_code).first()
            if row is None:
                row = NetworkReport(report_code=report_code, organisation_id=organisation_id)
            else:
                row.version = max(row.version + 1, version_now())
            row.tokens, row.year_month, row.dirty = tokens, year_month, True
            row.save()
            record(actor=None, action=Action.NETWORK_REPORT_KEYED, organisation_code=config.organisation.code,
                   object_code=report_code, extra={"kinds": sorted(tokens)})
        return True

    def has(self, *, report_code: str) -> bool:
        return NetworkReport.objects.filter(report_code=report_code).exists()

    def withdraw(self, *, report_code: str) -> None:
        rows = list(NetworkReport.objects.filter(report_code=report_code))
        if rows:
            _withdraw(rows)
            config = NetworkConfig.current()
            record(actor=None, action=Action.NETWORK_REPORT_WITHDRAWN,
                   organisation_code=config.organisation.code if config else "", object_code=report_code)

    def shared(self, *, report_code: str) -> None:
        NetworkReport.objects.filter(report_code=report_code).update(shared=True)


provider = Provider()
