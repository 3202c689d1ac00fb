"""Due re-fits of the matching weights, run outside the request.

A review decision only records that its organisation's weights are due a re-fit (a
``MatchingRefit`` row, see ``weights.model_decision_count``). The fit itself reads every stored
encoding and takes 5–6 s at 100,000 suspects (docs/deploy.md), so it runs here, one organisation
at a time, in one of two workers:

- ``aigaq manage matching_refit``: runs every due re-fit once and exits (a cron job or a systemd
  timer);
- the task queue's worker (``aigaq worker``, which ``aigaq serve`` starts beside it): every
  ``AIGAQ_MATCHING_REFIT_SECONDS`` seconds (default 60; 0 turns it off) it runs ``refits_task``,
  the re-fits then due (aigaq.worker).

A worker claims a re-fit before it starts (one UPDATE, atomic on SQLite and PostgreSQL alike), so
two workers never fit the same weights at once. A re-fit that fails, or whose worker was killed,
keeps its claim and is taken again ``CLAIM_EXPIRES`` later. Alerts are scored with the previous
weights until the new ones are stored (``weights.model_reestimate``).

Failures are logged with the organisation's id, the exception's type and where it was raised,
never its message: nothing a message could quote reaches the log.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from aigaq.envconfig import envseconds

from . import weights
from .models import MatchingRefit

log = logging.getLogger(__name__)

INTERVAL_SETTING = "AIGAQ_MATCHING_REFIT_SECONDS"
DEFAULT_INTERVAL = 60
# A claim older than this is taken again: ample for a fit of 5–6 s at 100,000 suspects, short
# enough that a failed or killed one is retried the same quarter-hour.
CLAIM_EXPIRES = dt.timedelta(minutes=15)

DONE, FAILED, SKIPPED = "re-fitted", "failed", "skipped (another worker has it)"


def refit_interval() -> int:
    """Seconds between the worker's checks, from AIGAQ_MATCHING_REFIT_SECONDS (0: off)."""
    return envseconds(INTERVAL_SETTING, DEFAULT_INTERVAL)


def refits_due() -> list[int]:
    """Organisations whose weights are due a re-fit, the longest waiting first."""
    return list(MatchingRefit.objects.order_by("requested_at", "id").values_list("organisation_id", flat=True))


def _claim(organisation_id: int) -> bool:
    now = timezone.now()
    free = Q(started_at__isnull=True) | Q(started_at__lt=now - CLAIM_EXPIRES)
    return MatchingRefit.objects.filter(free, organisation_id=organisation_id).update(started_at=now) == 1


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


def refit_one(organisation_id: int) -> str:
    """Claims and runs one organisation's due re-fit: DONE, FAILED (logged) or SKIPPED (no longer
    due, or another worker has it)."""
    if not _claim(organisation_id):
        return SKIPPED
    try:
        weights.model_reestimate(organisation_id=organisation_id)
    except Exception as exc:
        log.error(
            "matching re-fit of organisation %s failed: %s at %s; tried again in %d minutes",
            organisation_id, type(exc).__name__, _where(exc), CLAIM_EXPIRES.seconds // 60,
        )  # fmt: skip
        return FAILED
    return DONE


@dataclass(frozen=True)
class RefitSummary:
    due: int
    done: int
    failed: int
    skipped: int


# Called after each organisation: (position from 1, how many were due, organisation id, outcome, seconds).
Report = Callable[[int, int, int, str, float], None]


def refits_run(report: Report | None = None) -> RefitSummary:
    """Runs every re-fit due now, once each, one at a time; each stores its weights in its own
    transaction. Re-fits that fall due meanwhile wait for the next run."""
    due = refits_due()
    outcomes = []
    for k, org_id in enumerate(due, 1):
        start = time.perf_counter()
        outcome = refit_one(org_id)
        outcomes.append(outcome)
        if report:
            report(k, len(due), org_id, outcome, time.perf_counter() - start)
    return RefitSummary(len(due), outcomes.count(DONE), outcomes.count(FAILED), outcomes.count(SKIPPED))


@task()
def refits_task() -> float:
    """The worker's periodic job: the re-fits due now (registered in apps.py, every
    ``AIGAQ_MATCHING_REFIT_SECONDS``)."""
    try:
        summary = refits_run()
        if summary.due:
            log.info("matching re-fits: %d done, %d failed, %d skipped", summary.done, summary.failed,
                     summary.skipped)  # fmt: skip
    except Exception as exc:  # listing or claiming failed: the database is down, migrations pending
        log.error("matching re-fit check failed: %s at %s", type(exc).__name__, _where(exc))
    return float(refit_interval())
