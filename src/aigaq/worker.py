"""The task queue: work done outside the request (a web import) and the periodic jobs (matching's
re-fits, the network's sync, the purge of unimported sheets), all run by `aigaq worker`.

The queue is django-tasks (the backport of Django 6's Tasks framework) with the django-tasks-db
backend: a task is a row of the database Aigaq already has (SQLite or PostgreSQL), so there is no
broker to run, and a task enqueued in a transaction is there exactly when the transaction commits
(docs/architecture.md, "The task queue").

An app registers a periodic job from its `AppConfig.ready()` with `periodic(task, interval)`:
the worker enqueues it when due and runs it like any other task. A periodic task returns how many
seconds to wait before its next run (a job that backs off returns more), or None for its interval.
Only one of each is waiting or running at a time, however many workers there are.

A task's arguments are codes and numbers, never personal data (the queue's rows are plain), and a
task logs a failure by the exception's type only: Aigaq's tasks catch their errors and record them
where they belong (an import's row), so no traceback that could quote a value reaches the queue.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.db import connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0


@dataclass
class Periodic:
    task: Any  # a django_tasks Task
    interval: Callable[[], float]  # seconds between runs; 0 turns the job off
    due: float = 0.0  # time.monotonic() of the next run
    result_id: str | None = None  # the run last enqueued
    name: str = ""


_periodic: dict[str, Periodic] = {}


def periodic(task: Any, *, interval: Callable[[], float]) -> None:
    """Registers `task` (no arguments) to be enqueued by the worker every `interval()` seconds."""
    _periodic.setdefault(task.module_path, Periodic(task=task, interval=interval, name=task.module_path))


def periodic_jobs() -> list[Periodic]:
    return list(_periodic.values())


# django-tasks-db keeps no heartbeat: a worker killed mid-task (SIGKILL, the power cut) leaves its
# task "running" for ever, and a periodic job that is running is never enqueued again, so the
# network's sync or matching's re-fits would stop without a word. A periodic job takes seconds
# (a re-fit of 100,000 suspects, minutes): one "running" for longer than this lost its worker.
ABANDONED_SECONDS = 6 * 3600


class Abandoned(Exception):
    """Its worker stopped before the task ended (killed, or the machine went down)."""


def abandon_stale(task: Any, *, now: dt.datetime | None = None) -> int:
    """Marks failed the runs of `task` left "running" for longer than ABANDONED_SECONDS; returns
    how many. Their transactions rolled back when the worker died: nothing of them was saved."""
    from django_tasks_db.models import DBTaskResult

    before = (now or timezone.now()) - dt.timedelta(seconds=ABANDONED_SECONDS)
    stale = list(DBTaskResult.objects.running().filter(task_path=task.module_path, started_at__lt=before))
    for result in stale:
        result.set_failed(Abandoned("its worker stopped before it ended"))
    if stale:
        log.warning("%d run(s) of %s abandoned by a worker that stopped", len(stale), task.module_path)
    return len(stale)


def _waiting_or_running(task: Any) -> bool:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    abandon_stale(task)
    return DBTaskResult.objects.filter(
        task_path=task.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()


def _next_wait(job: Periodic, interval: float) -> float:
    """How long after now the next run is due, from the run last enqueued: what it returned, or the
    interval; -1 while it has not ended; 0 when it is gone (pruned, or a test's database)."""
    from django_tasks import TaskResultStatus

    try:
        result = job.task.get_result(job.result_id)
    except Exception:
        return 0.0
    if result.status == TaskResultStatus.RUNNING and abandon_stale(job.task):
        return 0.0
    if result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
        return -1.0
    if result.status == TaskResultStatus.SUCCESSFUL and isinstance(result.return_value, (int, float)):
        return float(result.return_value)
    return interval


def enqueue_due(now: float | None = None) -> list[str]:
    """Enqueues every periodic job that is due now and has no run waiting or running; returns their
    names. The first run of each is due at once; the next one when the last has ended and waited
    for what it asked (or the interval)."""
    now = time.monotonic() if now is None else now
    enqueued = []
    for job in _periodic.values():
        interval = float(job.interval())
        if interval <= 0:
            continue
        if job.result_id is not None:
            wait = _next_wait(job, interval)
            if wait < 0:
                continue
            job.result_id = None
            job.due = now + wait
        if now < job.due:
            continue
        if _waiting_or_running(job.task):  # another worker's
            job.due = now + interval
            continue
        job.result_id = str(job.task.enqueue().id)
        enqueued.append(job.name)
    return enqueued


# The queue keeps a row for each task run (the periodic jobs make a few thousand a day): finished
# ones are deleted after a day by a periodic job of the worker itself.
KEEP_FINISHED = dt.timedelta(days=1)
PRUNE_SECONDS = 3600.0


@task()
def prune_task() -> float:
    """Deletes the rows of tasks that finished more than KEEP_FINISHED ago."""
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - KEEP_FINISHED).delete()
    except Exception as exc:  # the database is down, migrations pending
        log.error("task queue prune failed: %s", type(exc).__name__)
    return PRUNE_SECONDS


periodic(prune_task, interval=lambda: PRUNE_SECONDS)


def _worker(*, batch: bool, worker_id: str | None = None) -> Any:
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(queue_names=["*"], excluded_queue_names=[], interval=0, batch=batch, backend_name="default",
                  startup_delay=False, max_tasks=None, worker_id=worker_id or get_random_string(32))


def run_ready() -> None:
    """Runs every task ready now (and those they enqueue), one at a time, then returns: the tests'
    worker. The worker's claim and run of each task as `aigaq worker` does them, without its
    checks of the database connection between tasks (which would close a test's transaction)."""
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    worker = _worker(batch=True)
    while True:
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        with exclusive_transaction(ready.db):
            claimed = ready.get_locked()
            if claimed is not None:
                claimed.claim(worker.worker_id)
        if claimed is None:
            return
        worker.run_task(claimed)


def run_forever(*, poll: float = POLL_SECONDS, stop: Callable[[], bool] = lambda: False) -> None:
    """`aigaq worker`: enqueues the periodic jobs when due and runs the ready tasks, until SIGTERM
    or SIGINT (a task that is running is let finish) or `stop()`."""
    worker = _worker(batch=True)

    def shutdown(signum: int, _frame: FrameType | None) -> None:
        # Unlike django-tasks-db's own handler, a second signal does not end a running task: under
        # `aigaq serve` the worker may get one from the terminal or systemd and one forwarded, and
        # an import cut short would leave its job "saving" (its transaction rolls back). SIGKILL,
        # or systemd's TimeoutStopSec, remains for a task that will not end.
        worker.running = False
        if not worker.running_task:
            sys.exit(0)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, shutdown)
    # django-tasks logs each look at the queue and each task's start and end at INFO: a few lines a
    # second, saying nothing an operator needs. Failures still show (ours, logged by aigaq.*).
    for name in ("django_tasks", "django_tasks_db"):
        logging.getLogger(name).setLevel(logging.WARNING)
    log.info("worker started: %d periodic job(s)", sum(1 for j in _periodic.values() if j.interval() > 0))
    while worker.running and not stop():
        try:
            enqueue_due()
            worker.run()
        except Exception as exc:  # the database is down, migrations pending: try again shortly
            log.error("worker loop failed: %s", type(exc).__name__)
        finally:
            connections.close_all()
        if worker.running and not stop():
            time.sleep(poll)
