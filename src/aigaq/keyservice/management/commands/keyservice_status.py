"""`aigaq network keyservice status`: whether the service is set up, and each member's counts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from aigaq.keyservice import keyfiles, limits, selectors


class Command(BaseCommand):
    help = "Print whether the key service is set up and how many values each member had evaluated."

    def handle(self, *args: Any, **options: Any) -> None:
        configured = limits.current()
        self.stdout.write(f"OPRF seed:   {'present' if keyfiles.seed_path().exists() else 'MISSING (run init)'}")
        self.stdout.write(f"Hub trusted: {'yes' if selectors.hub_trusted() else 'no (run trust-hub)'}")
        self.stdout.write(f"Limits:      {configured.per_hour} an hour, {configured.per_day} a day, "
                          f"{configured.max_batch} a request")
        usage = selectors.member_usage()
        if not usage:
            self.stdout.write("No members registered.")
            return
        self.stdout.write(f"{'member':<32}  {'registered':<10}  {'this hour':>9}  {'24 hours':>9}  {'total':>10}")
        for row in usage:
            self.stdout.write(f"{row.member:<32}  {row.registered_at:%Y-%m-%d}  {row.last_hour:>9}  "
                              f"{row.last_day:>9}  {row.total:>10}")
