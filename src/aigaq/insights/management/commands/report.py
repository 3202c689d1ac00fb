"""`aigaq report --period 2025 --lang kk -o report.pdf [--organisation CODE] [--region KZ-75] [--map STEP]`"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from aigaq import reference
from aigaq.accounts.models import Organisation
from aigaq.insights.figures import FUNNEL_STEPS
from aigaq.insights.filters import BREAKDOWNS, Filter, parse_period
from aigaq.insights.report import REPORT_LANGUAGES
from aigaq.insights.services import report_print


class Command(BaseCommand):
    help = "Print the insights report as a PDF (Kazakh, Russian or English)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            required=True,
            help="a year (2025), a range of years (2024-2025) or dates (2025-01-01..2025-06-30)",
        )
        parser.add_argument("--lang", default="kk", help="kk, ru or en (default kk)")
        parser.add_argument("-o", "--output", required=True, help="where to write the PDF")
        parser.add_argument("--organisation", default="", help="an organisation's code (default: every organisation)")
        parser.add_argument("--region", default="", help="a region code such as KZ-75 (default: every region)")
        parser.add_argument("--by", default="year", help="break down by year, region, area or gbv_type")
        parser.add_argument(
            "--map",
            default=FUNNEL_STEPS[0],
            help=f"the funnel step the map of the regions is coloured by: {', '.join(FUNNEL_STEPS)} (default incident)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The command speaks English, as its --help and argparse's own errors do, whatever the
        # server's default language; only the PDF is in --lang (render_report switches to it).
        with translation.override("en"):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        try:
            since, until = parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        lang = options["lang"]
        if lang not in REPORT_LANGUAGES:
            raise CommandError(f"--lang must be kk, ru or en, not {lang!r}")
        if options["by"] not in dict(BREAKDOWNS):
            raise CommandError(f"--by must be one of {', '.join(dict(BREAKDOWNS))}, not {options['by']!r}")
        if options["map"] not in FUNNEL_STEPS:
            raise CommandError(f"--map must be one of {', '.join(FUNNEL_STEPS)}, not {options['map']!r}")
        region = options["region"]
        if region and reference.region(region) is None:
            raise CommandError(f"unknown region {region!r}: use a code such as KZ-75")
        organisations = Organisation.objects.order_by("name")
        if options["organisation"]:
            organisations = organisations.filter(code=options["organisation"])
            if not organisations:
                raise CommandError(f"no organisation has the code {options['organisation']!r}")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"the folder {output.parent} does not exist")
        f = Filter(
            organisations=tuple(organisations),
            since=since,
            until=until,
            region=reference.region(region).code if region else "",  # type: ignore[union-attr]
            by=options["by"],
        )
        pdf = report_print(f=f, lang=lang, figure=options["map"])
        output.write_bytes(pdf)
        self.stdout.write(f"{output} ({len(pdf) // 1024} KiB, {lang}, {f.period_label()})")
