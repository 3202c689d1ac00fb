"""`aigaq network keyservice init`: the network's OPRF seed and this service's signing key (mode
0600, never overwritten), its database, and the public keys to give the hub."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.keyservice import keyfiles, wire
from aigaq.lib.crypto.signing import public_key_of
from aigaq.peers.files import SecretFileError


class Command(BaseCommand):
    help = ("Create the key service's OPRF seed and signing key in AIGAQ_DATA_DIR (mode 0600), migrate its "
            "database and print its public keys.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-missing", action="store_true",
                            help="keep the files that exist (create only what is missing) instead of refusing")

    def handle(self, *args: Any, **options: Any) -> None:
        existing = [p for p in (keyfiles.seed_path(), keyfiles.signing_key_path()) if p.exists()]
        if existing and not options["if_missing"]:
            raise CommandError(
                f"{existing[0]} already exists; it is never overwritten (a new OPRF seed would make every token on "
                "the hub worthless, a new signing key would break the hub's trust). Use --if-missing to keep it.")
        try:
            holder = keyfiles.key_holder(create=True)
            signing_key = keyfiles.signing_key(create=True)
        except SecretFileError as exc:
            raise CommandError(str(exc)) from exc
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            f"The key service's secrets are in {keyfiles.seed_path().parent} ({keyfiles.SEED_FILE}, "
            f"{keyfiles.SIGNING_KEY_FILE}; mode 0600).\n"
            f"Back up {keyfiles.SEED_FILE} offline: without it every member's tokens have to be made again.\n"
            f"OPRF public key:    {wire.b64(holder.public_key)}\n"
            f"Signing public key: {public_key_of(signing_key)}\n"
            "On the hub, run:    aigaq network hub init --keyservice URL-OF-THIS-SERVICE\n"
            "                    (it fetches the keys above from /v1/identity: check that they match)\n"
            "Then, here:         aigaq network keyservice trust-hub HUB-PUBLIC-KEY  (the key the hub prints)"
        )
