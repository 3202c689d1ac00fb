"""`aigaq restore FILE`: bring back a database backup (stop the server first), or with
--key-store a key-store backup, minus the keys of cases erased (and of survivors' reports and abuse
log entries deleted) since it was made, or with --files a files backup, minus the files of those."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.abuse.models import AbuseEntry
from aigaq.audit.log import record
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import erasure
from aigaq.cases.models import Case
from aigaq.keys.store import abuse_key_name, case_codes_with_keys, report_key_name
from aigaq.ops import backup
from aigaq.reports.models import Report


class Command(BaseCommand):
    help = ("Restore a backup made by `aigaq backup`. Stop the server first. Restore the database "
            "first, then the key store (--key-store), then the files (--files), then, if asked, --purge-keyless.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?", help="the backup file")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--key-store", action="store_true", help="the file is a key-store backup")
        kind.add_argument("--files", action="store_true",
                          help="the file is a files backup (restore the database first: it says which files to keep)")
        parser.add_argument("--purge-keyless", action="store_true",
                            help="delete cases whose key is not in the key store (erased since the backup)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"]
        try:
            if path is not None and options["key_store"]:
                self._keys(path)
            elif path is not None and options["files"]:
                self._files(path)
            elif path is not None:
                self._database(path)
            elif options["key_store"] or options["files"] or not options["purge_keyless"]:
                raise CommandError("name a backup file, or give --purge-keyless")
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["purge_keyless"]:
            purged = erasure.keyless_cases_purge()
            self.stdout.write(f"Deleted {len(purged)} cases that had no key (erased since the backup).")

    def _database(self, path: Path) -> None:
        header = backup.restore_database(path)
        record(actor=None, action=Action.BACKUP_RESTORED, extra={"kind": "database", "backup": header["id"]})
        keyless = set(Case.objects.values_list("code", flat=True)) - case_codes_with_keys()
        self.stdout.write(f"Restored the database from backup {header['id']} of {header['created']}.")
        if keyless:
            self.stdout.write(
                f"{len(keyless)} cases have no key in the key store: they were erased after this backup "
                "was made (or the key store is not restored yet) and cannot be read. Restore the key store "
                "if you have to, then run `aigaq restore --purge-keyless` to delete them."
            )

    def _keys(self, path: Path) -> None:
        cases, reports, entries = _erased()
        erased = cases | {report_key_name(code) for code in reports} | {abuse_key_name(code) for code in entries}
        # Reports sealed since (or before and never released): the backup may hold the server's
        # wrap of their key, which must not come back; her own wrap is restored.
        sealed = frozenset(report_key_name(code) for code in Report.objects.filter(
            key_wrap=Report.KeyWrap.SURVIVOR).values_list("code", flat=True))
        header, count = backup.restore_key_store(path, erased=erased, sealed=sealed)
        record(actor=None, action=Action.BACKUP_RESTORED, extra={"kind": "keys", "backup": header["id"]})
        self.stdout.write(f"Restored {count} case keys from backup {header['id']} of {header['created']}; "
                          f"keys of cases erased since were left out.")

    def _files(self, path: Path) -> None:
        # Only the folders of cases, reports and abuse log entries that the restored database holds
        # and has not erased or deleted since: the others' files could not be opened or belong to
        # nothing, and an erased case's evidence must not come back.
        cases, reports, entries = _erased()
        wanted = {("files", code) for code in set(Case.objects.values_list("code", flat=True)) - cases}
        wanted |= {("files", f"abuse-{code}")
                   for code in set(AbuseEntry.objects.values_list("code", flat=True)) - entries}
        wanted |= {("report-files", code) for code in set(Report.objects.values_list("code", flat=True)) - reports}
        header, restored, left_out = backup.restore_files(path, wanted=wanted)
        record(actor=None, action=Action.BACKUP_RESTORED, extra={"kind": "files", "backup": header["id"]})
        self.stdout.write(f"Restored {restored} stored files from backup {header['id']} of {header['created']}; "
                          f"left out {left_out} of cases erased, reports or abuse log entries deleted, or "
                          "records this database does not hold.")


def _erased() -> tuple[set[str], set[str], set[str]]:
    """What the audit log of the (already restored) database says was destroyed: the codes of the
    cases erased, of the survivors' reports deleted and of the abuse log entries deleted."""
    cases = set(AuditEntry.objects.filter(
        action__in=(Action.CASE_ERASED, Action.RETENTION_ERASED)).values_list("case_code", flat=True))
    reports = set(AuditEntry.objects.filter(action=Action.REPORT_DELETED).values_list("object_code", flat=True))
    entries = set(AuditEntry.objects.filter(
        action=Action.ABUSE_ENTRY_DELETED).values_list("object_code", flat=True))
    return cases, reports, entries
