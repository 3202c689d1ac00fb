"""A filled template as the parts of a document; aigaq.formats.paper makes the .docx and the PDF
from them (`to_docx`, `to_pdf`), so both say the same thing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aigaq.formats.paper import Part, Rendered

from .catalogue import BLOCKS, PLACEHOLDER, DocTemplate
from .fields import Filled


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
