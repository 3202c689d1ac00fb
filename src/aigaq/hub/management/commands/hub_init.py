"""`aigaq network hub init --keyservice URL`: the hub's signing key, its database, its key service."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.hub.files import SecretFileError
from aigaq.hub.identity import signing_key_ensure, signing_key_path
from aigaq.hub.services import keyservice_configure
from aigaq.lib.crypto.signing import public_key_of
from aigaq.lib.netproto import NetworkError


class Command(BaseCommand):
    help = ("Set up the hub: create its signing key (once), migrate its database, and fetch the key "
            "service's identity from URL. Prints the hub's public key for `keyservice trust-hub`.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keyservice", required=True, metavar="URL", help="the key service's base URL")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key, created = signing_key_ensure()
        except SecretFileError as exc:
            raise CommandError(str(exc)) from exc
        call_command("migrate", interactive=False, verbosity=0)
        try:
            service = keyservice_configure(url=options["keyservice"])
        except NetworkError as exc:
            raise CommandError(f"the key service at {options['keyservice']} did not answer as one: {exc}") from exc
        public = public_key_of(key)
        verb = "Created" if created else "Kept"
        self.stdout.write(f"{verb} the hub's signing key {signing_key_path()} (mode 0600).")
        self.stdout.write(f"Key service: {service.url} (OPRF public key {service.oprf_public_key}).")
        self.stdout.write(f"The hub's signing public key: {public}")
        self.stdout.write("On the key service, run:")
        self.stdout.write(f"    aigaq network keyservice trust-hub {public}")
