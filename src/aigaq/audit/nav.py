from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from aigaq.accounts.models import Membership, Role


def audit_link(member: Membership) -> list[dict[str, str]]:
    if member.role != Role.COORDINATOR:
        return []
    return [{"url": reverse("audit:log"), "label": _("Audit log")}]
