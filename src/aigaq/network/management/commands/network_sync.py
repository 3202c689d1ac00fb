"""`aigaq network sync`: one sync with the network now (`aigaq serve` also syncs in the background)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.network import queue
from aigaq.network.models import NetworkConfig
from aigaq.network.sync import network_sync


class Command(BaseCommand):
    help = (
        "Send the hub what changed since the last sync (deletes, then new and changed consenting "
        "suspects as keyed tokens) and fetch this member's network alerts. Exits 1 when the run stopped "
        "on an error; what was not sent stays queued for the next run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true",
                            help="send every taking-part suspect again (after restoring a backup, or a rotation "
                                 "of the network's key)")

    def handle(self, *args: Any, **options: Any) -> None:
        config = NetworkConfig.current()
        if options["all"] and config is not None:
            queue.all_enqueue(config.organisation_id)
        result = network_sync()
        if not result.joined:
            raise CommandError("this instance has not joined a network (`aigaq network join HUB_URL INVITATION`)")
        summary = (f"{result.deleted} deleted, {result.uploaded} uploaded, "
                   f"{result.alerts} alerts ({result.new_alerts} new)")
        if result.skipped:
            summary += f", {len(result.skipped)} could not be read (left queued)"
        if result.error:
            wait = f"; retry after {result.retry_after} s" if result.retry_after else ""
            raise CommandError(f"sync stopped: {result.error}{wait} ({summary} before that; the rest stays queued)")
        self.stdout.write(f"synced: {summary}")
