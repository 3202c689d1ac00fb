"""Reads: the review queue and the alerts' pages for coordinators, repeat-suspect flags for anyone
who sees a case, and the cases linked to a repeat suspect (answered through cases.hooks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from aigaq import i18n, reference
from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role
from aigaq.cases.access import visible_cases
from aigaq.cases.models import Case, Incident, Suspect
from aigaq.cases.reveal import Identifiers, identifiers

from .evidence import Line, evidence_lines
from .models import AlertDecision, MatchAlert, RepeatSuspectMember, Status

QUEUES: dict[str, tuple[Status, ...]] = {
    "review": (Status.OPEN, Status.UNSURE),
    "confirmed": (Status.CONFIRMED,),
    "rejected": (Status.REJECTED,),
    "closed": (Status.CLOSED,),
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


@dataclass(frozen=True)
class QueueSizes:
    review: int
    confirmed: int
    rejected: int
    closed: int


def queue_sizes(user: AbstractBaseUser | AnonymousUser) -> QueueSizes:
    """How many alerts each queue holds (QUEUES), for the queue tabs."""
    return QueueSizes(**{name: alert_queue(user, queue=name).count() for name in QUEUES})


def get_alert_for_user(user: AbstractBaseUser | AnonymousUser, *, code: str) -> MatchAlert:
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
class AlertSide:
    """One suspect of an alert, as the coordinator compares him with the other."""

    suspect: Suspect
    case: Case
    incident: Incident | None
    relation: str  # his relation to the survivor, in her language
    identifiers: Identifiers  # whole if she revealed both suspects, masked otherwise


@dataclass(frozen=True)
class AlertPage:
    sides: list[AlertSide]
    lines: list[Line]  # the evidence in words, rebuilt from both sealed suspects
    decisions: list[AlertDecision]  # newest first
    decided: bool  # confirmed or rejected (a decision she may still change)
    revealed: bool  # she asked to see both suspects' identifiers (step-up, audited)
    any_identifier: bool  # at least one side has an identifier to mask or show


def alert_page(
    user: AbstractBaseUser | AnonymousUser, *, alert: MatchAlert, revealed_codes: frozenset[str] = frozenset()
) -> AlertPage:
    """What a coordinator reads on an alert's page. It decrypts both suspects: call it only after
    review.alert_open has audited the view. Their identifiers are masked, as on the case page,
    unless both suspects' codes are in `revealed_codes` (cases.reveal.revealed_codes: she took
    the step-up and review.alert_reveal audited it)."""
    if _reviewer_organisation(user) != alert.organisation_id:
        raise Http404("No such alert")
    revealed = {alert.suspect_a.code, alert.suspect_b.code} <= revealed_codes
    sides = [
        AlertSide(
            suspect=suspect,
            case=suspect.case,
            incident=getattr(suspect.case, "incident", None),
            relation=i18n.label(reference.relations(), suspect.relation),
            identifiers=identifiers(suspect, revealed=revealed),
        )
        for suspect in (alert.suspect_a, alert.suspect_b)
    ]
    return AlertPage(
        sides=sides,
        lines=evidence_lines(alert.suspect_a, alert.suspect_b, revealed=revealed),
        decisions=list(alert.decisions.select_related("decided_by")),
        decided=alert.status in (Status.CONFIRMED, Status.REJECTED),
        revealed=revealed,
        any_identifier=any(side.identifiers.any_given for side in sides),
    )


@dataclass(frozen=True)
class RepeatFlag:
    linked_cases: int  # other cases whose suspect a coordinator confirmed to be this man
    visible: list[Case]  # those of them this user may open anyway


def repeat_flag(user: AbstractBaseUser | AnonymousUser, *, suspect_id: int) -> RepeatFlag | None:
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


def linked_case_ids(*, organisation_ids: Iterable[int]) -> set[int]:
    """Cases with a suspect in a confirmed repeat-suspect group, in these organisations."""
    return set(
        RepeatSuspectMember.objects.filter(group__organisation_id__in=list(organisation_ids)).values_list(
            "case_id", flat=True
        )
    )
