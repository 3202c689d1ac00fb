"""The lawyer's document templates: data files in templates_data/, one per document.

Each file holds the document's title and addressee, its legal basis (each entry with its source and
whether it was verified against a source: an unverified entry is named in the generated document's
footer, so the lawyer checks it before filing), and its body in kk, ru and en (en is a working
translation for international partners). A body is a list of paragraphs with `{placeholders}`
from FIELDS; a paragraph that is only `{events}`, `{evidence}` or `{legal_basis}` becomes a list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "templates_data"
LANGUAGES = ("kk", "ru", "en")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# Every placeholder a template may use; anything else in a template is an error.
FIELDS = frozenset({
    "survivor", "survivor_gen", "survivor_dat", "suspect", "suspect_gen", "suspect_dat",
    "incident_date", "incident_place", "kui_number", "erdr_number", "registered_on", "initial_article",
    "refused_on", "refused_at", "officer", "officer_words", "police_unit", "refusal_reason",
    "from_article", "to_article", "requalified_on", "organisation", "today", "case_ref",
})
BLOCKS = frozenset({"events", "evidence", "legal_basis"})


@dataclass(frozen=True)
class Basis:
    ref: str
    text: dict[str, str]
    source: str
    verified: bool


@dataclass(frozen=True)
class DocTemplate:
    key: str
    order: int
    title: dict[str, str]
    addressee: dict[str, str]
    legal_basis: tuple[Basis, ...]
    body: dict[str, tuple[str, ...]]

    @property
    def unverified(self) -> tuple[Basis, ...]:
        return tuple(b for b in self.legal_basis if not b.verified)


class TemplateError(ValueError):
    """A template names a placeholder that does not exist, or lacks a language."""


def unknown_placeholders(paragraphs: list[str] | tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for paragraph in paragraphs:
        names = PLACEHOLDER.findall(paragraph)
        if paragraph.strip() in {f"{{{b}}}" for b in BLOCKS}:
            continue
        found |= set(names) - FIELDS
    return found


def parse(raw: dict[str, Any]) -> DocTemplate:
    for part in ("title", "addressee", "body"):
        missing = [lang for lang in LANGUAGES if lang not in raw[part]]
        if missing:
            raise TemplateError(f"{raw['key']}: {part} lacks {', '.join(missing)}")
    for lang in LANGUAGES:
        unknown = unknown_placeholders(raw["body"][lang])
        if unknown:
            raise TemplateError(f"{raw['key']} ({lang}): unknown placeholders {', '.join(sorted(unknown))}")
    return DocTemplate(
        key=raw["key"], order=raw["order"], title=dict(raw["title"]), addressee=dict(raw["addressee"]),
        legal_basis=tuple(Basis(ref=b["ref"], text=dict(b["text"]), source=b["source"], verified=b["verified"])
                          for b in raw["legal_basis"]),
        body={lang: tuple(raw["body"][lang]) for lang in LANGUAGES},
    )


@cache
def templates() -> dict[str, DocTemplate]:
    loaded = [parse(json.loads(path.read_text(encoding="utf-8"))) for path in sorted(DATA.glob("*.json"))]
    return {t.key: t for t in sorted(loaded, key=lambda t: t.order)}


def template(key: str) -> DocTemplate | None:
    return templates().get(key)
