"""The network sync beside the requests: the thread `aigaq serve` starts.

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

from aigaq.envconfig import envseconds
from aigaq.worker import PeriodicWorker

from .sync import network_sync

log = logging.getLogger(__name__)

INTERVAL_SETTING = "AIGAQ_NETWORK_SYNC_SECONDS"
DEFAULT_INTERVAL = 60
MAX_BACKOFF = 3600


def sync_interval() -> int:
    """Seconds between the serve thread's syncs, from AIGAQ_NETWORK_SYNC_SECONDS (0: off)."""
    return envseconds(INTERVAL_SETTING, DEFAULT_INTERVAL)


def next_wait(interval: float, failures: int, retry_after: int = 0) -> float:
    """How long to wait after `failures` failed runs in a row (0: the last run was good)."""
    if failures == 0:
        return interval
    return max(float(retry_after), min(interval * 2**failures, float(MAX_BACKOFF)))


class SyncThread(PeriodicWorker):
    """The serve process's sync, every ``interval`` seconds, backing off while it fails."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="aigaq-network-sync", interval=interval)
        self.failures = 0

    def work(self) -> float:
        retry_after = 0
        try:
            result = network_sync()
            if result.error:
                self.failures += 1
                retry_after = result.retry_after
                log.warning("network sync stopped: %s; %d uploaded and %d deleted before that",
                            result.error, result.uploaded, result.deleted)
            else:
                self.failures = 0
                if result.uploaded or result.deleted or result.new_alerts:
                    log.info("network sync: %d uploaded, %d deleted, %d new alerts", result.uploaded,
                             result.deleted, result.new_alerts)
        except Exception as exc:  # the database is down, migrations pending, the key file unreadable
            self.failures += 1
            log.error("network sync failed: %s", type(exc).__name__)
        return next_wait(self.interval, self.failures, retry_after)


def start_sync_thread(interval: float | None = None) -> SyncThread | None:
    """Starts the serve process's sync thread; none when the interval is 0."""
    seconds = sync_interval() if interval is None else interval
    if seconds <= 0:
        log.info("the network is not synced by this process (%s=0)", INTERVAL_SETTING)
        return None
    thread = SyncThread(seconds)
    thread.start()
    return thread
