"""A member's evaluations are limited per hour and per rolling day: over either, the answer is 429
with the seconds until the batch would fit, audited with its count, and nothing is evaluated."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aigaq.audit.models import Action, AuditEntry
from aigaq.keyservice import limits, services
from aigaq.keyservice.models import EvaluationCount
from aigaq.lib.crypto import oprf

from .helpers import Party, post

LIMITS = limits.Limits(per_hour=10, per_day=25, max_batch=5)
NOW = dt.datetime(2026, 5, 4, 13, 20, tzinfo=dt.UTC)
THIS_HOUR = dt.datetime(2026, 5, 4, 13, tzinfo=dt.UTC)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def hours_ago(n: int) -> dt.datetime:
    return THIS_HOUR - dt.timedelta(hours=n)


def test_a_batch_that_fits_waits_for_nothing() -> None:
    assert limits.retry_after(counts={THIS_HOUR: 5, hours_ago(3): 10}, now=NOW, wanted=5, limits=LIMITS) == 0


def test_over_the_hour_a_batch_waits_for_the_next_hour() -> None:
    assert limits.retry_after(counts={THIS_HOUR: 6}, now=NOW, wanted=5, limits=LIMITS) == 40 * 60


def test_over_the_day_a_batch_waits_until_enough_old_hours_leave_the_day() -> None:
    counts = {hours_ago(20): 8, hours_ago(10): 8, hours_ago(2): 8}
    # 24 used, 25 allowed: 5 more fit once the bucket of 20 hours ago leaves, 4 hours after this one began.
    assert limits.retry_after(counts=counts, now=NOW, wanted=5, limits=LIMITS) == 4 * 3600 - 20 * 60
    assert limits.retry_after(counts=counts, now=NOW, wanted=1, limits=LIMITS) == 0


def test_hours_older_than_a_day_do_not_count() -> None:
    assert limits.retry_after(counts={hours_ago(24): 25, hours_ago(30): 25}, now=NOW, wanted=5, limits=LIMITS) == 0
    assert limits.retry_after(counts={hours_ago(23): 25}, now=NOW, wanted=5, limits=LIMITS) == 40 * 60


def test_more_than_a_day_allows_waits_a_day() -> None:
    assert limits.retry_after(counts={}, now=NOW, wanted=30, limits=LIMITS) == 24 * 3600


def test_the_batch_limit_never_exceeds_the_hour_or_the_day(settings: Any) -> None:
    assert limits.current() == limits.Limits(per_hour=20_000, per_day=100_000, max_batch=2_000)
    settings.KEYSERVICE_PER_HOUR, settings.KEYSERVICE_PER_DAY = 50, 30
    assert limits.current().max_batch == 30


def test_buckets_are_utc_hours() -> None:
    almaty = dt.timezone(dt.timedelta(hours=5))
    assert limits.bucket(dt.datetime(2026, 5, 4, 18, 59, 59, tzinfo=almaty)) == THIS_HOUR


keyservice_urls = pytest.mark.urls("aigaq.keyservice.urls")


def _batch(size: int) -> dict[str, list[str]]:
    return {"blinded": [b64(m) for m in oprf.blind([b"phone:+77015551234"] * size).messages]}


@keyservice_urls
def test_over_the_hourly_limit_a_member_is_told_when_to_come_back(client: Client, holder: oprf.KeyHolder,
                                                                  member: Party, settings: Any) -> None:
    settings.KEYSERVICE_PER_HOUR = 5
    EvaluationCount.objects.create(member=member.name, hour=limits.bucket(timezone.now()), count=4)
    answer = post(client, "/v1/evaluate", _batch(2), party=member)
    assert answer.status_code == 429
    assert answer.json()["error"] == "rate_limited"
    assert 1 <= answer.json()["retry_after"] <= 3600
    assert answer["Retry-After"] == str(answer.json()["retry_after"])
    assert EvaluationCount.objects.get(member=member.name).count == 4
    entry = AuditEntry.objects.order_by("id").last()
    assert entry is not None
    assert (entry.action, entry.organisation_code, entry.extra) == (
        Action.NETWORK_REQUEST_REFUSED, member.name, {"reason": "rate_limited", "count": 2})
    assert post(client, "/v1/evaluate", _batch(1), party=member).status_code == 200
    assert EvaluationCount.objects.get(member=member.name).count == 5


@keyservice_urls
def test_over_the_daily_limit_a_member_waits_for_old_hours_to_pass(client: Client, holder: oprf.KeyHolder,
                                                                   member: Party, settings: Any) -> None:
    settings.KEYSERVICE_PER_DAY = 10
    earlier = limits.bucket(timezone.now()) - dt.timedelta(hours=5)
    EvaluationCount.objects.create(member=member.name, hour=earlier, count=9)
    answer = post(client, "/v1/evaluate", _batch(2), party=member)
    assert answer.status_code == 429
    # The old hour leaves the rolling day 19 hours after this hour began.
    assert 18 * 3600 <= answer.json()["retry_after"] <= 19 * 3600
    assert EvaluationCount.objects.filter(member=member.name).count() == 1
    assert post(client, "/v1/evaluate", _batch(1), party=member).status_code == 200


def test_limits_are_per_member(db: Any, holder: oprf.KeyHolder, member: Party, settings: Any) -> None:
    settings.KEYSERVICE_PER_HOUR = 3
    other = "m-other"
    EvaluationCount.objects.create(member=other, hour=limits.bucket(NOW), count=3)
    messages = oprf.blind([b"a", b"b", b"c"]).messages
    services.batch_evaluate(member=member.name, blinded=messages, holder=holder, now=NOW)
    with pytest.raises(services.RateLimited) as refused:
        services.batch_evaluate(member=other, blinded=messages[:1], holder=holder, now=NOW)
    assert refused.value.retry_after == 40 * 60
