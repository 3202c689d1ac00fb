"""Session timeouts and the choice of interface language."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

IDLE_KEY = "aigaq_last_seen"


class SessionTimeoutMiddleware:
    """Ends a session that has been idle longer than SESSION_IDLE_TIMEOUT seconds.

    The absolute limit is SESSION_COOKIE_AGE (the session is not refreshed on every request).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        now = int(time.time())
        last_seen = session.get(IDLE_KEY)
        if last_seen is not None and now - int(last_seen) > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
        elif session.get("_auth_user_id"):
            session[IDLE_KEY] = now
        return self.get_response(request)


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
                member = getattr(user, "membership", None)
                lang = member.organisation.default_language if member else None
        if lang:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)
