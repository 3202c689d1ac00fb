"""A coordinator's own .docx for a document: checked, then filled in place of the built-in text.

The .docx uses the same placeholders as the built-in templates (`{kui_number}`, `{survivor_gen}`,
... FIELDS in catalogue.py); `{events}`, `{evidence}` and `{legal_basis}` alone in a paragraph
become one paragraph per entry, in that paragraph's style. A placeholder is found only when it is
typed in one go: Word may split a word it marks as misspelt into several runs, so a paragraph is
filled as a whole and keeps the formatting of its first run.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from .catalogue import BLOCKS, FIELDS
from .fields import Filled

MAX_BYTES = 2 * 1024 * 1024
ANY_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


class UploadRefused(ValueError):
    """Not a readable .docx, or it names placeholders that do not exist (`unknown`)."""

    def __init__(self, unknown: tuple[str, ...] = ()) -> None:
        super().__init__(", ".join(unknown) or "not a .docx")
        self.unknown = unknown


def _open(data: bytes) -> Any:
    from docx import Document

    if len(data) > MAX_BYTES or not data.startswith(b"PK\x03\x04"):
        raise UploadRefused()
    try:
        return Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UploadRefused() from exc


def _paragraphs(document: Any) -> Iterator[Any]:
    """Every paragraph: the body, table cells, and each section's header and footer."""
    def walk(container: Any) -> Iterator[Any]:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(document)
    for section in document.sections:
        yield from walk(section.header)
        yield from walk(section.footer)


def placeholders_of(data: bytes) -> set[str]:
    """The placeholders the .docx names; UploadRefused if it is not a .docx or names unknown ones."""
    document = _open(data)
    named = {name for p in _paragraphs(document) for name in ANY_PLACEHOLDER.findall(p.text)}
    unknown = tuple(sorted(named - FIELDS - BLOCKS))
    if unknown:
        raise UploadRefused(unknown)
    return named


def _set_text(paragraph: Any, text: str) -> None:
    runs = paragraph.runs
    if not runs:
        paragraph.add_run(text)
        return
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def fill_upload(data: bytes, filled: Filled, footer: tuple[str, ...]) -> tuple[bytes, list[str]]:
    """The uploaded .docx filled in, with the footer lines added; and its paragraphs' text (for the PDF)."""
    document = _open(data)
    for paragraph in list(_paragraphs(document)):
        text = paragraph.text
        if not ANY_PLACEHOLDER.search(text):
            continue
        alone = text.strip()[1:-1]
        if text.strip() == f"{{{alone}}}" and alone in BLOCKS:
            items = filled.blocks[alone]
            _set_text(paragraph, items[0] if items else "")
            anchor = paragraph._p
            for item in items[1:]:
                clone = copy.deepcopy(paragraph._p)
                anchor.addnext(clone)
                anchor = clone
                from docx.text.paragraph import Paragraph

                _set_text(Paragraph(clone, paragraph._parent), item)
            continue

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            return "; ".join(filled.blocks[name]) if name in BLOCKS else filled.values.get(name, match.group(0))

        _set_text(paragraph, ANY_PLACEHOLDER.sub(value, text))
    section_footer = document.sections[0].footer
    for line in footer:
        section_footer.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    return out.getvalue(), lines
