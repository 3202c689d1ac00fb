"""Reads: the review queue for coordinators, repeat-suspect flags for anyone who sees a case, and
the cases linked to a repeat suspect (for aigaq.insights)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role
from aigaq.cases.access import visible_cases
from aigaq.cases.models import Case

from .models import MatchAlert, RepeatSuspectMember, Status

QUEUES: dict[str, tuple[Status, ...]] = {
    "review": (Status.OPEN, Status.UNSURE),
    "confirmed": (Status.CONFIRMED,),
    "rejected": (Status.REJECTED,),
}


def _reviewer_organisation(user: AbstractBaseUser | AnonymousUser) -> int | None:
    member = current_member(user)
    if member is None or member.role != Role.COORDINATOR:
        return None
    return member.organisation_id


def alert_queue(user: AbstractBaseUser | AnonymousUser, *, queue: str = "review") -> QuerySet[MatchAlert]:
    """The organisation's alerts in one queue, best first; empty for anyone but a coordinator."""
    org_id = _reviewer_organisation(user)
    if org_id is None or queue not in QUEUES:
        return MatchAlert.objects.none()
    return (
        MatchAlert.objects.filter(organisation_id=org_id, status__in=QUEUES[queue])
        .select_related("case_a", "case_b", "claimed_by")
        .order_by("-probability", "id")
    )


def queue_sizes(user: AbstractBaseUser | AnonymousUser) -> dict[str, int]:
    return {name: alert_queue(user, queue=name).count() for name in QUEUES}


def get_alert_for_user(user: AbstractBaseUser | AnonymousUser, code: str) -> MatchAlert:
    """A coordinator's alert by its code; 404 for anyone else and for withdrawn alerts."""
    org_id = _reviewer_organisation(user)
    alert = (
        MatchAlert.objects.filter(organisation_id=org_id, code=code)
        .exclude(status=Status.WITHDRAWN)
        .select_related("suspect_a__case__incident", "suspect_b__case__incident", "claimed_by")
        .first()
        if org_id is not None
        else None
    )
    if alert is None:
        raise Http404("No such alert")
    return alert


@dataclass(frozen=True)
class RepeatFlag:
    linked_cases: int  # other cases whose suspect a coordinator confirmed to be this man
    visible: list[Case]  # those of them this user may open anyway


def repeat_flag(user: AbstractBaseUser | AnonymousUser, suspect_id: int) -> RepeatFlag | None:
    """The flag beside a suspect, or None if he is not a confirmed repeat suspect. It tells how
    many other cases he is in; it names only those the user already has access to."""
    member = RepeatSuspectMember.objects.filter(suspect_id=suspect_id).only("group_id", "case_id").first()
    if member is None:
        return None
    others = set(
        RepeatSuspectMember.objects.filter(group_id=member.group_id)
        .exclude(case_id=member.case_id)
        .values_list("case_id", flat=True)
    )
    if not others:
        return None
    visible = list(visible_cases(user).filter(id__in=others).order_by("created_at"))
    return RepeatFlag(len(others), visible)


def linked_case_ids(organisation_ids: Iterable[int]) -> set[int]:
    """Cases with a suspect in a confirmed repeat-suspect group, in these organisations."""
    return set(
        RepeatSuspectMember.objects.filter(group__organisation_id__in=list(organisation_ids)).values_list(
            "case_id", flat=True
        )
    )
