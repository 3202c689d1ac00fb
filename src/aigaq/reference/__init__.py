"""Reference data: code lists with Kazakh, Russian and English labels and a source for each entry.

A pure library (never imports Django; the linkage engine uses it). The data lives in JSON files in
`data/`, loaded lazily once. SOURCES.md lists where the facts come from and which are unverified.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, TypeVar

from aigaq.reference.entries import (
    LANGUAGES,
    SEVERITIES,
    Article,
    City,
    Entry,
    EventType,
    GbvType,
    Office,
    Region,
    SentenceType,
)
from aigaq.reference.names import name_key

__all__ = [
    "LANGUAGES",
    "SEVERITIES",
    "Article",
    "City",
    "Entry",
    "EventType",
    "GbvType",
    "Office",
    "Region",
    "SentenceType",
    "admin_decision_outcomes",
    "appeal_outcomes",
    "article",
    "articles",
    "choices",
    "cities",
    "city",
    "complaint_outcomes",
    "complaint_targets",
    "cost_kinds",
    "defence_arguments",
    "event_type",
    "event_types",
    "find_city",
    "find_region",
    "gbv_type",
    "gbv_types",
    "name_key",
    "office",
    "office_kinds",
    "offices",
    "parse_article",
    "payers",
    "place_types",
    "referral_statuses",
    "referral_types",
    "refusal_reasons",
    "region",
    "regions",
    "relations",
    "sentence_types",
    "sexes",
    "termination_grounds",
]

E = TypeVar("E", bound=Entry)

_LABEL_FIELDS = ("labels", "question", "description")
_TUPLE_FIELDS = ("plate_codes", "alt_names", "unverified_fields")


@cache
def _file(name: str) -> Mapping[str, Any]:
    text = resources.files("aigaq.reference").joinpath("data", name).read_text(encoding="utf-8")
    data: Mapping[str, Any] = json.loads(text)
    return data


def _build(cls: type[E], raw: Mapping[str, Any], defaults: Mapping[str, Any]) -> E:
    fields: dict[str, Any] = {**defaults, **raw}
    for name in _LABEL_FIELDS:
        if name in fields:
            fields[name] = MappingProxyType(dict(fields[name]))
    for name in _TUPLE_FIELDS:
        if name in fields:
            fields[name] = tuple(fields[name])
    return cls(**fields)


def _entries(cls: type[E], name: str, key: str | None = None) -> tuple[E, ...]:
    data = _file(name)
    block: Mapping[str, Any] = data[key] if key else data
    defaults: Mapping[str, Any] = block.get("defaults", {})
    return tuple(_build(cls, raw, defaults) for raw in block["entries"])


def _codelist(key: str) -> tuple[Entry, ...]:
    return _entries(Entry, "codelists.json", key)


def _by_code(entries: Iterable[E]) -> Mapping[str, E]:
    return MappingProxyType({e.code: e for e in entries})


def choices(entries: Iterable[Entry], lang: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a form's choices, in the list's order."""
    return [(e.code, e.label(lang)) for e in entries]


# Regions and settlements


@cache
def regions() -> tuple[Region, ...]:
    """The 20 first-level units (17 regions and 3 cities of republican significance) since 8 Jun 2022."""
    return _entries(Region, "regions.json")


@cache
def _regions_by_code() -> Mapping[str, Region]:
    index = dict(_by_code(regions()))
    for r in regions():
        index.setdefault(r.iso_numeric, r)
    return MappingProxyType(index)


def region(code: str) -> Region | None:
    """A region by its code ("KZ-75") or bare ISO numeric code ("75")."""
    return _regions_by_code().get(code.strip().upper())


@cache
def _region_name_index() -> Mapping[str, Region]:
    index: dict[str, Region] = {}
    for r in regions():
        for name in (*r.labels.values(), *r.alt_names):
            key = name_key(name)
            if key:
                index.setdefault(key, r)
    return MappingProxyType(index)


def find_region(name: str) -> Region | None:
    """The region a written name refers to ("Қарағанды облысы", "ЗКО", "South Kazakhstan Region"), or
    its code ("KZ-35", "35"), or None."""
    by_code = region(name)
    if by_code is not None:
        return by_code
    key = name_key(name)
    return _region_name_index().get(key) if key else None


@cache
def cities() -> tuple[City, ...]:
    """Regional centres, the cities of republican significance and notable towns and villages."""
    return _entries(City, "cities.json")


@cache
def _cities_by_code() -> Mapping[str, City]:
    return _by_code(cities())


def city(code: str) -> City | None:
    return _cities_by_code().get(code)


@cache
def _city_name_index() -> Mapping[str, City]:
    index: dict[str, City] = {}
    for c in cities():
        for name in (c.code, *c.labels.values(), *c.alt_names):
            key = name_key(name)
            if key:
                index.setdefault(key, c)
    return MappingProxyType(index)


def find_city(name: str) -> City | None:
    """The settlement a written name refers to, in any script or old spelling, or None."""
    key = name_key(name)
    return _city_name_index().get(key) if key else None


