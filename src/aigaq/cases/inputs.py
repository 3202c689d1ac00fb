"""What a person enters for each kind of record: one frozen dataclass per kind, the shape a form's
`to_input()` gives and a service writes.

The same input serves adding a record and, later, editing it: an edit form is the add form
filled from `Input.of(record)`, and its service writes every field of the input back. To change
some fields only: `dataclasses.replace(SuspectInput.of(suspect), phones=...)`. Values kept as a
mapping of field names (the demo's plans) become an input by `SuspectInput(**values)`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self

# The largest whole number an event's field takes (the forms refuse more, with Django's translated
# "no more than ..." message). Bounds keep every number far inside a 64-bit integer, so nothing
# downstream (statistics, exports, the database) can overflow: a sentence of 2**63 months crashed
# the statistics once.
SENTENCE_MONTHS_MAX = 600  # 50 years: longer than any term of the Criminal Code
EVENT_NUMBER_MAX: dict[str, int] = {
    "length_months": SENTENCE_MONTHS_MAX,
    "minutes_after_call": 60 * 24 * 30,  # a month
    "days": 366 * 10,  # a protective order's validity
}
EVENT_NUMBER_DEFAULT_MAX = 100_000
AMOUNT_MAX_DIGITS = 12  # tenge, with 2 decimal places: under ten billion


def event_number_max(field: str) -> int:
    """The largest value an event's whole-number field accepts."""
    return EVENT_NUMBER_MAX.get(field, EVENT_NUMBER_DEFAULT_MAX)


@dataclass(frozen=True, kw_only=True)
class RecordInput:
    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def of(cls, record: object) -> Self:
        """The input that would write `record` as it is now (an edit form's starting values)."""
        return cls(**{name: getattr(record, name) for name in cls.names()})

    def values(self) -> dict[str, Any]:
        """Field name to value, as a model's constructor takes them."""
        return {name: getattr(self, name) for name in self.names()}


@dataclass(frozen=True, kw_only=True)
class SurvivorInput(RecordInput):
    pseudonym: str = ""  # empty: the service makes one up from the case code
    name: str = ""
    contact: str = ""
    birth_year: int | None = None
    age_at_incident: int | None = None
    sex: str = "female"
    consent_services: bool = False
    consent_matching: bool = False
    consent_statistics: bool = False
    consent_network: bool = False


@dataclass(frozen=True, kw_only=True)
class IncidentInput(RecordInput):
    date_from: dt.date
    time_of_day: dt.time | None = None  # in the organisation's zone; stored as a UTC instant
    date_to: dt.date | None = None
    region: str
    city: str = ""
    settlement: str = ""
    area: str
    place_type: str
    gbv_type: str
    account: str = ""


@dataclass(frozen=True, kw_only=True)
class SuspectInput(RecordInput):
    """His identifiers as she gave them; several phones, accounts, plates or IINs one per line."""

    full_name: str = ""
    aliases: str = ""
    phones: str = ""
    handles: str = ""
    plates: str = ""
    iins: str = ""
    birth_date: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    approx_age: int | None = None
    sex: str = "male"
    relation: str = "unknown"
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class WitnessInput(RecordInput):
    name: str = ""
    contact: str = ""
    statement: str = ""


@dataclass(frozen=True, kw_only=True)
class ReferralInput(RecordInput):
    kind: str
    provider: str = ""
    status: str
    referred_on: dt.date
    closed_on: dt.date | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CostInput(RecordInput):
    kind: str
    amount: Decimal
    payer: str
    paid_on: dt.date | None = None
    note: str = ""
