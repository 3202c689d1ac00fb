"""What the accounts views share about a request: who is signed in, where she goes next, and the
WebAuthn relying party."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from .models import User


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` target she came with, if it stays on this site; otherwise `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def signed_in_user(request: HttpRequest) -> User:
    """The user of a view behind login_required."""
    assert isinstance(request.user, User)
    return request.user


def rp_id(request: HttpRequest) -> str:
    """The WebAuthn relying party: this host without its port (an IPv6 literal kept whole)."""
    host = request.get_host()
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host
