"""The team page for coordinators: her organisation's members, adding one, and a member's
temporary password, sessions and devices. A member is found by her random code, and only in the
coordinator's own organisation (selectors.get_member_for_coordinator)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import selectors, services, sessions
from .decorators import coordinator_required, require_step_up
from .forms import MemberCreateForm
from .members import acting_member
from .web import signed_in_user


@coordinator_required
@never_cache
def team(request: HttpRequest) -> HttpResponse:
    form = MemberCreateForm(request.POST or None)
    rows = selectors.team_rows(acting_member(request.user))
    return render(request, "accounts/team.html", {"rows": rows, "form": form})


@require_POST
@coordinator_required
@require_step_up
def team_member_create(request: HttpRequest) -> HttpResponse:
    form = MemberCreateForm(request.POST)
    if not form.is_valid():
        return team(request)  # the page again, with the form's errors
    issued = services.member_create(
        actor=signed_in_user(request), username=form.cleaned_data["username"], role=form.cleaned_data["role"]
    )
    # Shown on this one response only (never stored in plain, never in a URL or a message).
    return render(
        request, "accounts/temporary_password.html", {"member": issued.member, "password": issued.password}
    )


@require_POST
@coordinator_required
@require_step_up
def team_member_password(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.get_member_for_coordinator(acting_member(request.user), code)
    issued = services.member_password_reset(actor=signed_in_user(request), member=member)
    return render(
        request, "accounts/temporary_password.html", {"member": issued.member, "password": issued.password}
    )


@require_POST
@coordinator_required
def team_member_sessions_end(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.get_member_for_coordinator(acting_member(request.user), code)
    keep = sessions.current(request) if member == request.user else None
    services.user_sessions_end(actor=signed_in_user(request), user=member, keep=keep)
    messages.success(request, _("Her sessions are ended."))
    return redirect("accounts:team")


@require_POST
@coordinator_required
@require_step_up
def team_member_devices_revoke(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.get_member_for_coordinator(acting_member(request.user), code)
    services.user_devices_revoke(actor=signed_in_user(request), user=member)
    messages.success(request, _("Her devices are revoked; she will set up a new one at her next sign-in."))
    return redirect("accounts:team")
