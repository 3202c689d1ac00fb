"""The case list as a spreadsheet (xlsx or CSV): the list she sees, with its saved view, filters
and sort, one row per case, the columns the list shows, labelled in her language.

What it holds follows the list's display, not the case page: the case's short code, the incident's
first date, its region, the stage, the flags, the next hearing and the last activity. No name,
pseudonym, contact, account or suspect identifier: the list shows none, and a file on a laptop is
a copy that Aigaq can no longer protect or erase. The rows are `listing.case_list`'s, so a
caseworker's export holds only the cases she has a place on, as her list does.

The filters come in the body of a POST, not in the address (the search may be a suspect's name);
the view asks for a fresh step-up first, and the export is audited with the filters' codes and the
number of rows (never the search text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aigaq import i18n, reference
from aigaq.accounts.models import User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.lib.sheets import Value, csv_bytes, xlsx_bytes

from . import listing
from .models import Case
from .pathway import STAGES
from .selectors import repeat_case_ids

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The filters recorded in the audit entry: codes and dates only, never the search text.
AUDITED_FILTERS = ("stage", "region", "since", "until", "flag", "view", "sort")


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str
    rows: int


def header() -> list[Value]:
    return [_("Code"), _("Incident"), _("Region"), _("Stage"), _("Flags"), _("Next hearing"), _("Last activity")]


def _rows(actor: User, filters: dict[str, Any], today: dt.date) -> Iterator[list[Value]]:
    stages = dict(STAGES)
    repeat = repeat_case_ids(actor)
    cases = listing.case_list(actor, today=today, **filters)
    for chunk in _chunks(cases.iterator(chunk_size=2000), 2000):
        for row in listing.case_rows(chunk, today=today, repeat=repeat):
            case, incident = row.case, row.case.incident  # every case has its incident from intake
            yield [
                case.short_code,
                incident.date_from,
                i18n.label(reference.regions(), incident.region),
                str(stages.get(row.derived.stage, row.derived.stage)),
                "; ".join(label for _kind, label in listing.shown_flags(row.derived, row.repeat_suspect)),
                case.next_hearing_on,
                timezone.localdate(case.last_activity_at) if case.last_activity_at else None,
            ]


def _chunks(items: Iterator[Case], size: int) -> Iterator[list[Case]]:
    chunk: list[Case] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def case_list_export(*, actor: User, filters: dict[str, Any], fmt: str, today: dt.date | None = None) -> Export:
    """Her case list for `filters` (CaseFilterForm's cleaned data) as EXPORT_TYPES[fmt], audited."""
    if fmt not in EXPORT_TYPES:
        raise ValueError(f"the case list is exported as {', '.join(EXPORT_TYPES)}, not {fmt!r}")
    today = today or timezone.localdate()
    rows = [header(), *_rows(actor, filters, today)]
    content = csv_bytes(rows) if fmt == "csv" else xlsx_bytes([(_("Cases"), rows)])
    described = {k: str(filters.get(k) or "") for k in AUDITED_FILTERS}
    with transaction.atomic():
        record(actor=actor, action=Action.CASES_EXPORTED,
               extra={**described, "search": bool(filters.get("q")), "format": fmt, "rows": len(rows) - 1})
    return Export(content, EXPORT_TYPES[fmt], f"aigaq-cases-{today:%Y-%m-%d}.{fmt}", len(rows) - 1)
