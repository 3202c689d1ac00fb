"""`aigaq serve` (and `aigaq manage serve`): migrate if needed, start the matching re-fit thread and
the network sync thread, and serve with waitress, a production WSGI server."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from aigaq.ops.serving import proxy_options


class Command(BaseCommand):
    help = "Serve Aigaq on 127.0.0.1:$AIGAQ_PORT (default 8000) with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("AIGAQ_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("AIGAQ_PORT", "8000")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("AIGAQ_THREADS", "8")))
        parser.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations first")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # Imported after collectstatic: WhiteNoise indexes the static files when the app is built.
        # Due re-fits of the matching weights and the network sync run beside the requests, never
        # in them; started after the migrations, so their first runs find the tables they need.
        from aigaq.imports.background import start_purge_thread
        from aigaq.matching.refit import start_refit_thread
        from aigaq.network.background import start_sync_thread
        from aigaq.wsgi import application

        start_refit_thread()
        start_sync_thread()
        start_purge_thread()  # uploaded sheets not imported within the hour
        url = f"http://{options['host']}:{options['port']}/"
        proxy = settings.TRUSTED_PROXY
        behind = f", believing X-Forwarded-For/-Proto from {proxy} only" if proxy else ""
        if not proxy and not settings.DEV and settings.SECURE_SSL_REDIRECT:
            self.stderr.write("AIGAQ_TRUSTED_PROXY is not set: behind nginx every request will look like plain HTTP "
                              "and be redirected again (docs/deploy.md, \"Behind nginx\")")
        self.stdout.write(f"Aigaq is serving on {url}{behind} (Ctrl+C to stop)")
        self.stdout.flush()
        serve(application, host=options["host"], port=options["port"], threads=options["threads"],
              ident="aigaq", **proxy_options(proxy))
