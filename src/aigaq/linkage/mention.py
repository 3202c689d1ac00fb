"""The input record (one suspect mention) and its strict JSON-lines parser."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields

LIST_FIELDS = ("aliases", "phones", "handles", "plates", "iins", "other_ids")
TEXT_FIELDS = ("full_name", "sex", "city", "region", "address", "description")
KNOWN_FIELDS = frozenset(("id", "birth_date", "age_at_incident", "incident_date", *LIST_FIELDS, *TEXT_FIELDS))

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class InputError(ValueError):
    """A mention line that cannot be used; names the 1-based line number and the reason."""

    def __init__(self, line_no: int, reason: str) -> None:
        super().__init__(f"line {line_no}: {reason}")
        self.line_no = line_no
        self.reason = reason


@dataclass(slots=True)
class Mention:
    """One suspect as one case records him. Only ``id`` is required."""

    id: str
    full_name: str | None = None
    aliases: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    plates: list[str] = field(default_factory=list)
    iins: list[str] = field(default_factory=list)
    other_ids: list[str] = field(default_factory=list)
    birth_date: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    age_at_incident: int | None = None
    incident_date: str | None = None  # "YYYY-MM-DD"
    sex: str | None = None
    city: str | None = None
    region: str | None = None
    address: str | None = None
    description: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, [], ""):
                out[f.name] = value
        return out


def check_partial_date(value: str) -> None:
    """Raise ValueError unless value is YYYY, YYYY-MM or YYYY-MM-DD naming a real date."""
    m = _PARTIAL_DATE.match(value)
    if not m:
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.group(1), m.group(2), m.group(3)
    dt.date(int(year), int(month or 1), int(day or 1))  # raises ValueError on month 13, Feb 30…


def mention_from_dict(obj: dict[str, object], line_no: int = 0) -> Mention:
    """Validate one decoded object; raises InputError naming the field that is wrong."""
    mid = obj.get("id")
    if mid is None:
        raise InputError(line_no, "no id")
    if not isinstance(mid, str) or not mid.strip():
        raise InputError(line_no, "id must be a non-empty string")
    kwargs: dict[str, object] = {"id": mid}
    for name in LIST_FIELDS:
        value = obj.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise InputError(line_no, f"{name} must be a list of strings")
        kwargs[name] = [str(v) for v in value if str(v).strip()]
    for name in TEXT_FIELDS:
        value = obj.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(line_no, f"{name} must be a string")
        kwargs[name] = value
    for name in ("birth_date", "incident_date"):
        value = obj.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise InputError(line_no, f"malformed date in {name}: not a string")
        try:
            check_partial_date(value)
        except ValueError as exc:
            raise InputError(line_no, f"malformed date in {name}: {exc}") from None
        if name == "incident_date" and len(value) != 10:
            raise InputError(line_no, "malformed date in incident_date: expected YYYY-MM-DD")
        kwargs[name] = value
    age = obj.get("age_at_incident")
    if age is not None:
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120:
            raise InputError(line_no, "age_at_incident must be an integer from 0 to 120")
        kwargs["age_at_incident"] = age
    return Mention(**kwargs)  # type: ignore[arg-type]


def parse_mentions(lines: Iterable[str]) -> tuple[list[Mention], set[str]]:
    """Parse JSON lines into mentions; returns (mentions, names of unknown fields seen).

    Blank lines are skipped. Raises InputError(line_no, reason) on a line that is not JSON, not an
    object, has no string id, repeats an id, or has a malformed date or a field of the wrong type.
    """
    unknown: set[str] = set()
    return list(iter_mentions(lines, unknown)), unknown


def iter_mentions(lines: Iterable[str], unknown: set[str]) -> Iterator[Mention]:
    """parse_mentions one line at a time, so a million mentions need not be held at once.

    The names of unknown fields are added to ``unknown`` as they are seen; InputError is raised
    when the bad line is reached (so a consumer must not write anything before the end).
    """
    seen: set[str] = set()
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(line_no, f"not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InputError(line_no, "not a JSON object")
        mention = mention_from_dict(obj, line_no)
        if mention.id in seen:
            raise InputError(line_no, f"repeated id {mention.id!r}")
        seen.add(mention.id)
        unknown.update(k for k in obj if k not in KNOWN_FIELDS)
        yield mention
