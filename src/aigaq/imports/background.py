"""The serve process deletes uploaded sheets nobody imported within the hour, every few minutes, so
that a sealed sheet does not wait in the database for the next visit of the import page."""

from __future__ import annotations

import logging

from aigaq.worker import PeriodicWorker

from .uploads import purge_expired

log = logging.getLogger(__name__)
INTERVAL = 300.0


class PurgeThread(PeriodicWorker):
    def __init__(self, interval: float = INTERVAL) -> None:
        super().__init__(name="aigaq-import-purge", interval=interval)

    def work(self) -> float:
        try:
            deleted = purge_expired()
            if deleted:
                log.info("deleted %d expired import upload(s)", deleted)
        except Exception as exc:  # the database is down, migrations pending
            log.error("import upload purge failed: %s", type(exc).__name__)
        return self.interval


def start_purge_thread() -> PurgeThread:
    thread = PurgeThread()
    thread.start()
    return thread
