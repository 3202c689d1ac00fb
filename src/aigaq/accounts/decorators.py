"""Decorators for views: coordinators only, and step-up re-authentication ("sudo mode").

    @login_required
    @require_step_up
    def suspect_reveal(request, code): ...

`require_step_up` lets the view run only if she re-authenticated (password or authenticator
code) within settings.STEP_UP_SECONDS. Otherwise it answers with a confirmation form in place of
the view; a POST she had made is carried through that form in hidden fields and performed once
she confirms, so she never has to repeat it. Put it below @login_required and @require_POST.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import ngettext

from . import ratelimit
from .members import current_member
from .models import Role
from .sessions import STEP_UP_KEY

View = Callable[..., HttpResponse]
# Fields of the confirmation form itself, never carried into the protected action.
STEP_UP_FIELDS = ("step_up_password", "step_up_code", "step_up_method")


def coordinator_required(view: View) -> View:
    """Coordinators of an organisation only; anyone else gets 404, as for a missing page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = current_member(request.user)
        if member is None or member.role != Role.COORDINATOR:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def step_up_is_fresh(request: HttpRequest) -> bool:
    at = request.session.get(STEP_UP_KEY)
    return at is not None and 0 <= time.time() - float(at) <= settings.STEP_UP_SECONDS


def mark_stepped_up(request: HttpRequest) -> None:
    request.session[STEP_UP_KEY] = time.time()


def require_step_up(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from .forms import StepUpForm

        if not request.user.is_authenticated:
            raise Http404("No such page")
        if step_up_is_fresh(request):
            return view(request, *args, **kwargs)
        confirming = request.method == "POST" and "step_up_method" in request.POST
        form = StepUpForm(request.user, request.POST if confirming else None)
        if confirming:
            wait = ratelimit.take(ratelimit.STEP_UP, request.user.code, ratelimit.client_address(request))
            if wait:
                form.add_error(None, too_many_attempts(wait))
            elif form.is_valid():
                mark_stepped_up(request)
                if request.POST["step_up_method"] == "POST":
                    return view(request, *args, **kwargs)
                return HttpResponseRedirect(request.get_full_path())
        carried = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in STEP_UP_FIELDS and name != "csrfmiddlewaretoken"
            for value in values
        ]
        method = request.POST.get("step_up_method", "POST") if confirming else request.method
        return render(
            request,
            "accounts/step_up.html",
            {
                "form": form,
                "carried": carried,
                "original_method": method,
                "action": request.get_full_path(),
            },
        )

    return wrapped


def too_many_attempts(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Too many attempts from here. Try again in %(minutes)d minute.",
        "Too many attempts from here. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
