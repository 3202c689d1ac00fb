"""Open-data exports of the dashboard's tables: CSV, xlsx or JSON.

They hold exactly what the dashboard shows after suppression, for the public tables only (the
police-unit table names places below city level and stays on the dashboard). Groups are years,
regions, urban/rural, GBVIMS types or cities; no case code, no name, no date finer than a year.
The filter's own period is whole months (`filters`).

CSV and xlsx are written by `aigaq.lib.sheets`: UTF-8 with a byte order mark, and no text cell that
a spreadsheet would run as a formula. The xlsx has the same rows, with labelled columns in the
user's language, a shown count as a number and a suppressed one as its text ("<5", "x"), and a
second sheet with the filter.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aigaq.lib.sheets import Value, csv_bytes, xlsx_bytes
from aigaq.lib.text import neutralise

from .filters import Filter
from .metrics import Section, public_tables
from .sections.tables import by_label

CSV_HEADER = (
    "section",
    "table",
    "group_by",
    "group",
    "group_label",
    "measure",
    "measure_label",
    "value",
    "suppressed",
)


def export_rows(f: Filter, sections: list[Section]) -> list[dict[str, Any]]:
    rows = []
    for section, table in public_tables(sections):
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                rows.append(
                    {
                        "section": section.key,
                        "table": table.key,
                        "group_by": table.group_key or f.by,
                        "group": "total" if row.is_total else row.key,
                        "group_label": row.label,
                        "measure": column.key,
                        "measure_label": column.label,
                        "value": cell.value,
                        "text": cell.text,
                        "suppressed": "" if not cell.suppressed else cell.state,
                    }
                )
    return rows


def metadata(f: Filter) -> dict[str, Any]:
    return {
        "period": f.period_label(),
        "region": f.region_label(),
        "organisations": f.organisation_label(),
        "breakdown": f.by,
        "generated": timezone.localdate().isoformat(),
        "suppression": "counts 1-4 shown as <5; x: hidden so no small count can be worked out from totals",
    }


def to_csv(f: Filter, sections: list[Section]) -> bytes:
    rows: list[list[Value]] = [list(CSV_HEADER)]
    for row in export_rows(f, sections):
        rows.append([row[k] if k != "value" else row["text"] for k in CSV_HEADER])
    return csv_bytes(rows)  # invisible characters shown, formulas defused (an organisation's name…)


def to_xlsx(f: Filter, sections: list[Section]) -> bytes:
    header: list[Value] = [
        _("Section"), _("Table"), _("Group"), _("Measure"), _("Value"), _("Suppressed"),
        "section", "table", "group_by", "group", "measure",
    ]
    suppressed = {"small": _("fewer than 5"), "hidden": _("hidden")}
    rows: list[list[Value]] = [header]
    titles = {s.key: s.title for s in sections}
    tables = {t.key: t.title for s in sections for t in s.tables}
    for row in export_rows(f, sections):
        rows.append([
            titles.get(row["section"], row["section"]),
            tables.get(row["table"], row["table"]),
            row["group_label"],
            row["measure_label"],
            _number_or_text(row["value"], row["text"]),
            suppressed.get(row["suppressed"], row["suppressed"]),
            row["section"], row["table"], row["group_by"], row["group"], row["measure"],
        ])
    meta = metadata(f)
    about: list[list[Value]] = [
        [_("Filter"), ""],
        [_("Period"), meta["period"]],
        [_("Region"), meta["region"]],
        [_("Organisation"), meta["organisations"]],
        [_("Break down by"), by_label(f.by)],
        [_("Prepared on"), meta["generated"]],
        [_("Small cells"), suppression_note()],
    ]
    return xlsx_bytes([(_("Figures"), rows), (_("Filter"), about)])


def _number_or_text(value: float | int | None, text: str) -> Value:
    """A shown count or measure as a number; a suppressed cell, a share ("12.5%") or a range of days
    ("3–5") as the text the dashboard shows."""
    if value is not None and text == (f"{value:g}" if isinstance(value, float) else str(value)):
        return value
    return text


def suppression_note() -> str:
    """The dashboard's legend of the suppressed cells, in the active language."""
    return _(
        "“<5”: fewer than 5 cases. “x”: hidden so that a small number cannot be worked out from the totals. "
        "“–”: nothing to compute."
    )


def to_json(f: Filter, sections: list[Section]) -> str:
    return neutralise(
        json.dumps({"filter": metadata(f), "rows": export_rows(f, sections)}, ensure_ascii=False, indent=1)
    )
