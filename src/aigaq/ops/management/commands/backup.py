"""`aigaq backup -o FILE` (the database), `aigaq backup --key-store -o FILE` (the case keys) and
`aigaq backup --files -o FILE` (the encrypted file store: evidence, survivors' report files, the
abuse log's files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.ops import backup


class Command(BaseCommand):
    help = ("Write an encrypted, consistent backup of the database (or, with --key-store, of the case keys, "
            "to keep apart from database backups; with --files, of the encrypted file store: evidence, "
            "survivors' report files, the abuse log's files). Needs the key file to restore.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", type=Path, required=True, help="the backup file to create")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--key-store", action="store_true",
                          help="back up the case key store instead of the database")
        kind.add_argument("--files", action="store_true",
                          help="back up the encrypted file store instead of the database (make it right "
                               "after the database backup)")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["output"]
        kind = "keys" if options["key_store"] else "files" if options["files"] else "database"
        # Logged first, so the database backup itself shows that it was made.
        record(actor=None, action=Action.BACKUP_MADE, extra={"kind": kind})
        try:
            if options["key_store"]:
                header, count = backup.backup_key_store(out)
                self.stdout.write(f"Wrote {count} case keys to {out} (backup {header['id']}). Keep it apart "
                                  "from database backups, and only for a short time: see docs/crypto.md.")
            elif options["files"]:
                header, count, size = backup.backup_files(out)
                self.stdout.write(f"Wrote {count} stored files ({size} bytes, each still encrypted under its "
                                  f"case's key) to {out} (backup {header['id']}). Restore it after the "
                                  "database and the key store.")
            else:
                header = backup.backup_database(out)
                self.stdout.write(f"Wrote the {header['engine']} database to {out} (backup {header['id']}, "
                                  f"{out.stat().st_size} bytes). It holds no key: back up the key file and "
                                  "the key store (--key-store) separately, and the files (--files).")
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
