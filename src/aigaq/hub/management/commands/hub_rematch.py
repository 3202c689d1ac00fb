"""`aigaq network hub rematch`: match every encoding again (after a refit of the model)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from aigaq.hub.models import Encoding
from aigaq.hub.services import rematch_all


class Command(BaseCommand):
    help = ("Match every encoding the hub holds again, as if every member had synced every suspect: run it "
            "after the hub's scoring model changed (an upgrade with a refit) or to bring the token counts of "
            "old alerts up to date. Alerts open, follow and close as usual; a second run changes nothing. "
            "About 3 ms an encoding (docs/benchmarks.md, \"Network\"); members may keep syncing meanwhile.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        with tqdm(total=Encoding.objects.count(), desc="re-matching", unit="ref", file=sys.stderr,
                  disable=None) as bar:
            changes = rematch_all(progress=bar.update)
        self.stdout.write(f"alerts: {changes.opened} opened, {changes.updated} updated, {changes.closed} closed")
