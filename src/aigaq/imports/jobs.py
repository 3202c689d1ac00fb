"""Web imports outside the request: the mapping page starts a job (`job_start`: a row and a task
on the queue, committed together), the worker runs it (`import_task`), and the progress page reads
the job's row, so a reload shows where it stands.

The job checks every row (its progress committed every few hundred rows), then writes the plan in
one transaction through `importer.import_cases`, so the rule of the CLI holds: a sheet with any
problem writes nothing (unless the coordinator chose to skip bad rows or drop bad values), and a
failure midway rolls everything back. While that transaction runs the page says "saving" (on
SQLite nothing else can write meanwhile, its progress included). Failures are logged by the
exception's type only; the problems found are sealed (they may quote the sheet)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import User
from aigaq.keys.store import keyring
from aigaq.lib import crypto

from . import importer, uploads
from .models import ImportJob, PendingUpload
from .reader import read

log = logging.getLogger(__name__)
PROBLEMS_KEPT = 200  # the page shows this many; the count is of all
CHECK_STEP = 500  # rows checked between two commits of the progress


def _aad(code: str) -> str:
    return f"imports_importjob:{code}"


@transaction.atomic
def job_start(*, actor: User, upload: PendingUpload, mapping: list[str], options: importer.Options,
              language: str) -> ImportJob:
    """Queues the import of `upload` with this mapping; the upload is kept until the job ends."""
    member = acting_member(actor)
    upload.expires_at = timezone.now() + dt.timedelta(seconds=settings.IMPORT_UPLOAD_SECONDS)
    upload.save(update_fields=["expires_at"])
    job = ImportJob.objects.create(organisation=member.organisation, created_by=actor, upload=upload,
                                   upload_code=upload.code, mapping=list(mapping),
                                   options=dataclasses.asdict(options), language=language)
    import_task.enqueue(job.code)
    return job


# A job "checking" or "saving" this long lost its worker (killed, or the machine went down): its
# transaction rolled back, so nothing was saved, and the page says it failed rather than wait for
# ever. 50,000 rows take about two minutes.
ABANDONED_SECONDS = 2 * 3600


def job_for(user: User, code: str) -> ImportJob | None:
    """The job `code` if this user started it (marked failed if its worker stopped under it)."""
    job = ImportJob.objects.filter(code=code, created_by=user).first()
    running = (ImportJob.State.CHECKING, ImportJob.State.SAVING)
    if job is not None and job.state in running and \
            job.created_at < timezone.now() - dt.timedelta(seconds=ABANDONED_SECONDS):
        _save(job, state=ImportJob.State.FAILED, finished_at=timezone.now())
    return job


def job_problems(job: ImportJob) -> list[str]:
    sealed = bytes(job.problems_sealed)
    if not sealed:
        return []
    return list(json.loads(crypto.open_sealed(keyring().subkey(uploads.PURPOSE), sealed, aad=_aad(job.code))))


def _save(job: ImportJob, **values: object) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**values)


@task()
def import_task(job_code: str) -> None:
    """The worker's side of a web import (see the module's docstring)."""
    job = ImportJob.objects.select_related("created_by", "upload").filter(code=job_code).first()
    if job is None or job.finished:
        return
    try:
        with translation.override(job.language):
            _run(job)
    except Exception as exc:
        log.error("import job failed: %s", type(exc).__name__)
        _save(job, state=ImportJob.State.FAILED, finished_at=timezone.now())


def _run(job: ImportJob) -> None:
    if job.upload is None:  # deleted (expired) before the worker came to it
        _save(job, state=ImportJob.State.FAILED, finished_at=timezone.now())
        return
    options = importer.Options(**job.options)
    sheet = read(uploads.upload_open(job.upload), f"upload.{job.upload.kind}")
    _save(job, state=ImportJob.State.CHECKING, rows_total=len(sheet.rows), rows_done=0)

    def checked(done: int) -> None:
        if done % CHECK_STEP == 0:
            _save(job, rows_done=done)

    plan = importer.plan(sheet, job.mapping, organisation=job.organisation, lenient=options.lenient,
                         progress=checked)
    _save(job, state=ImportJob.State.SAVING, rows_done=len(sheet.rows), rows_total=len(sheet.rows))
    problems = [str(p) for p in plan.all_problems]
    sealed = crypto.seal(keyring().subkey(uploads.PURPOSE), json.dumps(problems[:PROBLEMS_KEPT]).encode(),
                         aad=_aad(job.code)) if problems else b""
    with transaction.atomic():
        result = importer.import_cases(actor=job.created_by, plan=plan, options=options)
        errors_code = ""
        if result.written:
            if options.skip_bad_rows and plan.bad_rows:
                errors_code = uploads.upload_store(actor=job.created_by, data=importer.error_sheet(plan),
                                                   kind="errors").code
            uploads.upload_delete(upload=job.upload)
        _save(job, state=ImportJob.State.DONE if result.written else ImportJob.State.REFUSED,
              created=result.created, already=result.already, skipped=result.skipped,
              problem_count=len(problems), problems_sealed=sealed, dropped=dict(plan.dropped),
              errors_code=errors_code, finished_at=timezone.now())
