"""`aigaq manage retention`: erase cases closed more than AIGAQ_RETENTION_YEARS ago."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from aigaq.cases import erasure


class Command(BaseCommand):
    help = "Erase (crypto-shred) every case closed more than AIGAQ_RETENTION_YEARS years ago. Logged."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count the cases that are due")

    def handle(self, *args: Any, **options: Any) -> None:
        years = settings.RETENTION_YEARS
        if years <= 0:
            self.stdout.write("AIGAQ_RETENTION_YEARS is not set: no case is erased for its age.")
            return
        if options["dry_run"]:
            due = len(erasure.retention_due())
            self.stdout.write(f"{due} cases were closed more than {years} years ago.")
            return
        erased = erasure.retention_erase()
        self.stdout.write(f"Erased {len(erased)} cases closed more than {years} years ago.")
