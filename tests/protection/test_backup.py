"""`aigaq backup` and `aigaq restore`: an encrypted, consistent snapshot, round trip on the
database the suite runs on (SQLite, or PostgreSQL with AIGAQ_TEST_ON_POSTGRES=1), and the
encrypted file store (--files) restored without the files of what was erased since."""

from __future__ import annotations

import hashlib
import io
import shutil
import stat
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from aigaq.abuse import services as abuse
from aigaq.abuse.models import AbuseEntry
from aigaq.accounts.models import Organisation, User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import erasure, services
from aigaq.cases.models import Case, Note
from aigaq.evidence.models import EvidenceItem
from aigaq.evidence.services import evidence_add
from aigaq.ops import backup
from aigaq.reports import files as report_files
from aigaq.reports import services as reports
from aigaq.reports.models import Report

from ..abuse.helpers import make_entry
from ..conftest import client_for
from ..reports.helpers import send_report
from .helpers import ACCOUNT, leaks, secret_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _needs_pg_tools() -> None:
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")


def test_a_backup_restores_the_database_as_it_was(alice: User, tmp_path: Path) -> None:
    case = secret_case(alice)
    out = tmp_path / "db.aigaqbak"
    call_command("backup", "-o", str(out))
    later = services.note_add(actor=alice, case=case, text="written after the backup")
    call_command("restore", str(out))
    assert not Note.objects.filter(code=later.code).exists()
    assert Case.objects.get(code=case.code).incident.account == ACCOUNT


def test_a_backup_opens_only_with_its_own_key_file(alice: User, tmp_path: Path) -> None:
    secret_case(alice)
    out = tmp_path / "db.aigaqbak"
    backup.backup_database(out)
    blob = bytearray(out.read_bytes())
    blob[-20] ^= 1
    out.write_bytes(bytes(blob))
    with pytest.raises(backup.BackupError):
        backup.restore_database(out)
    assert Case.objects.count() == 1  # nothing was touched


def test_a_key_store_backup_is_not_taken_for_a_database_backup(alice: User, tmp_path: Path) -> None:
    secret_case(alice)
    keys_out = tmp_path / "keys.aigaqbak"
    call_command("backup", "--key-store", "-o", str(keys_out))
    with pytest.raises(CommandError):
        call_command("restore", str(keys_out))
    call_command("restore", "--key-store", str(keys_out))
    assert Case.objects.get().survivor.name


def test_backup_refuses_to_overwrite_a_file(alice: User, tmp_path: Path) -> None:
    out = tmp_path / "exists"
    out.write_bytes(b"keep me")
    with pytest.raises(CommandError):
        call_command("backup", "-o", str(out))
    assert out.read_bytes() == b"keep me"


STATEMENT = "Ол маған 3 қарашада қорқытып жазды — statement".encode()


def _data_dir() -> Path:
    return Path(settings.DATA_DIR)


def _lose_the_disk() -> None:
    for root in backup.FILE_ROOTS:
        shutil.rmtree(_data_dir() / root, ignore_errors=True)


def _report_with_file(org: Organisation) -> Report:
    send_report(org)
    report = Report.objects.get()
    report_files.write(report.data_key(), b"%PDF-1.4 her report file", report_code=report.code, file_code="f1")
    return report


def test_a_files_backup_restores_evidence_that_the_evidence_page_serves(
    alice: User, org: Organisation, tmp_path: Path
) -> None:
    case = secret_case(alice)
    item = evidence_add(actor=alice, case=case, filename="statement.txt", data=STATEMENT)
    entry = make_entry(alice, attachments=[("note.txt", b"a saved message")])
    report = _report_with_file(org)
    db_out, files_out = tmp_path / "db.aigaqbak", tmp_path / "files.aigaqbak"
    call_command("backup", "-o", str(db_out))
    call_command("backup", "--files", "-o", str(files_out))
    assert stat.S_IMODE(files_out.stat().st_mode) == 0o600
    _lose_the_disk()

    call_command("restore", str(db_out))
    call_command("restore", "--files", str(files_out))
    download = client_for(alice).get(f"/cases/{case.code}/evidence/{item.code}/")
    assert download.status_code == 200 and download.content == STATEMENT
    assert hashlib.sha256(download.content).hexdigest() == EvidenceItem.objects.get(pk=item.pk).sha256
    assert not AuditEntry.objects.filter(action=Action.EVIDENCE_INTEGRITY_FAILED).exists()
    abuse_file, got = AbuseEntry.objects.get(pk=entry.pk).files.get(), io.BytesIO()
    abuse.file_download(actor=alice, item=abuse_file, dst=got)
    assert got.getvalue() == b"a saved message"
    assert report_files.read(report.data_key(), report_code=report.code, file_code="f1") == b"%PDF-1.4 her report file"
    assert AuditEntry.objects.filter(action=Action.BACKUP_RESTORED, extra__kind="files").exists()


