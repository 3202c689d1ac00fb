"""`aigaq worker`: the task queue's worker (aigaq.worker). It runs the web imports and the periodic
jobs (matching's due re-fits every $AIGAQ_MATCHING_REFIT_SECONDS, the network sync every
$AIGAQ_NETWORK_SYNC_SECONDS, the purge of unimported sheets every 5 minutes) until SIGTERM or
Ctrl+C, letting a running task finish. `aigaq serve` starts one beside the web server unless
AIGAQ_SERVE_WORKER=0 (then run this one on its own: deploy/aigaq-worker.service)."""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from aigaq import worker


class Command(BaseCommand):
    help = "Run the task queue's worker: web imports, matching re-fits, network sync, upload purge"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--poll", type=float, default=worker.POLL_SECONDS,
                            help="seconds between looks at the queue when it is empty (default %(default)s)")
        parser.add_argument("--once", action="store_true",
                            help="enqueue the periodic jobs that are due, run every ready task, and exit")
        parser.add_argument("--migrate", action="store_true", help="apply pending migrations first")
        parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)  # aigaq serve: stop when it is gone

    def handle(self, *args: Any, **options: Any) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        logging.getLogger("aigaq").setLevel(logging.INFO)
        if options["once"]:
            worker.enqueue_due()
            worker.run_ready()
            return
        names = ", ".join(f"{job.name.rsplit('.', 1)[-1]} every {job.interval():g} s"
                          for job in worker.periodic_jobs() if job.interval() > 0) or "none"
        self.stdout.write(f"Aigaq's worker is running (periodic jobs: {names}; Ctrl+C to stop)")
        self.stdout.flush()
        parent = options["parent"]
        worker.run_forever(poll=options["poll"], stop=(lambda: os.getppid() != parent) if parent else lambda: False)
