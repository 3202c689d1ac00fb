"""Who may see which case. Every view that takes a case code goes through here.

A caseworker sees her organisation's cases she is assigned to or that are shared with her; a
lawyer the cases she is assigned to; a coordinator all of her organisation's cases; an analyst
none (aggregates only). Anyone else gets 404, never 403, so a code's existence is not revealed.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role

from .models import Assignment, Case


def visible_cases(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    member = current_member(user)
    if member is None or member.role == Role.ANALYST:
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=member.organisation_id)
    if member.role == Role.COORDINATOR:
        return cases
    kinds = [Assignment.Kind.ASSIGNED]
    if member.role == Role.CASEWORKER:
        kinds.append(Assignment.Kind.SHARED)
    return cases.filter(Q(assignments__user=user, assignments__kind__in=kinds)).distinct()


def get_case_for_user(user: AbstractBaseUser | AnonymousUser, code: str) -> Case:
    try:
        return visible_cases(user).select_related("organisation").get(code=code)
    except Case.DoesNotExist:
        raise Http404("No such case") from None


def can_edit(user: AbstractBaseUser | AnonymousUser, case: Case) -> bool:
    """Everyone who can see a record can add to it; analysts never see one."""
    member = current_member(user)
    return member is not None and member.role != Role.ANALYST and member.organisation_id == case.organisation_id


def get_case_to_edit(user: AbstractBaseUser | AnonymousUser, code: str) -> Case:
    """The case, for a view that writes to it; 404 if she may not see it or not add to it."""
    case = get_case_for_user(user, code)
    if not can_edit(user, case):
        raise Http404("No such case")
    return case
