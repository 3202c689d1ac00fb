"""The index of each user's sessions, kept at login, logout and session-id rotation.

Receivers on Django's user_logged_in / user_logged_out signals maintain it, because every way of
signing in (the login view, the test client's force_login) goes through django.contrib.auth.login.
Django passes a receiver its arguments by keyword; those it does not need (the sender) stay in
**kwargs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from django_otp import user_has_device

from aigaq.keys.store import blind_index

from .models import User, UserSession

LOGIN_AT_KEY = "aigaq_login_at"
SECOND_FACTOR_KEY = "aigaq_second_factor"
STEP_UP_KEY = "aigaq_step_up_at"
# How stale last_seen may get before a request writes it again: one write a minute at most.
_TOUCH_EVERY = timedelta(seconds=60)

_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("YaBrowser", "Yandex"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def key_hash(session_key: str) -> str:
    return blind_index("session-key", session_key)


def agent_summary(user_agent: str) -> str:
    """'Firefox · Windows': enough to recognise a device; the full string is a fingerprint."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if re.search(re.escape(mark), user_agent)), "")
    return " · ".join(part for part in (browser, system) if part)[:64]


def track(request: HttpRequest, user: AbstractBaseUser) -> None:
    session = request.session
    if session.session_key is None:
        session.save()
    assert session.session_key is not None
    now = timezone.now()
    # Rows of sessions that can no longer be alive are dropped here rather than by a cron job.
    UserSession.objects.filter(
        user_id=user.pk, last_seen__lt=now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ).delete()
    UserSession.objects.update_or_create(
        key_hash=key_hash(session.session_key),
        defaults={"user_id": user.pk, "agent": agent_summary(request.META.get("HTTP_USER_AGENT", ""))},
    )


def on_login(*, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[LOGIN_AT_KEY] = int(time.time())
    # Decided once per login, so the gate does not query devices on every request.
    request.session[SECOND_FACTOR_KEY] = has_second_factor(user)
    track(request, user)


def on_logout(*, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and request.session.session_key:
        UserSession.objects.filter(key_hash=key_hash(request.session.session_key)).delete()


def rotate(request: HttpRequest, cycle: Callable[[], object] | None = None) -> None:
    """A new session id for a raised privilege (second factor passed, password changed), keeping
    the index right. `cycle` is what changes the id, by default the session's own cycle_key."""
    old = request.session.session_key
    (cycle or request.session.cycle_key)()
    new = request.session.session_key
    if old and new:
        UserSession.objects.filter(key_hash=key_hash(old)).update(key_hash=key_hash(new))


def current(request: HttpRequest) -> UserSession | None:
    key = request.session.session_key
    return UserSession.objects.filter(key_hash=key_hash(key)).first() if key else None


def touch(tracked: UserSession) -> None:
    now = timezone.now()
    if now - tracked.last_seen > _TOUCH_EVERY:
        UserSession.objects.filter(pk=tracked.pk).update(last_seen=now)


def has_second_factor(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))
