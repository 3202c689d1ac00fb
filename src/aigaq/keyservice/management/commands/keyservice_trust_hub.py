"""`aigaq network keyservice trust-hub PUBLIC_KEY`: the hub whose requests register members."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.keyservice import services, wire


class Command(BaseCommand):
    help = "Trust the hub's signing public key (printed by `aigaq network hub init`) to register members."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("public_key", help="the hub's signing public key (unpadded urlsafe base64)")
        # One key in 64 starts with "-" (urlsafe base64), which argparse would take for an option:
        # a lone 43-character word is always the key, so it is passed after "--".
        parse_args = parser.parse_args

        def parse_key_first(args: Any = None, namespace: Any = None) -> Any:
            words = [str(a) for a in (args or [])]
            keys = [w for w in words if len(w) == 43 and w.startswith("-")]
            if keys and "--" not in words:
                words = [w for w in words if w not in keys] + ["--", *keys]
            return parse_args(words, namespace)

        parser.parse_args = parse_key_first  # type: ignore[method-assign]

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            public_key = wire.public_key(options["public_key"].strip())
        except wire.BadRequest as exc:
            raise CommandError("that is not a signing public key (43 characters of urlsafe base64)") from exc
        registration = services.hub_trust(public_key=public_key)
        said = {"new": "The key service now trusts the hub",
                "key_changed": "The key service now trusts the hub's new key (the old one no longer works)",
                "same": "The key service already trusted this hub key"}[registration.change]
        self.stdout.write(f"{said}: {public_key}. Only requests it signs can register members.")
