"""The end of a case: closing it, erasing it at the survivor's request, and retention.

Erasure is crypto-shredding: the case's data key is deleted from the key store (cases.keys), so
every copy of its sealed fields and files, in the database, in any database backup and in the file
store, becomes unreadable at once; then its rows and files are deleted as well. The audit log keeps
that the case existed and who erased it when, never what it held.

The key is destroyed first, outside the database transaction, on purpose: if the transaction then
fails, what is left is an unreadable case (erasing it again finishes the job), never a case that
was reported erased and can still be read.

On SQLite the deleted rows are overwritten in place (secure_delete), but the WAL still holds the
pages as they were before, plaintext columns included, until a checkpoint copies it into the
database file. So once an erasure commits, the WAL is checkpointed and truncated to nothing
(`PRAGMA wal_checkpoint(TRUNCATE)`): a copy of the data folder taken afterwards holds nothing of
the case, neither in the database file nor in its WAL.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role, User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.keys.store import case_codes_with_keys, case_key_destroy

from . import hooks
from .access import can_edit
from .models import Case

CLOSERS = (Role.COORDINATOR, Role.CASEWORKER)

logger = logging.getLogger(__name__)


def _role_in(actor: User, case: Case, roles: tuple[str, ...]) -> bool:
    member = current_member(actor)
    return member is not None and member.organisation_id == case.organisation_id and member.role in roles


def can_close(actor: User, case: Case) -> bool:
    """A coordinator, or a caseworker whose place on the case is not read-only."""
    return _role_in(actor, case, CLOSERS) and can_edit(actor, case)


def can_erase(actor: User, case: Case) -> bool:
    return _role_in(actor, case, (Role.COORDINATOR,))


@transaction.atomic
def case_close(*, actor: User, case: Case) -> Case:
    if not can_close(actor, case):
        raise PermissionError("only a coordinator or caseworker of the case's organisation closes it")
    if case.closed_at is None:
        case.closed_at = timezone.now()
        case.save(update_fields=["closed_at"])
        record(actor=actor, action=Action.CASE_CLOSED, case_code=case.code)
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: Case) -> Case:
    if not can_close(actor, case):
        raise PermissionError("only a coordinator or caseworker of the case's organisation reopens it")
    if case.closed_at is not None:
        case.closed_at = None
        case.save(update_fields=["closed_at"])
        record(actor=actor, action=Action.CASE_REOPENED, case_code=case.code)
    return case


def _shred(case: Case) -> None:
    """Destroys the key, then deletes the rows (in the caller's transaction) and, after commit,
    the files."""
    case_key_destroy(case.code)
    after_commit = hooks.case_erasing(case=case)  # e.g. evidence removes the case's stored files
    if connection.vendor == "sqlite":
        # Overwrite deleted rows' bytes in the database file instead of leaving them on free pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    case.delete()
    for then in after_commit:
        transaction.on_commit(then)
    transaction.on_commit(wal_checkpoint)


def wal_checkpoint() -> bool:
    """Copies SQLite's WAL into the database file and truncates it to nothing, so the pages an
    erasure overwrote are not kept there as they were. True when done, or with nothing to do (no
    WAL, another database); False when a reader still held the WAL (it is emptied at a later
    erasure or when the last connection closes). It waits for readers up to SQLite's busy
    timeout, which an erasure, rare and deliberate, can afford."""
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = cursor.fetchone()
    busy = bool(row and row[0])
    if busy:
        logger.warning("the WAL could not be emptied after an erasure: a reader still holds it")
    return not busy


@transaction.atomic
def case_erase(*, actor: User, case: Case) -> None:
    """Erases a case at the survivor's request. Only her organisation's coordinator may."""
    if not can_erase(actor, case):
        raise PermissionError("only a coordinator of the case's organisation erases it")
    code = case.code
    _shred(case)
    record(actor=actor, action=Action.CASE_ERASED, case_code=code)


def retention_cutoff(now: dt.datetime, years: int) -> dt.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February in a year without one
        return now.replace(year=now.year - years, day=28)


def retention_due(*, now: dt.datetime | None = None, years: int | None = None) -> list[Case]:
    """Cases closed more than AIGAQ_RETENTION_YEARS ago (none when the setting is 0)."""
    years = settings.RETENTION_YEARS if years is None else years
    if years <= 0:
        return []
    cutoff = retention_cutoff(now or timezone.now(), years)
    due = Case.objects.filter(closed_at__lt=cutoff).select_related("organisation")
    return list(due.order_by("closed_at"))


def retention_erase(*, now: dt.datetime | None = None, years: int | None = None) -> list[str]:
    """Erases every case past retention, one transaction each; returns their codes."""
    erased = []
    for case in retention_due(now=now, years=years):
        with transaction.atomic():
            code = case.code
            _shred(case)
            record(actor=None, action=Action.RETENTION_ERASED, case_code=code,
                   organisation_code=case.organisation.code)
        erased.append(code)
    return erased


def keyless_cases_purge() -> list[str]:
    """Deletes cases whose data key is not in the key store: after restoring a database backup,
    these are the cases erased since it was taken. Their content was unreadable already; this
    removes the empty shells and logs it. Returns their codes."""
    keyless = set(Case.objects.values_list("code", flat=True)) - case_codes_with_keys()
    purged = []
    for case in Case.objects.filter(code__in=keyless).select_related("organisation"):
        with transaction.atomic():
            code = case.code
            _shred(case)
            record(actor=None, action=Action.CASE_ERASED, case_code=code,
                   organisation_code=case.organisation.code, extra={"after": "restore"})
        purged.append(code)
    return purged
