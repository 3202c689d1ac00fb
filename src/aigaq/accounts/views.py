"""Sign-in (password, then a second factor), enrolment, step-up, my account and the team page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP

from aigaq.audit.log import record
from aigaq.audit.models import Action

from . import ratelimit, services, sessions, totp, webauthn
from .decorators import coordinator_required, mark_stepped_up, require_step_up, too_many_attempts
from .forms import (
    CodeForm,
    KeyForm,
    KeySetupForm,
    LoginForm,
    MemberCreateForm,
    PasswordChangeForm,
    TotpSetupForm,
)
from .members import current_member
from .middleware import ANY_STEP, ENROL, PASSWORD_CHANGE, VERIFY, pending_step, serves
from .models import Membership, TotpDevice, User, UserSession, WebAuthnCredential

View = Callable[..., HttpResponse]
TOTP_KEY = "aigaq_totp_setup_key"
WEBAUTHN_STATE = "aigaq_webauthn_state"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_next(url_name: str, request: HttpRequest) -> str:
    target = _safe_next(request, "")
    return reverse(url_name) + (f"?{urlencode({'next': target})}" if target else "")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _rp_id(request: HttpRequest) -> str:
    return (
        request.get_host().rsplit(":", 1)[0] if not request.get_host().endswith("]") else request.get_host()
    )


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
            record(actor=None, action=Action.LOGIN_FAILED, extra={"reason": "rate_limited"})
            return render(
                request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")}, status=429
            )
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if isinstance(user, User) and current_member(user) is not None:
            ratelimit.give_back(ratelimit.LOGIN_PER_ADDRESS, address)
            ratelimit.give_back(ratelimit.LOGIN_PER_NAME, name, address)
            login(request, user)  # rotates the session id; sessions.on_login indexes it
            record(actor=user, action=Action.LOGIN)
            if pending_step(request) is None:
                _signed_in_fully(request)
            # The gate sends her on to the password change or the second factor first.
            return HttpResponseRedirect(_safe_next(request, "/"))
        # One message whatever went wrong, so the form does not tell which usernames exist.
        form.add_error(None, form.error_messages["invalid_login"])
        record(actor=None, action=Action.LOGIN_FAILED)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")})


@serves(*ANY_STEP)
@require_POST
@login_required
def logout_view(request: HttpRequest) -> HttpResponse:
    record(actor=request.user, action=Action.LOGOUT)
    logout(request)  # flushes the session and drops its index row: the old id is dead
    response = redirect("accounts:login")
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@serves(*ANY_STEP)
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    lang = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request, "/"))
    if lang in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            request.user.language = lang
            request.user.save(update_fields=["language"])
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
    blobs = [bytes(c.data) for c in WebAuthnCredential.objects.filter(user=user, confirmed=True)]
    if not blobs:
        return None
    options, state = webauthn.authenticate_begin(_rp_id(request), blobs)
    request.session[WEBAUTHN_STATE] = state
    return options


def _second_factor_passed(request: HttpRequest, device: TotpDevice | WebAuthnCredential) -> HttpResponse:
    otp_login(request, device)
    sessions.rotate(request)  # a raised privilege gets a new session id
    _signed_in_fully(request)
    return HttpResponseRedirect(_safe_next(request, "/"))


@serves(VERIFY)
@sensitive_post_parameters("code")
@login_required
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if pending_step(request) != VERIFY:
        return HttpResponseRedirect(_safe_next(request, "/"))
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
            credentials = list(WebAuthnCredential.objects.filter(user=user, confirmed=True))
            credential_id = webauthn.authenticate_complete(
                _rp_id(request),
                request.session.pop(WEBAUTHN_STATE, None),
                [bytes(c.data) for c in credentials],
                key_form.cleaned_data["response"],
            )
            match = next((c for c in credentials if _credential_id(c) == credential_id), None)
            if credential_id is not None and match is not None:
                services.webauthn_credential_used(match)
                return _second_factor_passed(request, match)
            key_form.add_error(None, _("The security key was not accepted. Try again or use a code."))
    return render(
        request,
        "accounts/verify.html",
        {
            "code_form": code_form,
            "key_form": key_form,
            "next": _safe_next(request, ""),
            "has_totp": TotpDevice.objects.filter(user=user, confirmed=True).exists(),
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
        if sessions.has_second_factor(_user(request)):
            return guarded(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


def _after_enrolment(
    request: HttpRequest, device: TotpDevice | WebAuthnCredential, first: bool
) -> HttpResponse:
    request.session[sessions.SECOND_FACTOR_KEY] = True
    otp_login(request, device)
    sessions.rotate(request)
    if first:
        _signed_in_fully(request)
    messages.success(request, _("Two-factor sign-in is on."))
    return HttpResponseRedirect(_safe_next(request, reverse("accounts:account")))


@serves(ENROL)
@login_required
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/enrol.html",
        {
            "required": pending_step(request) == ENROL,
            "next": _safe_next(request, ""),
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
    user = _user(request)
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
            "next": _safe_next(request, ""),
        },
    )


@serves(ENROL)
@login_required
@never_cache
@_step_up_once_enrolled
def enrol_key(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = KeySetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = webauthn.register_complete(
            _rp_id(request), request.session.pop(WEBAUTHN_STATE, None), form.cleaned_data["response"]
        )
        if data is not None:
            first = not sessions.has_second_factor(user)
            credential = services.webauthn_credential_add(
                actor=user, name=form.cleaned_data["name"], data=data
            )
            return _after_enrolment(request, credential, first)
        form.add_error(None, _("The security key was not registered. Try again."))
    existing = [bytes(c.data) for c in WebAuthnCredential.objects.filter(user=user)]
    options, state = webauthn.register_begin(_rp_id(request), user.username, existing)
    request.session[WEBAUTHN_STATE] = state
    return render(
        request,
        "accounts/enrol_key.html",
        {"form": form, "options": options, "next": _safe_next(request, "")},
    )


# --- My account ---------------------------------------------------------------------------------


def _devices(user: User) -> list[TotpDevice | WebAuthnCredential]:
    return [
        *TotpDevice.objects.filter(user=user, confirmed=True),
        *WebAuthnCredential.objects.filter(user=user),
    ]


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = sessions.current(request)
    return render(
        request,
        "accounts/account.html",
        {
            "devices": _devices(user),
            "sessions": sessions.live_sessions(user),
            "current_session": current.pk if current else None,
        },
    )


@serves(PASSWORD_CHANGE)
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@never_cache
def password(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            actor=user, new_password=form.cleaned_data["new_password1"], keep=sessions.current(request)
        )
        # This session stays (with a new id); the others were ended.
        sessions.rotate(request, lambda: update_session_auth_hash(request, user))
        messages.success(request, _("Your password is changed."))
        return HttpResponseRedirect(_safe_next(request, reverse("accounts:account")))
    return render(
        request,
        "accounts/password.html",
        {
            "form": form,
            "forced": user.must_change_password,
            "next": _safe_next(request, ""),
        },
    )


@require_POST
@login_required
def session_end(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = sessions.current(request)
    if request.POST.get("session") == "others":
        services.user_sessions_end(actor=user, user=user, keep=current)
    else:
        target = UserSession.objects.filter(user=user, pk=_int(request.POST.get("session"))).first()
        if target is None or target == current:
            raise Http404("No such session")
        services.user_session_end(actor=user, session=target)
    messages.success(request, _("The session is ended."))
    return redirect("accounts:account")


@require_POST
@login_required
@require_step_up
def device_remove(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    kind, _sep, pk = request.POST.get("device", "").partition(":")
    device: TotpDevice | WebAuthnCredential | None = None
    if kind == "totp":
        device = TotpDevice.objects.filter(user=user, pk=_int(pk)).first()
    elif kind == "webauthn":
        device = WebAuthnCredential.objects.filter(user=user, pk=_int(pk)).first()
    if device is None:
        raise Http404("No such device")
    services.device_remove(actor=user, device=device)
    messages.success(request, _("The device is removed."))
    return redirect("accounts:account")


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 19 else -1


# --- Team (coordinators) ------------------------------------------------------------------------


def _member_of_team(request: HttpRequest, code: str) -> User:
    """A member of the coordinator's own organisation, by random code; 404 for anyone else."""
    org_id = _user(request).membership.organisation_id
    member = Membership.objects.filter(organisation_id=org_id, user__code=code).select_related("user").first()
    if member is None:
        raise Http404("No such member")
    return member.user


