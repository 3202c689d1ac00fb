"""The input record (one suspect mention) and its strict JSON-lines parser."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields

LIST_FIELDS = ("aliases", "phones", "handles", "plates", "iins", "other_ids")
TEXT_FIELDS = ("full_name", "sex", "city", "region", "address", "description")
KNOWN_FIELDS = frozenset(("id", "birth_date", "age_at_incident", "incident_date", *LIST_FIELDS, *TEXT_FIELDS))

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class InputError(ValueError):
    """A mention line that cannot be used; names the 1-based line number, the reason and, where one
    field is to blame, that field (``column``)."""

    def __init__(self, line_no: int, reason: str, column: str | None = None) -> None:
        super().__init__(f"line {line_no}: {reason}")
        self.line_no = line_no
        self.reason = reason
        self.column = column


class Dropped:
    """What lenient parsing threw away: how many values of each field, and the first lines of each.

    A line is kept whole unless it cannot be read at all (not JSON, not an object, no id, a repeated
    id); a bad value in one field is dropped and counted here, and the rest of the line is used.
    """

    FIRST_LINES = 5

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.lines: dict[str, list[int]] = {}

    def add(self, column: str, line_no: int) -> None:
        self.counts[column] += 1
        first = self.lines.setdefault(column, [])
        if len(first) < self.FIRST_LINES and line_no not in first:
            first.append(line_no)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """One line for stderr, e.g. "dropped 64 values: birth_date 64 (lines 12, 40, …)"."""
        parts = []
        for column, n in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines = ", ".join(str(no) for no in self.lines[column])
            more = ", …" if n > len(self.lines[column]) else ""
            parts.append(f"{column} {n} (line{'s' if n > 1 else ''} {lines}{more})")
        return f"dropped {self.total} value{'s' if self.total != 1 else ''}: " + "; ".join(parts)


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


def mention_from_dict(obj: dict[str, object], line_no: int = 0, dropped: Dropped | None = None) -> Mention:
    """Validate one decoded object; raises InputError naming the field that is wrong.

    With ``dropped`` (lenient), a bad value is left out and counted there instead, and only a
    missing or unusable id raises.
    """

    def bad(name: str, reason: str) -> None:
        if dropped is None:
            raise InputError(line_no, reason, column=name)
        dropped.add(name, line_no)

    mid = obj.get("id")
    if mid is None:
        raise InputError(line_no, "no id", column="id")
    if not isinstance(mid, str) or not mid.strip():
        raise InputError(line_no, "id must be a non-empty string", column="id")
    kwargs: dict[str, object] = {"id": mid}
    for name in LIST_FIELDS:
        value = obj.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            bad(name, f"{name} must be a list of strings")
            continue
        good = [v for v in value if isinstance(v, str | int)]
        for _ in range(len(value) - len(good)):
            bad(name, f"{name} must be a list of strings")
        kwargs[name] = [str(v) for v in good if str(v).strip()]
    for name in TEXT_FIELDS:
        value = obj.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            bad(name, f"{name} must be a string")
            continue
        kwargs[name] = value
    for name in ("birth_date", "incident_date"):
        value = obj.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            bad(name, f"malformed date in {name}: not a string")
            continue
        try:
            check_partial_date(value)
        except ValueError as exc:
            bad(name, f"malformed date in {name}: {exc}")
            continue
        if name == "incident_date" and len(value) != 10:
            bad(name, "malformed date in incident_date: expected YYYY-MM-DD")
            continue
        kwargs[name] = value
    age = obj.get("age_at_incident")
    if age is not None:
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120:
            bad("age_at_incident", "age_at_incident must be an integer from 0 to 120")
        else:
            kwargs["age_at_incident"] = age
    return Mention(**kwargs)  # type: ignore[arg-type]


def parse_mentions(lines: Iterable[str], dropped: Dropped | None = None) -> tuple[list[Mention], set[str]]:
    """Parse JSON lines into mentions; returns (mentions, names of unknown fields seen).

    Blank lines are skipped. Raises InputError(line_no, reason) on a line that is not JSON, not an
    object, has no string id, repeats an id, or has a malformed date or a field of the wrong type.
    With ``dropped`` (lenient) the last two only drop that value and count it in ``dropped``.
    """
    unknown: set[str] = set()
    return list(iter_mentions(lines, unknown, dropped)), unknown


def iter_mentions(lines: Iterable[str], unknown: set[str], dropped: Dropped | None = None) -> Iterator[Mention]:
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
        mention = mention_from_dict(obj, line_no, dropped)
        if mention.id in seen:
            raise InputError(line_no, f"repeated id {mention.id!r}")
        seen.add(mention.id)
        unknown.update(k for k in obj if k not in KNOWN_FIELDS)
        yield mention
