"""`aigaq network hub status`: how many members, encodings and alerts the hub holds."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from aigaq.hub.models import Member
from aigaq.hub.selectors import hub_counts


class Command(BaseCommand):
    help = ("Counts of the hub's members, invitations, encodings and alerts (nothing about any one suspect or "
            "alert); with --members, each member's id, name, city and when it joined (or was removed).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", action="store_true", help="also list the members")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)  # a hub never initialised counts zeros
        counts = hub_counts()
        self.stdout.write(f"members: {counts.members}")
        self.stdout.write(f"open invitations: {counts.invitations_open}")
        self.stdout.write(f"encodings: {counts.encodings} ({counts.tokens} tokens)")
        self.stdout.write(f"alerts: {counts.alerts_open} open, {counts.alerts_closed} closed")
        self.stdout.write(f"contacts accepted: {counts.contacts_accepted}")
        if options["members"]:
            for m in Member.objects.order_by("joined_at"):
                removed = f"  removed {m.removed_at:%Y-%m-%d}" if m.removed_at else ""
                self.stdout.write(f"  {m.code}  {m.name} ({m.city or '-'})  joined {m.joined_at:%Y-%m-%d}{removed}")
