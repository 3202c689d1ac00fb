"""Who may see which case, and who may write to it. Every view that takes a case code goes
through here.

A coordinator sees all of her organisation's cases; any other member (caseworker, lawyer) the
cases she has a place on (an `Assignment`), until its end date: the day after `ends_on` her access
ends. An analyst sees none (aggregates only). Anyone else gets 404, never 403, so a code's
existence is not revealed. A read-only place lets her see the case, never write to it; the people
on a case are managed by a coordinator or by the case's owner.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role

from .models import Assignment, Case


def active_assignments(today: dt.date | None = None) -> Q:
    """Places on a case that still give access today (`ends_on` is the last day included)."""
    today = today or timezone.localdate()
    return Q(ends_on__isnull=True) | Q(ends_on__gte=today)


def visible_cases(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    member = current_member(user)
    if member is None or member.role == Role.ANALYST:
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=member.organisation_id)
    if member.role == Role.COORDINATOR:
        return cases
    places = Assignment.objects.filter(active_assignments(), user=member.user).values("case_id")
    return cases.filter(id__in=places)


def get_case_for_user(user: AbstractBaseUser | AnonymousUser, code: str) -> Case:
    try:
        return visible_cases(user).select_related("organisation").get(code=code)
    except Case.DoesNotExist:
        raise Http404("No such case") from None


def place_on_case(user: AbstractBaseUser | AnonymousUser, case: Case) -> Assignment | None:
    """Her active place on the case, if she has one."""
    if not user.is_authenticated:
        return None
    return Assignment.objects.filter(active_assignments(), case=case, user_id=user.pk).first()


def can_edit(user: AbstractBaseUser | AnonymousUser, case: Case) -> bool:
    """A coordinator writes to every case of her organisation; anyone else to the cases where her
    place is not read-only. Analysts never see a record."""
    member = current_member(user)
    if member is None or member.role == Role.ANALYST or member.organisation_id != case.organisation_id:
        return False
    if member.role == Role.COORDINATOR:
        return True
    place = place_on_case(user, case)
    return place is not None and place.writes


def can_manage_people(user: AbstractBaseUser | AnonymousUser, case: Case) -> bool:
    """Who may assign, share and unshare the case: a coordinator of its organisation, or its owner."""
    member = current_member(user)
    if member is None or member.organisation_id != case.organisation_id:
        return False
    if member.role == Role.COORDINATOR:
        return True
    place = place_on_case(user, case)
    return place is not None and place.role == Assignment.Role.OWNER


def get_case_to_edit(user: AbstractBaseUser | AnonymousUser, code: str) -> Case:
    """The case, for a view that writes to it; 404 if she may not see it or not add to it."""
    case = get_case_for_user(user, code)
    if not can_edit(user, case):
        raise Http404("No such case")
    return case


def get_case_to_manage(user: AbstractBaseUser | AnonymousUser, code: str) -> Case:
    """The case, for a view that changes who is on it; 404 for anyone but a coordinator or its owner."""
    case = get_case_for_user(user, code)
    if not can_manage_people(user, case):
        raise Http404("No such case")
    return case
