"""Reads of the network side: the coordinator's alert page, and the instance's status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role
from aigaq.cases.access import visible_cases
from aigaq.cases.models import Case

from .models import AlertState, NetworkAlert, NetworkConfig, NetworkReport, NetworkSuspect, Tombstone

# The evidence kinds of linkage.network.KINDS, as a coordinator reads them.
KIND_LABELS = {
    "iin": _("IIN"),
    "phone": _("phone"),
    "handle": _("social media account"),
    "plate": _("car plate"),
    "name_birth": _("name and birth year"),
    "name_father": _("name and father's name"),
    "name_age": _("name and approximate age"),
    "name": _("whole name"),
    "name_phonetic": _("name (sounds alike)"),
    "name_initial": _("surname and initial"),
    "region": _("region"),
}

CLOSED_REASONS = {
    "withdrawn": _("one side's suspect left the network"),
    "no_longer_matches": _("the suspects no longer match"),
    "left": _("this organisation left that network"),
}


def config_for(user: AbstractBaseUser | AnonymousUser) -> NetworkConfig | None:
    """The membership, if she is a coordinator of the organisation that joined; else None."""
    member = current_member(user)
    config = NetworkConfig.current()
    if config is None or member is None or member.role != Role.COORDINATOR:
        return None
    return config if member.organisation_id == config.organisation_id else None


@dataclass(frozen=True)
class AlertRow:
    alert: NetworkAlert
    case: Case | None  # her organisation's case of the suspect, while he is in the network
    kinds: list[str]  # the agreeing kinds, as labels in her language
    # On a sealed survivor's report rather than a case: "asked" (she is asked through her receipt
    # code; nothing of it is shown), "shared" (she agreed: it is in the reports queue), "" for a case.
    report: str = ""

    @property
    def closed_reason(self) -> str:
        return str(CLOSED_REASONS.get(self.alert.closed_reason, ""))


def alert_rows(user: AbstractBaseUser | AnonymousUser) -> list[AlertRow]:
    """Her organisation's network alerts, open ones first; each with the case of her suspect."""
    if config_for(user) is None:
        return []
    alerts = list(NetworkAlert.objects.all())
    refs = {a.my_ref for a in alerts}
    case_of_ref = dict(
        NetworkSuspect.objects.filter(ref__in=refs, suspect__case__in=visible_cases(user))
        .values_list("ref", "suspect__case_id")
    )
    cases = Case.objects.in_bulk(set(case_of_ref.values()))
    reports = dict(NetworkReport.objects.filter(ref__in=refs).values_list("ref", "shared"))
    rows = [
        AlertRow(
            alert=a,
            case=cases.get(case_of_ref[a.my_ref]) if a.my_ref in case_of_ref else None,
            kinds=[str(KIND_LABELS.get(k, k)) for k in a.evidence_kinds],
            report="" if a.my_ref not in reports else "shared" if reports[a.my_ref] else "asked",
        )
        for a in alerts
    ]
    rows.sort(key=lambda r: r.alert.state == AlertState.CLOSED)  # stable: newest first within each
    return rows


def get_alert_for_user(user: AbstractBaseUser | AnonymousUser, code: str) -> NetworkAlert:
    if config_for(user) is None:
        raise Http404("No such alert")
    try:
        return NetworkAlert.objects.get(code=code)
    except NetworkAlert.DoesNotExist:
        raise Http404("No such alert") from None


@dataclass(frozen=True)
class Status:
    config: NetworkConfig | None
    pending_uploads: int
    pending_deletes: int
    oldest_delete: dt.datetime | None  # a delete waiting long says the hub has not been reached
    alerts: int
    open_alerts: int


def network_status() -> Status:
    """For the operator's `aigaq network status` (counts only)."""
    config = NetworkConfig.current()
    dirty = NetworkSuspect.objects.filter(dirty=True, suspect__case__survivor__consent_network=True)
    reports = NetworkReport.objects.filter(dirty=True)  # sealed survivors' reports, keyed already
    if config is not None:
        dirty = dirty.filter(suspect__case__organisation=config.organisation)
        reports = reports.filter(organisation=config.organisation)
    return Status(
        config=config,
        pending_uploads=dirty.count() + reports.count(),
        pending_deletes=Tombstone.objects.count(),
        oldest_delete=Tombstone.objects.order_by("queued_at").values_list("queued_at", flat=True).first(),
        alerts=NetworkAlert.objects.count(),
        open_alerts=NetworkAlert.objects.filter(state=AlertState.OPEN).count(),
    )
