"""The columns an import understands: their keys (the template's first row), their labels (its
second row, in the organisation's language) and the header names people give them in kk/ru/en,
from which a sheet's columns are suggested."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy, in the active language
    kind: str  # text | date | region | city | gbv | phone | bool | article | verdict | area | place
    required: bool = False
    # Header names people write for this column, besides its key and its label in each language.
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("external_ref", _("Your reference"), "text", required=True,
           aliases=("ref", "id", "no", "номер", "№", "номер дела", "код", "нөмір", "тіркеу нөмірі", "case number",
                    "reference", "external reference")),
    Column("incident_date", _("Date of the incident"), "date", required=True,
           aliases=("date", "дата", "күні", "дата инцидента", "дата происшествия", "оқиға күні", "incident date")),
    Column("region", _("Region"), "region", required=True,
           aliases=("область", "облыс", "регион", "өңір", "oblast")),
    Column("city", _("City or settlement"), "city",
           aliases=("город", "қала", "населенный пункт", "елді мекен", "city", "town", "settlement")),
    Column("violence_type", _("Type of violence"), "gbv", required=True,
           aliases=("вид насилия", "тип насилия", "зорлық түрі", "зорлық-зомбылық түрі", "type", "вид", "түрі",
                    "violence", "gbv type")),
    Column("area", _("Urban or rural"), "area", aliases=("город/село", "қала/ауыл", "местность")),
    Column("place_type", _("Place"), "place", aliases=("место", "орын", "место происшествия", "place")),
    Column("survivor_pseudonym", _("Pseudonym"), "text",
           aliases=("псевдоним", "лақап ат", "код пострадавшей", "pseudonym", "survivor")),
    Column("suspect_name", _("Suspect's name"), "text",
           aliases=("фио подозреваемого", "подозреваемый", "күдікті", "күдіктінің аты-жөні", "suspect", "фио",
                    "agressor", "агрессор", "обидчик")),
    Column("suspect_phone", _("Suspect's phone"), "phone",
           aliases=("телефон подозреваемого", "телефон", "күдіктінің телефоны", "phone", "тел")),
    Column("suspect_handle", _("Suspect's social media account"), "text",
           aliases=("аккаунт", "ник", "соцсети", "әлеуметтік желі", "handle", "instagram", "account")),
    Column("police_contacted_date", _("Date she went to the police"), "date",
           aliases=("дата обращения в полицию", "обращение в полицию", "полицияға жүгінген күні", "police date")),
    Column("report_refused_date", _("Date the police refused to register the report"), "date",
           aliases=("дата отказа", "отказ в регистрации", "тіркеуден бас тартқан күні", "refused")),
    Column("report_registered_date", _("Date the report was registered"), "date",
           aliases=("дата регистрации", "регистрация", "тіркелген күні", "registered")),
    Column("article", _("Article"), "article", aliases=("статья", "бап", "статья ук", "article")),
    Column("verdict_date", _("Date of the verdict"), "date",
           aliases=("дата приговора", "үкім күні", "verdict date")),
    Column("verdict", _("Verdict"), "verdict", aliases=("приговор", "үкім", "решение суда", "verdict")),
    Column("consent_matching", _("She agrees to matching of the suspect"), "bool",
           aliases=("согласие на сопоставление", "салыстыруға келісім", "matching consent")),
    Column("consent_statistics", _("She agrees to be counted in statistics"), "bool",
           aliases=("согласие на статистику", "статистикаға келісім", "statistics consent")),
    Column("consent_services", _("She agrees to referrals to services"), "bool",
           aliases=("согласие на перенаправление", "жолдамаға келісім", "services consent")),
)

BY_KEY: Mapping[str, Column] = {c.key: c for c in COLUMNS}
KEYS: tuple[str, ...] = tuple(BY_KEY)

_PUNCT = re.compile(r"[\s_\-.,:;/()*]+")


def header_key(text: object) -> str:
    """A header as compared: lower case, punctuation and spaces folded."""
    return _PUNCT.sub(" ", str(text or "")).strip().casefold()


def _label_in(column: Column, lang: str) -> str:
    from django.utils import translation

    with translation.override(lang):
        return str(column.label)


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS:
        names = [column.key, *(_label_in(column, lang) for lang in ("kk", "ru", "en")), *column.aliases]
        for name in names:
            index.setdefault(header_key(name), column.key)
    return index


def suggest(headers: Sequence[object], remembered: Mapping[str, str] | None = None) -> list[str]:
    """The column key suggested for each header ("" where none fits): a mapping remembered for the
    organisation first, then the keys, the labels in kk/ru/en and common header names. A key is
    suggested for one header only (the first)."""
    index = _header_index()
    taken: set[str] = set()
    out: list[str] = []
    for header in headers:
        key = header_key(header)
        found = (remembered or {}).get(key) or index.get(key, "")
        if found and (found in taken or found not in BY_KEY):
            found = ""
        if found:
            taken.add(found)
        out.append(found)
    return out


def is_label_row(cells: Sequence[object], keys: Sequence[str]) -> bool:
    """Whether a row under the header holds the columns' labels (the template's second row)."""
    labelled = 0
    for cell, key in zip(cells, keys, strict=False):
        if not key:
            continue
        labels = {header_key(_label_in(BY_KEY[key], lang)) for lang in ("kk", "ru", "en")}
        if header_key(cell) not in labels:
            return False
        labelled += 1
    return labelled > 0
