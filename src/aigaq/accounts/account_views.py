"""My account: her password, her second factors and the sessions where she is signed in.

A session or a device is named by its random code in the forms, never by its sequential id, and
found only among her own (selectors.get_session_for_user, get_device_for_user)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import selectors, services, sessions
from .decorators import require_step_up
from .forms import PasswordChangeForm
from .middleware import PASSWORD_CHANGE, serves
from .web import safe_next, signed_in_user


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    current = sessions.current(request)
    return render(
        request,
        "accounts/account.html",
        {
            "devices": selectors.devices(user),
            "sessions": selectors.live_sessions(user),
            "current_session": current.code if current else None,
        },
    )


@serves(PASSWORD_CHANGE)
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@never_cache
def password(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            actor=user, new_password=form.cleaned_data["new_password1"], keep=sessions.current(request)
        )
        # This session stays (with a new id); the others were ended.
        sessions.rotate(request, lambda: update_session_auth_hash(request, user))
        messages.success(request, _("Your password is changed."))
        return HttpResponseRedirect(safe_next(request, reverse("accounts:account")))
    return render(
        request,
        "accounts/password.html",
        {
            "form": form,
            "forced": user.must_change_password,
            "next": safe_next(request, ""),
        },
    )


@require_POST
@login_required
def session_end(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    current = sessions.current(request)
    if request.POST.get("session") == "others":
        services.user_sessions_end(actor=user, user=user, keep=current)
    else:
        target = selectors.get_session_for_user(user, request.POST.get("session", ""))
        if target == current:
            raise Http404("No such session")  # her own is ended by signing out
        services.user_session_end(actor=user, session=target)
    messages.success(request, _("The session is ended."))
    return redirect("accounts:account")


@require_POST
@login_required
@require_step_up
def device_remove(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    kind, _sep, code = request.POST.get("device", "").partition(":")
    device = selectors.get_device_for_user(user, kind, code)
    services.device_remove(actor=user, device=device)
    messages.success(request, _("The device is removed."))
    return redirect("accounts:account")
