"""The demo's invented material, read from the JSON files in data/: the organisation and its
accounts, places, kinds of case and their pathways' odds, what happened in her words, notes and
quotes, names, the police and courts, the men who come back, and the story's two cases.

Everything in the files is invented, and the Kazakh and Russian texts in them are case data (as
caseworkers write them), not words of the interface: nothing here is translated. Each file's
"about" says what its parts mean. The files are read once, when the demo is first imported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

Texts = Mapping[str, Sequence[str]]  # language ("kk" or "ru") -> variants


def _load(name: str) -> Any:
    return json.loads(resources.files("aigaq.demo").joinpath("data", name).read_text(encoding="utf-8"))


def _pairs(rows: Sequence[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in rows)


def _triples(rows: Sequence[Sequence[str]]) -> tuple[tuple[str, str, str], ...]:
    return tuple((a, b, c) for a, b, c in rows)


# --- The organisation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    username: str
    role: str  # a code of accounts.models.Role
    first_name: str
    last_name: str


_organisation = _load("organisation.json")
ORGANISATION_NAME: str = _organisation["name"]
STAFF: tuple[Staff, ...] = tuple(Staff(**a) for a in _organisation["accounts"])


# --- Where and in which language ------------------------------------------------------------------

_places = _load("places.json")
REGION_WEIGHTS: Mapping[str, float] = _places["region_weights"]
KAZAKH_SHARE: Mapping[str, float] = _places["kazakh_share"]
DISTRICTS: Mapping[str, tuple[tuple[str, str], ...]] = {
    city: _pairs(rows) for city, rows in _places["districts"].items()
}
VILLAGES: Texts = _places["villages"]
MCI: Mapping[int, int] = {int(year): amount for year, amount in _places["mci"].items()}


# --- Kinds of case and their pathways ---------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of case: its GBVIMS type, who it happens to and how it tends to go. Where it happens
    and who did it come with each account of it (`STORIES`)."""

    gbv: str
    weight: float
    scenarios: Mapping[str, float]
    ages: tuple[int, int, int]  # the survivor's age: low, high, most common
    period: float = 0.0  # chance the incident is a period rather than one day
    sexual: bool = False


@dataclass(frozen=True)
class Scenario:
    needs_crime: bool = False  # needs a Criminal Code article (a registered report)
    span: int = 60  # days the pathway usually takes, to place it before today
    idle: tuple[int, int] = (0, 0)  # days of silence after it (a case waiting for a decision)
    recent: bool = False  # happened in the last three weeks


_kinds = _load("kinds.json")
KINDS: Mapping[str, Kind] = {
    code: Kind(**{**raw, "ages": tuple(raw["ages"])}) for code, raw in _kinds["kinds"].items()
}
SCENARIOS: Mapping[str, Scenario] = {
    name: Scenario(**{**raw, "idle": tuple(raw.get("idle", (0, 0)))})
    for name, raw in _kinds["scenarios"].items()
}
DOWNGRADE_TO_OFFENCE: Mapping[str, str] = _kinds["downgrade_to_offence"]
DOWNGRADE_TO_CRIME: Mapping[str, Sequence[str]] = _kinds["downgrade_to_crime"]
REFUSALS: Mapping[str, Mapping[str, float]] = _kinds["refusals"]
DEFENCE_SEXUAL: Mapping[str, float] = _kinds["defence"]["sexual"]
DEFENCE_OTHER: Mapping[str, float] = _kinds["defence"]["other"]


# --- Texts, in the survivor's or the caseworker's words ---------------------------------------------


@dataclass(frozen=True)
class Story:
    """What happened, in her words, in Kazakh and in Russian, with the place and the man's relation
    to her that the words imply."""

    kind: str
    place: str
    relations: tuple[str, ...]
    kk: str
    ru: str


STORIES: tuple[Story, ...] = tuple(
    Story(**{**raw, "relations": tuple(raw["relations"])}) for raw in _load("incidents.json")["incidents"]
)

