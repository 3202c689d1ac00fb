"""`aigaq manage matching_refit`: run every due re-fit of the matching weights once, then exit."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter

from aigaq.accounts.models import Organisation
from aigaq.matching.refit import CLAIM_EXPIRES, DEFAULT_INTERVAL, FAILED, INTERVAL_SETTING, refits_run


class _Formatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's ordering of the options, with the description's paragraphs kept as written."""


class Command(BaseCommand):
    help = f"""\
Re-fit the matching weights of every organisation that is due one, one after the other, then exit.

A re-fit falls due when coordinators have made 10 review decisions since the weights were last
fitted, or at the first decision before any fit (an "unsure" alone makes none due). The review
only records that; the fit (5-6 s at 100,000 suspects) runs here or in `aigaq worker` (which
`aigaq serve` starts), which checks every ${INTERVAL_SETTING} seconds (default
{DEFAULT_INTERVAL}; 0 turns the check off).
Alerts are scored with the previous weights until the new ones are stored.

Run this from a cron job or a systemd timer when the worker runs with
{INTERVAL_SETTING}=0, or by hand. It prints a line for each organisation and exits 0
when every re-fit succeeded or nothing was due, 1 when one failed (see the log). A re-fit that
another worker is running is skipped; a failed one is tried again {CLAIM_EXPIRES.seconds // 60} minutes later.

Example, in the crontab of the user `aigaq` (every 5 minutes; a systemd timer is in docs/deploy.md):
  */5 * * * * env $(cat /etc/aigaq/env) /opt/aigaq/venv/bin/aigaq manage matching_refit --quiet
"""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(prog_name, subcommand, formatter_class=_Formatter, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="print only failures and the summary of work done")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["quiet"]
        names: dict[int, str] = {}

        def report(k: int, total: int, org_id: int, outcome: str, seconds: float) -> None:
            if quiet and outcome != FAILED:
                return
            if not names:
                names.update(Organisation.objects.values_list("id", "name"))
            name = names.get(org_id, f"#{org_id}")
            self.stdout.write(f"[{k}/{total}] {name}: {outcome} ({seconds:.1f} s)")

        summary = refits_run(report)
        if not summary.due:
            if not quiet:
                self.stdout.write("no re-fit due")
            return
        if not quiet or summary.done or summary.failed:
            self.stdout.write(
                f"{summary.done} re-fitted, {summary.failed} failed, {summary.skipped} skipped of {summary.due} due"
            )
        if summary.failed:
            sys.exit(1)
