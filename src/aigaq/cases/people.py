"""Reads for the people on a case: who has a place on it, in which role and until when, and whom a
coordinator or the case's owner may add. Members are named by username and random code only."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from aigaq.accounts.models import Membership, Role, User

from .access import can_edit, can_manage_people, place_on_case
from .models import Assignment, Case


@dataclass(frozen=True)
class Place:
    assignment: Assignment
    active: bool  # False once its end date has passed


@dataclass(frozen=True)
class People:
    places: list[Place]
    can_manage: bool
    can_edit: bool
    read_only: bool  # she sees the case through a read-only place


def case_people(user: AbstractBaseUser | AnonymousUser, case: Case) -> People:
    today = timezone.localdate()
    assignments = case.assignments.select_related("user").order_by("created_at", "id")
    place = place_on_case(user, case)
    return People(
        places=[Place(a, a.ends_on is None or a.ends_on >= today) for a in assignments],
        can_manage=can_manage_people(user, case),
        can_edit=can_edit(user, case),
        read_only=place is not None and not place.writes and not can_edit(user, case),
    )


def shareable_members(case: Case) -> list[User]:
    """Active members of the case's organisation who work with records, by username."""
    members = (
        Membership.objects.filter(organisation_id=case.organisation_id, user__is_active=True)
        .exclude(role=Role.ANALYST)
        .select_related("user")
        .order_by("user__username")
    )
    return [m.user for m in members]


def get_place(case: Case, code: str) -> Assignment:
    assignment = case.assignments.select_related("user").filter(code=code).first()
    if assignment is None:
        raise Http404("No such place on the case")
    assignment.case = case
    return assignment
