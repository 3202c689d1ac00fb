"""The typed shapes of reference entries: frozen dataclasses with kk/ru/en labels and a source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
FALLBACK_LANGUAGE = "en"

_EMPTY: Mapping[str, str] = MappingProxyType({})


def _pick(labels: Mapping[str, str], lang: str) -> str:
    # Accept Django-style language tags ("ru-ru", "kk_KZ") as well as bare codes.
    base = lang.replace("_", "-").split("-", 1)[0].lower()
    return labels.get(base) or labels.get(FALLBACK_LANGUAGE) or ""


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One code-list entry.

    `code` is the stable ASCII identifier stored in the database. `verified` says whether the fact
    behind the entry was read in `source`; `kk_verified` says whether the Kazakh label comes from a
    source (False: our own translation). `unverified_fields` names any single field we could not
    check although the entry as a whole is sourced.
    """

    code: str
    labels: Mapping[str, str]
    source: str
    verified: bool
    kk_verified: bool = True
    unverified_fields: tuple[str, ...] = ()
    note: str = ""

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.code))

    def label(self, lang: str) -> str:
        """The label in `lang` ("kk", "ru", "en" or a tag such as "ru-ru"), falling back to English."""
        return _pick(self.labels, lang)


@dataclass(frozen=True, kw_only=True)
class Region(Entry):
    iso_numeric: str
    plate_codes: tuple[str, ...]
    centre: str | None
    alt_names: tuple[str, ...] = ()
    iso_alpha_old: str | None = None

    def __hash__(self) -> int:
        return hash(("Region", self.code))


@dataclass(frozen=True, kw_only=True)
class City(Entry):
    region: str
    population_class: str
    alt_names: tuple[str, ...] = ()
    is_region_centre: bool = False

    def __hash__(self) -> int:
        return hash(("City", self.code))

    @property
    def urban(self) -> bool:
        """Default for the incident's urban/rural field: cities and towns are urban, villages rural."""
        return self.population_class != "village"


@dataclass(frozen=True, kw_only=True)
class Office(Entry):
    """A police unit, prosecutor's office or court of one region. `kind`: "police", "prosecutor"
    or "court"; `level`: "region", "city" or "district"; `city`: the city's code, if it has one."""

    region: str
    kind: str
    level: str = ""
    city: str = ""
    alt_names: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return hash(("Office", self.code))


# From least to most serious; administrative offences rank below every crime (УК art. 10-11 categories).
SEVERITIES: tuple[str, ...] = (
    "administrative",
    "misdemeanour",
    "minor",
    "medium",
    "grave",
    "especially_grave",
)


@dataclass(frozen=True, kw_only=True)
class Article(Entry):
    """A Criminal Code ("CC") or Code of Administrative Offences ("CAO") article.

    `severity` is the category of the article's base part; `law_version` names the law the title and
    severity come from, `valid_from`/`valid_until` the dates that version applied (None: unknown/open).
    """

    code_kind: str
    number: str
    severity: str
    sexual: bool
    law_version: str
    valid_from: str | None = None
    valid_until: str | None = None
    private_prosecution: bool = False

    def __hash__(self) -> int:
        return hash(("Article", self.code))

    @property
    def criminal(self) -> bool:
        return self.code_kind == "CC"

    def short(self, lang: str) -> str:
        """A short reference: "ст. 120 УК", "ҚК 120-бап", "CC art. 120"."""
        base = lang.replace("_", "-").split("-", 1)[0].lower()
        if base == "ru":
            return f"ст. {self.number} {'УК' if self.criminal else 'КоАП'}"
        if base == "kk":
            return f"{'ҚК' if self.criminal else 'ӘҚБтК'} {self.number}-бап"
        return f"{'CC' if self.criminal else 'CAO'} art. {self.number}"


@dataclass(frozen=True, kw_only=True)
class GbvType(Entry):
    question: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    is_gbv: bool = True

    def __hash__(self) -> int:
        return hash(("GbvType", self.code))

    def question_label(self, lang: str) -> str:
        return _pick(self.question, lang)


@dataclass(frozen=True, kw_only=True)
class EventType(Entry):
    description: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    order: int = 0

    def __hash__(self) -> int:
        return hash(("EventType", self.code))


@dataclass(frozen=True, kw_only=True)
class SentenceType(Entry):
    custodial: bool

    def __hash__(self) -> int:
        return hash(("SentenceType", self.code))
