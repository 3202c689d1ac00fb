from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .models import Membership


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    member = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    return {"membership": member, "quick_exit_url": settings.QUICK_EXIT_URL, "nav_links": nav_links(member),
        # Each language is named in itself, whatever the page's language.
        "interface_languages": settings.LANGUAGES}


def nav_links(member: Membership | None) -> list[dict[str, str]]:
    """Links each app offers to a role, beyond the case pages. Apps register in NAV_PROVIDERS."""
    if member is None:
        return []
    links: list[dict[str, str]] = []
    for provider in NAV_PROVIDERS:
        links.extend(provider(member))
    return links


# Each app that has pages for some roles appends a function (member) -> [{"url", "label"}] here
# from its AppConfig.ready(), so base.html never needs to know which apps exist.
NAV_PROVIDERS: list[Callable[[Membership], list[dict[str, str]]]] = []
