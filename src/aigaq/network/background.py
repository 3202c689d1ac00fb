"""The network sync beside the requests: a periodic job of the task queue's worker (`aigaq worker`,
which `aigaq serve` starts beside it; aigaq.worker).

Every ``AIGAQ_NETWORK_SYNC_SECONDS`` seconds (default 60; 0 turns it off) it runs one
`network_sync`, which does nothing until this instance has joined (so joining while the server
runs needs no restart). After a failed run it waits longer each time (twice as long, up to an
hour, and never less than a rate limit's retry-after), and back to the interval after a good one:
a hub that is down is not hammered, and nothing is lost meanwhile (the queue stays in the
database). `aigaq network sync` runs the same thing once, by hand or from cron.

Failures are logged with the error code or the exception's type, never a message or a value.
"""

from __future__ import annotations

import logging

from django_tasks import task

from aigaq.envconfig import envseconds

from .sync import network_sync

log = logging.getLogger(__name__)

INTERVAL_SETTING = "AIGAQ_NETWORK_SYNC_SECONDS"
DEFAULT_INTERVAL = 60
MAX_BACKOFF = 3600


def sync_interval() -> int:
    """Seconds between the worker's syncs, from AIGAQ_NETWORK_SYNC_SECONDS (0: off)."""
    return envseconds(INTERVAL_SETTING, DEFAULT_INTERVAL)


def next_wait(interval: float, failures: int, retry_after: int = 0) -> float:
    """How long to wait after `failures` failed runs in a row (0: the last run was good)."""
    if failures == 0:
        return interval
    return max(float(retry_after), min(interval * 2**failures, float(MAX_BACKOFF)))


class _Failures:
    """Failed runs in a row, in this worker process (a restarted worker starts at the interval)."""

    count = 0


def sync_once() -> float:
    """One sync; returns how long to wait before the next (backing off while it fails)."""
    interval = float(sync_interval())
    retry_after = 0
    try:
        result = network_sync()
        if result.error:
            _Failures.count += 1
            retry_after = result.retry_after
            log.warning("network sync stopped: %s; %d uploaded and %d deleted before that",
                        result.error, result.uploaded, result.deleted)
        else:
            _Failures.count = 0
            if result.uploaded or result.deleted or result.new_alerts:
                log.info("network sync: %d uploaded, %d deleted, %d new alerts", result.uploaded,
                         result.deleted, result.new_alerts)
    except Exception as exc:  # the database is down, migrations pending, the key file unreadable
        _Failures.count += 1
        log.error("network sync failed: %s", type(exc).__name__)
    return next_wait(interval, _Failures.count, retry_after)


@task()
def sync_task() -> float:
    """The worker's periodic job (registered in apps.py, every ``AIGAQ_NETWORK_SYNC_SECONDS``)."""
    return sync_once()
