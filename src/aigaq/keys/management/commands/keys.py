"""`aigaq keys init` and `aigaq keys rotate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.keys import store as keys
from aigaq.keys.store import forget_keyring
from aigaq.lib import crypto


class Command(BaseCommand):
    help = ("Manage the key file: `init` creates it (mode 0600), "
            "`rotate` re-wraps every case key in the key store under a new key.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["init", "rotate", "path"])
        parser.add_argument("--key-file", type=Path, default=None,
                            help="the key file (default: $AIGAQ_KEY_FILE or the per-data-directory default)")
        parser.add_argument("--if-missing", action="store_true", help="with init: do nothing if the file exists")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["key_file"] or Path(settings.KEY_FILE)
        if options["action"] == "path":
            self.stdout.write(str(path))
        elif options["action"] == "init":
            if path.exists():
                if options["if_missing"]:
                    crypto.load_key_file(path)  # still refuse an unsafe one
                    return
                raise CommandError(
                    f"{path} already exists; it holds the keys to existing data, so it is never overwritten"
                )
            crypto.generate_key_file(path)
            self.stdout.write(f"Created the key file {path} (mode 0600). Back it up separately from the data.")
        else:
            self._rotate(path)

    def _rotate(self, path: Path) -> None:
        try:
            old = crypto.load_key_file(path)
        except crypto.KeyFileError as exc:
            raise CommandError(str(exc)) from exc
        ring = crypto.add_primary_kek(path)
        forget_keyring()
        total = len(keys.case_codes_with_keys())
        done = sum(1 for _ in tqdm(keys.rewrap_all(ring), total=total, desc="re-wrapping case keys",
                                   unit="case", disable=None))
        if keys.wrapped_key_ids() - {ring.primary_id}:
            raise CommandError("some case keys are still wrapped under an old key; the old keys were kept")
        for kek_id in old.keks:
            ring = crypto.retire_kek(path, kek_id)
        forget_keyring()
        record(actor=None, action=Action.KEYS_ROTATED, extra={"cases": done, "kek": ring.primary_id})
        self.stdout.write(f"Re-wrapped {done} case keys under the new key {ring.primary_id}; "
                          "old keys retired.")
