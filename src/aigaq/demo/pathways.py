"""How a planned case goes: to the police, the prosecutor and the courts, step by step.

A `Draft` is one case being planned, with its own seeded random source; the pathway functions add
its events (`Step`s) in date order, in words of the police and courts in the case's language. Pure:
no database, only the reference lists and the demo's material (`corpus`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aigaq import reference

from .corpus import (
    COURTS,
    DEFENCE_OTHER,
    DEFENCE_SEXUAL,
    DOWNGRADE_TO_CRIME,
    DOWNGRADE_TO_OFFENCE,
    INITIALS,
    JUDGE,
    KUI,
    MCI,
    NOTES,
    OFFICER_ON_DUTY,
    OFFICIAL_SURNAMES,
    POLICE,
    QUOTES,
    RANKS,
    REFUSALS,
    TO_WHOM,
    TO_WHOM_AT_SCHOOL,
    Kind,
    Texts,
)

CC_2024 = dt.date(2024, 6, 16)  # Law No. 72-VIII in force: battery and minor harm back in the Criminal Code


@dataclass(frozen=True)
class Step:
    """One pathway event to add: its type, date, the fields its spec in `pathway.SPECS` names and,
    when the story records it, the time of day."""

    type: str
    date: dt.date
    data: Mapping[str, Any]
    time: dt.time | None = None


def weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + days(rng.randint(0, max(0, (end - start).days)))


def _fine(rng: random.Random, day: dt.date, low: int, high: int) -> Decimal:
    return Decimal(MCI.get(day.year, MCI[max(MCI)]) * rng.randint(low, high))


def crime_article(kind: str, rng: random.Random, day: dt.date, age: int) -> str | None:
    """The Criminal Code article a report of this kind of case is registered under."""
    minor = age < 16
    if kind in ("street", "taxi"):
        return ("CC-121-1" if day >= CC_2024 else "CC-124") if minor else "CC-121"
    if kind == "workplace":
        return weighted(rng, {"CC-123": 0.6, "CC-121": 0.4})
    if kind == "education":
        return ("CC-121-1" if day >= CC_2024 else "CC-124") if minor else "CC-123"
    if kind == "rape":
        return "CC-122" if minor else "CC-120"
    if kind == "online":
        return weighted(rng, {"CC-115": 0.7, "CC-131": 0.3})
    if kind == "domestic":
        if day >= CC_2024:
            return weighted(rng, {"CC-109-1": 0.5, "CC-108-1": 0.3, "CC-107": 0.2})
        return weighted(rng, {"CC-107": 0.6, "CC-115": 0.3, "CC-106": 0.1})
    if kind == "control":
        return "CC-115"
    return None


def offence_article(kind: str, rng: random.Random, day: dt.date) -> str | None:
    """The administrative offence article, where this kind of case can go that way."""
    if kind in ("street", "taxi", "workplace"):
        return "CAO-434"
    if kind in ("domestic", "control"):
        if day >= CC_2024:
            return "CAO-73"
        return weighted(rng, {"CAO-73-2": 0.5, "CAO-73-1": 0.2, "CAO-73": 0.3})
    return None


@dataclass
class Draft:
    """A case being planned: its place, language, pathway so far and the date reached."""

    rng: random.Random
    today: dt.date
    kind_code: str
    kind: Kind
    lang: str
    region: str
    city: str
    district: tuple[str, str] | None
    age: int
    incident_day: dt.date
    day: dt.date  # the date the pathway has reached
    crime: str | None = None  # the Criminal Code article the report is registered under
    offence: str | None = None  # the administrative offence, where the case goes that way
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def pick(self, texts: Texts) -> str:
        return self.rng.choice(texts[self.lang])

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def wait(self, gap: tuple[int, int]) -> None:
        self.day += days(self.rng.randint(*gap))

    def event(self, type_: str, gap: tuple[int, int] = (0, 0), **data: Any) -> None:
        self.wait(gap)
        self.steps.append(Step(type_, self.day, {k: v for k, v in data.items() if v not in (None, "", [])}))

    def confidant(self) -> str:
        """Whom she first told: a girl at school may tell a teacher or the school psychologist."""
        return self.pick(TO_WHOM_AT_SCHOOL if self.age < 18 and self.chance(0.4) else TO_WHOM)

    def note(self, topic: str) -> None:
        self.notes.append(self.pick(NOTES[topic]))

    def maybe_note(self, topic: str, p: float = 0.3) -> str:
        return self.pick(NOTES[topic]) if self.chance(p) else ""

    # Words of the police and the courts, in the case's language.

    def _institution(self, templates: Mapping[str, Mapping[str, str]]) -> str:
        city = reference.city(self.city) if self.city else None
        if city is None:
            where = "unknown"
        elif self.district:
            where = "district"
        else:
            where = "village" if city.population_class == "village" else "city"
        kk, ru = self.district or ("", "")
        district = kk if self.lang == "kk" else ru
        return templates[where][self.lang].format(
            city=city.label(self.lang) if city else "", district=district, district_stem=district[:-2])

    def unit(self) -> str:
        return self._institution(POLICE)

    def court(self) -> str:
        return self._institution(COURTS)

    def officer(self) -> str:
        if self.chance(0.25):
            return OFFICER_ON_DUTY[self.lang]
        surname = self.rng.choice(OFFICIAL_SURNAMES)[0 if self.lang == "kk" else 1]
        return f"{self.rng.choice(RANKS[self.lang])} {surname}"

    def judge(self) -> str:
        surname = self.rng.choice(OFFICIAL_SURNAMES)[0 if self.lang == "kk" else 1]
        if surname.endswith(("ов", "ев", "ин")):  # most judges in these cases are women: -ова, -ева, -ина
            surname += "а"
        return JUDGE.format(surname=surname, first=self.rng.choice(INITIALS), second=self.rng.choice(INITIALS))

    def kui(self) -> str:
        return KUI.format(number=self.rng.randint(1000, 29999))

    def erdr(self) -> str:
        # 15 digits: year, region, then a running number.
        region = reference.region(self.region)
        serial = self.rng.randint(0, 10**11 - 1)
        return f"{self.day.year % 100:02d}{region.iso_numeric if region else '00'}{serial:011d}"


# --- Pathways -----------------------------------------------------------------------------------------


def _go_to_police(c: Draft, *, arrived: float = 0.3) -> None:
    if c.chance(0.35):
        c.event("disclosure", (0, 20), to_whom=c.confidant())
    c.event("police_contacted", (0, 3), unit=c.unit())
    if c.chance(arrived):
        c.event("police_arrived", minutes_after_call=c.rng.choice((12, 20, 35, 50, 90, 180)), unit=c.unit())


def _refuse(c: Draft) -> None:
    heard = "sexual" if c.kind.sexual else "online" if c.kind_code == "online" else "family"
    reason = weighted(c.rng, REFUSALS[heard])
    c.event("report_refused", (0, 2), reason=reason, quote=c.pick(QUOTES[reason]) if c.chance(0.7) else "",
            unit=c.unit(), officer=c.officer() if c.chance(0.5) else "")
    c.note("refused")


def _register(c: Draft, gap: tuple[int, int] = (0, 3)) -> None:
    assert c.crime is not None
    criminal = reference.article(c.crime)
    c.event("report_registered", gap, kui_number=c.kui(),
            erdr_number=c.erdr() if criminal and criminal.criminal else "", initial_article=c.crime,
            unit=c.unit())
    if c.kind_code in ("rape", "domestic", "street", "taxi") and c.chance(0.6):
        c.event("forensic_exam", (0, 4),
                payer=weighted(c.rng, {"survivor": 3, "organisation": 2, "family": 1}))


def _terminate(c: Draft) -> None:
    grounds = {"insufficient_evidence": 5, "no_corpus_delicti": 3, "no_event": 1}
    article = reference.article(c.crime or "")
    if article and article.severity in ("misdemeanour", "minor", "medium"):
        grounds["reconciliation"] = 6 if c.kind_code in ("domestic", "control") else 2
    c.event("investigation_terminated", (30, 180), ground=weighted(c.rng, grounds))
    c.note("terminated")


def _downgrade_to_offence(c: Draft) -> None:
    assert c.crime is not None
    c.offence = DOWNGRADE_TO_OFFENCE[c.crime]
    c.event("requalified", (10, 90), from_article=c.crime, to_article=c.offence,
            note=c.maybe_note("downgraded_to_offence"))
    c.note("downgraded_to_offence")
    _administrative_decision(c, (5, 40))


def _administrative_decision(c: Draft, gap: tuple[int, int]) -> None:
    assert c.offence is not None
    outcome = weighted(c.rng, {"fine": 6, "warning": 1.5, "arrest": 1, "community_work": 1, "dismissed": 1.5})
    c.wait(gap)
    c.event("administrative_decision", article=c.offence, outcome=outcome,
            amount=_fine(c.rng, c.day, 5, 20) if outcome == "fine" else None)
    if outcome == "dismissed" and c.chance(0.4):
        c.event("appeal", (5, 15), by="survivor", outcome=_appeal_outcome(c))


def _appeal_outcome(c: Draft) -> str:
    if (c.today - c.day).days < 60:
        return "pending"
    return weighted(c.rng, {"upheld": 6, "modified": 2.5, "overturned": 1.5})


def _hearings(c: Draft, judge: str) -> None:
    closed = c.chance(0.7 if c.kind.sexual else 0.15)
    pool = DEFENCE_SEXUAL if c.kind.sexual else DEFENCE_OTHER
    for number in range(c.rng.choice((1, 1, 2, 3))):
        arguments = sorted({weighted(c.rng, pool) for _ in range(c.rng.randint(0, 3))})
        c.event("hearing", (14, 60) if number else (20, 75), closed=closed, judge=judge,
                defence_arguments=arguments)
    if c.chance(0.5):
        c.note("hearing")


def _sentence(c: Draft, article_code: str) -> None:
    article = reference.article(article_code)
    severity = article.severity if article else "minor"
    rng = c.rng
    if severity in ("grave", "especially_grave"):
        kind = weighted(rng, {"imprisonment": 0.85, "restriction_of_liberty": 0.15})
        months = rng.randint(60, 180) if kind == "imprisonment" else rng.randint(24, 60)
        c.event("sentence", sentence_type=kind, length_months=months)
    elif severity == "medium":
        kind = weighted(rng, {"imprisonment": 0.5, "restriction_of_liberty": 0.3, "suspended": 0.2})
        c.event("sentence", sentence_type=kind, length_months=rng.randint(12, 60))
    else:
        kind = weighted(rng, {"fine": 0.4, "community_work": 0.3, "restriction_of_liberty": 0.2, "arrest": 0.1})
        c.event("sentence", sentence_type=kind, amount=_fine(rng, c.day, 20, 200) if kind == "fine" else None,
                length_months=rng.randint(6, 24) if kind == "restriction_of_liberty" else None)


def _court(c: Draft, article_code: str, *, outcome: str, appeal: float = 0.25) -> None:
    c.event("sent_to_court", (40, 200), article=article_code, court=c.court())
    judge = c.judge()
    _hearings(c, judge)
    c.event("verdict", (0, 20), outcome=outcome, article=article_code, judge=judge if c.chance(0.3) else "")
    if outcome == "convicted":
        _sentence(c, article_code)
        if c.chance(appeal):
            custodial = c.steps[-1].data.get("sentence_type") in ("imprisonment", "arrest")
            c.event("appeal", (10, 30), by="defendant" if custodial else "survivor",
                    outcome=_appeal_outcome(c))
    else:
        c.note("acquitted")
        if c.chance(0.6):
            c.event("appeal", (10, 30), by=weighted(c.rng, {"prosecutor": 1, "survivor": 1}),
                    outcome=_appeal_outcome(c))


def _complain(c: Draft, about: str, outcome: str) -> None:
    c.event("complaint_filed", (3, 30), about=about,
            target=weighted(c.rng, {"prosecutor": 5, "investigating_judge": 2, "internal_affairs": 1}),
            outcome=outcome)


def pathway(c: Draft, scenario: str) -> None:
    rng = c.rng
    public = c.kind_code in ("street", "taxi")
    if scenario == "intake_only":
        c.event("disclosure", (0, 30), to_whom=c.confidant())
    elif scenario == "police_pending":
        _go_to_police(c, arrived=0.6)
    elif scenario == "refused":
        _go_to_police(c, arrived=0.5 if public else 0.3)
        _refuse(c)
        if c.chance(0.45):
            _complain(c, "refusal", weighted(rng, {"rejected": 2, "no_response": 2, "pending": 3}))
    elif scenario == "refused_then_registered":
        _go_to_police(c)
        _refuse(c)
        _complain(c, "refusal", "upheld")
        _register(c, (1, 14))
        tails = {"terminated": 2.0, "convicted": 2.0, "waiting": 1.0}
        if c.crime in DOWNGRADE_TO_OFFENCE:
            tails["offence"] = 1.0
        tail = weighted(rng, tails)
        if tail == "terminated":
            _terminate(c)
        elif tail == "convicted":
            _court(c, c.crime or "", outcome="convicted")
        elif tail == "offence":
            _downgrade_to_offence(c)
        else:
            c.note("waiting")
    elif scenario == "registered_waiting":
        _go_to_police(c)
        _register(c)
        if c.chance(0.4):
            _complain(c, "inaction", "pending")
        c.note("waiting")
    elif scenario == "terminated":
        _go_to_police(c)
        _register(c)
        if c.chance(0.25):
            _complain(c, "inaction", weighted(rng, {"upheld": 1, "rejected": 1, "no_response": 1}))
        _terminate(c)
    elif scenario == "downgraded_admin":
        _go_to_police(c, arrived=0.5 if public else 0.2)
        _register(c)
        _downgrade_to_offence(c)
    elif scenario == "admin_direct":
        _go_to_police(c, arrived=0.8)
        _administrative_decision(c, (1, 20))
    elif scenario in ("convicted", "acquitted", "appealed"):
        _go_to_police(c)
        _register(c)
        outcome = "convicted"
        if scenario == "acquitted":
            outcome = weighted(rng, {"acquitted": 3, "case_dismissed": 1})
        _court(c, c.crime or "", outcome=outcome, appeal=1.0 if scenario == "appealed" else 0.25)
    elif scenario == "downgraded_convicted":
        _go_to_police(c)
        _register(c)
        lesser = rng.choice(DOWNGRADE_TO_CRIME[c.crime or ""])
        c.event("requalified", (20, 120), from_article=c.crime, to_article=lesser)
        c.note("downgraded")
        _court(c, lesser, outcome="convicted")
    elif scenario == "court_waiting":
        _go_to_police(c)
        _register(c)
        c.event("sent_to_court", (40, 200), article=c.crime, court=c.court())
        c.note("waiting")
    elif scenario == "protective_order":
        _go_to_police(c, arrived=0.9)
        c.event("protective_order", (0, 1), days=30)
        if c.offence and c.chance(0.5):
            _administrative_decision(c, (2, 20))
    else:
        raise ValueError(f"unknown scenario {scenario!r}")