@coordinator_required
@never_cache
def team(request: HttpRequest) -> HttpResponse:
    coordinator = _user(request)
    form = MemberCreateForm(request.POST or None)
    rows = []
    members = Membership.objects.filter(
        organisation_id=coordinator.membership.organisation_id
    ).select_related("user")
    for member in members.order_by("user__username"):
        rows.append(
            {
                "user": member.user,
                "role": member.get_role_display(),
                "two_factor": sessions.has_second_factor(member.user),
                "sessions": len(sessions.live_sessions(member.user)),
            }
        )
    return render(request, "accounts/team.html", {"rows": rows, "form": form})


@require_POST
@coordinator_required
@require_step_up
def team_member_create(request: HttpRequest) -> HttpResponse:
    form = MemberCreateForm(request.POST)
    if not form.is_valid():
        return team(request)
    user, temporary = services.member_create(
        actor=_user(request), username=form.cleaned_data["username"], role=form.cleaned_data["role"]
    )
    # Shown on this one response only (never stored in plain, never in a URL or a message).
    return render(request, "accounts/temporary_password.html", {"member": user, "password": temporary})


@require_POST
@coordinator_required
@require_step_up
def team_member_password(request: HttpRequest, code: str) -> HttpResponse:
    member = _member_of_team(request, code)
    temporary = services.member_password_reset(actor=_user(request), member=member)
    return render(request, "accounts/temporary_password.html", {"member": member, "password": temporary})


@require_POST
@coordinator_required
def team_member_sessions_end(request: HttpRequest, code: str) -> HttpResponse:
    member = _member_of_team(request, code)
    keep = sessions.current(request) if member == request.user else None
    services.user_sessions_end(actor=_user(request), user=member, keep=keep)
    messages.success(request, _("Her sessions are ended."))
    return redirect("accounts:team")


@require_POST
@coordinator_required
@require_step_up
def team_member_devices_revoke(request: HttpRequest, code: str) -> HttpResponse:
    member = _member_of_team(request, code)
    services.user_devices_revoke(actor=_user(request), user=member)
    messages.success(request, _("Her devices are revoked; she will set up a new one at her next sign-in."))
    return redirect("accounts:team")
