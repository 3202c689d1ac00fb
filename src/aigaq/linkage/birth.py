"""What a mention says about the man's birth, as an interval of years, and how two compare.

Birth comes from a date (whole, or a year or a month), from the date an IIN encodes, or from an age
on the incident date; the levels (5 same date … 0 impossible) are docs/linkage.md's. Only a
documented birth (a date or an IIN) can make a pair impossible: an age is what a survivor
estimated, so two ages, or an age and a date, far apart only disagree (level 1) and weigh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .mention import Mention
from .normalise import iin_birth_date

# Two documented births (dates, IINs) further apart than this cannot be one man, whatever else
# agrees; dates are sometimes approximate (a year only), so the gap is generous. Estimated ages
# never make a conflict (issue 17: "about 60" and "about 69" for one man with one phone).
HARD_GAP_YEARS = 8.0
DOCUMENTED = ("date", "iin")  # Birth.source values that can make a conflict; "age" cannot


@dataclass(frozen=True, slots=True)
class Birth:
    """Possible birth dates as an interval in fractional years, and the exact date when known."""

    lo: float
    hi: float
    exact: str | None  # "YYYYMMDD"
    source: str  # "date", "iin" or "age"
    label: str  # what a coordinator reads: "born 1985-04-12", "aged 34 on 2022-05-01"

    @property
    def documented(self) -> bool:
        """From a birth date or an IIN, not from an age someone estimated. (Private mode tells them
        apart by the coarse years: a documented birth lies in one calendar year, an age spans two.)"""
        return self.source in DOCUMENTED


def _year_float(d: dt.date) -> float:
    """The date as a fractional year (1 July 1985 ≈ 1985.5), so int() gives the calendar year."""
    start = dt.date(d.year, 1, 1).toordinal()
    return d.year + (d.toordinal() - start) / (dt.date(d.year + 1, 1, 1).toordinal() - start)


def birth_of(m: Mention, iins: Sequence[str]) -> Birth | None:
    if m.birth_date:
        parts = [int(p) for p in m.birth_date.split("-")]
        if len(parts) == 3:
            d = dt.date(*parts)
            return Birth(_year_float(d), _year_float(d), d.strftime("%Y%m%d"), "date", f"born {m.birth_date}")
        if len(parts) == 2:
            y, mo = parts
            start = dt.date(y, mo, 1)
            end = dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)
            return Birth(_year_float(start), _year_float(end), None, "date", f"born {m.birth_date}")
        y = parts[0]
        return Birth(_year_float(dt.date(y, 1, 1)), _year_float(dt.date(y, 12, 31)), None, "date", f"born {y}")
    for iin in iins:
        born = iin_birth_date(iin)
        if born:
            label = f"born {born} (from IIN)"
            return Birth(_year_float(born), _year_float(born), born.strftime("%Y%m%d"), "iin", label)
    if m.age_at_incident is not None and m.incident_date:
        inc = dt.date.fromisoformat(m.incident_date)
        # Aged A on day D means born after D minus A+1 years and on or before D minus A years.
        hi = _year_float(inc) - m.age_at_incident
        lo = hi - 1.0
        return Birth(lo, hi, None, "age", f"aged {m.age_at_incident} on {m.incident_date}")
    return None


def date_typo_like(a: str, b: str) -> bool:
    """One digit wrong, two neighbours swapped, or day and month swapped: a slip, not two men."""
    if len(a) != len(b) or a == b:
        return a == b
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return True
    return len(a) == 8 and a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]


def birth_gap(a: Birth, b: Birth) -> float:
    return max(0.0, a.lo - b.hi, b.lo - a.hi)


def birth_level(a: Birth, b: Birth) -> int:
    """5 same date, 4 slip of a date, 3 compatible, 2 within 2 years, 1 disagree, 0 impossible
    (both documented and more than HARD_GAP_YEARS apart)."""
    if a.exact and b.exact:
        if a.exact == b.exact:
            return 5
        if date_typo_like(a.exact, b.exact):
            return 4
        return 0 if birth_gap(a, b) > HARD_GAP_YEARS else 1
    gap = birth_gap(a, b)
    if gap == 0.0:
        return 3
    if gap <= 2.0:
        return 2
    return 0 if gap > HARD_GAP_YEARS and a.documented and b.documented else 1
