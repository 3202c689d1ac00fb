from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    member = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    return {"membership": member, "quick_exit_url": settings.QUICK_EXIT_URL}
