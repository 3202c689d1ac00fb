"""What an activist enters for an entry of the abuse log: the typed shape the form gives and the
services take."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

# The fields of an entry that a correction may change, in the order the form shows them.
FIELDS = ("platform", "received_at", "threat_level", "sender_handle", "sender_phone", "sender_name", "message",
          "platform_reported_on", "platform_outcome", "police_reported_on", "police_outcome")


@dataclass(frozen=True, kw_only=True)
class EntryInput:
    platform: str
    received_at: dt.datetime
    threat_level: str
    message: str
    sender_handle: str = ""
    sender_phone: str = ""
    sender_name: str = ""
    platform_reported_on: dt.date | None = None
    platform_outcome: str = ""
    police_reported_on: dt.date | None = None
    police_outcome: str = ""

    def values(self) -> dict[str, Any]:
        return asdict(self)


def as_json(values: dict[str, Any]) -> dict[str, Any]:
    """An entry's values with dates as ISO text, as a revision keeps them."""
    return {name: value.isoformat() if isinstance(value, dt.date) else value for name, value in values.items()}
