"""Writes of insights: its downloads (the open-data exports and the PDF report), each recorded in
the audit log with the filter it was made for.

The audit row is the only write. It goes in its own short transaction once the download is built,
not in one around the building: on SQLite every transaction takes the write lock when it begins
(IMMEDIATE, settings), and a report takes seconds to render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from aigaq.accounts.models import User
from aigaq.audit.log import record
from aigaq.audit.models import Action

from . import exports
from .access import check_scope
from .filters import Filter
from .metrics import all_sections
from .report import render_report

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str


def _record(*, actor: User | None, action: Action, f: Filter, **extra: str) -> None:
    described: dict[str, Any] = {"since": str(f.since or ""), "until": str(f.until or ""), "region": f.region}
    with transaction.atomic():
        record(actor=actor, action=action, extra={**described, "by": f.by, **extra})


def insights_export(*, actor: User, f: Filter, fmt: str) -> Download:
    """The dashboard's public tables as CSV, xlsx or JSON (EXPORT_TYPES), audited."""
    if fmt not in EXPORT_TYPES:
        raise ValueError(f"insights are exported as {', '.join(EXPORT_TYPES)}, not {fmt!r}")
    check_scope(actor, f)
    sections = all_sections(f)
    if fmt == "csv":
        content = exports.to_csv(f, sections)
    elif fmt == "xlsx":
        content = exports.to_xlsx(f, sections)
    else:
        content = exports.to_json(f, sections).encode()
    _record(actor=actor, action=Action.EXPORTED, f=f, format=fmt)
    return Download(content, EXPORT_TYPES[fmt], f"aigaq-insights.{fmt}")


def report_download(*, actor: User, f: Filter, lang: str, figure: str = "incident") -> Download:
    """The printable report in `lang` (report.REPORT_LANGUAGES), its map coloured by `figure`, audited."""
    check_scope(actor, f)
    pdf = render_report(f, lang=lang, figure=figure)
    _record(actor=actor, action=Action.REPORT_DOWNLOADED, f=f, lang=lang)
    return Download(pdf, "application/pdf", f"aigaq-report-{lang}.pdf")


def report_print(*, f: Filter, lang: str, figure: str = "incident") -> bytes:
    """The report for `aigaq report` on the server: no user, any organisations; audited as the command's."""
    pdf = render_report(f, lang=lang, figure=figure)
    _record(actor=None, action=Action.REPORT_DOWNLOADED, f=f, lang=lang, command="report")
    return pdf
