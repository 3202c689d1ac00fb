"""Writes for the abuse log, each with its audit entry in the same transaction: recording an
entry, correcting it (the earlier version kept), its files (through the shared file locker),
deleting it (crypto-shredding), and the report of chosen entries for the police or a platform."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from django.db import connection, transaction
from django.db.models import F

from aigaq import locker
from aigaq.accounts.members import acting_member
from aigaq.accounts.models import User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.cases.erasure import wal_checkpoint
from aigaq.cases.search import identifier_tokens
from aigaq.cases.services import StaleVersion
from aigaq.keys.store import abuse_key_create, abuse_key_destroy
from aigaq.lib.crypto import DecryptionError

from . import report
from .inputs import FIELDS, EntryInput, as_json
from .models import AbuseEntry, AbuseFile, AbuseRevision, SenderToken

# What may be attached: the locker's kinds, and a saved page as a WARC file.
KINDS = {**locker.KINDS, **locker.WEB_ARCHIVE_KINDS}

__all__ = ["StaleVersion"]


def folder(entry: AbuseEntry) -> Path:
    return locker.files_root() / f"abuse-{entry.code}"


def _aad(entry: AbuseEntry, file_code: str) -> str:
    return f"abuse:{entry.code}:{file_code}"


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


def sender_tokens(data: EntryInput) -> set[tuple[str, str]]:
    """The blind-index tokens of the sender: each phone and account as cases.search normalises a
    suspect's ("8 (701) 555-12-34" meets "+77015551234", "@Name" meets its profile URL), and his
    name when it has two words or more: one token for the whole name, from the linkage engine's
    normalised words (so "Жәнібек Ахметов" meets "Zhanibek Akhmetov" and "Ахметов Жәнібек")."""
    tokens = {("phone", t) for t in identifier_tokens("phone", _lines(data.sender_phone))}
    tokens |= {("handle", t) for t in identifier_tokens("handle", _lines(data.sender_handle))}
    words = sorted(identifier_tokens("name", [data.sender_name]))
    if len(words) >= 2:
        tokens.add(("name", hashlib.sha256(" ".join(words).encode("ascii")).hexdigest()))
    return tokens


def _write_tokens(entry: AbuseEntry, data: EntryInput) -> None:
    entry.tokens.all().delete()
    SenderToken.objects.bulk_create(
        SenderToken(entry=entry, organisation_id=entry.organisation_id, purpose=purpose, token=token)
        for purpose, token in sorted(sender_tokens(data)))


@transaction.atomic
def entry_create(*, actor: User, data: EntryInput, attachments: Sequence[tuple[str, bytes]] = ()) -> AbuseEntry:
    """Records abuse the acting member received, with its files (each refused file raises
    locker.FileRefused and nothing is saved)."""
    member = acting_member(actor)
    entry = AbuseEntry(organisation=member.organisation, author=actor, **data.values())
    # The key is stored before the row commits (as for cases): a crash leaves an unused key only.
    entry._dek = abuse_key_create(entry.code)
    entry.save()
    _write_tokens(entry, data)
    record(actor=actor, action=Action.ABUSE_ENTRY_ADDED, object_code=entry.code,
           extra={"platform": entry.platform, "threat_level": entry.threat_level})
    for filename, content in attachments:
        file_add(actor=actor, entry=entry, filename=filename, data=content)
    return entry


@transaction.atomic
def entry_update(*, actor: User, entry: AbuseEntry, data: EntryInput, version: int, reason: str) -> list[str]:
    """Corrects an entry. The earlier values are kept as a revision with who, when and why; a save
    from a stale `version` raises StaleVersion and writes nothing. Returns the changed fields."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required")
    values = data.values()
    changed = [name for name in FIELDS if getattr(entry, name) != values[name]]
    if not changed:
        return []
    before = {name: getattr(entry, name) for name in FIELDS}
    if not AbuseEntry.objects.filter(pk=entry.pk, version=version).update(version=F("version") + 1):
        raise StaleVersion(f"abuse entry {entry.code} is no longer at version {version}")
    AbuseRevision.objects.create(entry=entry, version=version, values=json.dumps(as_json(before)), reason=reason,
                                 changed_by=actor)
    entry.version = version + 1
    for name in changed:
        setattr(entry, name, values[name])
    entry.save(update_fields=[*changed, "updated_at"])
    _write_tokens(entry, data)
    record(actor=actor, action=Action.ABUSE_ENTRY_CHANGED, object_code=entry.code,
           extra={"fields": changed, "version": entry.version})
    return changed


