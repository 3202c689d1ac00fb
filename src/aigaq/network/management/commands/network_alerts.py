"""`aigaq network alerts [--json]`: this member's network alerts as of the last sync."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from aigaq.network.models import NetworkAlert


class Command(BaseCommand):
    help = (
        "List this member's network alerts as of the last sync (`aigaq network sync` fetches them). "
        "No personal data: the other organisation's name, the strength, the kinds of evidence that agreed, "
        "and whether the alert is chained (the two suspects are linked through other suspects of the network)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help=(
            "one JSON object a line: id, other_member, strength, evidence_kinds, chained, state, my_decision, "
            "other_decision"))

    def handle(self, *args: Any, **options: Any) -> None:
        for alert in NetworkAlert.objects.order_by("first_seen_at", "id"):
            if options["json"]:
                self.stdout.write(json.dumps({
                    "id": alert.hub_id, "other_member": alert.other_member, "strength": alert.strength,
                    "evidence_kinds": alert.evidence_kinds, "chained": alert.chained, "state": alert.state,
                    "my_decision": alert.my_decision, "other_decision": alert.other_decision,
                }, ensure_ascii=False))
            else:
                kinds = ", ".join(alert.evidence_kinds) or "-"
                chained = "  chained" if alert.chained else ""
                self.stdout.write(f"{alert.hub_id}  {alert.state:<6}  {alert.strength:.2f}  {alert.other_member}  "
                                  f"[{kinds}]{chained}  mine: {alert.my_decision or '-'}  "
                                  f"theirs: {alert.other_decision or '-'}")