def test_restored_files_are_private_0600_in_0700_folders(alice: User, org: Organisation, tmp_path: Path) -> None:
    case = secret_case(alice)
    evidence_add(actor=alice, case=case, filename="statement.txt", data=STATEMENT)
    _report_with_file(org)
    files_out = tmp_path / "files.aigaqbak"
    backup.backup_files(files_out)
    _lose_the_disk()
    backup.restore_files(files_out, wanted={("files", case.code), ("report-files", Report.objects.get().code)})
    for root in backup.FILE_ROOTS:
        assert stat.S_IMODE((_data_dir() / root).stat().st_mode) == 0o700
        for path in (_data_dir() / root).rglob("*"):
            assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert len(list((_data_dir() / "files" / case.code).iterdir())) == 1


def test_a_files_backup_holds_no_plaintext_of_the_evidence(alice: User, tmp_path: Path) -> None:
    case = secret_case(alice)
    evidence_add(actor=alice, case=case, filename="statement.txt", data=STATEMENT)
    files_out = tmp_path / "files.aigaqbak"
    backup.backup_files(files_out)
    blob = files_out.read_bytes()
    assert STATEMENT not in blob and case.code.encode() not in blob and not leaks(blob)


def test_files_of_cases_erased_and_reports_and_entries_deleted_since_are_not_restored(
    alice: User, cora: User, org: Organisation, tmp_path: Path
) -> None:
    erased, kept = secret_case(cora), secret_case(cora)
    evidence_add(actor=cora, case=erased, filename="a.txt", data=STATEMENT)
    kept_item = evidence_add(actor=cora, case=kept, filename="b.txt", data=b"kept statement")
    entry, kept_entry = (make_entry(alice, attachments=[("n.txt", b"deleted entry's file")]),
                         make_entry(alice, attachments=[("n.txt", b"kept entry's file")]))
    report = _report_with_file(org)
    files_out, db_out = tmp_path / "files.aigaqbak", tmp_path / "db.aigaqbak"
    call_command("backup", "--files", "-o", str(files_out))
    erasure.case_erase(actor=cora, case=erased)
    abuse.entry_delete(actor=alice, entry=entry)
    reports.report_delete(report=report)
    call_command("backup", "-o", str(db_out))  # the newer database knows what was destroyed
    _lose_the_disk()

    call_command("restore", str(db_out))
    call_command("restore", "--files", str(files_out))
    files = _data_dir() / "files"
    assert not (files / erased.code).exists()
    assert not (files / f"abuse-{entry.code}").exists()
    assert not (_data_dir() / "report-files" / report.code).exists()
    assert (files / f"abuse-{kept_entry.code}").is_dir()
    download = client_for(cora).get(f"/cases/{kept.code}/evidence/{kept_item.code}/")
    assert download.status_code == 200 and download.content == b"kept statement"


def test_a_backup_of_another_kind_is_refused_with_how_to_restore_it(alice: User, tmp_path: Path) -> None:
    case = secret_case(alice)
    evidence_add(actor=alice, case=case, filename="statement.txt", data=STATEMENT)
    db_out, keys_out, files_out = (tmp_path / n for n in ("db.aigaqbak", "keys.aigaqbak", "files.aigaqbak"))
    call_command("backup", "-o", str(db_out))
    call_command("backup", "--key-store", "-o", str(keys_out))
    call_command("backup", "--files", "-o", str(files_out))
    _lose_the_disk()
    for wrong in (db_out, keys_out):
        with pytest.raises(CommandError, match="not a files backup"):
            call_command("restore", "--files", str(wrong))
    with pytest.raises(CommandError, match="restore it with --files"):
        call_command("restore", str(files_out))
    with pytest.raises(CommandError, match="restore it with --files"):
        call_command("restore", "--key-store", str(files_out))
    assert not (_data_dir() / "files").exists()  # nothing was written
    assert Case.objects.filter(code=case.code).exists()


def test_a_files_backup_cannot_write_outside_the_file_store(alice: User, tmp_path: Path) -> None:
    case = secret_case(alice)
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo(f"files/{case.code}/../../escaped")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    archive.seek(0)
    forged = tmp_path / "forged.aigaqbak"
    backup._seal_to(forged, "files", archive)
    with pytest.raises(CommandError, match="not a file of the file store"):
        call_command("restore", "--files", str(forged))
    assert not (_data_dir() / "escaped").exists() and not (_data_dir() / "files" / "escaped").exists()


def test_a_files_backup_opens_only_with_its_own_key_file(alice: User, tmp_path: Path) -> None:
    case = secret_case(alice)
    evidence_add(actor=alice, case=case, filename="statement.txt", data=STATEMENT)
    files_out = tmp_path / "files.aigaqbak"
    backup.backup_files(files_out)
    blob = bytearray(files_out.read_bytes())
    blob[-20] ^= 1
    files_out.write_bytes(bytes(blob))
    _lose_the_disk()
    with pytest.raises(backup.BackupError):
        backup.restore_files(files_out, wanted={("files", case.code)})
    assert not (_data_dir() / "files").exists()
