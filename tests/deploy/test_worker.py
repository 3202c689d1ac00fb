"""The task queue's worker (aigaq.worker, `aigaq worker`): the periodic jobs are enqueued on the
queue when due, once each however many workers look, and run by the worker like any task."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from aigaq import worker
from aigaq.imports.background import purge_task
from aigaq.matching.refit import refits_task
from aigaq.network.background import sync_task
from aigaq.ops import cli

LATER = time.monotonic() + 10**9
PERIODIC = {refits_task.module_path, sync_task.module_path, purge_task.module_path, worker.prune_task.module_path}


def test_the_refit_the_sync_the_purge_and_the_queues_prune_are_the_workers_periodic_jobs() -> None:
    assert {job.name for job in worker.periodic_jobs()} == PERIODIC


def test_each_periodic_job_is_enqueued_once_and_run_by_the_worker(db: Any) -> None:
    assert set(worker.enqueue_due(now=LATER)) == PERIODIC
    assert worker.enqueue_due(now=LATER) == []  # each is waiting: none twice
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 4
    worker.run_ready()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert worker.enqueue_due(now=LATER) == []  # done: each waits what it returned (its interval)
    assert worker.enqueue_due(now=LATER + 1) == []
    assert set(worker.enqueue_due(now=LATER + 3600)) == PERIODIC


def test_a_job_another_worker_has_waiting_is_not_enqueued_again(db: Any) -> None:
    purge_task.enqueue()  # another worker's
    assert purge_task.module_path not in worker.enqueue_due(now=LATER)
    assert DBTaskResult.objects.filter(task_path=purge_task.module_path).count() == 1


def test_aigaq_worker_once_runs_what_is_due_and_exits(db: Any) -> None:
    call_command("worker", "--once", stdout=StringIO())
    assert set(DBTaskResult.objects.values_list("task_path", "status")) == {
        (path, TaskResultStatus.SUCCESSFUL) for path in PERIODIC}


def test_the_worker_loop_goes_on_after_a_failure_and_stops_when_told(db: Any) -> None:
    looks: list[int] = []

    def failing(now: float | None = None) -> list[str]:
        looks.append(1)
        raise RuntimeError("Арулым Бекова")

    with (
        mock.patch.object(worker, "enqueue_due", failing),
        mock.patch.object(worker.connections, "close_all") as close_all,
        mock.patch("signal.signal"),
    ):
        worker.run_forever(poll=0, stop=lambda: len(looks) >= 2)
    assert len(looks) == 2 and close_all.call_count == 2


def test_aigaq_worker_is_one_documented_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["worker", "--help"])
    text = capsys.readouterr().out
    assert "re-fits" in text and "network sync" in text and "--once" in text


def test_the_queue_forgets_tasks_a_day_after_they_finished(db: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    purge_task.enqueue()
    purge_task.enqueue()
    worker.run_ready()
    old, new = DBTaskResult.objects.all()[:2]
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=1, seconds=1))
    waiting = purge_task.enqueue()
    assert worker.prune_task.call() == worker.PRUNE_SECONDS
    assert {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)} == {str(new.pk), str(waiting.id)}


def test_a_periodic_job_whose_worker_was_killed_runs_again(db: Any) -> None:
    """A worker killed mid-task leaves it "running": without this the network's sync or the re-fits
    would never be enqueued again."""
    import datetime as dt

    from django.utils import timezone

    result = sync_task.enqueue()
    long_ago = timezone.now() - dt.timedelta(seconds=worker.ABANDONED_SECONDS + 60)
    DBTaskResult.objects.filter(id=result.id).update(status=TaskResultStatus.RUNNING, started_at=long_ago)
    assert sync_task.module_path in worker.enqueue_due(now=LATER)
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.FAILED


def test_a_periodic_job_running_now_is_not_taken_for_abandoned(db: Any) -> None:
    from django.utils import timezone

    result = sync_task.enqueue()
    DBTaskResult.objects.filter(id=result.id).update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert sync_task.module_path not in worker.enqueue_due(now=LATER)
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.RUNNING
