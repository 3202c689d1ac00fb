"""The demo's cases, planned by a pure, seeded function: `plan_cases` (the same seed, count and day
give the same plans). Nothing here touches the database; `load` writes the plans.

Everything is invented: names, phones, plates, officers, judges and accounts of what happened
(`corpus`, from the JSON files in data/). The texts are in Kazakh and Russian, as caseworkers write
them, and are realistic but never graphic. Two cases follow the story in ../shared/mission/ (a
jogger in a park in the capital, then the same man six months later in Oral); a few other men come
back across cases, written differently each time, and some namesakes must stay apart, so that
matching has something true and something false to find.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from aigaq import reference

from .corpus import (
    CONTACT_WHEN,
    DESCRIPTIONS,
    DISTRICTS,
    FATHERS,
    FEMALE_NAMES,
    KAZAKH_GIVEN,
    KAZAKH_SHARE,
    KAZAKH_SURNAMES,
    KINDS,
    MCI,
    MEMBERS,
    NETWORK_SHARE,
    NOTES,
    OPERATORS,
    PATRONYMIC,
    PLANTED,
    PLATE_LETTERS,
    PROVIDERS,
    PSEUDONYMS,
    REGION_WEIGHTS,
    RESERVED_SURNAMES,
    RUSSIAN_GIVEN,
    RUSSIAN_PATRONYMICS,
    RUSSIAN_SURNAMES,
    SCENARIOS,
    STORIES,
    STORY,
    VILLAGES,
    WITNESS_NAMES,
    WITNESS_STATEMENTS,
    Member,
    Planted,
    Scenario,
)
from .pathways import Draft, Step, between, crime_article, days, offence_article, pathway, weighted

START = dt.date(2022, 1, 1)


@dataclass(frozen=True)
class CasePlan:
    survivor: Mapping[str, Any]
    incident: Mapping[str, Any]
    suspects: tuple[Mapping[str, Any], ...]
    events: tuple[Step, ...]  # after the incident event, which case_create adds itself
    witnesses: tuple[Mapping[str, Any], ...]
    referrals: tuple[Mapping[str, Any], ...]
    costs: tuple[Mapping[str, Any], ...]
    notes: tuple[str, ...]
    created_on: dt.date
    created_time: dt.time
    created_by: str  # username of the account that took the intake
    lawyer_assigned: bool
    shared_with_caseworker: bool


def plan_cases(
    *, count: int, seed: int, today: dt.date, member: Member | None = None
) -> list[CasePlan]:
    """`count` cases (the story's included), the same for the same arguments.

    For a `member` of the network demo: only its cases of the story (their survivors consent to
    network matching, its story suspects lose their phones where it says so), its share of the men
    who come back (every third, so that each of them spreads over the members), and network
    consent for NETWORK_SHARE of the survivors who consented to matching."""
    rng = random.Random(seed)
    numbers = _Numbers(used={"7015551234"})
    story = ("astana", "oral") if member is None else member.story
    planted = PLANTED if member is None else PLANTED[list(MEMBERS).index(member.key)::len(MEMBERS)]
    slots = [_Slot(kind=p.kind, planted=p) for p in planted[: max(0, count - len(story))]]
    kinds = {k: v.weight for k, v in KINDS.items()}
    slots += [_Slot(kind=weighted(rng, kinds)) for _ in range(max(0, count - len(story) - len(slots)))]
    # Every pathway appears at least once, in a case where it fits; the rest follow each kind's odds.
    for name, scenario in SCENARIOS.items():
        fitting = [s for s in slots
                   if not s.scenario and name in KINDS[s.kind].scenarios and s.fits(scenario, today)]
        if fitting:
            rng.choice(fitting).scenario = name
    for slot in slots:
        if not slot.scenario:
            allowed = {k: w for k, w in KINDS[slot.kind].scenarios.items() if slot.fits(SCENARIOS[k], today)}
            slot.scenario = weighted(rng, allowed or {"intake_only": 1})
    plans = [_plan_case(rng, slot, today, numbers) for slot in slots]
    if member is not None:
        # A generator of its own, so that the single instance's demo stays what it was.
        consents = random.Random(seed + 1)
        plans = [replace(p, survivor={**p.survivor, "consent_network": True})
                 if p.survivor["consent_matching"] and consents.random() < NETWORK_SHARE else p for p in plans]
    plans += [_story(STORY[name], today, member) for name in story]
    return sorted(plans, key=lambda p: (p.incident["date_from"], p.created_on))


# --- The story's two cases ------------------------------------------------------------------------


def _dated(raw: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """`raw` with the fields `names` (ISO dates or null in the JSON) as dates, and amounts as Decimals."""
    out = dict(raw)
    for name in names:
        if out.get(name) is not None:
            out[name] = dt.date.fromisoformat(out[name])
    if "amount" in out:
        out["amount"] = Decimal(out["amount"])
    return out


def _step(raw: Mapping[str, Any]) -> Step:
    date = dt.date.fromisoformat(raw["date"])
    # A fine is set in multiples of the year's monthly calculation index (MCI).
    data = {("amount" if k == "amount_mci" else k): (Decimal(MCI[date.year] * v) if k == "amount_mci" else v)
            for k, v in raw["data"].items()}
    time = dt.time.fromisoformat(raw["time"]) if raw.get("time") else None
    return Step(raw["type"], date, data, time)


def _story(raw: Mapping[str, Any], today: dt.date, member: Member | None = None) -> CasePlan:
    """One of the story's cases as data/story.json writes it; nothing dated after today. In a
    member of the network demo, its survivor consents to network matching."""
    events = tuple(_step(e) for e in raw["events"])
    suspects = [dict(s) for s in raw["suspects"]]
    if member is not None and member.without_phones:
        suspects = [{k: v for k, v in s.items() if k != "phones"} for s in suspects]
    return CasePlan(
        survivor=dict(raw["survivor"]) | ({"consent_network": True} if member is not None else {}),
        incident=_dated(raw["incident"], "date_from", "date_to"),
        suspects=tuple(suspects),
        events=tuple(s for s in events if s.date <= today),
        witnesses=tuple(dict(w) for w in raw["witnesses"]),
        referrals=tuple(_dated(r, "referred_on", "closed_on") for r in raw["referrals"]),
        costs=tuple(_dated(c, "paid_on") for c in raw["costs"]),
        notes=tuple(raw["notes"]),
        created_on=dt.date.fromisoformat(raw["created_on"]),
        created_time=dt.time.fromisoformat(raw["created_time"]),
        created_by=raw["created_by"],
        lawyer_assigned=raw["lawyer_assigned"],
        shared_with_caseworker=raw["shared_with_caseworker"],
    )


# --- People ---------------------------------------------------------------------------------------------


def _phone_formats(rng: random.Random, digits: str) -> str:
    """One Kazakhstan mobile number (10 digits after +7) written the way people write it."""
    a, b, c, d = digits[:3], digits[3:6], digits[6:8], digits[8:]
    return rng.choice((
        f"+7 {a} {b} {c} {d}", f"+7 ({a}) {b}-{c}-{d}", f"8 ({a}) {b}-{c}-{d}", f"8{digits}", f"+7{digits}",
        f"8 {a} {b} {c}{d}", f"8-{a}-{b}-{c}-{d}", f"+7 {a} {b} {c}{d}",
    ))  # fmt: skip


@dataclass
class _Numbers:
    """Invented phone numbers (all in the 555 block), each given to one person only."""

    used: set[str] = field(default_factory=set)

    def new(self, rng: random.Random) -> str:
        while True:
            digits = rng.choice(OPERATORS) + "555" + f"{rng.randint(0, 9999):04d}"
            if digits not in self.used and "5551234" not in digits:
                self.used.add(digits)
                return digits


def _random_suspect(c: Draft, numbers: _Numbers, relation: str) -> dict[str, Any]:
    rng, lang = c.rng, c.lang
    year = c.incident_day.year
    age = max(16, min(70, round(rng.triangular(17, 65, 30))))
    stranger = relation in ("stranger", "unknown")
    suspect: dict[str, Any] = {"sex": "male", "relation": relation}
    if rng.random() < 0.8:
        given = rng.choice(KAZAKH_GIVEN)
        surname = rng.choice([s for s in KAZAKH_SURNAMES if s[0] not in RESERVED_SURNAMES])
        father = rng.choice(FATHERS)
        script = weighted(rng, {"kk": 0.7, "ru": 0.25, "lat": 0.05} if lang == "kk"
                           else {"kk": 0.15, "ru": 0.7, "lat": 0.15})
        if script == "lat":
            first, last, patronymic = given[2], surname[2], ""
        else:
            i = 0 if script == "kk" else 1
            first, last = given[i], surname[i]
            patronymic = PATRONYMIC[script].format(father=father[i])
        nickname = ""
    else:
        ru_given = rng.choice(RUSSIAN_GIVEN)
        ru_surname = rng.choice(RUSSIAN_SURNAMES)
        latin = rng.random() < 0.15
        first, last = (ru_given[1], ru_surname[1]) if latin else (ru_given[0], ru_surname[0])
        patronymic = "" if latin else rng.choice(RUSSIAN_PATRONYMICS)
        nickname = ru_given[2]
    known = rng.random() < (0.7 if stranger else 1.0)
    if known:
        form = weighted(rng, {"first_last": 0.55, "last_first": 0.2, "official": 0.1, "first": 0.15})
        name = {"first_last": f"{first} {last}", "last_first": f"{last} {first}",
                "official": f"{last} {first} {patronymic}".strip(), "first": first}[form]
        if first.isascii() and rng.random() < 0.5:
            name = name.upper()
        suspect["full_name"] = name
        if nickname and rng.random() < 0.3:
            suspect["aliases"] = nickname
    if rng.random() < (0.3 if stranger else 0.6):
        suspect["phones"] = _phone_formats(rng, numbers.new(rng))
    if c.kind_code == "online" or rng.random() < 0.1:
        base = f"{(first if known else rng.choice(KAZAKH_GIVEN)[2]).lower()}_{rng.randint(1, 999)}"
        if not base.isascii():
            base = f"user{rng.randint(1000, 99999)}"
        suspect["handles"] = rng.choice((f"@{base}", f"instagram.com/{base}", f"t.me/{base}"))
    if c.kind_code == "taxi" or rng.random() < 0.05:
        numeric = reference.region(c.region)
        code = numeric.plate_codes[0] if numeric else "02"
        letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
        suspect["plates"] = rng.choice((f"{rng.randint(100, 999)} {letters} {code}",
                                        f"{rng.randint(100, 999)}{letters}{code}"))
    if rng.random() < 0.75:
        suspect["approx_age"] = age
    if rng.random() < 0.2:
        born = year - age
        exact = f"{born}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        suspect["birth_date"] = rng.choice((str(born), exact))
    if rng.random() < 0.4 or "full_name" not in suspect:
        suspect["description"] = c.pick(DESCRIPTIONS)
    return suspect


def _survivor(c: Draft, numbers: _Numbers) -> dict[str, Any]:
    rng = c.rng
    survivor: dict[str, Any] = {
        "sex": "female",
        "age_at_incident": c.age,
        "birth_year": c.incident_day.year - c.age - (1 if rng.random() < 0.5 else 0),
        "consent_services": rng.random() < 0.8,
        "consent_matching": rng.random() < 0.6,
        "consent_statistics": rng.random() < 0.9,
    }
    if rng.random() < 0.6:
        survivor["pseudonym"] = f"{rng.choice(PSEUDONYMS)}-{rng.randint(1, 99):02d}"
    if rng.random() < 0.35:
        survivor["name"] = c.pick(FEMALE_NAMES)
    if rng.random() < 0.3:
        survivor["contact"] = f"{_phone_formats(rng, numbers.new(rng))} ({CONTACT_WHEN[c.lang]})"
    return survivor



# --- One planned case -------------------------------------------------------------------------------


@dataclass
class _Slot:
    kind: str
    planted: Planted | None = None
    scenario: str = ""

    def fits(self, scenario: Scenario, today: dt.date) -> bool:
        if self.planted is None:
            return True
        return not scenario.recent and self.planted.date + days(scenario.span + scenario.idle[0]) <= today


def _place(rng: random.Random, region: str) -> tuple[str, str]:
    """(city code, settlement): a city of the region, region centres most often; sometimes a village
    that is not in the list."""
    cities = [c for c in reference.cities() if c.region == region]
    if len(cities) > 1 and rng.random() < 0.06:
        return "", "village"
    weights = [6.0 if c.is_region_centre else {"city": 3.0, "town": 1.5}.get(c.population_class, 1.0)
               for c in cities]
    return rng.choices(cities, weights=weights)[0].code, ""


def _plan_case(rng: random.Random, slot: _Slot, today: dt.date, numbers: _Numbers) -> CasePlan:
    kind = KINDS[slot.kind]
    scenario = SCENARIOS[slot.scenario]
    planted = slot.planted
    if planted is not None:
        region, city_code, settlement, lang = planted.region, planted.city, "", planted.lang
    else:
        region = weighted(rng, REGION_WEIGHTS)
        city_code, settlement = _place(rng, region)
        lang = "kk" if rng.random() < KAZAKH_SHARE.get(region, 0.3) else "ru"
    if settlement:
        settlement = rng.choice(VILLAGES[lang])
    city = reference.city(city_code) if city_code else None
    area = "urban" if city is not None and city.urban else "rural"
    age = round(rng.triangular(*kind.ages))

    if planted is not None:
        day = planted.date
    elif scenario.recent:
        day = today - days(rng.randint(scenario.span, scenario.span + 20))
    else:
        latest = today - days(scenario.span + rng.randint(*scenario.idle))
        day = START + days(rng.randint(0, max(0, (latest - START).days)))
    date_from = day
    if rng.random() < kind.period:
        date_from = max(START, day - days(rng.randint(20, 150)))

    c = Draft(rng=rng, today=today, kind_code=slot.kind, kind=kind, lang=lang, region=region, city=city_code,
              district=rng.choice(DISTRICTS[city_code]) if city_code in DISTRICTS else None, age=age,
              incident_day=day, day=day)
    if scenario.needs_crime:
        c.crime = crime_article(slot.kind, rng, day, age)
    c.offence = offence_article(slot.kind, rng, day)
    pathway(c, slot.scenario)
    # Nothing is ever dated after today: a pathway longer than the time since the incident stops here.
    events = tuple(s for s in c.steps if s.date <= today)

    stories = [t for t in STORIES if t.kind == slot.kind]
    if planted is not None:
        stories = [t for t in stories if planted.suspect["relation"] in t.relations] or stories
    story = rng.choice(stories)
    place, relation = story.place, rng.choice(story.relations)
    suspects: list[dict[str, Any]] = []
    if planted is not None:
        suspects.append({"sex": "male", **planted.suspect})
    else:
        suspects.append(_random_suspect(c, numbers, relation))
    if rng.random() < (0.25 if slot.kind in ("street", "rape", "abduction") else 0.05):
        suspects.append(_random_suspect(c, numbers, suspects[0].get("relation", relation)))

    # The lawyer takes most cases that reach a prosecutor or a court, and a few others.
    went_further = any(s.type in ("sent_to_court", "complaint_filed") for s in events)
    lawyer = rng.random() < (0.65 if went_further else 0.12)
    created_by = "caseworker" if rng.random() < 0.85 else "coordinator"
    first_contact = events[0].date if events else day
    created_on = min(today, first_contact + days(rng.randint(0, 10)))
    return CasePlan(
        # A planted man's survivors consent to matching, so the demo raises his alerts (and shows that
        # namesakes raise none).
        survivor={**_survivor(c, numbers), **({"consent_matching": True} if planted else {})},
        incident={
            "date_from": date_from, "date_to": day if date_from != day else None, "region": region,
            "city": city_code, "settlement": settlement, "area": area, "place_type": place,
            "gbv_type": kind.gbv, "account": story.kk if lang == "kk" else story.ru,
        },
        suspects=tuple(suspects),
        events=events,
        witnesses=_witnesses(c, numbers) if place in ("park", "street", "public_transport") else (),
        referrals=_referrals(c, created_on, lawyer),
        costs=_costs(c, events, created_on, lawyer),
        notes=(*c.notes[:3], *(c.pick(NOTES["general"]) for _ in range(rng.choice((0, 1, 1, 2))))),
        created_on=created_on,
        created_time=dt.time(rng.randint(9, 18), rng.randint(0, 59)),
        created_by=created_by,
        lawyer_assigned=lawyer,
        shared_with_caseworker=created_by == "coordinator" and rng.random() < 0.4,
    )


def _witnesses(c: Draft, numbers: _Numbers) -> tuple[dict[str, Any], ...]:
    if not c.chance(0.35):
        return ()
    return tuple(
        {"name": c.pick(WITNESS_NAMES),
         "contact": _phone_formats(c.rng, numbers.new(c.rng)) if c.chance(0.6) else "",
         "statement": c.pick(WITNESS_STATEMENTS)}
        for _ in range(c.rng.choice((1, 1, 2)))
    )


def _referrals(c: Draft, start: dt.date, lawyer: bool) -> tuple[dict[str, Any], ...]:
    rng, today = c.rng, c.today
    kinds: list[str] = []
    if lawyer or c.chance(0.2):
        kinds.append("legal_aid")
    if c.chance(0.5):
        kinds.append("psychological")
    if c.kind_code in ("rape", "domestic") and c.chance(0.7):
        kinds.append("medical")
    if c.kind_code in ("domestic", "control", "resources") and c.chance(0.4):
        kinds.append("shelter")
    if c.chance(0.05):
        kinds.append("other")
    out = []
    for kind in kinds:
        referred = between(rng, start, min(today, start + days(20)))
        status = weighted(rng, {"planned": 1, "made": 2, "accepted": 3, "declined": 1, "completed": 3})
        closed = None
        if status in ("declined", "completed"):
            closed = between(rng, referred, min(today, referred + days(120)))
        out.append({"kind": kind, "provider": c.pick(PROVIDERS[kind]), "status": status,
                    "referred_on": referred, "closed_on": closed})
    return tuple(out)


def _costs(c: Draft, events: Sequence[Step], start: dt.date, lawyer: bool) -> tuple[dict[str, Any], ...]:
    rng = c.rng
    # Costs fall while the case is active: from the intake to shortly after its last event.
    end = min(c.today, max(start, events[-1].date if events else start) + days(30))
    out: list[dict[str, Any]] = []
    if lawyer and c.chance(0.7):
        payer = weighted(rng, {"survivor": 4.5, "volunteer_pro_bono": 2.5, "organisation": 2, "family": 1,
                                "state_legal_aid": 0.5})
        out.append({"kind": "lawyer", "amount": Decimal(rng.randrange(30_000, 300_000, 5_000)),
                    "payer": payer, "paid_on": between(rng, start, end)})
    for step in events:
        if step.type == "forensic_exam" and step.data.get("payer") and c.chance(0.8):
            out.append({"kind": "forensic_exam", "amount": Decimal(rng.randrange(8_000, 25_000, 500)),
                        "payer": step.data["payer"], "paid_on": step.date})
    if c.chance(0.3):
        out.append({"kind": "travel", "amount": Decimal(rng.randrange(1_500, 40_000, 500)),
                    "payer": weighted(rng, {"survivor": 3, "organisation": 1, "family": 1}),
                    "paid_on": between(rng, start, end)})
    if c.kind_code in ("rape", "domestic") and c.chance(0.4):
        out.append({"kind": "medical", "amount": Decimal(rng.randrange(5_000, 60_000, 1_000)),
                    "payer": weighted(rng, {"survivor": 3, "family": 1}),
                    "paid_on": between(rng, start, end)})
    if c.chance(0.15):
        out.append({"kind": "psychological", "amount": Decimal(rng.randrange(8_000, 20_000, 1_000)),
                    "payer": weighted(rng, {"survivor": 2, "organisation": 3}),
                    "paid_on": between(rng, start, end)})
    return tuple(out)
