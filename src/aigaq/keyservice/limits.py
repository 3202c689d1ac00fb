"""How many values a member may have evaluated: per hour and per rolling day, counted in hour
buckets. The limits bound how fast a member could guess low-entropy inputs (phone numbers, plates)
through the key service; `retry_after` says when a refused batch would fit."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

PER_HOUR = 20_000
PER_DAY = 100_000
MAX_BATCH = 2_000
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Limits:
    per_hour: int
    per_day: int
    max_batch: int


def current() -> Limits:
    """The configured limits (aigaq.keyservice.settings). A batch is never larger than an hour or
    a day allows, so that every accepted batch size can eventually be evaluated."""
    # getattr: processes that install this app without its settings module (the test suite, which
    # reaches every app in one database) run with the defaults.
    per_hour = int(getattr(settings, "KEYSERVICE_PER_HOUR", PER_HOUR))
    per_day = int(getattr(settings, "KEYSERVICE_PER_DAY", PER_DAY))
    max_batch = int(getattr(settings, "KEYSERVICE_MAX_BATCH", MAX_BATCH))
    return Limits(per_hour=per_hour, per_day=per_day, max_batch=min(max_batch, per_hour, per_day))


def bucket(at: dt.datetime) -> dt.datetime:
    """The start of the hour (UTC) that `at` is counted in."""
    return at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def window_start(now: dt.datetime) -> dt.datetime:
    """Buckets after this one are in the rolling day: the current hour and the 23 before it."""
    return bucket(now) - DAY


def retry_after(*, counts: Mapping[dt.datetime, int], now: dt.datetime, wanted: int, limits: Limits) -> int:
    """0 if `wanted` more evaluations fit now; otherwise the whole seconds until they would.
    `counts` are the member's buckets of the rolling day (older ones are ignored)."""
    current_bucket, start = bucket(now), window_start(now)
    day = {hour: count for hour, count in counts.items() if hour > start}
    used_hour, used_day = day.get(current_bucket, 0), sum(day.values())
    waits: list[dt.timedelta] = []
    if used_hour + wanted > limits.per_hour:
        waits.append(current_bucket + HOUR - now)
    if used_day + wanted > limits.per_day:
        # A bucket leaves the rolling day 24 hours after it began: wait for enough of the oldest.
        left = used_day
        for hour in sorted(day):
            left -= day[hour]
            if left + wanted <= limits.per_day:
                waits.append(hour + DAY - now)
                break
        else:  # more than a whole day allows: only a direct caller of this function can ask that
            waits.append(DAY)
    if not waits:
        return 0
    return max(1, math.ceil(max(waits).total_seconds()))
