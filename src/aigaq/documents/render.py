"""A filled template as an editable .docx (python-docx) and as a PDF (WeasyPrint, as the insights
report). Both are built from the same paragraphs, so they say the same thing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from aigaq.lib.text import neutralise

from .catalogue import BLOCKS, PLACEHOLDER, DocTemplate
from .fields import Filled

STYLESHEET = Path(__file__).resolve().parent / "static" / "css" / "document.css"


@dataclass(frozen=True)
class Part:
    text: str = ""
    items: tuple[str, ...] = ()  # a list (events, evidence, legal basis) in place of a paragraph


@dataclass(frozen=True)
class Rendered:
    title: str
    addressee: str
    parts: tuple[Part, ...]
    footer: tuple[str, ...]


def compose(doc: DocTemplate, filled: Filled, *, lang: str) -> Rendered:
    """The document's text in `lang` (the caller has activated it, for the footer's strings)."""
    parts = []
    for paragraph in doc.body[lang]:
        name = paragraph.strip()[1:-1]
        if paragraph.strip() == f"{{{name}}}" and name in BLOCKS:
            parts.append(Part(items=tuple(filled.blocks[name])))
        else:
            parts.append(Part(text=PLACEHOLDER.sub(lambda m: filled.values[m.group(1)], paragraph)))
    parts.append(Part(text=f"{filled.values['today']}    ____________________"))
    footer = [_("Prepared with Aigaq from case %(case)s on %(day)s.") % {
        "case": filled.values["case_ref"], "day": filled.values["today"]}]
    if doc.unverified:
        footer.append(_("Unverified, check against the current law before filing: %(refs)s.") % {
            "refs": "; ".join(b.text[lang] for b in doc.unverified)})
    return Rendered(title=doc.title[lang], addressee=doc.addressee[lang], parts=tuple(parts),
                    footer=tuple(footer))


def starter(doc: DocTemplate, *, lang: str) -> Rendered:
    """The built-in text with its placeholders as they are: a .docx for a coordinator to start from."""
    return Rendered(title=doc.title[lang], addressee=doc.addressee[lang],
                    parts=tuple(Part(text=p) for p in doc.body[lang]), footer=("",))


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
        if part.items:
            for item in part.items:
                document.add_paragraph(item, style="List Bullet")
        else:
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

    html = render_to_string("documents/document.html", {"doc": rendered, "lang": lang})
    # No base_url: the document refers to nothing outside itself. Invisible and reordering
    # characters (in her words, the officer's) become visible markers, as on the web pages.
    pdf: bytes = HTML(string=neutralise(html)).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
    return pdf
