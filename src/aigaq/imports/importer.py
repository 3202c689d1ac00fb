"""Checking a sheet's rows and importing them as cases.

`plan()` reads every row with the chosen mapping and names each problem with its sheet, row, column
and reason (in the active language); nothing is written. `import_cases()` writes the rows of a plan
through the cases' bulk path (`cases.bulk.cases_create_bulk`), which leaves each case as
`case_create` and `pathway_event_add` would (encryption, search tokens, summary, figures, matching
and the audit apply to imported cases as to typed ones), all in one transaction:
by default a plan with any problem writes nothing; `skip_bad_rows` writes the good rows (the bad
ones go to an error sheet, `error_sheet()`); `lenient` keeps a row and drops only its bad values
(a required value cannot be dropped). A row whose reference the organisation already imported is
left alone, so importing the same file again creates nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aigaq import reference
from aigaq.accounts.members import acting_member
from aigaq.accounts.models import Organisation, User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.cases.bulk import NewCase, cases_create_bulk
from aigaq.cases.inputs import IncidentInput, SurvivorInput, SuspectInput
from aigaq.lib.sheets import xlsx_bytes

from . import values as v
from .columns import BY_KEY, COLUMNS, KEYS, is_label_row
from .models import ImportedCase
from .reader import Sheet

PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": v.text, "date": v.parse_date, "region": v.parse_region, "city": v.parse_city, "gbv": v.parse_gbv,
    "phone": v.parse_phone, "bool": v.parse_bool, "article": v.parse_article, "verdict": v.parse_verdict,
    "area": v.parse_area, "place": v.parse_place,
}
MAX_LENGTH = {"external_ref": 100, "survivor_pseudonym": 40}
CONSENT_KEYS = ("consent_matching", "consent_statistics", "consent_services")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str  # the column's letter and its header, as the sheet shows it
    reason: str

    def __str__(self) -> str:
        return _("%(sheet)s, row %(row)s, column %(column)s: %(reason)s") % {
            "sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class Row:
    number: int
    cells: list[Any]
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # keys of values dropped (lenient)
    already: bool = False  # its reference was imported before


@dataclass
class Plan:
    sheet: Sheet
    mapping: list[str]  # the column key of each of the sheet's columns, "" for a column left out
    rows: list[Row]
    problems: list[Problem] = field(default_factory=list)  # of the sheet itself (a required column missing)

    @property
    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for row in self.rows for p in row.problems)]

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.problems]

    @property
    def new_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.problems and not row.already]

    @property
    def dropped(self) -> Counter[str]:
        return Counter(key for row in self.rows for key in row.dropped)


@dataclass
class Options:
    skip_bad_rows: bool = False
    lenient: bool = False
    dry_run: bool = False
    # Consents for rows whose sheet has no column for them: none unless given.
    consent_matching: bool = False
    consent_statistics: bool = False
    consent_services: bool = False


@dataclass
class Result:
    created: int = 0
    already: int = 0
    skipped: int = 0  # bad rows left out (skip_bad_rows)
    written: bool = False
    problems: list[Problem] = field(default_factory=list)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_name(sheet: Sheet, index: int) -> str:
    header = sheet.headers[index] if index < len(sheet.headers) else ""
    return f"{column_letter(index)} ({header})" if header else column_letter(index)


def plan(sheet: Sheet, mapping: Sequence[str], *, organisation: Organisation, lenient: bool = False,
         progress: Callable[[int], object] | None = None) -> Plan:
    """Checks every row (see the module's docstring); `progress(n)`: n rows checked so far."""
    mapping = [(m if m in BY_KEY else "") for m in list(mapping) + [""] * (len(sheet.headers) - len(mapping))]
    rows = list(sheet.rows)
    if rows and is_label_row(rows[0][1], mapping):
        rows = rows[1:]  # the template's row of labels
    result = Plan(sheet=sheet, mapping=mapping, rows=[Row(number=n, cells=c) for n, c in rows])
    for column in COLUMNS:
        if column.required and column.key not in mapping:
            reason = _("No column is chosen for “%(label)s”, which is required.") % {"label": column.label}
            result.problems.append(Problem(sheet.name, 1, "—", reason))
    imported = set(ImportedCase.objects.filter(organisation=organisation).values_list("external_ref", flat=True))
    seen: dict[str, int] = {}
    for done, row in enumerate(result.rows, 1):
        _check_row(sheet, mapping, row, lenient=lenient)
        if progress is not None:
            progress(done)
        ref = row.values.get("external_ref")
        if not ref:
            continue
        if ref in seen:
            row.problems.append(Problem(sheet.name, row.number, _column_name(sheet, mapping.index("external_ref")),
                                        _("The reference “%(ref)s” is already on row %(row)s.")
                                        % {"ref": ref, "row": seen[ref]}))
        else:
            seen[ref] = row.number
        row.already = ref in imported
    return result


def _check_row(sheet: Sheet, mapping: Sequence[str], row: Row, *, lenient: bool) -> None:
    where: dict[str, int] = {}
    for index, key in enumerate(mapping):
        if not key:
            continue
        where[key] = index
        column = BY_KEY[key]
        cell = row.cells[index] if index < len(row.cells) else None
        if cell is None or v.text(cell) == "":
            if column.required:
                row.problems.append(Problem(sheet.name, row.number, _column_name(sheet, index),
                                            _("This cell is required and is empty.")))
            continue
        try:
            value = PARSERS[column.kind](cell)
            if key in MAX_LENGTH and len(value) > MAX_LENGTH[key]:
                raise v.Bad(_("This is longer than %(max)s characters.") % {"max": MAX_LENGTH[key]})
        except v.Bad as bad:
            if lenient and not column.required:
                row.dropped.append(key)
            else:
                row.problems.append(Problem(sheet.name, row.number, _column_name(sheet, index), bad.reason))
            continue
        row.values[key] = value
    city, region = row.values.get("city", ("", ""))[0], row.values.get("region")
    found = reference.city(city) if city else None
    if found is not None and region and found.region != region:
        _value_problem(sheet, row, "city", where, lenient, _("This city is not in the region given in this row."))
    if "verdict" in row.values and "verdict_date" not in row.values:
        _value_problem(sheet, row, "verdict", where, lenient,
                       _("A verdict needs its date (the column of the date of the verdict)."))


def _value_problem(sheet: Sheet, row: Row, key: str, where: dict[str, int], lenient: bool, reason: str) -> None:
    if lenient:
        row.values.pop(key, None)
        row.dropped.append(key)
    else:
        row.problems.append(Problem(sheet.name, row.number, _column_name(sheet, where[key]), reason))


def _new_case(row: Row, options: Options) -> NewCase:
    """The case a row becomes, as the intake form and the events' forms would make it."""
    values = row.values
    city, settlement = values.get("city", ("", ""))
    found = reference.city(city) if city else None
    area = values.get("area") or ("rural" if found is not None and not found.urban else "urban")
    incident = IncidentInput(
        date_from=values["incident_date"], region=values["region"], city=city, settlement=settlement,
        area=area, place_type=values.get("place_type", "other"), gbv_type=values["violence_type"],
    )
    consents = {key: values.get(key, getattr(options, key)) for key in CONSENT_KEYS}
    survivor = SurvivorInput(pseudonym=values.get("survivor_pseudonym", ""), **consents)
    suspects = []
    if any(values.get(k) for k in ("suspect_name", "suspect_phone", "suspect_handle")):
        suspects.append(SuspectInput(full_name=values.get("suspect_name", ""), phones=values.get("suspect_phone", ""),
                                     handles=values.get("suspect_handle", "")))
    article = values.get("article", "")
    wanted: list[tuple[str, str, dict[str, Any]]] = [
        ("police_contacted_date", "police_contacted", {}),
        ("report_refused_date", "report_refused", {"reason": "other"}),
        ("report_registered_date", "report_registered", {"initial_article": article}),
        ("verdict_date", "verdict", {"outcome": values.get("verdict", ""), "article": article}),
    ]
    events = [(event_type, values[date_key], data) for date_key, event_type, data in wanted
              if date_key in values and (event_type != "verdict" or values.get("verdict"))]
    return NewCase(survivor=survivor, incident=incident, suspects=suspects, events=events)


def import_cases(
    *, actor: User, plan: Plan, options: Options, progress: Callable[[int], object] | None = None,
) -> Result:
    """Writes the plan's new rows as cases (see the module's docstring for what is written when),
    through the cases' bulk path (`cases.bulk`): each case as a typed one, in one transaction."""
    member = acting_member(actor)
    result = Result(problems=plan.all_problems, already=sum(1 for r in plan.rows if r.already and not r.problems))
    if plan.problems or (plan.bad_rows and not options.skip_bad_rows):
        return result
    rows = plan.new_rows
    result.skipped = len(plan.bad_rows)
    if options.dry_run:
        result.created = len(rows)
        return result
    with transaction.atomic():
        cases = cases_create_bulk(actor=actor, cases=[_new_case(row, options) for row in rows], progress=progress)
        ImportedCase.objects.bulk_create(
            (ImportedCase(organisation=member.organisation, external_ref=row.values["external_ref"], case=case)
             for row, case in zip(rows, cases, strict=True)),
            batch_size=1000,
        )
        record(actor=actor, action=Action.CASES_IMPORTED, organisation_code=member.organisation.code,
               extra={"created": len(rows), "skipped": result.skipped, "already": result.already,
                      "columns": [k for k in plan.mapping if k], "dropped": dict(plan.dropped)})
    result.created = len(rows)
    result.written = True
    return result


def _sheet_bytes(rows: Sequence[Sequence[Any]], title: str) -> bytes:
    return xlsx_bytes([(title, rows)])  # text cells are never formulas (aigaq.lib.sheets)


def error_sheet(plan: Plan) -> bytes:
    """The bad rows as they were, with one more column saying what is wrong: to fix and import again."""
    header = [*plan.sheet.headers, _("Errors")]
    rows: list[list[Any]] = [header]
    for row in plan.bad_rows:
        cells = [_cell(c) for c in row.cells]
        rows.append([*cells, "; ".join(f"{p.column}: {p.reason}" for p in row.problems)])
    return _sheet_bytes(rows, _("Errors"))


def _cell(value: Any) -> Any:
    return value if value is None or isinstance(value, (int, float, str)) or hasattr(value, "isoformat") else str(value)


def template() -> bytes:
    """The template: the column keys in its first row, their labels (active language) in the second."""
    return _sheet_bytes([list(KEYS), [str(BY_KEY[k].label) for k in KEYS]], "Aigaq")
