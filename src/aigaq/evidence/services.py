"""Writes for evidence: adding a file and handing one out, each with its audit entry, which
together form the file's chain of custody (who uploaded it, who downloaded it, when)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import BinaryIO

from django.db import transaction

from aigaq.accounts.models import User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.cases.models import Case

from . import files
from .models import EvidenceItem


class EvidenceRefused(ValueError):
    """The upload is not an accepted kind of file, or is not what its extension says."""


@transaction.atomic
def evidence_add(*, actor: User, case: Case, filename: str, data: bytes, title: str = "") -> EvidenceItem:
    """Stores an uploaded file, encrypted under the case's key, with metadata removed from
    images. `data` is the whole file, held in memory: it never touches the disk unencrypted."""
    kind = files.kind_of(filename, data[:64])
    if kind is None:
        raise EvidenceRefused(filename.rsplit(".", 1)[-1].lower() if "." in filename else "")
    received_sha256 = hashlib.sha256(data).hexdigest()
    cleaned = files.strip_metadata(data, kind)
    if kind.content_type in ("image/jpeg", "image/png") and cleaned is None:
        raise EvidenceRefused(kind.extension)  # not a readable image: refuse rather than keep its metadata
    stored = cleaned if cleaned is not None else data
    item = EvidenceItem(case=case, title=title, filename=filename, kind=kind.extension, size=len(stored),
                        metadata_removed=cleaned is not None, uploaded_by=actor,
                        received_sha256=received_sha256)
    item.sha256 = files.write_sealed(case.data_key(), io.BytesIO(stored), case_code=case.code,
                                     item_code=item.code, stored_name=item.stored_name)
    item.save()
    record(actor=actor, action=Action.EVIDENCE_ADDED, case_code=case.code, object_code=item.code,
           extra={"kind": kind.extension, "metadata_removed": item.metadata_removed})
    return item


@transaction.atomic
def evidence_download(*, actor: User, item: EvidenceItem, dst: BinaryIO) -> str:
    """Decrypts the file into `dst` and logs who took it; returns its SHA-256, which the caller
    may compare with the recorded one. Raises DecryptionError (and logs nothing) if the stored
    file was altered."""
    case = item.case
    digest = files.read_sealed(case.data_key(), dst, case_code=case.code, item_code=item.code,
                               stored_name=item.stored_name)
    record(actor=actor, action=Action.EVIDENCE_DOWNLOADED, case_code=case.code, object_code=item.code)
    return digest


def files_remover(case: Case) -> Callable[[], None]:
    """For cases.erasure: removes every stored file of the case once its erasure commits."""
    code = case.code
    return lambda: files.remove_case_files(code)
