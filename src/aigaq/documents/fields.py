"""What a document is filled with, read from the case record in the document's language.

The survivor's legal name is used only when the lawyer revealed it with step-up for this document
(`with_name`); otherwise a placeholder in brackets stands in its place, for her to write in by
hand. A value the record does not hold is a blank line to fill in, never a guess. The genitive and
dative of the survivor's and the suspect's names are declined in Kazakh (`kazakh.decline`) and in
Russian (`russian.decline`, by the sex the record gives).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aigaq import reference
from aigaq.cases import hooks
from aigaq.cases.models import Case, PathwayEvent

from . import kazakh, russian
from .catalogue import DocTemplate

BLANK = "__________"
ARTICLE_FORMS = {
    ("CC", "kk"): "ҚР ҚК {n}-бабы", ("CC", "ru"): "ст. {n} УК РК", ("CC", "en"): "art. {n} of the Criminal Code",
    ("CAO", "kk"): "ҚР ӘҚБтК {n}-бабы", ("CAO", "ru"): "ст. {n} КоАП РК",
    ("CAO", "en"): "art. {n} of the Code of Administrative Offences",
}

NUMBER_LABELS = {
    ("kui_number", "kk"): "МЕК/КУИ №", ("kui_number", "ru"): "КУИ №", ("kui_number", "en"): "KUI No.",
    ("erdr_number", "kk"): "СДТБТ/ЕРДР №", ("erdr_number", "ru"): "ЕРДР №", ("erdr_number", "en"): "ERDR No.",
}


@dataclass(frozen=True)
class Filled:
    """A document's values: `values` for the placeholders, `blocks` for the lists, and `given` the
    names of the fields the record supplied (what the audit entry names)."""

    values: dict[str, str]
    blocks: dict[str, list[str]]
    given: frozenset[str]


def day(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def article_text(code: str, lang: str) -> str:
    entry = reference.article(code) if code else None
    if entry is None:
        return code
    form = ARTICLE_FORMS.get((entry.code_kind, lang), "{n}").format(n=entry.number)
    return f"{form} ({entry.label(lang)})"


def _latest(events: list[PathwayEvent], event_type: str) -> PathwayEvent | None:
    matching = [e for e in events if e.type == event_type]
    return matching[-1] if matching else None


def _first(events: list[PathwayEvent], event_type: str) -> PathwayEvent | None:
    return next((e for e in events if e.type == event_type), None)


def _event_line(event: PathwayEvent, lang: str) -> str:
    entry = reference.event_type(event.type)
    label = entry.label(lang) if entry else event.type
    when = day(event.date) + (f" {event.time_of_day:%H:%M}" if event.time_of_day else "")
    articles = [article_text(event.facts[k], lang) for k in ("initial_article", "from_article", "to_article",
                                                             "article") if event.facts.get(k)]
    if event.type == "requalified" and len(articles) == 2:
        articles = [" → ".join(articles)]
    details = event.details if event.type == "report_registered" else {}
    numbers = [f"{NUMBER_LABELS[(k, lang)]} {details[k]}" for k in ("kui_number", "erdr_number") if details.get(k)]
    said = [f"«{event.details['quote']}»"] if event.type == "report_refused" and event.details.get("quote") else []
    return f"{when} — {label}" + (f": {', '.join(articles + numbers + said)}" if articles + numbers + said else "")


def _place(case: Case, lang: str) -> str:
    incident = getattr(case, "incident", None)
    if incident is None:
        return ""
    city = reference.city(incident.city) if incident.city else None
    region = reference.region(incident.region) if incident.region else None
    town = city.label(lang) if city else incident.settlement
    area = region.label(lang) if region else ""
    return ", ".join(p for p in (town, "" if town and town in area else area) if p)


def fill(case: Case, doc: DocTemplate, *, lang: str, with_name: bool) -> Filled:
    """The values of `doc` for `case`, in `lang` (the caller has activated that language)."""
    events = list(case.events.current().order_by("date", "placed_at", "id"))
    survivor = getattr(case, "survivor", None)
    suspect = case.suspects.order_by("created_at", "id").first()
    incident = getattr(case, "incident", None)
    refused, registered = _latest(events, "report_refused"), _first(events, "report_registered")
    requalified = _latest(events, "requalified")
    refused_details: dict[str, Any] = refused.details if refused else {}
    registered_details: dict[str, Any] = registered.details if registered else {}
    reason = ""
    if refused is not None and refused.facts.get("reason"):
        entry = next((r for r in reference.refusal_reasons() if r.code == refused.facts["reason"]), None)
        reason = entry.label(lang) if entry else refused.facts["reason"]

    name = survivor.name.strip() if with_name and survivor is not None and survivor.name else ""
    suspect_name = suspect.full_name.strip() if suspect is not None and suspect.full_name else ""
    raw: dict[str, str] = {
        "survivor": name,
        "suspect": suspect_name,
        "incident_date": day(incident.date_from) if incident else "",
        "incident_place": _place(case, lang),
        "kui_number": registered_details.get("kui_number", ""),
        "erdr_number": registered_details.get("erdr_number", ""),
        "registered_on": day(registered.date) if registered else "",
        "initial_article": article_text(registered.facts.get("initial_article", ""), lang) if registered else "",
        "refused_on": day(refused.date) if refused else "",
        "refused_at": f"{refused.time_of_day:%H:%M}" if refused and refused.time_of_day else "",
        "officer": refused_details.get("officer", ""),
        "officer_words": refused_details.get("quote", ""),
        "police_unit": refused.facts.get("unit", "") or refused_details.get("unit", "") if refused else "",
        "refusal_reason": reason,
        "from_article": article_text(requalified.facts.get("from_article", ""), lang) if requalified else "",
        "to_article": article_text(requalified.facts.get("to_article", ""), lang) if requalified else "",
        "requalified_on": day(requalified.date) if requalified else "",
        "organisation": case.organisation.name,
        "today": day(timezone.localdate()),
        "case_ref": case.short_code,
    }
    given = frozenset(k for k, v in raw.items() if v)
    values = {k: v or BLANK for k, v in raw.items()}
    values["refused_at"] = raw["refused_at"]  # a time is optional: no blank in the middle of a sentence
    survivor_text = name or _("[survivor's full name]")
    suspect_text = suspect_name or _("[suspect's full name]")
    sexes = {"survivor": getattr(survivor, "sex", ""), "suspect": getattr(suspect, "sex", "")}
    for key, text in (("survivor", survivor_text), ("suspect", suspect_text)):
        values[key] = text
        real = (name if key == "survivor" else suspect_name)
        forms: tuple[tuple[str, kazakh.Case], ...] = (("gen", "genitive"), ("dat", "dative"))
        for form, grammar in forms:
            declined = text
            if real and lang == "kk":
                declined = kazakh.decline(text, grammar)
            elif real and lang == "ru":
                declined = russian.decline(text, grammar, sexes[key])
            values[f"{key}_{form}"] = declined

    evidence = [
        f"{n}. {item.filename}" + (f" — {item.title}" if item.title else "")
        + f" — SHA-256: {item.sha256} — {item.size} B — {day(timezone.localdate(item.received_at))}"
        for n, item in enumerate(hooks.case_evidence(case=case), start=1)
    ]
    blocks = {
        "events": [_event_line(e, lang) for e in events] or [BLANK],
        "evidence": evidence or [_("No evidence files are held in the case.")],
        "legal_basis": [basis.text[lang] for basis in doc.legal_basis],
    }
    return Filled(values=values, blocks=blocks, given=given | ({"events"} if events else set())
                  | ({"evidence"} if evidence else set()))
