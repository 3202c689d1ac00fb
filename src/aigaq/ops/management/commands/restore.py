"""`aigaq restore FILE`: bring back a database backup (stop the server first), or with
--key-store a key-store backup, minus the keys of cases erased (and of survivors' reports and abuse
log entries deleted) since it was made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.audit.log import record
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import erasure
from aigaq.cases.models import Case
from aigaq.keys.store import abuse_key_name, case_codes_with_keys, report_key_name
from aigaq.ops import backup
from aigaq.reports.models import Report


class Command(BaseCommand):
    help = ("Restore a backup made by `aigaq backup`. Stop the server first. Restore the database "
            "first, then the key store (--key-store), then, if asked, --purge-keyless.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?", help="the backup file")
        parser.add_argument("--key-store", action="store_true", help="the file is a key-store backup")
        parser.add_argument("--purge-keyless", action="store_true",
                            help="delete cases whose key is not in the key store (erased since the backup)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"]
        try:
            if path is not None and options["key_store"]:
                self._keys(path)
            elif path is not None:
                self._database(path)
            elif not options["purge_keyless"]:
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
        # The audit log of the (already restored) database says which cases were erased since.
        erased = set(AuditEntry.objects.filter(
            action__in=(Action.CASE_ERASED, Action.RETENTION_ERASED)).values_list("case_code", flat=True))
        # Survivors' reports she deleted since: their keys stay destroyed too.
        erased |= {report_key_name(code) for code in AuditEntry.objects.filter(
            action=Action.REPORT_DELETED).values_list("object_code", flat=True)}
        # Abuse log entries deleted since: theirs too.
        erased |= {abuse_key_name(code) for code in AuditEntry.objects.filter(
            action=Action.ABUSE_ENTRY_DELETED).values_list("object_code", flat=True)}
        # Reports sealed since (or before and never released): the backup may hold the server's
        # wrap of their key, which must not come back; her own wrap is restored.
        sealed = frozenset(report_key_name(code) for code in Report.objects.filter(
            key_wrap=Report.KeyWrap.SURVIVOR).values_list("code", flat=True))
        header, count = backup.restore_key_store(path, erased=erased, sealed=sealed)
        record(actor=None, action=Action.BACKUP_RESTORED, extra={"kind": "keys", "backup": header["id"]})
        self.stdout.write(f"Restored {count} case keys from backup {header['id']} of {header['created']}; "
                          f"keys of cases erased since were left out.")
