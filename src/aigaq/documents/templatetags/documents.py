from __future__ import annotations

from typing import Any

from django import template

from aigaq.cases.models import Case
from aigaq.documents.selectors import DocumentRow, documents_of
from aigaq.documents.services import may_make

register = template.Library()


@register.simple_tag
def case_documents(case: Case) -> list[DocumentRow]:
    """The case's documents for the block on the case page (the page already checked access)."""
    return documents_of(case)



@register.simple_tag(takes_context=True)
def may_make_documents(context: dict[str, Any], case: Case) -> bool:
    request = context.get("request")
    return request is not None and request.user.is_authenticated and may_make(request.user, case)
