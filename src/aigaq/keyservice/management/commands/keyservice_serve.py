"""`aigaq network keyservice serve`: migrate the key service's database and serve its API with
waitress on 127.0.0.1 (behind a TLS proxy), after checking that `init` made its secrets."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.keyservice import keyfiles, selectors
from aigaq.peers.files import SecretFileError

DEFAULT_PORT = 8100


class Command(BaseCommand):
    help = f"Serve the key service on 127.0.0.1:$AIGAQ_PORT (default {DEFAULT_PORT}) with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("AIGAQ_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("AIGAQ_PORT", str(DEFAULT_PORT))))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("AIGAQ_THREADS", "4")))

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.wsgi import get_wsgi_application
        from waitress import serve

        try:  # fail now, not on the first request
            keyfiles.identity()
        except SecretFileError as exc:
            raise CommandError(f"{exc} (run `aigaq network keyservice init` first)") from exc
        call_command("migrate", interactive=False, verbosity=0)
        if not selectors.hub_trusted():
            self.stdout.write("No hub is trusted yet: no member can be registered until "
                              "`aigaq network keyservice trust-hub HUB-PUBLIC-KEY`.")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"The key service is serving on {url} (Ctrl+C to stop)")
        self.stdout.flush()
        serve(get_wsgi_application(), host=options["host"], port=options["port"], threads=options["threads"],
              ident="aigaq-keyservice", clear_untrusted_proxy_headers=True)
