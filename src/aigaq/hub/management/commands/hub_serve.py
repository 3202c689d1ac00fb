"""`aigaq network hub serve [--port N]`: migrate the hub's database and serve the Hub API with
waitress on 127.0.0.1 (a reverse proxy in front terminates TLS: docs/deploy.md)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

DEFAULT_PORT = 8001


class Command(BaseCommand):
    help = "Serve the hub on 127.0.0.1:$AIGAQ_PORT (default 8001; 0: any free port) with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("AIGAQ_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("AIGAQ_PORT", str(DEFAULT_PORT))))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("AIGAQ_THREADS", "4")))

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.wsgi import get_wsgi_application
        from waitress import create_server

        call_command("migrate", interactive=False, verbosity=0)
        server = create_server(get_wsgi_application(), host=options["host"], port=options["port"],
                               threads=options["threads"], ident="aigaq-hub", clear_untrusted_proxy_headers=True)
        # The real port (for --port 0), on one flushed line, for whoever started the process.
        self.stdout.write(f"The hub is serving on http://{options['host']}:{server.effective_port}/ (Ctrl+C to stop)")
        self.stdout.flush()
        server.run()
