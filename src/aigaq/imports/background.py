"""The worker deletes uploaded sheets nobody imported within the hour, every few minutes, so that a
sealed sheet does not wait in the database for the next visit of the import page (a periodic job
of the task queue, registered in apps.py)."""

from __future__ import annotations

import logging

from django_tasks import task

from .uploads import purge_expired

log = logging.getLogger(__name__)
INTERVAL = 300.0


@task()
def purge_task() -> float:
    try:
        deleted = purge_expired()
        if deleted:
            log.info("deleted %d expired import upload(s)", deleted)
    except Exception as exc:  # the database is down, migrations pending
        log.error("import upload purge failed: %s", type(exc).__name__)
    return INTERVAL
