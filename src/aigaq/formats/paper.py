"""A document as an editable .docx (python-docx) and as a PDF (WeasyPrint), built from the same
parts so that both say the same thing. The lawyer's documents (aigaq.documents) and the abuse
log's reports (aigaq.abuse) are made here; the page's HTML is templates/paper/document.html."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string

from aigaq.lib.text import neutralise

STYLESHEET = Path(__file__).resolve().parent / "paper.css"


@dataclass(frozen=True)
class Part:
    text: str = ""
    items: tuple[str, ...] = ()  # a list (events, evidence, legal basis) in place of a paragraph
    heading: str = ""  # a heading before the paragraph or list (one entry of a report, say)


@dataclass(frozen=True)
class Rendered:
    title: str
    addressee: str
    parts: tuple[Part, ...]
    footer: tuple[str, ...]


def to_docx(rendered: Rendered) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    if rendered.addressee:
        addressee = document.add_paragraph(rendered.addressee)
        addressee.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if rendered.title:
        document.add_heading(rendered.title, level=1)
    for part in rendered.parts:
        if part.heading:
            document.add_heading(part.heading, level=2)
        if part.items:
            for item in part.items:
                document.add_paragraph(item, style="List Bullet")
        elif part.text or not part.heading:
            document.add_paragraph(part.text)
    footer = document.sections[0].footer
    footer.paragraphs[0].text = rendered.footer[0]
    for line in rendered.footer[1:]:
        footer.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(rendered: Rendered, *, lang: str) -> bytes:
    # WeasyPrint is imported here: it loads Pango and fonts, which the web pages never need.
    from weasyprint import CSS, HTML

    html = render_to_string("paper/document.html", {"doc": rendered, "lang": lang})
    # No base_url: the document refers to nothing outside itself. Invisible and reordering
    # characters (in her words, the officer's) become visible markers, as on the web pages.
    pdf: bytes = HTML(string=neutralise(html)).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
    return pdf
