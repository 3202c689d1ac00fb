"""Reads of the audit log, for coordinators: who did what to which case, and when."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from aigaq.accounts.models import Membership, Role

from .models import AuditEntry


def audit_entries(
    member: Membership,
    *,
    user: str = "",
    case: str = "",
    action: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Her organisation's entries, newest first. Only a coordinator reads the log."""
    if member.role != Role.COORDINATOR:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.filter(organisation_code=member.organisation.code)
    if user:
        entries = entries.filter(actor__code=user)
    if case:
        # People read case codes as the first 8 characters in capitals (Case.short_code).
        entries = entries.filter(case_code__startswith=case.strip().lower())
    if action is not None:
        entries = entries.filter(action=action)
    zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
    if until:
        next_day = until + dt.timedelta(days=1)
        entries = entries.filter(at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=zone))
    return entries.order_by("-id")
