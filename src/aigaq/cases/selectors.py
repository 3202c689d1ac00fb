"""Reads, always on behalf of a user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.members import current_member

from . import search
from .access import visible_cases
from .models import Case, PathwayEvent, SearchToken
from .pathway import Derived, derive

FLAGS: tuple[tuple[str, Any], ...] = (
    ("refused_registration", _("Registration refused")),
    ("waiting", _("Waiting for a decision")),
    ("downgraded", _("Downgraded")),
    ("closed_hearing", _("Closed hearing")),
    ("custodial", _("Custodial sentence")),
    ("non_custodial", _("Sentence without custody")),
)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    derived: Derived


def derived_for(case: Case, *, today: dt.date | None = None) -> Derived:
    return derive(
        case.events.all(), today=today or timezone.localdate(), waiting_limit_days=settings.WAITING_DAYS
    )


def _suspects_matching(user: AbstractBaseUser | AnonymousUser, groups: list[set[str]]) -> set[int]:
    member = current_member(user)
    if member is None or not groups:
        return set()
    found: set[int] = set()
    for group in groups:
        hits = (
            SearchToken.objects.filter(organisation_id=member.organisation_id, token__in=group)
            .values("suspect_id")
            .annotate(n=Count("token", distinct=True))
            .filter(n=len(group))
        )
        found.update(h["suspect_id"] for h in hits)
    return found


def _has_flag(derived: Derived, flag: str) -> bool:
    if flag == "non_custodial":
        return derived.custodial is False
    if flag == "custodial":
        return derived.custodial is True
    return bool(getattr(derived, flag))


def case_list(
    user: AbstractBaseUser | AnonymousUser,
    *,
    q: str = "",
    stage: str = "",
    region: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    flag: str = "",
    today: dt.date | None = None,
) -> list[CaseRow]:
    cases = visible_cases(user).select_related("incident", "survivor")
    q = q.strip()
    if q:
        codes = search.code_query(q)
        suspect_ids = _suspects_matching(user, search.query_groups(q))
        matching = SearchToken.objects.filter(suspect_id__in=suspect_ids).values("case_id")
        cases = cases.filter(Q(code__startswith=codes) | Q(id__in=matching)) if codes else cases.filter(
            id__in=matching)
    if region:
        cases = cases.filter(incident__region=region)
    if since:
        cases = cases.filter(incident__date_from__gte=since)
    if until:
        cases = cases.filter(incident__date_from__lte=until)
    cases = cases.prefetch_related(Prefetch("events", queryset=PathwayEvent.objects.only(
        "id", "case_id", "type", "date", "facts")))
    today = today or timezone.localdate()
    rows = []
    for case in cases.order_by("-incident__date_from", "-created_at"):
        derived = derived_for(case, today=today)
        if stage and derived.stage != stage:
            continue
        if flag and not _has_flag(derived, flag):
            continue
        rows.append(CaseRow(case, derived))
    return rows
