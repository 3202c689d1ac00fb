"""Writes for evidence: adding a file and handing one out, each with its audit entry, which
together form the file's chain of custody (who uploaded it, who downloaded it, when, and who
found that its stored copy failed the integrity check)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import BinaryIO

from django.db import transaction

from aigaq import locker
from aigaq.accounts.models import User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.cases.models import Case
from aigaq.lib.crypto import DecryptionError

from . import files
from .models import EvidenceItem, EvidenceRevision
from .seal import seal_at_receipt

# The upload is not an accepted kind of file, or is not what its extension says (aigaq.locker).
EvidenceRefused = locker.FileRefused


@transaction.atomic
def evidence_add(
    *, actor: User, case: Case, filename: str, data: bytes, title: str = "", from_survivor: bool = False
) -> EvidenceItem:
    """Stores an uploaded file, encrypted under the case's key, with metadata removed from
    images. `data` is the whole file, held in memory: it never touches the disk unencrypted.
    `from_survivor`: she sent it with her own report; its custody starts "submitted by the survivor"."""
    prepared = locker.prepare(filename, data)
    kind = prepared.kind
    item = EvidenceItem(case=case, title=title, filename=filename, kind=kind.extension, size=len(prepared.stored),
                        metadata_removed=prepared.metadata_removed, uploaded_by=actor,
                        received_sha256=prepared.received_sha256)
    item.sha256 = files.write_sealed(case.data_key(), io.BytesIO(prepared.stored), case_code=case.code,
                                     item_code=item.code, stored_name=item.stored_name)
    item.save()
    seal_at_receipt(actor=actor, item=item)
    record(actor=actor, action=Action.EVIDENCE_FROM_SURVIVOR if from_survivor else Action.EVIDENCE_ADDED,
           case_code=case.code, object_code=item.code,
           extra={"kind": kind.extension, "metadata_removed": item.metadata_removed, "sealed": True})
    return item


def survivor_files_received(*, actor: User, case: Case, files: Sequence[tuple[str, bytes]]) -> None:
    """Files a survivor sent with her own report, now that a case was made from it (cases.hooks).
    A file that is not an accepted kind is left out rather than failing the new case."""
    for filename, data in files:
        with suppress(EvidenceRefused), transaction.atomic():
            evidence_add(actor=actor, case=case, filename=filename, data=data, from_survivor=True)


@transaction.atomic
def evidence_describe(*, actor: User, item: EvidenceItem, title: str, reason: str) -> EvidenceItem:
    """Corrects what the file is said to show. The earlier description is kept as a revision with
    who changed it, when and why; the audit entry names the field, never its values."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required")
    item = EvidenceItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    title = title.strip()
    if title == item.title:
        return item
    EvidenceRevision.objects.create(case=item.case, item=item, title=item.title, reason=reason, changed_by=actor)
    item.title = title
    item.save(update_fields=["title"])
    record(actor=actor, action=Action.EVIDENCE_CHANGED, case_code=item.case.code, object_code=item.code,
           extra={"fields": ["title"]})
    return item


class EvidenceUnreadable(Exception):
    """The stored file could not be opened: `reason` is "altered" (it failed authentication:
    tampered, damaged, or not the file encrypted for this item), "missing" (no file on disk) or
    "unreadable" (the disk refused to read it). The failure is already in the audit log."""

    REASONS = ("altered", "missing", "unreadable")

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def evidence_download(*, actor: User, item: EvidenceItem, dst: BinaryIO, bundle_code: str = "") -> str:
    """Decrypts the file into `dst` and logs who took it; returns its SHA-256, which the caller
    may compare with the recorded one. `bundle_code`: it goes into that court bundle (the
    custody entry says so, EVIDENCE_BUNDLED, instead of a download).

    If the stored file was altered, is missing or cannot be read, nothing is logged as
    downloaded; instead an EVIDENCE_INTEGRITY_FAILED entry (codes and the coded reason only) is
    committed in its own transaction and EvidenceUnreadable is raised. `dst` may then hold part
    of the plaintext (see crypto.open_stream): the caller must discard it, never send it."""
    case = item.case
    dek = case.data_key()  # outside the try: an erased case's KeyDestroyed is not a file problem
    try:
        return _download(actor=actor, item=item, dek=dek, dst=dst, bundle_code=bundle_code)
    except DecryptionError:
        reason = "altered"
    except FileNotFoundError:
        reason = "missing"
    except OSError:
        reason = "unreadable"
    evidence_integrity_failed(actor=actor, item=item, reason=reason)
    raise EvidenceUnreadable(reason) from None


@transaction.atomic
def _download(*, actor: User, item: EvidenceItem, dek: bytes, dst: BinaryIO, bundle_code: str) -> str:
    case = item.case
    digest = files.read_sealed(dek, dst, case_code=case.code, item_code=item.code, stored_name=item.stored_name)
    if bundle_code:
        record(actor=actor, action=Action.EVIDENCE_BUNDLED, organisation_code=case.organisation.code,
               case_code=case.code, object_code=item.code, extra={"bundle": bundle_code})
    else:
        record(actor=actor, action=Action.EVIDENCE_DOWNLOADED, case_code=case.code, object_code=item.code)
    return digest


@transaction.atomic
def evidence_integrity_failed(*, actor: User, item: EvidenceItem, reason: str) -> None:
    """Records, in the audit log and so in the file's chain of custody, that the stored file
    failed its check when `actor` tried to open it. Only codes: no name, path or message."""
    if reason not in EvidenceUnreadable.REASONS:
        raise ValueError(reason)
    record(actor=actor, action=Action.EVIDENCE_INTEGRITY_FAILED, case_code=item.case.code,
           object_code=item.code, extra={"reason": reason})


def files_remover(*, case: Case) -> Callable[[], None]:
    """For cases.hooks.case_erasing: removes every stored file of the case once its erasure commits."""
    code = case.code
    return lambda: files.remove_case_files(code)
