"""Session timeouts, the sign-in gate and the choice of interface language."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from . import sessions
from .members import current_member

IDLE_KEY = "aigaq_last_seen"
# The idle stamp is rewritten at most once a minute: each rewrite saves the session row, which on
# every request was a database write per page (docs/benchmarks.md, "Web"). A session may therefore
# end up to a minute before SESSION_IDLE_TIMEOUT after her last request, never after it.
IDLE_STAMP_EVERY = 60


class SessionTimeoutMiddleware:
    """Ends a session idle longer than SESSION_IDLE_TIMEOUT, or older than SESSION_COOKIE_AGE.

    The absolute limit is counted from the login itself: the idle stamp changes the session (at
    most once a minute), which makes Django push its own expiry date forward each time.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        now = int(time.time())
        last_seen = session.get(IDLE_KEY)
        login_at = session.get(sessions.LOGIN_AT_KEY)
        if (last_seen is not None and now - int(last_seen) > settings.SESSION_IDLE_TIMEOUT) or (
            login_at is not None and now - int(login_at) > settings.SESSION_COOKIE_AGE
        ):
            logout(request)
        elif session.get("_auth_user_id") and (last_seen is None or now - int(last_seen) >= IDLE_STAMP_EVERY):
            session[IDLE_KEY] = now
        return self.get_response(request)


# The steps of signing in, in order. A view serves the steps named in its `sign_in_steps`
# attribute (set with the `serves` decorator); every other view waits until all are done.
PASSWORD_CHANGE = "password"  # noqa: S105 -- a step name, not a secret
VERIFY = "verify"
ENROL = "enrol"
ANY_STEP = frozenset({PASSWORD_CHANGE, VERIFY, ENROL})
_STEP_URLS = {PASSWORD_CHANGE: "accounts:password", VERIFY: "accounts:verify", ENROL: "accounts:enrol"}


def serves(*steps: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def mark(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        view.sign_in_steps = frozenset(steps)  # type: ignore[attr-defined]
        return view

    return mark


def pending_step(request: HttpRequest) -> str | None:
    """The sign-in step this signed-in user still owes, if any."""
    user = request.user
    if not user.is_authenticated:
        return None
    if user.must_change_password:
        return PASSWORD_CHANGE
    # OTPMiddleware installs is_verified(); a user object fresh from login() has not got it yet.
    verified = (
        user.is_verified() if hasattr(user, "is_verified") else getattr(user, "otp_device", None) is not None
    )
    owed = settings.REQUIRE_2FA or request.session.get(sessions.SECOND_FACTOR_KEY) or user.must_enrol_second_factor
    if owed and not verified:
        return VERIFY if sessions.has_second_factor(user) else ENROL
    return None


class GateMiddleware:
    """Keeps a signed-in user out of every page until her session is known and complete.

    1. A session missing from the UserSession index was ended (by her or a coordinator): sign out.
    2. A temporary password must be replaced, then a second factor given (or, where one is
       required and she has none, enrolled) before any other page, records above all, opens.
    Placed after OTPMiddleware, which installs user.is_verified().
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            tracked = sessions.current(request)
            if tracked is None or tracked.user_id != request.user.pk:
                logout(request)
            else:
                sessions.touch(tracked)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        step = pending_step(request)
        if step is None:
            return None
        served: frozenset[str] = getattr(view, "sign_in_steps", frozenset())
        if step in served:
            return None
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse(_STEP_URLS[step]) + (f"?{query}" if query else ""))


class OrganisationLanguageMiddleware:
    """Chooses the interface language of a signed-in user.

    Order: the language she chose (stored on her account, so it follows her to another
    computer), else the cookie set by the language switch, else her organisation's default.
    Anonymous visitors get LocaleMiddleware's choice (cookie, then browser, then Kazakh).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        lang = None
        if user.is_authenticated:
            if user.language:
                lang = user.language
            elif settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                member = current_member(user)
                lang = member.organisation.default_language if member else None
        if lang:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)
