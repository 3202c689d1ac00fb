"""Who is acting: the one place that turns a user (or a request's user) into her membership."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from .models import Membership


def current_member(user: AbstractBaseUser | AnonymousUser | None) -> Membership | None:
    """The signed-in user's membership, or None (anonymous, or in no organisation)."""
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "membership", None)


def acting_member(user: AbstractBaseUser | AnonymousUser | None) -> Membership:
    """For services: the membership of the user who acts, or PermissionError."""
    member = current_member(user)
    if member is None:
        raise PermissionError("the acting user belongs to no organisation")
    return member
