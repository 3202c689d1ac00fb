"""Open-data exports of the dashboard's tables, CSV or JSON.

They hold exactly what the dashboard shows after suppression, for the public tables only (the
police-unit table names places below city level and stays on the dashboard). Groups are years,
regions, urban/rural, GBVIMS types or cities; no case code, no name, no date finer than a year.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils import timezone

from aigaq.lib.text import neutralise

from .filters import Filter
from .metrics import Section, public_tables

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


def to_csv(f: Filter, sections: list[Section]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in export_rows(f, sections):
        writer.writerow(
            [
                row["section"],
                row["table"],
                row["group_by"],
                row["group"],
                row["group_label"],
                row["measure"],
                row["measure_label"],
                row["text"],
                row["suppressed"],
            ]
        )
    return neutralise(out.getvalue())  # an organisation's or a place's name could hold an override


def to_json(f: Filter, sections: list[Section]) -> str:
    return neutralise(
        json.dumps({"filter": metadata(f), "rows": export_rows(f, sections)}, ensure_ascii=False, indent=1)
    )