@transaction.atomic
def entry_delete(*, actor: User, entry: AbuseEntry) -> None:
    """Deletes an entry for good, as a case is erased: its key first (crypto-shredding: from then
    on nothing of it can be read from any copy of the database or of its files, backups included),
    then its rows (revisions, files' rows, sender tokens), and after the commit its files. The
    audit entry names the entry's code only. A key-store backup restored later leaves its key out
    (`aigaq restore --key-store` reads this audit entry). Who may: selectors.entry_for_user."""
    code, folder_path = entry.code, folder(entry)
    abuse_key_destroy(code)
    if connection.vendor == "sqlite":
        # Overwrite the deleted rows' bytes in the database file instead of leaving them on free pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    AbuseEntry.objects.filter(pk=entry.pk).delete()
    record(actor=actor, action=Action.ABUSE_ENTRY_DELETED, object_code=code)
    transaction.on_commit(lambda: shutil.rmtree(folder_path, ignore_errors=True))
    transaction.on_commit(wal_checkpoint)


@transaction.atomic
def entry_viewed(*, actor: User, entry: AbuseEntry) -> None:
    record(actor=actor, action=Action.ABUSE_ENTRY_VIEWED, object_code=entry.code)


@transaction.atomic
def file_add(*, actor: User, entry: AbuseEntry, filename: str, data: bytes) -> AbuseFile:
    """Stores a file of the entry through the locker: its kind checked, the SHA-256 of what was
    received kept, an image's metadata (location, camera, time) removed, sealed under the entry's key."""
    prepared = locker.prepare(filename, data, KINDS)
    item = AbuseFile(entry=entry, filename=filename, kind=prepared.kind.extension, size=len(prepared.stored),
                     metadata_removed=prepared.metadata_removed, uploaded_by=actor,
                     received_sha256=prepared.received_sha256)
    item.sha256 = locker.write_sealed(entry.data_key(), io.BytesIO(prepared.stored), folder=folder(entry),
                                      stored_name=item.stored_name, aad=_aad(entry, item.code))
    item.save()
    record(actor=actor, action=Action.ABUSE_FILE_ADDED, object_code=entry.code,
           extra={"file": item.code, "kind": item.kind, "metadata_removed": item.metadata_removed})
    return item


class FileUnreadable(Exception):
    """The stored file failed its check ("altered"), is gone ("missing") or cannot be read
    ("unreadable"); the failure is already in the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def file_download(*, actor: User, item: AbuseFile, dst: BinaryIO) -> str:
    """Decrypts the file into `dst` and logs who took it. On failure nothing is logged as taken,
    the failure is (its own transaction) and FileUnreadable is raised; `dst` must then be dropped."""
    entry = item.entry
    dek = entry.data_key()
    try:
        with transaction.atomic():
            digest = locker.read_sealed(dek, dst, path=folder(entry) / item.stored_name, aad=_aad(entry, item.code))
            record(actor=actor, action=Action.ABUSE_FILE_DOWNLOADED, object_code=entry.code, extra={"file": item.code})
            return digest
    except DecryptionError:
        reason = "altered"
    except FileNotFoundError:
        reason = "missing"
    except OSError:
        reason = "unreadable"
    with transaction.atomic():
        record(actor=actor, action=Action.ABUSE_FILE_INTEGRITY_FAILED, object_code=entry.code,
               extra={"file": item.code, "reason": reason})
    raise FileUnreadable(reason)


@transaction.atomic
def report_make(*, actor: User, entries: Sequence[AbuseEntry], lang: str, fmt: str) -> bytes:
    """The report of the chosen entries for the police or a platform, as a PDF or a .docx in `lang`,
    with each file's SHA-256. The audit entry names the entries, the format and the language."""
    if fmt not in report.FORMATS or lang not in report.LANGUAGES or not entries:
        raise ValueError("a report needs entries, a format (pdf, docx) and a language (kk, ru, en)")
    content = report.render(entries, lang=lang, fmt=fmt, prepared_by=actor)
    record(actor=actor, action=Action.ABUSE_REPORT_MADE,
           extra={"entries": [e.code for e in entries], "format": fmt, "language": lang})
    return content