# Legal articles


@cache
def articles() -> tuple[Article, ...]:
    """Criminal Code (CC) and Code of Administrative Offences (CAO) articles, each with its law version."""
    return _entries(Article, "articles.json")


@cache
def _articles_by_code() -> Mapping[str, Article]:
    return _by_code(articles())


_CAO_WORDS = re.compile(r"коап|cao|ӘҚБтК|ақбтк|aqbtk|admin", re.IGNORECASE)
_ARTICLE_NUMBER = re.compile(r"(\d{1,3})(?:\s*[-‐‑–.]\s*(\d{1,2}))?")


def parse_article(text: str) -> Article | None:
    """An article from how people write it: "120", "ст. 120", "УК 120", "КоАП 434", "434 КоАП",
    "CC 120", "CC-120", "ст. 121-1 УК РК", "ч. 2 ст. 120 УК", "ҚК 120-бап".

    A number without "КоАП"/"CAO" means the Criminal Code. None when no listed article matches."""
    kind = "CAO" if _CAO_WORDS.search(text) else "CC"
    index = _articles_by_code()
    # The first number that names an article, so that "ч. 2 ст. 120" finds 120, not 2.
    for found in _ARTICLE_NUMBER.finditer(text):
        number = found.group(1) + (f"-{found.group(2)}" if found.group(2) else "")
        hit = index.get(f"{kind}-{number}") or index.get(f"{kind}-{found.group(1)}")
        if hit is not None:
            return hit
    return None


def article(code: str) -> Article | None:
    """An article by its code ("CC-120", "CAO-434") or any form `parse_article` accepts."""
    return _articles_by_code().get(code.strip().upper()) or parse_article(code)


# GBV classification and the justice pathway


@cache
def gbv_types() -> tuple[GbvType, ...]:
    """The six GBVIMS core types in the order of elimination, then non-GBV."""
    return _entries(GbvType, "gbv_types.json")


@cache
def _gbv_types_by_code() -> Mapping[str, GbvType]:
    return _by_code(gbv_types())


def gbv_type(code: str) -> GbvType | None:
    return _gbv_types_by_code().get(code)


@cache
def event_types() -> tuple[EventType, ...]:
    """Pathway event types, in pathway order."""
    return _entries(EventType, "event_types.json")


@cache
def _event_types_by_code() -> Mapping[str, EventType]:
    return _by_code(event_types())


def event_type(code: str) -> EventType | None:
    return _event_types_by_code().get(code)


@cache
def refusal_reasons() -> tuple[Entry, ...]:
    """Reasons police give for refusing to register a report."""
    return _entries(Entry, "refusal_reasons.json")


@cache
def defence_arguments() -> tuple[Entry, ...]:
    """Arguments heard in court in sexual-violence cases."""
    return _entries(Entry, "defence_arguments.json")


@cache
def sentence_types() -> tuple[SentenceType, ...]:
    return _entries(SentenceType, "sentence_types.json")


@cache
def place_types() -> tuple[Entry, ...]:
    return _codelist("place_types")


@cache
def referral_types() -> tuple[Entry, ...]:
    return _codelist("referral_types")


@cache
def referral_statuses() -> tuple[Entry, ...]:
    return _codelist("referral_statuses")


@cache
def termination_grounds() -> tuple[Entry, ...]:
    """Grounds on which a pre-trial investigation is terminated."""
    return _codelist("termination_grounds")


@cache
def relations() -> tuple[Entry, ...]:
    """The suspect's relation to the survivor."""
    return _codelist("relations")


@cache
def cost_kinds() -> tuple[Entry, ...]:
    return _codelist("cost_kinds")


@cache
def payers() -> tuple[Entry, ...]:
    return _codelist("payers")


@cache
def complaint_targets() -> tuple[Entry, ...]:
    return _codelist("complaint_targets")


@cache
def complaint_outcomes() -> tuple[Entry, ...]:
    return _codelist("complaint_outcomes")


@cache
def verdict_outcomes() -> tuple[Entry, ...]:
    return _codelist("verdict_outcomes")


@cache
def appeal_outcomes() -> tuple[Entry, ...]:
    return _codelist("appeal_outcomes")


@cache
def admin_decision_outcomes() -> tuple[Entry, ...]:
    return _codelist("admin_decision_outcomes")


@cache
def sexes() -> tuple[Entry, ...]:
    return _codelist("sexes")


# Police units, prosecutor's offices and courts

OFFICE_KINDS: tuple[str, ...] = ("police", "prosecutor", "court")


def office_kinds() -> tuple[str, ...]:
    return OFFICE_KINDS


@cache
def offices() -> tuple[Office, ...]:
    """The coded offices of every region: its police department, the city (and district) police
    units, the regional prosecutor's office and the courts; in region order, regional ones first."""
    return _entries(Office, "offices.json")


@cache
def _offices_by_code() -> Mapping[str, Office]:
    return _by_code(offices())


def office(code: str) -> Office | None:
    return _offices_by_code().get(code)
