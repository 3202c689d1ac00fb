from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import nav
from .members import current_member


def membership(request: HttpRequest) -> dict[str, Any]:
    member = current_member(getattr(request, "user", None))
    return {"membership": member, "quick_exit_url": settings.QUICK_EXIT_URL, "nav_links": nav.links_for(member),
            # Each language is named in itself, whatever the page's language.
            "interface_languages": settings.LANGUAGES}
