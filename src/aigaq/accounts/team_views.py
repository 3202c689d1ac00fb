"""The team page for coordinators: her organisation's members, adding or inviting one, a member's
role, temporary password, sessions and devices, deactivating and reactivating her; and the page
an invitation's link opens. A member is found by her random code, and only in the coordinator's
own organisation (selectors.get_member_for_coordinator)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services, sessions
from .decorators import coordinator_required, require_step_up
from .forms import InviteForm, JoinForm, MemberCreateForm, MemberFindForm, RoleForm
from .members import acting_member
from .models import Role
from .web import signed_in_user


@coordinator_required
@never_cache
@require_http_methods(["GET", "POST"])
def team(
    request: HttpRequest, *, form: MemberCreateForm | None = None, invite_form: InviteForm | None = None
) -> HttpResponse:
    coordinator = acting_member(request.user)
    # Finding a member posts: an e-mail address typed there must not go into an address (history, logs).
    # The create and invite views render this page after their own POSTs, with no "find" in them.
    find_form = MemberFindForm(request.POST if request.method == "POST" and "find" in request.POST else None)
    find = find_form.cleaned_data["find"] if find_form.is_bound and find_form.is_valid() else ""
    return render(request, "accounts/team.html", {
        "rows": selectors.team_rows(coordinator, find=find),
        "find_form": find_form,
        "finding": bool(find),
        "form": form or MemberCreateForm(),
        "invite_form": invite_form or InviteForm(),
        "invitations": selectors.pending_invitations(coordinator),
        "roles": Role.choices,
    }, status=400 if (form or invite_form) is not None else 200)


@require_POST
@coordinator_required
@require_step_up
def team_member_create(request: HttpRequest) -> HttpResponse:
    form = MemberCreateForm(request.POST)
    if not form.is_valid():
        return team(request, form=form)  # the page again, with the form's errors and her input
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


@require_POST
@coordinator_required
@require_step_up
def team_member_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return team(request, invite_form=form)
    issued = services.member_invite(actor=signed_in_user(request), role=form.cleaned_data["role"])
    link = request.build_absolute_uri(reverse("accounts:join", args=[issued.token]))
    # The link is shown on this one response only: only its hash is stored.
    return render(request, "accounts/invitation.html", {"invitation": issued.invitation, "link": link})


@require_POST
@coordinator_required
@require_step_up
def team_member_role(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.get_member_for_coordinator(acting_member(request.user), code)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("accounts:team")
    try:
        services.member_role_change(actor=signed_in_user(request), member=member, role=form.cleaned_data["role"])
    except services.LastCoordinator:
        messages.error(request, _("The organisation needs a coordinator: make another member coordinator first."))
        return redirect("accounts:team")
    messages.success(request, _("Her role is changed."))
    return redirect("accounts:team")


@require_POST
@coordinator_required
@require_step_up
def team_member_deactivate(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.get_member_for_coordinator(acting_member(request.user), code)
    try:
        services.member_deactivate(actor=signed_in_user(request), member=member)
    except services.LastCoordinator:
        messages.error(request, _("The organisation needs a coordinator: make another member coordinator first."))
        return redirect("accounts:team")
    if member == request.user:
        return redirect("accounts:login")
    messages.success(request, _("She is deactivated: her sessions are ended and she can no longer sign in. "
                                "Her records and the audit log keep her name."))
    return redirect("accounts:team")


@require_POST
@coordinator_required
@require_step_up
def team_member_reactivate(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.get_member_for_coordinator(acting_member(request.user), code)
    issued = services.member_reactivate(actor=signed_in_user(request), member=member)
    return render(
        request, "accounts/temporary_password.html", {"member": issued.member, "password": issued.password}
    )


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
@never_cache
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's link opens: she chooses her username and password. 404 once the
    link is spent or expired."""
    invitation = selectors.open_invitation(token)
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation, username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except PermissionError:
            return render(request, "accounts/join.html", {"invitation": None, "form": form}, status=404)
        messages.success(request, _("Your account is ready. Sign in, then set up two-factor sign-in."))
        return redirect("accounts:login")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/join.html", {"invitation": invitation, "form": form}, status=status)
