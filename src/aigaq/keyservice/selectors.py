"""What the key service's operator may see: who is registered and how many values each had
evaluated (there are no inputs to see: the service never has them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from aigaq.peers.models import Peer

from . import limits
from .models import EvaluationCount
from .wire import HUB


@dataclass(frozen=True)
class Usage:
    member: str
    registered_at: dt.datetime
    last_hour: int
    last_day: int
    total: int


def member_usage(*, now: dt.datetime | None = None) -> list[Usage]:
    """Every registered member with its counts this hour, in the rolling day and ever."""
    moment = now or timezone.now()
    sums = {
        row["member"]: row
        for row in EvaluationCount.objects.values("member").annotate(
            in_hour=Sum("count", filter=Q(hour=limits.bucket(moment)), default=0),
            in_day=Sum("count", filter=Q(hour__gt=limits.window_start(moment)), default=0),
            in_all=Sum("count", default=0),
        )
    }
    none = {"in_hour": 0, "in_day": 0, "in_all": 0}
    usage = []
    for peer in Peer.objects.exclude(name=HUB).order_by("name"):
        counts = sums.get(peer.name, none)
        usage.append(Usage(member=peer.name, registered_at=peer.added_at, last_hour=counts["in_hour"],
                           last_day=counts["in_day"], total=counts["in_all"]))
    return usage


def hub_trusted() -> bool:
    return Peer.objects.filter(name=HUB).exists()
