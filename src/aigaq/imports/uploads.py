"""Uploaded sheets while they wait for their import: sealed with the key file's "imports" subkey,
bound to the upload's code (a sealed sheet copied to another row does not open), kept in the
database for settings.IMPORT_UPLOAD_SECONDS at most and deleted by the import."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aigaq.accounts.members import acting_member
from aigaq.accounts.models import User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.keys.store import keyring
from aigaq.lib import crypto

from .models import PendingUpload

PURPOSE = "imports"


def _aad(code: str) -> str:
    return f"imports_pendingupload:{code}"


def purge_expired() -> int:
    """Deletes the uploads nobody imported in time; how many."""
    deleted, _ = PendingUpload.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


@transaction.atomic
def upload_store(*, actor: User, data: bytes, kind: str) -> PendingUpload:
    member = acting_member(actor)
    purge_expired()
    upload = PendingUpload(organisation=member.organisation, uploaded_by=actor, kind=kind,
                           expires_at=timezone.now() + dt.timedelta(seconds=settings.IMPORT_UPLOAD_SECONDS))
    upload.sealed = crypto.seal(keyring().subkey(PURPOSE), data, aad=_aad(upload.code))
    upload.save()
    return upload


def upload_for(user: User, code: str) -> PendingUpload | None:
    """The upload `code` if this user made it and it has not expired."""
    purge_expired()
    return PendingUpload.objects.filter(code=code, uploaded_by=user, expires_at__gt=timezone.now()).first()


def upload_open(upload: PendingUpload) -> bytes:
    return crypto.open_sealed(keyring().subkey(PURPOSE), bytes(upload.sealed), aad=_aad(upload.code))


@transaction.atomic
def upload_delete(*, upload: PendingUpload) -> None:
    upload.delete()


@transaction.atomic
def error_sheet_download(*, actor: User, upload: PendingUpload) -> bytes:
    """The error sheet of an import (the bad rows, personal data): its download is an export."""
    record(actor=actor, action=Action.EXPORTED, object_code=upload.code,
           extra={"what": "import_error_sheet", "format": "xlsx"})
    return upload_open(upload)
