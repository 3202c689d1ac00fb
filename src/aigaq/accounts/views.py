from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from aigaq.audit.log import record
from aigaq.audit.models import Action

from .forms import LoginForm


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    member = getattr(request.user, "membership", None)
    if member is not None and not member.sees_records:
        return redirect("insights:dashboard")  # analysts never see records, only aggregates
    return redirect("cases:list")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is not None and getattr(user, "membership", None) is not None:
            login(request, user)  # rotates the session id
            record(actor=user, action=Action.LOGIN)
            return HttpResponseRedirect(_safe_next(request, "/"))
        # One message whatever went wrong, so the form does not tell which usernames exist.
        form.add_error(None, form.error_messages["invalid_login"])
        record(actor=None, action=Action.LOGIN_FAILED)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")})


@require_POST
@login_required
def logout_view(request: HttpRequest) -> HttpResponse:
    record(actor=request.user, action=Action.LOGOUT)
    logout(request)  # flushes the session: the old id is dead
    response = redirect("accounts:login")
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    lang = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request, "/"))
    if lang in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            request.user.language = lang  # type: ignore[union-attr]
            request.user.save(update_fields=["language"])  # type: ignore[union-attr]
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True,
        )
    return response
