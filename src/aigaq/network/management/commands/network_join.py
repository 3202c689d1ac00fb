"""`aigaq network join HUB_URL INVITATION`: make this instance a member of a network."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.accounts.models import Organisation
from aigaq.lib.netproto import NetworkError
from aigaq.network.services import AlreadyJoined, network_join


def _organisation(code: str | None) -> Organisation:
    if code:
        found = Organisation.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"no organisation with the code {code!r}")
        return found
    organisations = list(Organisation.objects.order_by("name")[:21])
    if not organisations:
        raise CommandError("this instance has no organisation yet: create it first")
    if len(organisations) > 1:
        listed = "\n".join(f"  {o.code}  {o.name}" for o in organisations[:20])
        raise CommandError(
            f"this instance holds several organisations: say which joins with --organisation CODE\n{listed}")
    return organisations[0]


class Command(BaseCommand):
    help = (
        "Join the network of organisations with a one-time invitation from the hub's operator. Only "
        "suspects of cases whose survivor consented to network matching take part, as keyed tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("hub_url", metavar="HUB_URL", help="the hub's address, e.g. https://hub.example.kz")
        parser.add_argument("invitation", metavar="INVITATION", help="the code from `aigaq network hub invite`")
        parser.add_argument("--name", help="the name other members see (default: the organisation's name)")
        parser.add_argument("--city", help="the city other members see (required: organisations have no city here)")
        parser.add_argument("--organisation", metavar="CODE",
                            help="the organisation that joins, when the instance holds several")
        parser.add_argument("--rejoin", action="store_true",
                            help=("join this hub although the instance is a member of another (key rotation: "
                                  "docs/network.md): once the new hub took the invitation, the old hub's alerts "
                                  "close here and every consenting suspect is sent again, under a new ref. "
                                  "The old hub is not told: use `aigaq network leave` first to delete the "
                                  "suspects there."))

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = _organisation(options["organisation"])
        name = (options["name"] or organisation.name).strip()
        city = (options["city"] or "").strip()
        if not city:
            raise CommandError("give the city other members will see: --city CITY")
        try:
            config = network_join(hub_url=options["hub_url"], invitation=options["invitation"],
                                  organisation=organisation, name=name, city=city, rejoin=options["rejoin"])
        except AlreadyJoined:
            raise CommandError("this instance is already a member (see `aigaq network status`): to move to "
                               "another hub, `aigaq network leave` first, or join with --rejoin") from None
        except NetworkError as exc:
            raise CommandError(f"the hub did not accept the invitation: {exc.code}") from None
        self.stdout.write(f"joined the network at {config.hub_url} as member {config.member_id} ({name}, {city})")
        if options["rejoin"]:
            self.stdout.write("every consenting suspect is queued for the new hub")
        self.stdout.write("run `aigaq network sync` (or let `aigaq serve` sync in the background)")
