"""Who sees insights, and for which organisations.

Coordinators and analysts see aggregates of their own organisation; caseworkers and lawyers get
404 (they work with records, and the aggregates of a small organisation are close to records).
A network-level analyst who may see several organisations is the one extension point:
`organisations_for()` is the only place that decides the set, so granting a network view means
changing this function (for example to read a network membership) and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Membership, Organisation, Role
from aigaq.accounts.nav import NavLink

from .filters import Filter

INSIGHT_ROLES = (Role.COORDINATOR, Role.ANALYST)


def sees_insights(member: Membership | None) -> bool:
    return member is not None and member.role in INSIGHT_ROLES


def organisations_for(user: AbstractBaseUser | AnonymousUser) -> list[Organisation]:
    member = current_member(user)
    if not sees_insights(member):
        return []
    assert member is not None
    return [member.organisation]


def check_scope(user: AbstractBaseUser | AnonymousUser, f: Filter) -> None:
    """PermissionError unless every organisation of the filter is one whose insights she sees."""
    allowed = {o.pk for o in organisations_for(user)}
    if not allowed or any(o.pk not in allowed for o in f.organisations):
        raise PermissionError("the filter names an organisation whose insights the user does not see")


def nav_links(member: Membership) -> list[NavLink]:
    if not sees_insights(member):
        return []
    return [NavLink(url=reverse("insights:dashboard"), label=_("Insights"))]


def insights_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Coordinators and analysts only; everyone else gets 404, as for a case they cannot see."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not sees_insights(current_member(request.user)):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
