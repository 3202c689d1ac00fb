"""A cell's value as people type it, turned into what Aigaq stores: dates in the usual formats and
Excel serial dates, regions and cities by any name (old ones too), violence types in kk/ru/en onto
the GBVIMS codes, phones through the phone normalisation. Each parser raises Bad with the reason,
in the active language."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from typing import Any

import phonenumbers
from django.utils import timezone
from django.utils.translation import gettext as _

from aigaq import reference
from aigaq.i18n import active_language
from aigaq.linkage.normalise import normalise_phone

from .columns import header_key


class Bad(ValueError):
    """A cell that cannot be read: `reason` says why, in the user's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug included)
_DMY = re.compile(r"^(\d{1,2})[./\-](\d{1,2})[./\-](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})(?:[ T].*)?$")


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _year(two_or_four: str) -> int:
    year = int(two_or_four)
    if len(two_or_four) == 2:
        # 21 is 2021, 95 is 1995: the century that does not put the date in the future.
        year += 2000 if 2000 + year <= timezone.localdate().year else 1900
    return year


def parse_date(value: Any) -> dt.date:
    """12.04.2021, 12/04/21, 12-04-2021 (day first, as in Kazakhstan), 2021-04-12, a spreadsheet's
    own date, or an Excel serial number (44298). Never in the future."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        raw = text(value)
        day = _parse_text_date(raw)
    if day > timezone.localdate():
        raise Bad(_("The date %(date)s is in the future.") % {"date": day.strftime("%d.%m.%Y")})
    return day


def _not_a_date(raw: str) -> Bad:
    return Bad(_("“%(value)s” is not a date. Write it as, for example, 12.04.2021.") % {"value": raw})


def _parse_text_date(raw: str) -> dt.date:
    try:
        if re.fullmatch(r"\d{1,5}(\.0+)?", raw):
            serial = int(float(raw))
            # From 1930 (a year alone, 2021, is not a date of 1905) to Excel's last day.
            if not 10_958 <= serial <= 2_958_465:
                raise _not_a_date(raw)
            return EXCEL_EPOCH + dt.timedelta(days=serial)
        if found := _DMY.match(raw):
            return dt.date(_year(found.group(3)), int(found.group(2)), int(found.group(1)))
        if found := _YMD.match(raw):
            return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except Bad:
        raise
    except ValueError:
        raise _not_a_date(raw) from None
    raise _not_a_date(raw)


@lru_cache(maxsize=4096)
def _region_code(raw: str) -> str | None:
    """A sheet names the same few regions over and over: each spelling is looked up once."""
    found = reference.find_region(raw)
    if found is not None:
        return found.code
    city = reference.find_city(raw)
    return city.region if city is not None else None


def parse_region(value: Any) -> str:
    """The code of one of the 20 regions, from a name in any language or an old name (Семипалатинская
    область is Abai), a code (KZ-75), or a city's name (Алматы, Шымкент)."""
    raw = text(value)
    code = _region_code(raw)
    if code is None:
        raise Bad(_("“%(value)s” is not one of the regions of Kazakhstan.") % {"value": raw})
    return code


def parse_city(value: Any) -> tuple[str, str]:
    """(city code, "") for a listed settlement, ("", the name as written) for another one."""
    raw = text(value)
    found = reference.find_city(raw)
    return (found.code, "") if found is not None else ("", raw)


# Words people write for the GBVIMS types besides their labels, folded by header_key.
GBV_WORDS: dict[str, tuple[str, ...]] = {
    "rape": ("изнасилование", "зорлау", "rape"),
    "sexual_assault": ("сексуальное насилие", "домогательство", "насильственные действия сексуального характера",
                       "жыныстық зорлық", "sexual violence", "sexual harassment"),
    "physical_assault": ("побои", "избиение", "физическое насилие", "ұрып-соғу", "тән зорлығы", "beating",
                         "domestic violence", "бытовое насилие", "тұрмыстық зорлық"),
    "forced_marriage": ("похищение невесты", "кыз алып кашу", "қыз алып қашу", "bride kidnapping", "early marriage",
                        "ранний брак"),
    "denial_of_resources": ("экономическое насилие", "экономикалық зорлық", "economic violence"),
    "psychological_abuse": ("психологическое насилие", "угрозы", "психологиялық зорлық", "қорқыту", "threats",
                            "emotional abuse", "stalking", "преследование"),
}


@cache
def _gbv_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for gbv in reference.gbv_types():
        for name in (gbv.code, *gbv.labels.values()):
            index.setdefault(header_key(name), gbv.code)
    for code, words in GBV_WORDS.items():
        if reference.gbv_type(code) is None:
            continue
        for word in words:
            index.setdefault(header_key(word), code)
    return index


def parse_gbv(value: Any) -> str:
    raw = text(value)
    code = _gbv_index().get(header_key(raw))
    if code is None:
        names = ", ".join(g.label(active_language()) for g in reference.gbv_types())
        raise Bad(_("“%(value)s” is not a type of violence Aigaq knows (%(names)s).") % {"value": raw, "names": names})
    return code


def parse_phone(value: Any) -> str:
    """The phone as written, checked to be one (Kazakhstan by default); several separated by commas."""
    raw = text(value)
    phones = []
    for part in (p.strip() for p in re.split(r"[,;\n]", raw)):
        if not part:
            continue
        try:
            number = phonenumbers.parse(part, "KZ")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_possible_number(number) or normalise_phone(part) is None:
            raise Bad(_("“%(value)s” is not a phone number.") % {"value": part})
        phones.append(part)
    return "\n".join(phones)


_YES = {"1", "yes", "y", "true", "да", "д", "иә", "ия", "+", "x", "✓"}
_NO = {"0", "no", "n", "false", "нет", "н", "жоқ", "-"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).casefold()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise Bad(_("“%(value)s” is neither yes nor no.") % {"value": text(value)})


def parse_article(value: Any) -> str:
    raw = text(value)
    found = reference.article(raw)
    if found is None:
        raise Bad(_("There is no article “%(value)s” in our list.") % {"value": raw})
    return found.code


def _entry_code(value: Any, entries: Any, message: str) -> str:
    raw = text(value)
    key = header_key(raw)
    for entry in entries:
        if key in {header_key(entry.code), *(header_key(label) for label in entry.labels.values())}:
            return str(entry.code)
    raise Bad(message % {"value": raw})


def parse_verdict(value: Any) -> str:
    return _entry_code(value, reference.verdict_outcomes(), _("“%(value)s” is not a verdict Aigaq knows."))


def parse_place(value: Any) -> str:
    return _entry_code(value, reference.place_types(), _("“%(value)s” is not a kind of place Aigaq knows."))


def parse_area(value: Any) -> str:
    key = header_key(text(value))
    if key in {"urban", "город", "қала", "городская", "city"}:
        return "urban"
    if key in {"rural", "село", "ауыл", "сельская", "village", "деревня"}:
        return "rural"
    raise Bad(_("“%(value)s” is neither urban nor rural.") % {"value": text(value)})
