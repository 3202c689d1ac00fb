"""`aigaq network hub remove NAME_OR_ID [--yes]`: remove a member from the network."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from aigaq.hub.models import Member
from aigaq.hub.services import member_remove


def _listed(members: list[Member]) -> str:
    return "\n".join(f"  {m.code}  {m.name} ({m.city or '-'}), joined {m.joined_at:%Y-%m-%d}"
                     + (f", removed {m.removed_at:%Y-%m-%d}" if m.removed_at else "") for m in members)


class Command(BaseCommand):
    help = ("Remove a member (its signing key leaked, it left the network, or it probed other members): "
            "its suspects' encodings are deleted, its open alerts close for the other members with the "
            "reason a withdrawn suspect gives, and every later request signed with its key is refused. "
            "Then ask the key service's operator to run `aigaq network keyservice remove ID`.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("member", metavar="NAME_OR_ID",
                            help="the member's id (as `aigaq network hub status --members` lists it) or its name")
        parser.add_argument("--yes", action="store_true", help="remove it (without --yes, only say what would go)")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        wanted = options["member"].strip()
        found = list(Member.objects.filter(Q(code=wanted) | Q(name=wanted)).order_by("joined_at"))
        if not found:
            known = list(Member.objects.order_by("joined_at")[:50])
            raise CommandError(f"no member with the id or name {wanted!r}; members:\n{_listed(known) or '  (none)'}")
        if len(found) > 1:
            raise CommandError(f"several members are named {wanted!r}: give the id of one\n{_listed(found)}")
        [member] = found
        if member.removed_at is not None:
            self.stdout.write(f"member {member.code} ({member.name}) was already removed on "
                              f"{member.removed_at:%Y-%m-%d}; nothing to do")
            return
        if not options["yes"]:
            refs = member.encodings.count()
            self.stdout.write(f"would remove member {member.code} ({member.name}, {member.city or '-'}): "
                              f"{refs} encodings deleted, its open alerts closed, its key refused. "
                              "Run again with --yes to remove it.")
            return
        removed = member_remove(member=member)
        self.stdout.write(f"removed member {member.code} ({member.name}): {removed.refs} encodings deleted, "
                          f"{removed.changes.closed} alerts closed")
        self.stdout.write(f"Now ask the key service's operator to run: aigaq network keyservice remove {member.code}")
