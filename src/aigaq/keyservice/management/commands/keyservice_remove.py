"""`aigaq network keyservice remove MEMBER_ID`: stop evaluating for a member."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.keyservice import services, wire


class Command(BaseCommand):
    help = ("Remove a member: its evaluation requests are refused from now on and the hub cannot register it "
            "again. MEMBER_ID is the id `aigaq network hub remove` printed (also in `aigaq network keyservice "
            "status`). Its counts stay for the record.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("member", metavar="MEMBER_ID", help="the member's id, as the hub names it")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        member = options["member"].strip()
        if not member or len(member) > 32 or member == wire.HUB:
            raise CommandError("give a member's id (at most 32 characters; not the hub): see "
                               "`aigaq network keyservice status`")
        removal = services.member_remove(member=member)
        if removal.already_removed:
            self.stdout.write(f"member {member} was already removed; nothing changed")
        elif removal.was_registered:
            self.stdout.write(f"removed member {member}: its requests are refused from now on")
        else:
            self.stdout.write(f"member {member} was not registered here; it is refused from now on all the same")
