"""`aigaq manage relink`: rebuild every suspect's encoding, refit the weights with the reviewed
pairs as labels, and raise the alerts again. Decisions are kept; a rejected pair stays rejected."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from aigaq.accounts.models import Organisation
from aigaq.matching.relink import relink


class Command(BaseCommand):
    help = "Rebuild match alerts from all suspects whose survivor consented to matching."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", help="only this organisation (its code)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        orgs = None
        if options["organisation"]:
            orgs = list(Organisation.objects.filter(code=options["organisation"]))
            if not orgs:
                self.stderr.write("no organisation has that code")
                sys.exit(2)
        bars: dict[str, tqdm[Any]] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None or bar.total != total or done < bar.n:
                if bar is not None:
                    bar.close()
                bar = bars[stage] = tqdm(
                    total=total, desc=stage, unit="", file=sys.stderr, leave=False, disable=options["quiet"]
                )
            bar.update(done - bar.n)

        summary = relink(organisations=orgs, progress=progress)
        for bar in bars.values():
            bar.close()
        self.stdout.write(
            f"{summary.organisations} organisations, {summary.suspects} suspects taking part, "
            f"{summary.candidate_pairs} candidate pairs scored, {summary.alerts_open} alerts to review"
        )
