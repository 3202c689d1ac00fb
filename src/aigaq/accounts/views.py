"""Signing in: the password, then a second factor (or enrolling one), signing out and the
interface language. The account page is in account_views, the team page in team_views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP

from . import ratelimit, selectors, services, sessions, totp, webauthn
from .decorators import mark_stepped_up, require_step_up, too_many_attempts
from .forms import CodeForm, KeyForm, KeySetupForm, LoginForm, TotpSetupForm
from .members import current_member
from .middleware import ANY_STEP, ENROL, VERIFY, pending_step, serves
from .models import User, WebAuthnCredential
from .web import rp_id, safe_next, signed_in_user

View = Callable[..., HttpResponse]
TOTP_KEY = "aigaq_totp_setup_key"
WEBAUTHN_STATE = "aigaq_webauthn_state"


def _signed_in_fully(request: HttpRequest) -> None:
    """All factors given: a fresh login counts as a fresh re-authentication for step-up."""
    mark_stepped_up(request)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    member = current_member(request.user)
    if member is not None and not member.sees_records:
        return redirect("insights:dashboard")  # analysts never see records, only aggregates
    return redirect("cases:list")


@serves(*ANY_STEP)
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = ratelimit.client_address(request)
        name = form.cleaned_data["username"].casefold()
        wait = ratelimit.take(ratelimit.LOGIN_PER_ADDRESS, address) or ratelimit.take(
            ratelimit.LOGIN_PER_NAME, name, address
        )
        if wait:
            # Said for this source only, whatever the username: it reveals nothing about accounts.
            form.add_error(None, too_many_attempts(wait))
            services.login_failed_record(reason="rate_limited")
            return render(
                request, "accounts/login.html", {"form": form, "next": safe_next(request, "")}, status=429
            )
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if isinstance(user, User) and current_member(user) is not None:
            ratelimit.give_back(ratelimit.LOGIN_PER_ADDRESS, address)
            ratelimit.give_back(ratelimit.LOGIN_PER_NAME, name, address)
            login(request, user)  # rotates the session id; sessions.on_login indexes it
            services.login_record(user=user)
            if pending_step(request) is None:
                _signed_in_fully(request)
            # The gate sends her on to the password change or the second factor first.
            return HttpResponseRedirect(safe_next(request, "/"))
        # One message whatever went wrong, so the form does not tell which usernames exist.
        form.add_error(None, form.error_messages["invalid_login"])
        services.login_failed_record()
    return render(request, "accounts/login.html", {"form": form, "next": safe_next(request, "")})


@serves(*ANY_STEP)
@require_POST
@login_required
def logout_view(request: HttpRequest) -> HttpResponse:
    services.logout_record(user=signed_in_user(request))
    logout(request)  # flushes the session and drops its index row: the old id is dead
    response = redirect("accounts:login")
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@serves(*ANY_STEP)
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    lang = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next(request, "/"))
    if lang in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.user_language_set(user=signed_in_user(request), language=lang)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
        )
    return response


# --- Second factor at sign-in -------------------------------------------------------------------


def _webauthn_options(request: HttpRequest, user: User) -> dict[str, Any] | None:
    blobs = [bytes(c.data) for c in selectors.security_keys(user)]
    if not blobs:
        return None
    options, state = webauthn.authenticate_begin(rp_id(request), blobs)
    request.session[WEBAUTHN_STATE] = state
    return options


def _second_factor_passed(request: HttpRequest, device: selectors.Device) -> HttpResponse:
    otp_login(request, device)
    sessions.rotate(request)  # a raised privilege gets a new session id
    _signed_in_fully(request)
    return HttpResponseRedirect(safe_next(request, "/"))


@serves(VERIFY)
@sensitive_post_parameters("code")
@login_required
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if pending_step(request) != VERIFY:
        return HttpResponseRedirect(safe_next(request, "/"))
    code_form = CodeForm(user, request.POST if "code" in request.POST else None)
    key_form = KeyForm(request.POST if "response" in request.POST else None)
    if request.method == "POST":
        wait = ratelimit.take(ratelimit.SECOND_FACTOR, user.code, ratelimit.client_address(request))
        bound = code_form if code_form.is_bound else key_form
        if wait:
            bound.add_error(None, too_many_attempts(wait))
        elif code_form.is_bound and code_form.is_valid() and code_form.device is not None:
            return _second_factor_passed(request, code_form.device)
        elif key_form.is_bound and key_form.is_valid():
            credentials = selectors.security_keys(user)
            credential_id = webauthn.authenticate_complete(
                rp_id(request),
                request.session.pop(WEBAUTHN_STATE, None),
                [bytes(c.data) for c in credentials],
                key_form.cleaned_data["response"],
            )
            match = next((c for c in credentials if _credential_id(c) == credential_id), None)
            if credential_id is not None and match is not None:
                services.webauthn_credential_used(credential=match)
                return _second_factor_passed(request, match)
            key_form.add_error(None, _("The security key was not accepted. Try again or use a code."))
    return render(
        request,
        "accounts/verify.html",
        {
            "code_form": code_form,
            "key_form": key_form,
            "next": safe_next(request, ""),
            "has_totp": selectors.has_authenticator_app(user),
            "webauthn_options": _webauthn_options(request, user),
        },
    )


def _credential_id(credential: WebAuthnCredential) -> bytes:
    from fido2.webauthn import AttestedCredentialData

    return bytes(AttestedCredentialData(bytes(credential.data)).credential_id)


# --- Enrolment ----------------------------------------------------------------------------------


def _step_up_once_enrolled(view: View) -> View:
    """Adding a factor to an account that has one is sensitive (it outlives a stolen session), so
    it needs step-up; a first enrolment right after signing in does not."""
    guarded = require_step_up(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if sessions.has_second_factor(signed_in_user(request)):
            return guarded(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


def _after_enrolment(
    request: HttpRequest, device: selectors.Device, first: bool
) -> HttpResponse:
    request.session[sessions.SECOND_FACTOR_KEY] = True
    otp_login(request, device)
    sessions.rotate(request)
    if first:
        _signed_in_fully(request)
    messages.success(request, _("Two-factor sign-in is on."))
    return HttpResponseRedirect(safe_next(request, reverse("accounts:account")))


@serves(ENROL)
@login_required
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/enrol.html",
        {
            "required": pending_step(request) == ENROL,
            "next": safe_next(request, ""),
        },
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return str(image.to_string(encoding="unicode"))


@serves(ENROL)
@sensitive_post_parameters("code")
@login_required
@never_cache
@_step_up_once_enrolled
def enrol_totp(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    # The secret waits in the server-side session until a code proves the app has it; nothing
    # half-made is left in the device table. The session is in the database too, so it holds the
    # secret sealed (aigaq.accounts.totp), never in clear.
    secret = totp.open_pending(request.session.get(TOTP_KEY), user_code=user.code)
    if secret is None:
        secret = totp.new_secret()
        request.session[TOTP_KEY] = totp.seal_pending(secret, user_code=user.code)
    form = TotpSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checker = TOTP(secret)
        if checker.verify(
            int(form.cleaned_data["code"]) if form.cleaned_data["code"].isdigit() else -1, tolerance=1
        ):
            first = not sessions.has_second_factor(user)
            device = services.totp_device_add(
                actor=user, name=form.cleaned_data["name"], secret=secret, last_t=checker.t()
            )
            del request.session[TOTP_KEY]
            return _after_enrolment(request, device, first)
        form.add_error(
            "code", _("This code is not valid. Check the time on your phone and try the next code.")
        )
    shown = totp.base32(secret)
    return render(
        request,
        "accounts/enrol_totp.html",
        {
            "form": form,
            "qr": mark_safe(_qr_svg(totp.provisioning_uri(secret, user.username))),  # noqa: S308 -- SVG built by qrcode from our own data
            "secret": " ".join(shown[i : i + 4] for i in range(0, len(shown), 4)),
            "next": safe_next(request, ""),
        },
    )


@serves(ENROL)
@login_required
@never_cache
@_step_up_once_enrolled
def enrol_key(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = KeySetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = webauthn.register_complete(
            rp_id(request), request.session.pop(WEBAUTHN_STATE, None), form.cleaned_data["response"]
        )
        if data is not None:
            first = not sessions.has_second_factor(user)
            credential = services.webauthn_credential_add(
                actor=user, name=form.cleaned_data["name"], data=data
            )
            return _after_enrolment(request, credential, first)
        form.add_error(None, _("The security key was not registered. Try again."))
    existing = selectors.registered_key_data(user)
    options, state = webauthn.register_begin(rp_id(request), user.username, existing)
    request.session[WEBAUTHN_STATE] = state
    return render(
        request,
        "accounts/enrol_key.html",
        {"form": form, "options": options, "next": safe_next(request, "")},
    )
