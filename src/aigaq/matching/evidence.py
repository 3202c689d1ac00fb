"""The evidence of an alert in words, rebuilt from the two sealed suspects when a coordinator
opens it (never stored: it shows names and identifiers).

"same phone +7 701 555 12 34; Жәнібек Сейітов ~ ZHANIBEK SEITOV; ages 34 and 35; Astana → Oral,
6 months apart". The engine compares the plain features here (both suspects are decrypted in
memory anyway); its own evidence texts are English only, so the words are written here, in the
reader's language.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aigaq import reference
from aigaq.cases.mention import mention_for
from aigaq.cases.models import Case, Suspect
from aigaq.cases.reveal import mask
from aigaq.i18n import active_language
from aigaq.linkage.features import FIELDS, Features, compare_features
from aigaq.linkage.normalise import format_phone, format_plate
from aigaq.linkage.plain import plain_index


@dataclass(frozen=True)
class Line:
    outcome: str  # "agree", "partial", "disagree" or "conflict"
    text: str


def _shared(a: frozenset[str], b: frozenset[str]) -> list[str]:
    return sorted(a & b)


def _age_text(s: Suspect, *, revealed: bool) -> str:
    if s.birth_date:
        return _("born %(date)s") % {"date": s.birth_date if revealed else mask(str(s.birth_date))}
    if s.approx_age:
        return _("aged about %(age)d") % {"age": s.approx_age}
    return ""


def _birth_line(level: int, a: Suspect, b: Suspect, *, revealed: bool) -> Line | None:
    if level < 0:
        return None
    if a.approx_age and b.approx_age and not a.birth_date and not b.birth_date:
        text = _("ages %(a)d and %(b)d") % {"a": a.approx_age, "b": b.approx_age}
    else:
        text = _("%(a)s and %(b)s") % {"a": _age_text(a, revealed=revealed), "b": _age_text(b, revealed=revealed)}
    if level == 0:
        return Line("conflict", _("%(ages)s: cannot be the same man") % {"ages": text})
    if level == 1:
        return Line("disagree", _("%(ages)s: far apart") % {"ages": text})
    return Line("agree" if level >= 3 else "partial", text)


def _identifier_lines(levels: list[int], fa: Features, fb: Features, *, revealed: bool) -> list[Line]:
    lines: list[Line] = []
    formats = (
        ("phone", fa.phones, fb.phones, format_phone, _("same phone %(value)s"), _("different phones")),
        (
            "handle",
            fa.handles,
            fb.handles,
            lambda h: "@" + h,
            _("same account %(value)s"),
            _("different accounts"),
        ),
        (
            "plate",
            fa.plates,
            fb.plates,
            format_plate,
            _("same car plate %(value)s"),
            _("different car plates"),
        ),
        ("iin", fa.iins, fb.iins, str, _("same IIN %(value)s"), _("different IINs")),
    )
    for field, va, vb, fmt, same, different in formats:
        level = levels[FIELDS.index(field)]
        if level < 0:
            continue
        shared = _shared(va, vb)
        if level == 1 and shared:
            value = fmt(shared[0])
            lines.append(Line("agree", same % {"value": value if revealed else mask(value)}))
        else:
            lines.append(Line("disagree", different))
    return lines


def _city(case: Case) -> str:
    incident = getattr(case, "incident", None)
    if incident is None:
        return "?"
    lang = active_language()
    city = reference.city(incident.city) if incident.city else None
    if city is not None:
        return city.label(lang)
    region = reference.region(incident.region)
    return region.label(lang) if region is not None else incident.region


def months_apart(a: dt.date, b: dt.date) -> int:
    """Whole months between two dates, in either order, rounded to the nearest month: 22 January to
    20 July is six months (five months and 28 days), not five; 4 May to 8 November is six."""
    first, second = sorted((a, b))
    months = (second.year - first.year) * 12 + second.month - first.month
    if second.day < first.day:
        months -= 1  # the last month is not complete
    # The days past the whole months, from the day the last whole month ended.
    year, month = divmod(first.month - 1 + months, 12)
    anchor = first.replace(year=first.year + year, month=month + 1, day=min(first.day, _days_in(first.year + year,
                                                                                                month + 1)))
    rest = (second - anchor).days
    return months + (1 if rest * 2 >= _days_in(anchor.year, anchor.month) else 0)


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def place_line(case_a: Case, case_b: Case) -> Line | None:
    ia, ib = getattr(case_a, "incident", None), getattr(case_b, "incident", None)
    if ia is None or ib is None:
        return None
    first, second = (case_a, case_b) if ia.date_from <= ib.date_from else (case_b, case_a)
    months = months_apart(ia.date_from, ib.date_from)
    apart = ngettext("%(n)d month apart", "%(n)d months apart", months) % {"n": months}
    if ia.city and ia.city == ib.city:
        return Line("agree", _("both in %(city)s, %(apart)s") % {"city": _city(first), "apart": apart})
    return Line(
        "partial",
        _("%(first)s → %(second)s, %(apart)s")
        % {"first": _city(first), "second": _city(second), "apart": apart},
    )


def evidence_lines(a: Suspect, b: Suspect, *, revealed: bool) -> list[Line]:
    """Decrypts both suspects: call only for a coordinator, and audit the view. The identifiers
    they share (phone, account, plate, IIN, date of birth) are masked as on the case page unless
    `revealed` (she asked to see both suspects' identifiers, with step-up: cases.reveal)."""
    index = plain_index([mention_for(a), mention_for(b)])
    levels, _tf = index.levels(0, 1)
    fa, fb = index.f[0], index.f[1]
    lines = _identifier_lines(levels, fa, fb, revealed=revealed)
    name_level = levels[FIELDS.index("name")]
    match = compare_features(index.tt, fa, fb)[1]
    if name_level >= 0 and match is not None:
        pair = {"a": match.a_text, "b": match.b_text}
        if name_level >= 4:
            lines.append(Line("agree", _("%(a)s ~ %(b)s") % pair))
        elif name_level >= 2:
            lines.append(Line("partial", _("%(a)s / %(b)s: one word the same") % pair))
        else:
            lines.append(Line("disagree", _("names %(a)s and %(b)s differ") % pair))
    birth = _birth_line(levels[FIELDS.index("birth")], a, b, revealed=revealed)
    if birth is not None:
        lines.append(birth)
    if levels[FIELDS.index("patronymic")] == 1:
        lines.append(Line("agree", _("same patronymic")))
    place = place_line(a.case, b.case)
    if place is not None:
        lines.append(place)
    return lines
