from __future__ import annotations

from django import template

from aigaq.cases.models import Case
from aigaq.documents.selectors import DocumentRow, documents_of

register = template.Library()


@register.simple_tag
def case_documents(case: Case) -> list[DocumentRow]:
    """The case's documents for the block on the case page (the page already checked access)."""
    return documents_of(case)