_texts = _load("texts.json")
QUOTES: Mapping[str, Texts] = _texts["quotes"]
NOTES: Mapping[str, Texts] = _texts["notes"]
TO_WHOM: Texts = _texts["to_whom"]
TO_WHOM_AT_SCHOOL: Texts = _texts["to_whom_at_school"]
DESCRIPTIONS: Texts = _texts["descriptions"]
WITNESS_STATEMENTS: Texts = _texts["witness_statements"]
PROVIDERS: Mapping[str, Texts] = _texts["providers"]
CONTACT_WHEN: Mapping[str, str] = _texts["contact_when"]

# The police and the courts: where -> language -> a str.format template (city, district, district_stem).
_officials = _load("officials.json")
POLICE: Mapping[str, Mapping[str, str]] = _officials["police"]
COURTS: Mapping[str, Mapping[str, str]] = _officials["court"]
OFFICER_ON_DUTY: Mapping[str, str] = _officials["officer_on_duty"]
RANKS: Texts = _officials["ranks"]
OFFICIAL_SURNAMES: tuple[tuple[str, str], ...] = _pairs(_officials["surnames"])
INITIALS: str = _officials["initials"]
JUDGE: str = _officials["judge"]
KUI: str = _officials["kui"]


# --- Names ------------------------------------------------------------------------------------------

_names = _load("names.json")
KAZAKH_GIVEN: tuple[tuple[str, str, str], ...] = _triples(_names["kazakh_given"])
KAZAKH_SURNAMES: tuple[tuple[str, str, str], ...] = _triples(_names["kazakh_surnames"])
FATHERS: tuple[tuple[str, str], ...] = _pairs(_names["fathers"])
PATRONYMIC: Mapping[str, str] = _names["patronymic"]
RUSSIAN_GIVEN: tuple[tuple[str, str, str], ...] = _triples(_names["russian_given"])
RUSSIAN_SURNAMES: tuple[tuple[str, str], ...] = _pairs(_names["russian_surnames"])
RUSSIAN_PATRONYMICS: tuple[str, ...] = tuple(_names["russian_patronymics"])
FEMALE_NAMES: Texts = _names["female_names"]
WITNESS_NAMES: Texts = _names["witness_names"]
PSEUDONYMS: tuple[str, ...] = tuple(_names["pseudonyms"])
OPERATORS: tuple[str, ...] = tuple(_names["operators"])
PLATE_LETTERS: str = _names["plate_letters"]


# --- Men who come back ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    """A case whose date, place and suspect are fixed; the rest is generated."""

    date: dt.date
    region: str
    city: str
    kind: str
    lang: str
    suspect: Mapping[str, Any]


_planted = _load("planted.json")
PLANTED: tuple[Planted, ...] = tuple(
    Planted(date=dt.date.fromisoformat(raw["date"]), region=raw["region"], city=raw["city"], kind=raw["kind"],
            lang=raw["lang"], suspect=raw["suspect"])
    for raw in _planted["cases"]
)
RESERVED_SURNAMES: frozenset[str] = frozenset(_planted["reserved_surnames"])

# The story's two cases as written in data/story.json, turned into plans by `generate`.
STORY: Mapping[str, Mapping[str, Any]] = {
    name: case for name, case in _load("story.json").items() if name != "about"
}


# --- The network demo -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One member organisation of the network demo (data/network.json)."""

    key: str  # its data directory's name under $AIGAQ_DATA_DIR/network/
    name: str
    city: str
    story: tuple[str, ...]  # the story's cases (keys of STORY) it holds
    without_phones: bool  # its story suspects lose their phones: found by name alone
    seed: int


_network = _load("network.json")
NETWORK_SHARE: float = _network["network_share"]
MEMBERS: Mapping[str, Member] = {
    key: Member(key=key, name=raw["name"], city=raw["city"], story=tuple(raw["story"]),
                without_phones=raw["without_phones"], seed=raw["seed"])
    for key, raw in _network["members"].items()
}
