"""The printable report: the dashboard's public sections and the map of the regions as a PDF, in
Kazakh, Russian or English."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from aigaq.lib.text import neutralise

from .charts import section_charts
from .filters import Filter
from .metrics import all_sections
from .regionmap import region_map

REPORT_LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
STYLESHEET = Path(__file__).resolve().parent / "static" / "css" / "insights-report.css"


def render_report(f: Filter, *, lang: str, figure: str = "incident") -> bytes:
    if lang not in REPORT_LANGUAGES:
        raise ValueError(f"the report exists in kk, ru and en, not {lang!r}")
    # WeasyPrint is imported here: it loads Pango and fonts, which the web pages never need.
    from weasyprint import CSS, HTML

    with translation.override(lang):
        sections = all_sections(f)
        html = render_to_string(
            "insights/report.html",
            {
                "filter": f,
                "sections": sections,
                "lang": lang,
                "generated": timezone.localdate(),
                "charts": section_charts(sections),
                "region_map": region_map(f, figure=figure, sections=sections),
            },
        )
    # No base_url: the document refers to nothing outside itself, so WeasyPrint fetches nothing.
    # Invisible and reordering characters become visible markers, as on the web pages.
    pdf: bytes = HTML(string=neutralise(html)).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
    return pdf
