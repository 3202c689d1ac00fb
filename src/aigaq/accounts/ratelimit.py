"""Rate limits on guessing, kept in the database so every server process shares them.

A bucket is keyed by a keyed hash (lib/crypto blind index) of its purpose and source, so the
table holds no usernames or addresses. Login is limited per address and per (username, address):
a flood of guesses at alice's name from one place slows only that place, never alice signing in
from her office. The accepted cost is that an attacker with many addresses gets `capacity`
guesses per address and period; Argon2, the 12-character minimum and the second factor carry
that risk, not a lockout that anyone could trigger against staff.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from aigaq.keys.store import blind_index

from .models import TokenBucket


@dataclass(frozen=True)
class Limit:
    purpose: str
    capacity: int  # attempts allowed in a burst
    period: int  # seconds for an empty bucket to refill completely


LOGIN_PER_ADDRESS = Limit("rate:login-address", 20, 15 * 60)
LOGIN_PER_NAME = Limit("rate:login-name", 10, 15 * 60)
SECOND_FACTOR = Limit("rate:second-factor", 10, 15 * 60)
STEP_UP = Limit("rate:step-up", 10, 15 * 60)


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind the reverse proxy, `aigaq serve` (waitress) has already put
    the address from the proxy's X-Forwarded-For here, and only for requests from
    AIGAQ_TRUSTED_PROXY (aigaq.ops.serving); without that setting every visitor would share the
    proxy's address, and one bucket. See docs/security.md, "Behind the reverse proxy"."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(limit: Limit, parts: tuple[str, ...]) -> str:
    return blind_index(limit.purpose, "\x1f".join(parts))


def take(limit: Limit, *parts: str) -> int:
    """Spends one attempt. Returns 0 when allowed, else the seconds until the next attempt is."""
    key = _key(limit, parts)
    cost = 1.0 / limit.capacity
    now = timezone.now()
    with transaction.atomic():
        bucket = TokenBucket.objects.select_for_update().filter(key=key).first()
        if bucket is None:
            try:
                with transaction.atomic():
                    bucket = TokenBucket.objects.create(key=key, tokens=1.0, updated=now)
            except IntegrityError:  # a concurrent first attempt created it
                bucket = TokenBucket.objects.select_for_update().get(key=key)
        tokens = min(1.0, bucket.tokens + (now - bucket.updated).total_seconds() / limit.period)
        if tokens < cost:
            return max(1, math.ceil((cost - tokens) * limit.period))
        bucket.tokens = tokens - cost
        bucket.updated = now
        bucket.save(update_fields=["tokens", "updated"])
    return 0


def give_back(limit: Limit, *parts: str) -> None:
    """Returns the attempt a successful sign-in spent, so colleagues behind one office address
    are never limited by each other's correct logins."""
    key = _key(limit, parts)
    with transaction.atomic():
        bucket = TokenBucket.objects.select_for_update().filter(key=key).first()
        if bucket is not None:
            bucket.tokens = min(1.0, bucket.tokens + 1.0 / limit.capacity)
            bucket.save(update_fields=["tokens"])
