"""`aigaq network hub invite NAME [--days 7]`: an invitation for one organisation to join."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.hub.models import KeyService
from aigaq.hub.services import INVITATION_DAYS, invitation_issue
from aigaq.hub.wire import MAX_NAME


class Command(BaseCommand):
    help = ("Create an invitation for the organisation NAME (the name other members will see). "
            "The code is printed once; the hub keeps only its hash.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the organisation's name, as other members will see it")
        parser.add_argument("--days", type=int, default=INVITATION_DAYS, help="days until it expires (default 7)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name or len(name) > MAX_NAME:
            raise CommandError(f"the name must be 1 to {MAX_NAME} characters")
        if not 1 <= options["days"] <= 365:
            raise CommandError("--days must be from 1 to 365")
        call_command("migrate", interactive=False, verbosity=0)
        invitation, code = invitation_issue(name=name, days=options["days"])
        self.stdout.write(f"Invitation for {name}, valid until {invitation.expires_at:%Y-%m-%d %H:%M %Z} "
                          "(one use; shown only now):")
        self.stdout.write(code)
        self.stdout.write("The organisation joins with: aigaq network join HUB_URL CODE")
        if not KeyService.objects.exists():
            self.stderr.write("The hub has no key service yet: run `aigaq network hub init --keyservice URL` "
                              "before anyone joins.")
