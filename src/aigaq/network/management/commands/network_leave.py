"""`aigaq network leave [--offline]`: stop being a member of the network."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.lib.netproto import NetworkError
from aigaq.network.services import NotJoined, network_leave


class Command(BaseCommand):
    help = (
        "Leave the network: the hub is asked to delete every suspect this instance sent (their alerts close "
        "for the other organisations as withdrawn), then the membership is forgotten here: the alerts close, "
        "and every consenting suspect is queued again under a new ref for the next hub joined "
        "(`aigaq network join` works again). For key rotation, see docs/network.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--offline", action="store_true",
                            help=("do not contact the hub (it is gone, or its operator removes this member with "
                                  "`aigaq network hub remove`): its copies stay there until then"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            left = network_leave(tell_hub=not options["offline"])
        except NotJoined:
            raise CommandError("this instance is not a member of a network (see `aigaq network status`)") from None
        except NetworkError as exc:
            raise CommandError(f"the hub could not delete this member's suspects ({exc.code}); nothing changed. "
                               "Try again, or leave with --offline and ask the hub's operator to remove "
                               "the member") from None
        told = (f"the hub deleted {left.deleted_at_hub} refs" if not options["offline"]
                else "the hub was not told: ask its operator to run `aigaq network hub remove "
                     f"{left.member_id}`")
        self.stdout.write(f"left the network at {left.hub_url} (member {left.member_id}); {told}")
        self.stdout.write(f"{left.queued} consenting suspects are queued for the next hub joined")
